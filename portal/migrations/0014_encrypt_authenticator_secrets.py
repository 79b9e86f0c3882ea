"""Encrypt the TOTP secrets and recovery-code seeds already stored by allauth (issue #15).

From now on `portal.mfa.MFAAdapter` encrypts them as they are written; this rewrites the rows written
before, so that no secret is left readable in `mfa_authenticator`. It needs the same
`FIELD_ENCRYPTION_KEYS` as the web processes. Going back decrypts them again.
"""

from django.db import migrations

from portal import crypto
from portal.mfa import transform_secrets


def _rewrite(apps, change) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for row in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).order_by("pk").iterator():
        if transform_secrets(row.type, row.data, change):
            row.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor) -> None:
    _rewrite(apps, lambda value: value if value.startswith(crypto.PREFIX) else crypto.encrypt(value))


def decrypt_secrets(apps, schema_editor) -> None:
    _rewrite(apps, lambda value: crypto.decrypt(value) if value.startswith(crypto.PREFIX) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0013_report_people_total_index"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=True)]
