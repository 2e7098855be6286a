"""On PostgreSQL, refuse UPDATE and DELETE on the event log in the database
itself, so no code path (raw SQL, admin, a bug) can rewrite history.

TRUNCATE stays allowed: test tear-down and reseeding empty tables with it.
In production the app connects as a role that owns no tables and so cannot
drop this trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION certify_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'certify_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER certify_event_append_only
    BEFORE UPDATE OR DELETE ON certify_event
    FOR EACH ROW EXECUTE FUNCTION certify_event_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS certify_event_append_only ON certify_event;
DROP FUNCTION IF EXISTS certify_event_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the function body's "%" is PL/pgSQL's, not a placeholder.
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("certify", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
