"""
The volunteer's own text (profile, and the display name asked at signup) refuses control characters
beside the field, and nothing is saved (issue #11, item 1).
"""

import pytest
from django.core import mail
from django.urls import reverse

from outreach.models import User

VT, NEL, NUL = "\x0b", "\x85", "\x00"
CHARACTERS = [VT, NUL, NEL, "\x01", "\x7f", "\x9f", "\n", "\t"]
"""A lone surrogate cannot travel in a form, whose body is UTF-8."""
PROFILE = {"display_name": "Night Owl", "legal_name": "Ada Lovelace", "phone": "+1 312 555 0100"}
NEW_PASSWORD = "a long and new passphrase 42"


def refusal(character: str, position: int) -> str:
    """outreach.validators' message for `character` at `position`, spelled out."""
    if character in "\t\n\r":
        return f"Keep this to one line: remove the line break or tab at position {position}."
    return f"Remove the invisible control character U+{ord(character):04X} at position {position}."


@pytest.mark.parametrize("field", ["display_name", "legal_name", "phone"])
@pytest.mark.parametrize("character", CHARACTERS, ids=lambda character: f"U+{ord(character):04X}")
def test_profile_text_with_a_control_character_is_refused_beside_the_field(client, outsider, field, character):
    client.force_login(outsider)
    before = User.objects.filter(pk=outsider.pk).values().get()

    response = client.post(reverse("profile"), {**PROFILE, field: f"Open{character}night"})

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [refusal(character, 5)]}
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in response.text
    assert User.objects.filter(pk=outsider.pk).values().get() == before


def test_profile_with_plain_text_is_saved(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("profile"), {**PROFILE, "display_name": "Zoë\u00a0O\u2019Neil"})

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.display_name == "Zoë\u00a0O\u2019Neil"


@pytest.mark.parametrize("character", CHARACTERS, ids=lambda character: f"U+{ord(character):04X}")
def test_signup_display_name_with_a_control_character_is_refused_and_no_account_made(client, db, character):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "display_name": f"Open{character}night",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"display_name": [refusal(character, 5)]}
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []
