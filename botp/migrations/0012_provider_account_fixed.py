"""On PostgreSQL, the database itself refuses to re-point a provider record to another account:
the link is made once, when the provider accepts their invitation (botp.invitations)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION botp_provider_account_fixed() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'a provider record''s account cannot be changed';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER botp_provider_account_fixed BEFORE UPDATE OF user_id ON botp_provider
FOR EACH ROW WHEN (OLD.user_id IS NOT NULL AND NEW.user_id IS DISTINCT FROM OLD.user_id)
EXECUTE FUNCTION botp_provider_account_fixed();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS botp_provider_account_fixed ON botp_provider;")
    schema_editor.execute("DROP FUNCTION IF EXISTS botp_provider_account_fixed();")


class Migration(migrations.Migration):
    dependencies = [("botp", "0011_invitations_and_account_audit")]
    operations = [migrations.RunPython(forwards, backwards)]
