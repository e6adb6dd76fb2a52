from django.db import migrations


def name_the_cases(apps, schema_editor):
    """Cases opened before Case.request_key: each takes its screening request's form key."""
    ScreeningRequest = apps.get_model("intake", "ScreeningRequest")
    Case = apps.get_model("botp", "Case")
    for case_id, form_key in (ScreeningRequest.objects.filter(case__isnull=False)
                              .values_list("case_id", "form_key").iterator()):
        Case.objects.filter(pk=case_id, request_key__isnull=True).update(request_key=form_key)


class Migration(migrations.Migration):

    dependencies = [
        ("botp", "0009_case_request_key"),
        ("intake", "0002_outbox"),
    ]

    operations = [
        migrations.RunPython(name_the_cases, migrations.RunPython.noop),
    ]
