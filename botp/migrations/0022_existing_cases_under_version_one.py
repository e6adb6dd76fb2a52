"""Each programme's rules as they stand become its version 1, and every existing case runs
under it."""

import datetime

from django.db import migrations

LIMITS = ["max_sick_leave_days", "sick_leave_months", "sick_leave_exception",
          "worker_signs_request", "max_duration_months", "duration_warning_days",
          "max_total_sessions", "max_treatment_sessions", "survey_order", "travel_costs_paid",
          "travel_cost_per_km"]


def _snapshot(programme):
    # A copy of botp.programme_rules.snapshot as it is today: the migration must not change
    # when that module does.
    rules = {name: getattr(programme, name) for name in LIMITS}
    if rules["travel_cost_per_km"] is not None:
        rules["travel_cost_per_km"] = str(rules["travel_cost_per_km"])
    rules["sectors"] = sorted(programme.eligible_sectors.values_list("code", flat=True))
    types = list(programme.session_types.all())
    rules["caps"] = {t.code: t.cap for t in types}
    rules["recommended"] = {t.code: t.recommended for t in types if t.recommended}
    rules["tariffs"] = {t.code: (programme.tariffs or {}).get(t.code) for t in types}
    rules["waves"] = {
        w.wave: {"trigger": w.trigger, "offset_days": w.offset_days, "open_days": w.open_days,
                 "reminder_days": list(w.reminder_days), "send_to_withdrawn": w.send_to_withdrawn,
                 "send_to_not_confirmed": w.send_to_not_confirmed}
        for w in programme.waves.all()
    }
    rules["notes"] = dict(programme.notes or {})
    return rules


def forwards(apps, schema_editor):
    Programme = apps.get_model("botp", "Programme")
    ProgrammeVersion = apps.get_model("botp", "ProgrammeVersion")
    Case = apps.get_model("botp", "Case")
    for programme in Programme.objects.all():
        first_case = Case.objects.filter(programme=programme).order_by("requested_at").first()
        valid_from = (first_case.requested_at.date() if first_case
                      else datetime.date(2019, 1, 1))
        version = ProgrammeVersion.objects.create(
            programme=programme, number=1, valid_from=min(valid_from, datetime.date(2019, 1, 1)),
            rules=_snapshot(programme),
            change_note="The programme's rules when versions were introduced.")
        Case.objects.filter(programme=programme).update(programme_version=version)


class Migration(migrations.Migration):

    dependencies = [
        ("botp", "0021_programme_versions_functions_and_german"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
