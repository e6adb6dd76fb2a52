"""The treatment plans, their lines and amendments move to botp, where the workflow makes and
amends them. A case confirmed before then whose plan was never made (the plan used to be made
when first read) gets it now, from the request of the version confirmed."""

from django.db import migrations

LINE_FIELDS = ["session_type_id", "approach", "provider_id", "planned_sessions"]


def to_botp(apps, schema_editor):
    OldPlan = apps.get_model("treatment", "TreatmentPlan")
    OldLine = apps.get_model("treatment", "PlanLine")
    OldAmendment = apps.get_model("treatment", "PlanAmendment")
    DiagnosisReport = apps.get_model("diagnosis", "DiagnosisReport")
    CaseEvent = apps.get_model("botp", "CaseEvent")
    TreatmentRequest = apps.get_model("botp", "TreatmentRequest")
    TreatmentPlan = apps.get_model("botp", "TreatmentPlan")
    PlanLine = apps.get_model("botp", "PlanLine")
    PlanAmendment = apps.get_model("botp", "PlanAmendment")

    for old in OldPlan.objects.order_by("pk").iterator():
        request_id = DiagnosisReport.objects.get(pk=old.approved_request_id).request_id
        plan = TreatmentPlan.objects.create(case_id=old.case_id, approved_request_id=request_id,
                                            created_at=old.created_at)
        PlanLine.objects.bulk_create([
            PlanLine(plan=plan, **{name: getattr(line, name) for name in LINE_FIELDS})
            for line in OldLine.objects.filter(plan_id=old.pk).order_by("pk")
        ])
        PlanAmendment.objects.bulk_create([
            PlanAmendment(plan=plan, actor_id=amendment.actor_id, at=amendment.at,
                          reason=amendment.reason, before=amendment.before,
                          after=amendment.after)
            for amendment in OldAmendment.objects.filter(plan_id=old.pk).order_by("at", "pk")
        ])

    confirmations = CaseEvent.objects.filter(action="confirm_diagnosis").exclude(
        case_id__in=TreatmentPlan.objects.values("case_id")).order_by("pk")
    for event in confirmations.iterator():
        submitted = TreatmentRequest.objects.filter(case_id=event.case_id,
                                                    submitted_at__isnull=False)
        request = (submitted.filter(version=event.payload.get("report_version")).first()
                   or submitted.order_by("version").last())
        if request is None:
            continue  # confirmed without a request: nothing to plan
        plan = TreatmentPlan.objects.create(case_id=event.case_id, approved_request=request,
                                            created_at=event.at)
        PlanLine.objects.bulk_create([
            PlanLine(plan=plan, **{name: getattr(line, name) for name in LINE_FIELDS})
            for line in request.lines.order_by("pk")
        ])


def from_botp(apps, schema_editor):
    OldPlan = apps.get_model("treatment", "TreatmentPlan")
    OldLine = apps.get_model("treatment", "PlanLine")
    OldAmendment = apps.get_model("treatment", "PlanAmendment")
    DiagnosisReport = apps.get_model("diagnosis", "DiagnosisReport")
    TreatmentPlan = apps.get_model("botp", "TreatmentPlan")
    PlanLine = apps.get_model("botp", "PlanLine")
    PlanAmendment = apps.get_model("botp", "PlanAmendment")
    for plan in TreatmentPlan.objects.order_by("pk").iterator():
        report = DiagnosisReport.objects.get(request_id=plan.approved_request_id)
        old = OldPlan.objects.create(case_id=plan.case_id, approved_request_id=report.pk,
                                     created_at=plan.created_at)
        OldLine.objects.bulk_create([
            OldLine(plan_id=old.pk, **{name: getattr(line, name) for name in LINE_FIELDS})
            for line in PlanLine.objects.filter(plan_id=plan.pk).order_by("pk")
        ])
        OldAmendment.objects.bulk_create([
            OldAmendment(plan_id=old.pk, actor_id=amendment.actor_id, at=amendment.at,
                         reason=amendment.reason, before=amendment.before,
                         after=amendment.after)
            for amendment in PlanAmendment.objects.filter(plan_id=plan.pk).order_by("at", "pk")
        ])


class Migration(migrations.Migration):

    dependencies = [
        ("botp", "0016_treatment_request_and_plan"),
        ("diagnosis", "0003_treatment_request_in_botp"),
        ("treatment", "0003_transmission_report_language"),
    ]

    operations = [
        migrations.RunPython(to_botp, from_botp),
    ]
