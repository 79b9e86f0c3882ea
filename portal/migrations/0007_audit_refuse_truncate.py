"""The audit log refuses TRUNCATE too (a statement-level trigger: row triggers never see a TRUNCATE).

A superuser is let through, because Django's test runner empties every table with one TRUNCATE between
browser tests, and a superuser could drop the trigger anyway. The owner and the application role are
refused (the application role also lacks the TRUNCATE privilege: `manage.py setup_db_roles`).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'portal_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_auditevent_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_audit_refuse_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_audit_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_report_builds")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
