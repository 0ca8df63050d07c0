"""Text fields refuse control characters (outreach.validators): one U+000B broke a whole feed."""

from django.db import migrations, models

import outreach.validators


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_shift_margin_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="address",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[outreach.validators.validate_single_line],
                verbose_name="address",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="cancellation_note",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="cancellation note"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="description",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="summary",
            field=models.CharField(
                blank=True,
                help_text="One line for lists.",
                max_length=300,
                validators=[outreach.validators.validate_single_line],
                verbose_name="summary",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="title",
            field=models.CharField(
                max_length=200, validators=[outreach.validators.validate_single_line], verbose_name="title"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="venue",
            field=models.CharField(
                blank=True, max_length=200, validators=[outreach.validators.validate_single_line], verbose_name="venue"
            ),
        ),
        migrations.AlterField(
            model_name="eventreport",
            name="notes",
            field=models.TextField(
                blank=True, max_length=10000, validators=[outreach.validators.validate_plain_text], verbose_name="notes"
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="address",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[outreach.validators.validate_single_line],
                verbose_name="address",
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="description",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="summary",
            field=models.CharField(
                blank=True,
                help_text="One line for lists.",
                max_length=300,
                validators=[outreach.validators.validate_single_line],
                verbose_name="summary",
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="title",
            field=models.CharField(
                max_length=200, validators=[outreach.validators.validate_single_line], verbose_name="title"
            ),
        ),
        migrations.AlterField(
            model_name="eventseries",
            name="venue",
            field=models.CharField(
                blank=True, max_length=200, validators=[outreach.validators.validate_single_line], verbose_name="venue"
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="cancellation_note",
            field=models.TextField(
                blank=True,
                help_text="Sent to the shift's volunteers when it is cancelled.",
                validators=[outreach.validators.validate_plain_text],
                verbose_name="cancellation note",
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="description",
            field=models.TextField(
                blank=True, validators=[outreach.validators.validate_plain_text], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="shift",
            name="name",
            field=models.CharField(
                help_text="e.g. Table host",
                max_length=120,
                validators=[outreach.validators.validate_single_line],
                verbose_name="role",
            ),
        ),
    ]
