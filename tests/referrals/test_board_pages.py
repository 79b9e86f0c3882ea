"""The board and the inbox: overdue first, then by due date, in keyset pages (no COUNT, no OFFSET)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from counselling.models import Consent
from portal.access import unscoped
from referrals import selectors
from referrals.models import AWAITING_ANSWER, FINAL_STATUSES, Referral, ReferralStatus
from tests.factories import CaseFactory, ClientFactory

pytestmark = pytest.mark.django_db

# (status, days from today to the due date): overdue ones, awaiting ones not yet due, open ones past due
# that are not overdue (the partner answered), closed ones and drafts; several share a due date.
MIX = [
    ("sent", -3),
    ("accepted", -5),
    ("waitlisted", -1),
    ("sent", 4),
    ("enrolled", 2),
    ("completed", -9),
    ("draft", 1),
    ("sent", -3),
    ("declined", 0),
    ("waitlisted", 0),
    ("accepted", 4),
    ("sent", -7),
    ("enrolled", -2),
    ("cancelled", 3),
    ("sent", 0),
]


@pytest.fixture
def mixed(counsellor, refer, service, partner_org) -> list[Referral]:
    service.capacity = None
    service.save()
    today = timezone.localdate()
    made = []
    for status, days in MIX:
        case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
        Consent.objects.create(
            client=case.client,
            purpose="share_partner",
            organisation=partner_org,
            method="signed",
            recorded_by=counsellor.user,
        )
        referral = refer(case, service)
        with unscoped():
            Referral.objects.filter(pk=referral.pk).update(
                status=status,
                due_on=today + dt.timedelta(days=days),
                outcome="certificate" if status == "completed" else "",
            )
            referral.refresh_from_db()
        made.append(referral)
    return made


def _expected(referrals: list[Referral], *, keep) -> list[str]:
    today = timezone.localdate()

    def key(r: Referral) -> tuple:
        overdue = r.status in AWAITING_ANSWER and r.due_on < today
        return (not overdue, r.due_on, r.pk)

    return [r.code for r in sorted((r for r in referrals if keep(r)), key=key)]


def _walk(client, url: str, params: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Follow the "Next page" links from the first page; the codes in order, and each page's HTML."""
    codes: list[str] = []
    pages: list[str] = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200
        html = response.content.decode()
        pages.append(html)
        codes += re.findall(r'<bdi dir="ltr">(R-[A-Z0-9]{4}-[A-Z0-9]{4})</bdi>', html)
        following = re.search(r'<a href="\?([^"]*after=[^"]*)">', html)
        if not following:
            return codes, pages
        response = client.get(f"{url}?{following.group(1).replace('&amp;', '&')}")


def test_board_pages_are_overdue_first_then_by_due_date_without_gaps(client, counsellor, mixed, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "BOARD_PAGE", 4)
    client.force_login(counsellor.user)
    codes, pages = _walk(client, reverse("referrals:board"))
    assert codes == _expected(mixed, keep=lambda r: r.status not in FINAL_STATUSES)
    assert len(pages) == 3  # 11 open referrals, four a page
    assert "First page" not in pages[0] and "First page" in pages[1]
    first = next(r for r in mixed if r.code == codes[0])
    for shown in (first.case.client.display_name, first.case.client.code, first.service.name, first.organization.name):
        assert shown in pages[0]
    assert f"?service={first.service.public_id}" in pages[0]
    overdue = pages[0].count("badge overdue")
    assert overdue == 4  # the four awaiting an answer and past due: sent -7, -3, -3 and waitlisted -1


def test_board_status_filter_is_kept_across_pages(client, counsellor, mixed, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "BOARD_PAGE", 2)
    client.force_login(counsellor.user)
    codes, pages = _walk(client, reverse("referrals:board"), {"status": "sent"})
    assert codes == _expected(mixed, keep=lambda r: r.status == "sent")
    assert len(pages) == 3
    assert 'href="?status=sent&amp;after=' in pages[0]


def test_board_shows_a_closed_status_when_asked(client, counsellor, mixed) -> None:
    client.force_login(counsellor.user)
    codes, _ = _walk(client, reverse("referrals:board"), {"status": "completed"})
    assert codes == _expected(mixed, keep=lambda r: r.status == "completed")


def test_board_ignores_a_cursor_that_is_not_one_of_ours(client, counsellor, mixed) -> None:
    client.force_login(counsellor.user)
    first = client.get(reverse("referrals:board"))
    for junk in ("x", "2.2026-01-01.5", "0.notadate.5", "0.2026-01-01.-1", "1.2026-01-01"):
        response = client.get(reverse("referrals:board"), {"after": junk})
        assert response.status_code == 200
        assert response.content.decode().count("<bdi>R-") == first.content.decode().count("<bdi>R-")


def test_inbox_pages_never_show_drafts_and_are_overdue_first(client, partner, mixed, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "BOARD_PAGE", 3)
    client.force_login(partner.user)
    codes, pages = _walk(client, reverse("referrals:partner-inbox"))
    assert mixed[0].service.name in pages[0] and mixed[0].centre.name in pages[0]
    expected = _expected(mixed, keep=lambda r: r.status not in FINAL_STATUSES and r.status != ReferralStatus.DRAFT)
    assert codes == expected
    assert _walk(client, reverse("referrals:partner-inbox"), {"status": "draft"})[0] == []
    assert _walk(client, reverse("referrals:partner-inbox"), {"status": "nonsense"})[0] == []
    waitlisted = _walk(client, reverse("referrals:partner-inbox"), {"status": "waitlisted"})[0]
    assert waitlisted == _expected(mixed, keep=lambda r: r.status == "waitlisted")


def test_cursor_round_trips() -> None:
    cursor = selectors.Cursor(0, dt.date(2026, 11, 22), 42)
    assert selectors.Cursor.parse(str(cursor)) == cursor
    assert selectors.Cursor.parse(None) is None
