from django.apps import AppConfig


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = "Organization"

    def ready(self):
        # Imported here: receivers import services and models, which need the app registry ready.
        from . import receivers

        receivers.connect()
