"""Today's figures stay current (issue #19, point 9): a write the indicators count asks, through the outbox, for
a rebuild of the recent roll-ups, debounced to one waiting rebuild; every dashboard says "data as of"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from counselling.services.group_sessions import record_group_session
from portal.access import get_access
from portal.models import OutboxMessage
from reports import live
from reports.models import DailyCount, RollupFreshness
from reports.services import rebuild_rollups
from reports.tasks import rebuild_rollups_today_task
from tests.conftest import wait_for
from tests.factories import CaseFactory, ClientFactory, SessionFactory


def _month_query(day: dt.date) -> dict[str, str]:
    return {"period": "month", "year": str(day.year), "month": str(day.month)}


def _group_participants(response) -> int | None:
    result = next(r for r in response.context["report"].results if r.indicator.code == "group_participants")
    return result.total[0].count


def _waiting() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(task=live.TASK, completed_at__isnull=True).order_by("pk"))


def test_a_group_session_recorded_this_morning_is_in_this_months_figures_the_same_day(
    real_worker, client, manager, centre_a
) -> None:
    today = timezone.localdate()
    rebuild_rollups(start=today - dt.timedelta(days=3), end=today)  # last night's rebuild
    before = RollupFreshness.objects.get().as_of
    client.force_login(manager.user)
    url = reverse("reports:centre-dashboard", kwargs={"public_id": centre_a.public_id})
    assert _group_participants(client.get(url, _month_query(today))) in (0, None)

    record_group_session(
        access=get_access(manager.user),
        actor=manager.user,
        centre=centre_a,
        title="Information morning",
        held_on=today,
        topics=["labour_market"],
        participants=12,
        by_sex={"female": 7, "male": 5},
        by_age_band={},
        by_target_group={},
    )
    # The worker (a real one, consuming the broker) rebuilds today's roll-ups after the commit.
    assert wait_for(
        lambda: DailyCount.objects.filter(centre=centre_a, day=today, indicator="group_participants").exists(),
        timeout=60,
    )
    assert wait_for(lambda: not _waiting(), timeout=30)
    response = client.get(url, _month_query(today))
    assert _group_participants(response) == 12
    after = RollupFreshness.objects.get().as_of
    assert after > before and response.context["as_of"] == after
    assert 'id="data-as-of"' in response.content.decode()


def test_writes_join_the_waiting_rebuild_instead_of_queueing_one_each(counsellor, centre_a) -> None:
    today = timezone.localdate()
    case = CaseFactory(client=ClientFactory(centre=centre_a))
    for _ in range(3):
        SessionFactory(case=case, counsellor=counsellor.user, held_at=timezone.now())
    (waiting,) = _waiting()
    assert waiting.kwargs == {"start": today.isoformat()}
    # Once a rebuild has taken its row (it is reading the tables), the next write queues a new rebuild.
    assert live.claim(waiting.pk) is True
    assert live.claim(waiting.pk) is False, "taken once"
    SessionFactory(case=case, counsellor=counsellor.user, held_at=timezone.now())
    assert [m.kwargs["start"] for m in _waiting()] == [today.isoformat()]
    # A session logged today for a day last week: that day must be rebuilt too, so a rebuild from that day,
    # which later writes of today join.
    last_week = (today - dt.timedelta(days=6)).isoformat()
    SessionFactory(case=case, counsellor=counsellor.user, held_at=timezone.now() - dt.timedelta(days=6))
    SessionFactory(case=case, counsellor=counsellor.user, held_at=timezone.now())
    assert [m.kwargs["start"] for m in _waiting()] == [today.isoformat(), last_week]


def test_a_taken_message_does_nothing_and_a_failed_rebuild_gives_its_row_back(db, monkeypatch) -> None:
    message = OutboxMessage.objects.create(task=live.TASK, key="t", kwargs={"start": "2026-01-01"})
    live.claim(message.pk)
    result = rebuild_rollups_today_task.apply(kwargs=message.kwargs, headers={"outbox_id": message.pk}).get()
    assert result == 0
    other = OutboxMessage.objects.create(task=live.TASK, key="u", kwargs={"start": "2026-01-01"})

    def broken(**_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("reports.services.rollups.rebuild_rollups", broken)
    with pytest.raises(RuntimeError):
        rebuild_rollups_today_task.apply(kwargs=other.kwargs, headers={"outbox_id": other.pk})
    assert OutboxMessage.objects.get(pk=other.pk).completed_at is None, "sent again by the outbox"


def test_a_write_dated_long_ago_or_in_the_future_rebuilds_from_a_recent_day() -> None:
    today = dt.date(2026, 3, 20)

    class Row:
        held_on = dt.date(2025, 1, 1)

    assert live._day_of(Row(), "held_on", today) == today - dt.timedelta(days=live.MAX_DAYS_BACK)
    Row.held_on = dt.date(2026, 4, 1)
    assert live._day_of(Row(), "held_on", today) == today
    assert live._day_of(Row(), None, today) == today


def test_every_dashboard_says_data_as_of_in_the_viewers_language_and_zone(
    client, outsider_manager, coordinator, analyst, centre_b
) -> None:
    client.force_login(outsider_manager.user)  # centre B, in Belgrade
    url = reverse("reports:centre-dashboard", kwargs={"public_id": centre_b.public_id})
    page = client.get(url).content.decode()
    assert "have not been updated yet" in page
    RollupFreshness.objects.create(as_of=dt.datetime(2026, 3, 10, 12, 5, tzinfo=dt.UTC))
    with translation.override("fr"):
        url = reverse("reports:centre-dashboard", kwargs={"public_id": centre_b.public_id})
        expected = translation.gettext("Data as of %(time)s (%(zone)s)").split("%")[0].strip()
    assert url.startswith("/fr/") and expected != "Data as of"
    page = client.get(url).content.decode()
    assert expected in page
    assert "13:05" in page and "Belgrade" in page, "the viewer's zone: 12:05 UTC is 13:05 in Belgrade"
    for persona, name, kwargs in (
        (coordinator, "reports:country-dashboard", {"code": "GH"}),
        (analyst, "reports:programme-dashboard", {}),
    ):
        client.force_login(persona.user)
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert 'id="data-as-of"' in page and "12:05" in page  # Accra (the coordinator), UTC (the analyst)
