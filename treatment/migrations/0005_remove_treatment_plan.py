"""The treatment plan's old tables go (0004 copied their rows to botp). Undone, the tables come
back with the append-only guard their amendments had on PostgreSQL."""

from django.db import migrations


def noop(apps, schema_editor):
    pass


def append_only_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TRIGGER treatment_planamendment_append_only BEFORE UPDATE OR DELETE ON "
        "treatment_planamendment FOR EACH ROW EXECUTE FUNCTION botp_refuse_change();"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("treatment", "0004_treatment_plan_in_botp"),
    ]

    operations = [
        # Undone last, once the tables exist again.
        migrations.RunPython(noop, append_only_again),
        migrations.DeleteModel(name="PlanAmendment"),
        migrations.DeleteModel(name="PlanLine"),
        migrations.DeleteModel(name="TreatmentPlan"),
    ]
