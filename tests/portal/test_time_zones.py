"""Times in the viewer's zone: chosen on their page, else their centre's, else the browser's; the event's zone beside.

The fair and the moment are those of the format table (tests/portal/date_formats.py): 7 December 2026,
14:30 in Accra (UTC+0), which is 15:30 in Belgrade (UTC+1) and 19:30 in Karachi (UTC+5).
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from jobfairs.notifications import send_registration_confirmation
from portal.errors import DomainError
from portal.services import set_time_zone
from portal.timezones import TimeZoneMiddleware, zone_label, zone_name_for
from reports.models import ReportBuild
from reports.pdf import render_report_html
from reports.periods import periods_for
from reports.selectors import get_report, scope_of_build
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import FairFactory, RegistrationFactory
from tests.portal.date_formats import DAY, MOMENT, RANGE_START, visible

KARACHI = "Asia/Karachi"


def _zone_seen_by(request) -> tuple[str, bool]:
    """Run the middleware around a view that reports the active zone."""
    seen: dict[str, object] = {}

    def view(req):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["known"] = req.viewer_zone_known
        return HttpResponse()

    TimeZoneMiddleware(view)(request)
    return str(seen["zone"]), bool(seen["known"])


def _request(user=None, **cookies: str):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.COOKIES.update(cookies)
    return request


@pytest.fixture
def fair(centre_a):
    return FairFactory(
        country=centre_a.country,
        centres=[centre_a],
        time_zone="Africa/Accra",
        starts_at=MOMENT,
        ends_at=MOMENT + dt.timedelta(hours=4),
        registration_opens_at=MOMENT - dt.timedelta(days=30),
        registration_closes_at=MOMENT - dt.timedelta(hours=1),
    )


def test_staff_zone_defaults_to_their_centres_country(counsellor, outsider) -> None:
    assert zone_name_for(counsellor.user) == "Africa/Accra"
    assert zone_name_for(outsider.user) == "Europe/Belgrade"


def test_a_chosen_zone_wins_over_the_centres_and_the_browsers(counsellor) -> None:
    counsellor.user.time_zone = KARACHI
    assert zone_name_for(counsellor.user, browser_zone="Europe/Paris") == KARACHI


def test_returnee_without_a_choice_gets_the_browsers_zone_then_utc(returnee) -> None:
    assert zone_name_for(returnee.user, browser_zone=KARACHI) == KARACHI
    assert zone_name_for(returnee.user, browser_zone="Not/AZone") == "UTC"


def test_middleware_activates_the_signed_in_users_zone_and_resets_it(outsider) -> None:
    assert _zone_seen_by(_request(outsider.user)) == ("Europe/Belgrade", True)
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks into the next request


def test_middleware_takes_an_anonymous_visitors_zone_from_the_browser_cookie() -> None:
    assert _zone_seen_by(_request(tz=KARACHI)) == (KARACHI, True)
    assert _zone_seen_by(_request(**{"__Host-tz": KARACHI})) == (KARACHI, True)


@pytest.mark.parametrize("value", ["Mars/Olympus", "../../etc/passwd", "", "UTC" * 30, "Europe/Belgrade\x00"])
def test_middleware_ignores_a_cookie_that_names_no_zone(value: str) -> None:
    assert _zone_seen_by(_request(tz=value)) == ("UTC", False)


def test_zone_names_read_as_a_city_and_an_offset() -> None:
    assert zone_label("Africa/Accra", MOMENT) == "Accra, UTC"
    assert zone_label("Europe/Belgrade", MOMENT) == "Belgrade, UTC+1"
    assert zone_label("Europe/Belgrade", dt.datetime(2026, 7, 1, tzinfo=dt.UTC)) == "Belgrade, UTC+2"
    assert zone_label("Asia/Kolkata", MOMENT) == "Kolkata, UTC+5:30"
    assert zone_label("America/Sao_Paulo", MOMENT) == "Sao Paulo, UTC\u22123"


def test_fair_shows_its_own_zone_and_the_viewers_time_beside_it_when_they_differ(client, fair) -> None:
    url = reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})
    client.cookies["tz"] = KARACHI
    body = visible(client.get(url).content.decode())
    assert "7 December 2026, 14:30" in body and "(Accra, UTC)" in body
    assert "Your time: 7 December 2026, 19:30 (Karachi, UTC+5)" in body


def test_fair_in_the_viewers_own_zone_shows_one_time(client, fair) -> None:
    client.cookies["tz"] = "Africa/Abidjan"  # also UTC+0: the same clock time, nothing to add
    body = visible(client.get(reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})).content.decode())
    assert "7 December 2026, 14:30" in body and "Your time" not in body


def test_fair_without_javascript_shows_the_fairs_zone_only(client, centre_a) -> None:
    """No cookie: the visitor's zone is unknown, and the page speaks in the fair's (not in UTC)."""
    belgrade_fair = FairFactory(country=centre_a.country, time_zone="Europe/Belgrade", starts_at=MOMENT)
    url = reverse("jobfairs:fair-detail", kwargs={"public_id": belgrade_fair.public_id})
    body = visible(client.get(url).content.decode())
    assert "7 December 2026, 15:30" in body and "(Belgrade, UTC+1)" in body
    assert "Your time" not in body


def test_email_shows_the_fair_time_and_the_recipients_own(fair) -> None:
    candidate = UserFactory(time_zone=KARACHI)
    registration = RegistrationFactory(fair=fair, user=candidate)
    mail.outbox.clear()
    send_registration_confirmation(registration_id=registration.pk)
    body = mail.outbox[0].body
    assert "7 December 2026, 14:30 (Accra, UTC)" in body
    assert "Your time: 7 December 2026, 19:30 (Karachi, UTC+5)" in body


def test_email_to_a_recipient_in_the_fairs_zone_shows_one_time(fair) -> None:
    registration = RegistrationFactory(fair=fair, user=UserFactory(time_zone="Africa/Accra"))
    mail.outbox.clear()
    send_registration_confirmation(registration_id=registration.pk)
    assert "(Accra, UTC)" in mail.outbox[0].body and "Your time" not in mail.outbox[0].body


def _report_html(build: ReportBuild) -> str:
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        report = get_report(scope=scope_of_build(build), periods=periods_for("custom", RANGE_START, DAY))
        return visible(render_report_html(build, report))


def _build(manager, user) -> ReportBuild:
    return ReportBuild.objects.create(
        scope_kind="centre",
        centre=manager.centre,
        suppressed=False,
        period_kind="custom",
        period_start=RANGE_START,
        period_end=DAY,
        language="en",
        requested_by=user,
    )


def test_pdf_generated_at_is_in_the_requesters_zone(manager) -> None:
    manager.user.time_zone = KARACHI
    manager.user.save(update_fields=["time_zone"])
    html = _report_html(_build(manager, manager.user))
    assert "Generated on 07/12/2026 19:30 (Karachi, UTC+5)" in html


def test_scheduled_pdf_generated_at_is_in_the_centres_zone(outsider_manager) -> None:
    html = _report_html(_build(outsider_manager, None))
    assert "Generated on 07/12/2026 15:30 (Belgrade, UTC+1)" in html


def test_set_time_zone_saves_and_audits_and_refuses_an_unknown_zone(counsellor) -> None:
    user = counsellor.user
    assert set_time_zone(user=user, time_zone=KARACHI) is True
    user.refresh_from_db()
    assert user.time_zone == KARACHI
    assert_audited("portal.user.time_zone_changed", target=user, actor=user, details={"time_zone": KARACHI})
    assert set_time_zone(user=user, time_zone=KARACHI) is False  # unchanged: nothing written
    with pytest.raises(DomainError):
        set_time_zone(user=user, time_zone="Mars/Olympus")
    user.refresh_from_db()
    assert user.time_zone == KARACHI


def test_staff_choose_their_zone_on_their_page(client, outsider) -> None:
    client.force_login(outsider.user)
    page = client.get(reverse("portal:me")).content.decode()
    assert "Automatic: Europe/Belgrade" in page
    response = client.post(reverse("portal:me"), {"language": "en", "time_zone": KARACHI})
    assert response.status_code == 302
    outsider.user.refresh_from_db()
    assert outsider.user.time_zone == KARACHI
    assert _zone_seen_by(_request(outsider.user))[0] == KARACHI


def test_staff_page_refuses_an_unknown_zone_and_keeps_the_old_one(client, outsider) -> None:
    client.force_login(outsider.user)
    response = client.post(reverse("portal:me"), {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200 and "time_zone" in response.context["form"].errors
    outsider.user.refresh_from_db()
    assert outsider.user.time_zone == ""


def test_returnee_chooses_a_zone_on_the_profile(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.post(reverse("returnees:profile"), {"full_name": "Kwame Returnee", "time_zone": KARACHI})
    assert response.status_code == 302, response.content.decode()[:2000]
    returnee.user.refresh_from_db()
    assert returnee.user.time_zone == KARACHI


def test_only_pages_that_use_the_browsers_zone_load_the_script(client, counsellor, returnee) -> None:
    """Anonymous visitors and people with neither a chosen zone nor a centre get tz.js; staff pages no script."""
    assert "portal/tz.js" in client.get(reverse("jobfairs:fair-list")).content.decode()
    client.force_login(returnee.user)
    assert "portal/tz.js" in client.get(reverse("jobfairs:fair-list")).content.decode()
    client.force_login(counsellor.user)
    assert "<script" not in client.get(reverse("jobfairs:fair-list")).content.decode()


def test_case_page_shows_a_session_in_the_viewers_zone_and_the_centres_beside_it(client, counsellor) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
    SessionFactory(case=case, counsellor=counsellor.user, held_at=MOMENT)
    url = reverse("counselling:case-detail", kwargs={"public_id": case.public_id})
    client.force_login(counsellor.user)
    at_home = visible(client.get(url).content.decode())
    assert "07/12/2026 14:30 ·" in at_home and "Accra, UTC" not in at_home  # the centre's own zone: one time
    counsellor.user.time_zone = KARACHI
    counsellor.user.save(update_fields=["time_zone"])
    away = visible(client.get(url).content.decode())
    assert "07/12/2026 19:30 (14:30 Accra, UTC)" in away
