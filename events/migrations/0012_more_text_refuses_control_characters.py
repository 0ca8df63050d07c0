"""The language, links, recurrence rule and country refuse control characters too (issue #11, item 1)."""

from django.db import migrations, models

import outreach.validators


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_calendar_revisions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="language",
            field=models.CharField(
                default="en",
                help_text="Language code, e.g. en.",
                max_length=16,
                validators=[outreach.validators.validate_single_line],
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="online_url",
            field=models.URLField(
                blank=True,
                max_length=500,
                validators=[outreach.validators.validate_single_line],
                verbose_name="online link",
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="language",
            field=models.CharField(
                default="en",
                help_text="Language code, e.g. en.",
                max_length=16,
                validators=[outreach.validators.validate_single_line],
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="online_url",
            field=models.URLField(
                blank=True,
                max_length=500,
                validators=[outreach.validators.validate_single_line],
                verbose_name="online link",
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="recurrence",
            field=models.CharField(
                help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=12.",
                max_length=500,
                validators=[outreach.validators.validate_single_line],
                verbose_name="recurrence rule",
            ),
        ),
    ]
