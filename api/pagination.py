from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Numbered pages; `page_size` may be asked for up to API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    invalid_page_message = _("Invalid page “{page_number}”: {message}")
    max_page_size = settings.API_MAX_PAGE_SIZE
