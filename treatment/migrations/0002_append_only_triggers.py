"""On PostgreSQL, the database itself refuses to change plan amendments and data transmission
reports once written (the function comes from botp's 0002)."""

from django.db import migrations

TABLES = ["treatment_planamendment", "treatment_datatransmissionreport"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION botp_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_initial"), ("botp", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
