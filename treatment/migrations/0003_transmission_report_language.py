from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("treatment", "0002_append_only_triggers"),
    ]

    operations = [
        # Earlier reports read as Dutch; their PDFs, already rendered, stay as they were. Adding
        # a column rewrites no row, so the append-only trigger is not involved.
        migrations.AddField(
            model_name="datatransmissionreport",
            name="language",
            field=models.CharField(
                choices=[("nl", "Dutch"), ("fr", "French"), ("en", "English")],
                default="nl",
                max_length=2,
                verbose_name="language of the report",
            ),
            preserve_default=False,
        ),
    ]
