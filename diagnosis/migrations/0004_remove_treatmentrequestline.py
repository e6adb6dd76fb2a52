"""Every report points to its botp TreatmentRequest now (0002 copied the lines there); a
migration of its own, since PostgreSQL alters no table with changes still to check in the same
transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("diagnosis", "0003_treatment_request_in_botp"),
    ]

    operations = [
        migrations.AlterField(
            model_name="diagnosisreport",
            name="request",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="botp.treatmentrequest",
                                       verbose_name="treatment request"),
        ),
        migrations.DeleteModel(name="TreatmentRequestLine"),
    ]
