"""The audit search by client reads through the indexes of migration 0015, not through the centre's whole log."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection

from portal.access import get_access
from portal.models import AuditEvent
from portal.selectors import list_audit_events
from tests.factories import CentreFactory, ClientFactory

pytestmark = pytest.mark.django_db


def test_searching_the_audit_log_by_client_uses_the_client_and_target_indexes(manager, centre_a) -> None:
    client = ClientFactory(centre=centre_a)
    centres = [centre_a, *(CentreFactory(country=centre_a.country) for _ in range(3))]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action="counselling.client.viewed",
                target_type="counselling.client",
                target_id=str(uuid.uuid4()),
                centre=centres[n % len(centres)],
                details={"client": 100_000 + n % 2000},
            )
            for n in range(8000)
        ],
        batch_size=2000,
    )
    events = list_audit_events(access=get_access(manager.user), client_code=client.code)
    sql, params = events.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE portal_auditevent")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = json.dumps(cursor.fetchone()[0])

    assert '"Index Name": "audit_client_idx"' in plan
    assert '"Index Name": "audit_target_id_idx"' in plan
