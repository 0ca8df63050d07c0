"""A message may name where replies go (a chapter's contact address), sent as its Reply-To header."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outboxmessage_volunteer_message_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="reply_to",
            field=models.EmailField(
                blank=True,
                help_text="Where replies go, if not to the sender address of the site.",
                max_length=254,
                verbose_name="reply address",
            ),
        ),
    ]
