"""Each diagnosis report's treatment request lines move to a botp TreatmentRequest of the same
case and version (submitted when the report was), which the report points to."""

import django.db.models.deletion
from django.db import migrations, models

LINE_FIELDS = ["session_type_id", "approach", "provider_id", "planned_sessions"]


def to_botp(apps, schema_editor):
    DiagnosisReport = apps.get_model("diagnosis", "DiagnosisReport")
    OldLine = apps.get_model("diagnosis", "TreatmentRequestLine")
    TreatmentRequest = apps.get_model("botp", "TreatmentRequest")
    TreatmentRequestLine = apps.get_model("botp", "TreatmentRequestLine")
    for report in DiagnosisReport.objects.filter(request__isnull=True).order_by("pk").iterator():
        request = TreatmentRequest.objects.create(case_id=report.case_id, version=report.version,
                                                  submitted_at=report.submitted_at)
        TreatmentRequestLine.objects.bulk_create([
            TreatmentRequestLine(request=request, **{name: getattr(line, name)
                                                     for name in LINE_FIELDS})
            for line in OldLine.objects.filter(report_id=report.pk).order_by("pk")
        ])
        # An update, not save(): a submitted report stays as it was.
        DiagnosisReport.objects.filter(pk=report.pk).update(request=request)


def from_botp(apps, schema_editor):
    DiagnosisReport = apps.get_model("diagnosis", "DiagnosisReport")
    OldLine = apps.get_model("diagnosis", "TreatmentRequestLine")
    TreatmentRequestLine = apps.get_model("botp", "TreatmentRequestLine")
    for report in DiagnosisReport.objects.order_by("pk").iterator():
        OldLine.objects.bulk_create([
            OldLine(report_id=report.pk, **{name: getattr(line, name) for name in LINE_FIELDS})
            for line in TreatmentRequestLine.objects.filter(request_id=report.request_id)
            .order_by("pk")
        ])


class Migration(migrations.Migration):

    dependencies = [
        ("botp", "0016_treatment_request_and_plan"),
        ("diagnosis", "0002_score_ranges_from_the_instruments"),
    ]

    operations = [
        migrations.AddField(
            model_name="diagnosisreport",
            name="request",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name="+", to="botp.treatmentrequest",
                                       verbose_name="treatment request"),
        ),
        migrations.RunPython(to_botp, from_botp),
    ]
