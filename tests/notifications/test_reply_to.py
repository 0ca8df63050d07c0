"""Where replies to a lead's message go: the chapter's contact address, else the site's, never the lead's."""

import pytest
from django.core import mail

from events.messages import record_volunteer_message
from notifications.models import OutboxMessage
from outreach.models import Chapter

from ..factories import SignupFactory


@pytest.mark.parametrize(
    ("from_email", "site_address"),
    [("Outreach <noreply@localhost>", "noreply@localhost"), ("outreach@example.org", "outreach@example.org")],
    ids=["with a name", "bare"],
)
def test_reply_to_is_the_site_address_when_the_chapter_has_none(
    settings, place, volunteers, committed, from_email, site_address
):
    settings.DEFAULT_FROM_EMAIL = from_email
    Chapter.objects.filter(pk=place["chapter"].pk).update(contact_email="")
    place["event"].chapter.refresh_from_db()
    SignupFactory(shift=place["shift"], user=volunteers[0])

    sent = committed(
        record_volunteer_message,
        event=place["event"],
        sender=place["lead"],
        subject="Parking",
        body="Use the back entrance.",
        include_waitlisted=False,
    )

    assert sent == 1
    assert list(OutboxMessage.objects.values_list("email", "reply_to")) == [("v1@example.org", site_address)]
    [email] = mail.outbox
    assert (email.to, email.reply_to, email.from_email) == (["v1@example.org"], [site_address], from_email)
    assert place["lead"].email not in email.message().as_string()


def test_reply_to_is_the_chapter_contact_address_when_it_has_one(settings, place, volunteers, committed):
    settings.DEFAULT_FROM_EMAIL = "Outreach <noreply@localhost>"
    Chapter.objects.filter(pk=place["chapter"].pk).update(contact_email="contact@example.org")
    place["event"].chapter.refresh_from_db()
    SignupFactory(shift=place["shift"], user=volunteers[0])

    committed(
        record_volunteer_message,
        event=place["event"],
        sender=place["lead"],
        subject="Parking",
        body="Use the back entrance.",
        include_waitlisted=False,
    )

    assert list(OutboxMessage.objects.values_list("email", "reply_to")) == [("v1@example.org", "contact@example.org")]
    [email] = mail.outbox
    assert email.reply_to == ["contact@example.org"]
