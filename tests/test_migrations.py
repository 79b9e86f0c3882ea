"""The models and the migrations agree (the CI check `makemigrations --check`)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db) -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
