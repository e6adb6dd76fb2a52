import botp.models.programme
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('botp', '0014_programme_preselected_on_new_requests'),
    ]

    operations = [
        migrations.AddField(
            model_name='programme',
            name='survey_order',
            # Existing programmes keep the order evaluation/waves.py held until now.
            field=models.JSONField(default=['employment', 'absence', 'bat', 'obi', 'dass21', 'healthcare', 'satisfaction'], help_text='The instrument codes in the order the survey asks them, e.g. ["employment", "absence", "bat"]; an instrument not named here comes after them.', validators=[botp.models.programme.validate_survey_order], verbose_name='survey order'),
            preserve_default=False,
        ),
    ]
