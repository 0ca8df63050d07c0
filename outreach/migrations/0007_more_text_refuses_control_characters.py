"""The language, links, recurrence rule and country refuse control characters too (issue #11, item 1)."""

from django.db import migrations, models

import outreach.validators


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0006_feed_versions_chapter_sequence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="chapter",
            name="country",
            field=models.CharField(
                blank=True,
                help_text="ISO 3166 two-letter code.",
                max_length=2,
                validators=[outreach.validators.validate_single_line],
                verbose_name="country",
            ),
        ),
        migrations.AlterField(
            model_name="partner",
            name="website",
            field=models.URLField(
                blank=True, validators=[outreach.validators.validate_single_line], verbose_name="website"
            ),
        ),
    ]
