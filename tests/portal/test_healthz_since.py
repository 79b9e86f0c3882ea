"""/healthz names the failing part and since when it fails, kept where no failing part can take it away.

The first failure of a part is recorded in a file under PORTAL_DATA_DIR (portal/health.py): every web process of
the node reads the same time, including while the database is the part that is down.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import OperationalError

from portal import health

T0 = dt.datetime(2026, 3, 2, 8, 0, 0, tzinfo=dt.UTC)


class _Clock:
    """The view's clock, moved by the test (the rest of Django keeps the real one)."""

    def __init__(self) -> None:
        self.at = T0

    def now(self) -> dt.datetime:
        return self.at


class _DownDatabase:
    def cursor(self):
        raise OperationalError('connection to server at "db" failed: Connection refused')


@pytest.fixture
def clock(monkeypatch, settings, tmp_path) -> _Clock:
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setattr(health, "_in_process", {})
    clock = _Clock()
    monkeypatch.setattr("portal.views.timezone", SimpleNamespace(now=clock.now))
    return clock


def _health(client) -> tuple[int, dict[str, str]]:
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)


def _break_database(monkeypatch) -> None:
    import portal.views

    monkeypatch.setattr(portal.views, "connection", _DownDatabase())


def _break_broker(monkeypatch) -> None:
    from portal.celery import app

    for key in ("broker_url", "broker_write_url"):
        monkeypatch.setitem(app.conf, key, "redis://127.0.0.1:1/0")  # nothing listens on port 1


def test_all_ok_has_no_since(client, db, clock) -> None:
    status, body = _health(client)
    assert status == 200
    assert {"database": "ok", "broker": "ok", "cache": "ok", "status": "ok"}.items() <= body.items()
    assert not [key for key in body if key.endswith("_since")]


def test_database_down_is_named_with_the_time_of_its_first_failure(client, db, clock, monkeypatch) -> None:
    _break_database(monkeypatch)
    status, body = _health(client)
    assert status == 503
    assert body["database"] == "error: OperationalError"
    assert body["database_since"] == "2026-03-02T08:00:00+00:00"
    assert body["worker"] == "unknown"  # not checked without the database: no failure time of its own
    assert "worker_since" not in body and "broker_since" not in body

    clock.at = T0 + dt.timedelta(minutes=7)
    status, body = _health(client)
    assert status == 503
    assert body["database_since"] == "2026-03-02T08:00:00+00:00"  # still the first failure, not now


def test_every_process_of_the_node_reads_the_same_time(client, db, clock, monkeypatch) -> None:
    _break_database(monkeypatch)
    _health(client)
    monkeypatch.setattr(health, "_in_process", {})  # another gunicorn worker, or this one restarted
    clock.at = T0 + dt.timedelta(minutes=3)
    _status, body = _health(client)
    assert body["database_since"] == "2026-03-02T08:00:00+00:00"


def test_a_part_back_is_forgotten_and_a_new_failure_gets_a_new_time(client, db, clock, monkeypatch) -> None:
    with monkeypatch.context() as broken:
        _break_broker(broken)
        status, body = _health(client)
        assert status == 503
        assert body["broker"].startswith("error: ")
        assert body["broker_since"] == "2026-03-02T08:00:00+00:00"
        assert body["database"] == "ok" and "database_since" not in body

    clock.at = T0 + dt.timedelta(minutes=5)
    status, body = _health(client)
    assert status == 200
    assert body["broker"] == "ok" and "broker_since" not in body

    clock.at = T0 + dt.timedelta(minutes=9)
    _break_broker(monkeypatch)
    _status, body = _health(client)
    assert body["broker_since"] == "2026-03-02T08:09:00+00:00"


def test_an_unwritable_data_folder_still_gives_the_time_from_the_process(
    client, db, clock, settings, tmp_path, monkeypatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.DATA_DIR = blocker / "data"  # cannot be made: the record stays in this process
    _break_database(monkeypatch)
    _health(client)
    clock.at = T0 + dt.timedelta(minutes=2)
    _status, body = _health(client)
    assert body["database_since"] == "2026-03-02T08:00:00+00:00"
