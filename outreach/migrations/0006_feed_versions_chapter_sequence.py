"""
Feed versions (one row a scope: the site, a chapter, a campaign, a person) and a chapter's revision,
so that a feed's validators are one row away and a chapter's rename reaches its events' SEQUENCE.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0005_text_refuses_control_characters"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedVersion",
            fields=[
                ("scope", models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="scope")),
                ("version", models.PositiveBigIntegerField(default=0, verbose_name="version")),
                ("changed_at", models.DateTimeField(verbose_name="changed")),
            ],
            options={
                "verbose_name": "feed version",
                "verbose_name_plural": "feed versions",
            },
        ),
        migrations.AddField(
            model_name="chapter",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Grows when something its events' calendar entries show changes: name, contact email, help line.",
                verbose_name="revision",
            ),
        ),
    ]
