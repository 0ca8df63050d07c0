"""Text fields refuse control characters (outreach.validators): one U+000B broke a whole feed."""

from django.db import migrations, models

import outreach.validators


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0004_user_notification_preferences"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="description",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="name",
            field=models.CharField(
                max_length=120, validators=[outreach.validators.validate_single_line], verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="chapter",
            name="city",
            field=models.CharField(
                blank=True, max_length=120, validators=[outreach.validators.validate_single_line], verbose_name="city"
            ),
        ),
        migrations.AlterField(
            model_name="chapter",
            name="description",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="chapter",
            name="help_line",
            field=models.CharField(
                blank=True,
                help_text="Shown on event pages and in messages, e.g. a national trafficking hotline number.",
                max_length=300,
                validators=[outreach.validators.validate_single_line],
                verbose_name="help and hotline line",
            ),
        ),
        migrations.AlterField(
            model_name="chapter",
            name="name",
            field=models.CharField(
                max_length=120, validators=[outreach.validators.validate_single_line], verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="chapter",
            name="region",
            field=models.CharField(
                blank=True, max_length=120, validators=[outreach.validators.validate_single_line], verbose_name="region"
            ),
        ),
        migrations.AlterField(
            model_name="partner",
            name="name",
            field=models.CharField(
                max_length=150, validators=[outreach.validators.validate_single_line], verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                blank=True,
                help_text="Shown to other volunteers and on rosters. An alias is fine.",
                max_length=80,
                validators=[outreach.validators.validate_single_line],
                verbose_name="display name",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="legal_name",
            field=models.CharField(
                blank=True,
                help_text="Seen only by coordinators and leads of chapters you sign up with.",
                max_length=150,
                validators=[outreach.validators.validate_single_line],
                verbose_name="legal name",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="Seen only by coordinators and leads of chapters you sign up with.",
                max_length=32,
                validators=[outreach.validators.validate_single_line],
                verbose_name="phone",
            ),
        ),
    ]
