"""Online courses as referrals with evidence (issue #19, point 4): enrolment and completion, with a date and a
certificate number or an Open Badge / certificate link, entered by the counsellor, the partner or the returnee;
the moves go through the referral's state machine (history, timeline, audit) and completion counts in the
indicators. Bad input changes nothing and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselling.models import CaseEvent, Client
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from referrals import services
from referrals.models import Channel, Delivery, Referral, ReferralEvent, ReferralStatus, ServiceCategory
from referrals.services import COMPLETED, ENROLLED, CourseEvidence
from reports.periods import Period
from reports.selectors import Scope, get_report
from reports.services import rebuild_rollups
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory, UserFactory
from tests.referrals.factories import ServiceFactory
from tests.test_fuzz_forms import NASTY, assert_no_markup_stored, check_answer

pytestmark = pytest.mark.django_db
S = ReferralStatus
BADGE = "https://badges.example.org/assertions/7f3a"


@pytest.fixture
def course(partner_org):
    return ServiceFactory(
        organization=partner_org,
        name="Digital skills (online)",
        category=ServiceCategory.ONLINE_COURSE,
        delivery=Delivery.ONLINE,
    )


@pytest.fixture
def accepted(refer, case, course, partner) -> Referral:
    referral = refer(case, course)
    return services.answer_as_partner(
        access=get_access(partner.user), actor=partner.user, referral=referral, to_status=S.ACCEPTED
    )


@pytest.fixture
def linked(case, returnee):
    """The case's client is linked to the returnee's portal account."""
    with unscoped():
        Client.objects.filter(pk=case.client_id).update(portal_account=returnee.user)
    return returnee


def _today() -> dt.date:
    return timezone.localdate()


def _evidence(step=COMPLETED, on=None, number="ATG-2026-0042", link=BADGE) -> dict[str, str]:
    return {
        "form": "course",
        "step": step,
        "on": (on or _today()).isoformat(),
        "certificate_number": number,
        "certificate_url": link,
    }


def _snapshot(referral: Referral) -> tuple:
    with unscoped():
        fresh = Referral.objects.get(pk=referral.pk)
        events = ReferralEvent.objects.filter(referral=referral).count()
    return (
        fresh.status,
        fresh.outcome,
        fresh.enrolled_on,
        fresh.completed_on,
        fresh.certificate_number,
        fresh.certificate_url,
        fresh.version,
        events,
    )


def _statuses(referral: Referral) -> list[tuple[str, str]]:
    with unscoped():
        return list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", "channel"))


# --- Who records, and what follows ---------------------------------------------------------------


def test_counsellor_records_enrolment_then_completion_on_the_referral_page(client, counsellor, accepted) -> None:
    client.force_login(counsellor.user)
    url = reverse("referrals:referral-course", kwargs={"public_id": accepted.public_id})
    enrolled_on = _today()

    response = client.post(url, _evidence(ENROLLED, on=enrolled_on, number="", link=""))

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert (accepted.status, accepted.enrolled_on) == (S.ENROLLED, enrolled_on)
    response = client.post(url, _evidence(COMPLETED))
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.COMPLETED and accepted.outcome == "certificate"
    assert (accepted.completed_on, accepted.certificate_number, accepted.certificate_url) == (
        _today(),
        "ATG-2026-0042",
        BADGE,
    )
    assert accepted.closed_at is not None
    assert _statuses(accepted)[-2:] == [(S.ENROLLED, Channel.STAFF), (S.COMPLETED, Channel.STAFF)]
    with unscoped():
        assert CaseEvent.objects.filter(case=accepted.case, kind="referral.status", params__status="completed").exists()
    assert_audited(
        "referrals.referral.status_changed",
        target=accepted,
        actor=counsellor.user,
        details={"from": "enrolled", "to": "completed", "channel": "staff"},
    )
    assert_audited(
        "referrals.referral.course_evidence_recorded",
        target=accepted,
        actor=counsellor.user,
        centre=accepted.centre,
        details={"step": "completed", "channel": "staff", "certificate_url": True},
    )
    page = client.get(reverse("referrals:referral-detail", kwargs={"public_id": accepted.public_id})).content.decode()
    assert "ATG-2026-0042" in page and BADGE in page and "Completed" in page


def test_partner_records_completion_of_an_accepted_course_through_enrolled(client, partner, accepted) -> None:
    client.force_login(partner.user)
    url = reverse("referrals:partner-referral", kwargs={"public_id": accepted.public_id})
    page = client.get(url).content.decode()
    assert "Enrolment and completion" in page

    response = client.post(url, _evidence(COMPLETED, link=""))

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.COMPLETED and accepted.certificate_number == "ATG-2026-0042"
    assert accepted.enrolled_on is None  # not known: only the completion was given
    assert _statuses(accepted)[-2:] == [(S.ENROLLED, Channel.PARTNER_ACCOUNT), (S.COMPLETED, Channel.PARTNER_ACCOUNT)]
    assert_audited(
        "referrals.referral.status_changed",
        target=accepted,
        actor=partner.user,
        details={"from": "accepted", "to": "enrolled", "channel": "partner_account"},
    )
    assert_audited(
        "referrals.referral.course_evidence_recorded",
        target=accepted,
        actor=partner.user,
        details={"step": "completed", "channel": "partner_account", "certificate_url": False},
    )
    assert "ATG-2026-0042" in client.get(url).content.decode()


def test_partner_answer_form_still_works_beside_the_course_form(client, partner, accepted) -> None:
    client.force_login(partner.user)
    url = reverse("referrals:partner-referral", kwargs={"public_id": accepted.public_id})
    assert client.post(url, {"status": "enrolled"}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.ENROLLED and accepted.enrolled_on is None


def test_returnee_records_completion_on_their_page_and_it_counts_in_the_indicators(client, linked, accepted) -> None:
    client.force_login(linked.user)
    dashboard = client.get(reverse("returnees:dashboard")).content.decode()
    url = reverse("returnees:referral", kwargs={"public_id": accepted.public_id})
    assert url in dashboard and "Record that you enrolled or completed the course" in dashboard
    assert "I have completed the course" in client.get(url).content.decode()

    response = client.post(url, _evidence(COMPLETED))

    assert response.status_code == 302 and response["Location"] == reverse("returnees:dashboard")
    accepted.refresh_from_db()
    assert accepted.status == S.COMPLETED and accepted.outcome == "certificate"
    assert _statuses(accepted)[-1] == (S.COMPLETED, Channel.RETURNEE)
    assert_audited(
        "referrals.referral.status_changed",
        target=accepted,
        actor=linked.user,
        details={"from": "enrolled", "to": "completed", "channel": "returnee"},
    )
    assert_audited(
        "referrals.referral.course_evidence_recorded", target=accepted, actor=linked.user, centre=accepted.centre
    )
    dashboard = client.get(reverse("returnees:dashboard")).content.decode()
    assert "Certificate no. ATG-2026-0042" in dashboard and "badges.example.org" in dashboard
    assert url not in dashboard  # nothing more to record

    # The period's roll-ups, as the dashboards read them: the completion counts, as an online course with evidence.
    figures = _todays_figures()
    assert figures["referrals_completed"] == figures["online_course_completions"] == 1
    assert figures[("referrals_completed", "Online course")] == 1


def _todays_figures() -> dict:
    rebuild_rollups(start=_today(), end=_today())
    report = get_report(scope=Scope("programme", "all", suppressed=False), periods=[Period(_today(), _today(), "")])
    figures: dict = {}
    for result in report.results:
        figures[result.indicator.code] = result.total[0].count
        for breakdown in result.breakdowns:
            for row in breakdown.rows:
                figures[(result.indicator.code, str(row.label))] = row.cells[0].count
    return figures


def test_a_completion_without_evidence_counts_as_completed_but_not_with_evidence(client, partner, accepted) -> None:
    access = get_access(partner.user)
    services.answer_as_partner(access=access, actor=partner.user, referral=accepted, to_status=S.ENROLLED)
    services.answer_as_partner(
        access=access, actor=partner.user, referral=accepted, to_status=S.COMPLETED, outcome="employed"
    )
    figures = _todays_figures()
    assert figures["referrals_completed"] == 1 and not figures["online_course_completions"]


def test_returnee_records_enrolment_first(client, linked, accepted) -> None:
    client.force_login(linked.user)
    url = reverse("returnees:referral", kwargs={"public_id": accepted.public_id})
    response = client.post(url, _evidence(ENROLLED, number="", link=""))
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == S.ENROLLED and accepted.enrolled_on == _today()
    page = client.get(url).content.decode()
    assert "I have completed the course" in page and "I have enrolled in the course" not in page


def test_case_page_lists_referrals_with_status_and_evidence_in_flat_queries(
    client, counsellor, case, course, refer, partner, django_assert_num_queries
) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:case-detail", kwargs={"public_id": case.public_id})
    partner_access = get_access(partner.user)
    for_client = get_access(counsellor.user)

    def completed_referral() -> Referral:
        service = ServiceFactory(organization=course.organization, category=ServiceCategory.ONLINE_COURSE)
        referral = refer(case, service)
        services.answer_as_partner(access=partner_access, actor=partner.user, referral=referral, to_status=S.ACCEPTED)
        return services.record_course_evidence_as_sender(
            access=for_client,
            actor=counsellor.user,
            referral=referral,
            evidence=CourseEvidence(step=COMPLETED, on=_today(), certificate_number=f"C-{referral.pk}"),
        )

    first = completed_referral()
    client.get(url)
    with CaptureQueriesContext(transaction.get_connection()) as one_row:
        page = client.get(url).content.decode()
    assert first.code in page and f"C-{first.pk}" in page and "Completed" in page
    for _ in range(8):
        completed_referral()
    with django_assert_num_queries(len(one_row.captured_queries)):
        page = client.get(url).content.decode()
    with unscoped():
        assert page.count("Certificate no. C-") == Referral.objects.filter(case=case).count() == 9


# --- Bad input: a clear error, nothing changed -----------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "ftp://files.example.org/certificate.pdf",
        "data:text/html,<b>x</b>",
        "my certificate",
        "badges.example.org/assertions/7f3a",
        "https://bad host.example.org/x",
        "https://badges.example.org/<script>alert(1)</script>",
    ],
)
def test_a_certificate_link_that_is_not_a_web_address_is_refused(client, linked, accepted, link) -> None:
    before = _snapshot(accepted)
    client.force_login(linked.user)
    response = client.post(
        reverse("returnees:referral", kwargs={"public_id": accepted.public_id}), _evidence(COMPLETED, link=link)
    )
    assert response.status_code == 200
    assert "must be a web address that starts with https:// or http://" in response.content.decode()
    assert _snapshot(accepted) == before


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/c.pdf", "certificate"])
def test_the_service_refuses_a_bad_link_whatever_form_sent_it(counsellor, accepted, link) -> None:
    before = _snapshot(accepted)
    evidence = CourseEvidence(step=COMPLETED, on=_today(), certificate_url=link)
    with pytest.raises(DomainError, match="must be a web address"):
        services.record_course_evidence_as_sender(
            access=get_access(counsellor.user), actor=counsellor.user, referral=accepted, evidence=evidence
        )
    assert _snapshot(accepted) == before


def test_the_database_refuses_a_link_that_is_not_http(accepted) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), unscoped():
        Referral.objects.filter(pk=accepted.pk).update(certificate_url="javascript:alert(1)")


def test_the_error_is_translated(client, counsellor, accepted) -> None:
    client.force_login(counsellor.user)
    with translation.override("fr"):
        url = reverse("referrals:referral-course", kwargs={"public_id": accepted.public_id})
        response = client.post(url, _evidence(COMPLETED, on=_today() + dt.timedelta(days=1)))
    assert url.startswith("/fr/") and response.status_code == 200
    with translation.override("fr"):
        expected = str(translation.gettext("The date cannot be in the future."))
    assert expected != "The date cannot be in the future." and expected in response.content.decode()


def test_a_completion_date_in_the_future_is_refused(client, counsellor, accepted) -> None:
    before = _snapshot(accepted)
    client.force_login(counsellor.user)
    response = client.post(
        reverse("referrals:referral-course", kwargs={"public_id": accepted.public_id}),
        _evidence(COMPLETED, on=_today() + dt.timedelta(days=1)),
    )
    assert response.status_code == 200 and "The date cannot be in the future." in response.content.decode()
    assert _snapshot(accepted) == before


def test_a_completion_date_before_the_referral_was_sent_is_refused(client, partner, accepted) -> None:
    before = _snapshot(accepted)
    client.force_login(partner.user)
    response = client.post(
        reverse("referrals:partner-referral", kwargs={"public_id": accepted.public_id}),
        _evidence(COMPLETED, on=_today() - dt.timedelta(days=3)),
    )
    assert response.status_code == 200
    assert "The date cannot be before the referral was sent" in response.content.decode()
    assert _snapshot(accepted) == before


def test_a_completion_before_the_enrolment_is_refused(counsellor, accepted) -> None:
    access = get_access(counsellor.user)
    with unscoped():
        Referral.objects.filter(pk=accepted.pk).update(sent_at=timezone.now() - dt.timedelta(days=30))
    accepted.refresh_from_db()
    services.record_course_evidence_as_sender(
        access=access,
        actor=counsellor.user,
        referral=accepted,
        evidence=CourseEvidence(step=ENROLLED, on=_today() - dt.timedelta(days=5)),
    )
    before = _snapshot(accepted)
    with pytest.raises(DomainError, match="cannot be before the enrolment"):
        services.record_course_evidence_as_sender(
            access=access,
            actor=counsellor.user,
            referral=accepted,
            evidence=CourseEvidence(step=COMPLETED, on=_today() - dt.timedelta(days=6), certificate_number="X1"),
        )
    assert _snapshot(accepted) == before


def test_a_completion_without_certificate_is_refused(client, linked, accepted) -> None:
    before = _snapshot(accepted)
    client.force_login(linked.user)
    response = client.post(
        reverse("returnees:referral", kwargs={"public_id": accepted.public_id}), _evidence(number="", link="")
    )
    assert "Give the certificate number, the link to the certificate or Open Badge, or both." in (
        response.content.decode()
    )
    assert _snapshot(accepted) == before


def test_evidence_on_a_referral_that_is_not_an_online_course_is_refused(
    client, counsellor, linked, refer, case, service, partner
) -> None:
    referral = refer(case, service)  # a vocational qualification, on site
    services.answer_as_partner(
        access=get_access(partner.user), actor=partner.user, referral=referral, to_status="accepted"
    )
    before = _snapshot(referral)
    for user, url in (
        (counsellor.user, reverse("referrals:referral-course", kwargs={"public_id": referral.public_id})),
        (partner.user, reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})),
        (linked.user, reverse("returnees:referral", kwargs={"public_id": referral.public_id})),
    ):
        client.force_login(user)
        response = client.post(url, _evidence())
        assert response.status_code == 200, url
        assert "recorded for online courses only" in response.content.decode(), url
    assert _snapshot(referral) == before


@pytest.mark.parametrize("status", [S.CANCELLED, S.DECLINED])
def test_evidence_on_a_closed_referral_is_refused(client, counsellor, linked, refer, case, course, partner, status):
    referral = refer(case, course)
    if status == S.CANCELLED:
        services.cancel_referral(access=get_access(counsellor.user), actor=counsellor.user, referral=referral)
    else:
        services.answer_as_partner(
            access=get_access(partner.user), actor=partner.user, referral=referral, to_status=status, note="Full"
        )
    before = _snapshot(referral)
    for user, url in (
        (counsellor.user, reverse("referrals:referral-course", kwargs={"public_id": referral.public_id})),
        (partner.user, reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})),
        (linked.user, reverse("returnees:referral", kwargs={"public_id": referral.public_id})),
    ):
        client.force_login(user)
        response = client.post(url, _evidence())
        assert response.status_code == 200, url
        assert "nothing can be recorded on it any more" in response.content.decode(), url
    assert _snapshot(referral) == before


def test_evidence_before_the_partner_accepted_is_refused(client, linked, refer, case, course) -> None:
    referral = refer(case, course)
    before = _snapshot(referral)
    client.force_login(linked.user)
    url = reverse("returnees:referral", kwargs={"public_id": referral.public_id})
    page = client.get(url).content.decode()
    assert "has accepted you, you can record here" in page and "I have completed" not in page
    response = client.post(url, _evidence())
    assert "has not accepted this referral yet" in response.content.decode()
    assert _snapshot(referral) == before


def test_returnee_cannot_record_on_another_clients_referral(client, linked, counsellor, accepted, course, refer):
    other_case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    from counselling.models import Consent

    Consent.objects.create(
        client=other_case.client,
        purpose="share_partner",
        organisation=course.organization,
        method="signed",
        recorded_by=counsellor.user,
    )
    other = refer(other_case, course)
    with unscoped():
        Client.objects.filter(pk=other_case.client_id).update(portal_account=UserFactory())
    before = _snapshot(other)
    client.force_login(linked.user)
    url = reverse("returnees:referral", kwargs={"public_id": other.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, _evidence()).status_code == 404
    with pytest.raises(NotAllowed, match="This referral does not exist"):
        services.record_course_evidence_as_client(
            access=get_access(linked.user),
            actor=linked.user,
            referral=other,
            evidence=CourseEvidence(step=COMPLETED, on=_today(), certificate_number="X"),
        )
    assert _snapshot(other) == before


def test_partner_cannot_record_on_another_organisations_referral(client, partner, counsellor, case, refer, country_a):
    from counselling.models import Consent

    elsewhere = OrganizationFactory(country=country_a, name="Other Academy")
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=elsewhere,
        method="signed",
        recorded_by=counsellor.user,
    )
    course = ServiceFactory(organization=elsewhere, category=ServiceCategory.ONLINE_COURSE)
    referral = refer(case, course)
    before = _snapshot(referral)
    client.force_login(partner.user)
    assert (
        client.post(
            reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id}), _evidence()
        ).status_code
        == 404
    )
    with pytest.raises(NotAllowed):
        services.record_course_evidence_as_partner(
            access=get_access(partner.user),
            actor=partner.user,
            referral=referral,
            evidence=CourseEvidence(step=COMPLETED, on=_today(), certificate_number="X"),
        )
    assert _snapshot(referral) == before


def test_counsellor_of_another_centre_cannot_record(client, outsider, accepted) -> None:
    before = _snapshot(accepted)
    client.force_login(outsider.user)
    url = reverse("referrals:referral-course", kwargs={"public_id": accepted.public_id})
    assert client.post(url, _evidence()).status_code == 404
    assert _snapshot(accepted) == before


def test_a_completed_course_cannot_be_completed_again(counsellor, accepted) -> None:
    access = get_access(counsellor.user)
    evidence = CourseEvidence(step=COMPLETED, on=_today(), certificate_number="X1")
    services.record_course_evidence_as_sender(
        access=access, actor=counsellor.user, referral=accepted, evidence=evidence
    )
    before = _snapshot(accepted)
    with pytest.raises(DomainError, match="already recorded"):
        services.record_course_evidence_as_sender(
            access=access, actor=counsellor.user, referral=accepted, evidence=evidence
        )
    assert _snapshot(accepted) == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=NASTY, link=st.one_of(NASTY, st.just(BADGE)))
def test_the_course_form_survives_any_text(client, linked, refer, case, partner, number, link) -> None:
    """Random text in the certificate number and link: never a server error, never stored markup."""
    course = ServiceFactory(organization=partner.membership.organisation, category=ServiceCategory.ONLINE_COURSE)
    referral = refer(case, course)
    services.answer_as_partner(
        access=get_access(partner.user), actor=partner.user, referral=referral, to_status=S.ACCEPTED
    )
    client.force_login(linked.user)
    url = reverse("returnees:referral", kwargs={"public_id": referral.public_id})
    response = client.post(url, _evidence(number=number, link=link))
    check_answer(response, {"certificate_number": number, "certificate_url": link})
    assert_no_markup_stored()


def test_returnee_dashboard_shows_evidence_in_flat_queries(
    client, linked, refer, case, partner, counsellor, django_assert_num_queries
) -> None:
    def completed_course() -> Referral:
        course = ServiceFactory(organization=partner.membership.organisation, category=ServiceCategory.ONLINE_COURSE)
        referral = refer(case, course)
        services.answer_as_partner(
            access=get_access(partner.user), actor=partner.user, referral=referral, to_status=S.ACCEPTED
        )
        return services.record_course_evidence_as_sender(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            referral=referral,
            evidence=CourseEvidence(step=COMPLETED, on=_today(), certificate_url=f"{BADGE}/{referral.pk}"),
        )

    completed_course()
    client.force_login(linked.user)
    url = reverse("returnees:dashboard")
    client.get(url)
    with CaptureQueriesContext(transaction.get_connection()) as one_row:
        client.get(url)
    for _ in range(6):
        completed_course()
    with django_assert_num_queries(len(one_row.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count(f'href="{BADGE}/') == 7
