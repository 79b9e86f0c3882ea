"""The audit log is append-only: PostgreSQL refuses UPDATE and DELETE on it."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_auditevent_append_only
    BEFORE UPDATE OR DELETE ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_audit_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS portal_auditevent_append_only ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
