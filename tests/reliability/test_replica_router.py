"""With a replica configured, reporting reads go to it and writes never do.

The `replica` alias is a second connection to the test database (what a streaming replica is, minus the lag;
settings.py adds it from DATABASE_REPLICA_URL as a test mirror of default), so its queries are told apart.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.routers import REPLICA, ReplicaRouter, replica_reads
from reports.models import DailyCount
from reports.services import rebuild_rollups
from tests.factories import CaseFactory, ClientFactory, SessionFactory

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|CREATE|ALTER|DROP|SELECT .* FOR UPDATE)", re.I | re.S)


@pytest.fixture
def replica(transactional_db, settings, monkeypatch):
    """A second connection to the test database under the alias `replica`, and the router switched on."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    from portal import routers

    wrapper = DatabaseWrapper({**connections["default"].settings_dict}, alias=REPLICA)
    connections[REPLICA] = wrapper
    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    settings.DATABASE_ROUTERS = ["portal.routers.ReplicaRouter"]
    yield wrapper
    wrapper.close()
    del connections[REPLICA]


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def test_settings_add_the_replica_only_when_configured(settings) -> None:
    assert "replica" not in settings.DATABASES  # this run has no DATABASE_REPLICA_URL
    assert ReplicaRouter().db_for_read(DailyCount) is None  # no replica: Django's default routing


def test_dashboard_reads_hit_the_replica_and_writes_never_do(client, replica, manager) -> None:
    today = timezone.localdate()
    case = CaseFactory(client=ClientFactory(centre=manager.centre), counsellor=manager.user)
    SessionFactory(case=case, counsellor=manager.user, held_at=timezone.now())
    client.force_login(manager.user)
    url = reverse("reports:centre-dashboard", kwargs={"public_id": manager.centre.public_id})
    query = {"period": "month", "year": str(today.year), "month": str(today.month)}

    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_default:
        rebuild_rollups(start=today - dt.timedelta(days=1), end=today)  # the nightly roll-up: a writer
        response = client.get(url, query)
        assert response.status_code == 200
        with replica_reads():
            assert DailyCount.objects.filter(centre=manager.centre).exists()
            DailyCount.objects.filter(centre=manager.centre).update(count=1)  # a write inside: still default

    replica_sql, default_sql = _sql(on_replica), _sql(on_default)
    assert any('"portal_dailycount"' in sql for sql in replica_sql), "the dashboard's roll-up reads use the replica"
    assert [sql for sql in replica_sql if WRITE.match(sql)] == [], "no write ever reaches the replica"
    assert any(sql.startswith("INSERT") and "portal_dailycount" in sql for sql in default_sql)
    assert any(sql.startswith("UPDATE") and "portal_dailycount" in sql for sql in default_sql)
    assert not any(
        sql.startswith("SELECT") and '"portal_dailycount"' in sql for sql in default_sql if "DELETE" not in sql
    )
