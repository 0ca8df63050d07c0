import pytest
from django.contrib.auth.models import AnonymousUser

from outreach.enums import Role

from .factories import ChapterFactory, MembershipFactory, ShiftFactory, UserFactory


@pytest.fixture
def chapter(db):
    return ChapterFactory(slug="chicago", name="Chicago", timezone="America/Chicago")


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(slug="berlin", name="Berlin", timezone="Europe/Berlin", city="Berlin", country="DE")


@pytest.fixture
def lead(chapter):
    return MembershipFactory(chapter=chapter, role=Role.LEAD, user__email="lead@example.org").user


@pytest.fixture
def coordinator(chapter):
    return MembershipFactory(chapter=chapter, role=Role.COORDINATOR, user__email="coordinator@example.org").user


@pytest.fixture
def member(chapter):
    return MembershipFactory(chapter=chapter, role=Role.MEMBER, user__email="member@example.org").user


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def other_lead(other_chapter):
    return MembershipFactory(chapter=other_chapter, role=Role.LEAD, user__email="other-lead@example.org").user


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.org", is_staff=True)


@pytest.fixture
def shift(chapter):
    return ShiftFactory(event__chapter=chapter, capacity=2)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def persona(request):
    """Look a persona fixture up by name, for tables that read like the matrix of docs/product.md."""

    def get(name):
        return request.getfixturevalue(name)

    return get
