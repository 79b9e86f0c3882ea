"""Random text thrown at every form that takes text: never a server error, never stored markup.

Hypothesis generates text with control characters, right-to-left overrides, very long strings, and SQL and
HTML fragments. Each form must answer 200 (with a clear error) or a redirect (saved); text with markup or
hidden characters gets a visible error; the page shows what was typed escaped; nothing saved contains markup.
Counselling first, then referrals, job fairs, portal and the public site.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselling.models import Client, FollowUp, PlanGoal, Session
from portal.access import unscoped
from portal.forms_base import check_text
from tests.factories import CaseFactory, ClientFactory, UserFactory

NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE counselling_client; --",
            "\u202egnp.exe",
            "\x00\x01\x02",
            "A" * 5000,
            "محمد\u200f<b>",
            "javascript:alert(1)",
            "Ama\r\nMensah",
            "%(name)s {{ x }} {% load %}",
        ]
    ),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_no_markup_stored() -> None:
    with unscoped():
        stored = [
            *Client.objects.values_list("given_name", "family_name", "occupation"),
            *Session.objects.values_list("summary", "next_steps"),
            *FollowUp.objects.values_list("title"),
            *PlanGoal.objects.values_list("title"),
        ]
    for row in stored:
        for value in row:
            assert "<script" not in value.lower() and "\u202e" not in value


@pytest.fixture
def signed_in(client, counsellor):
    client.force_login(counsellor.user)
    return client


@FUZZ
@given(given_name=NASTY, family_name=NASTY, occupation=NASTY)
def test_intake_form_survives_any_text(signed_in, counsellor, given_name, family_name, occupation) -> None:
    response = signed_in.post(
        reverse("counselling:client-create"),
        {
            "given_name": given_name,
            "family_name": family_name,
            "occupation": occupation,
            "sex": "female",
            "preferred_channel": "phone",
            "target_group": "local",
            "consent_method": "signed",
            "confirm_new": "on",
        },
    )
    assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(summary=NASTY, next_steps=NASTY, duration=st.one_of(st.integers(-5, 10_000).map(str), NASTY))
def test_session_form_survives_any_text(signed_in, counsellor, summary, next_steps, duration) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    response = signed_in.post(
        reverse("counselling:session-create", kwargs={"public_id": case.public_id}),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": duration,
            "mode": "phone",
            "kind": "individual",
            "topics": ["housing"],
            "summary": summary,
            "next_steps": next_steps,
        },
    )
    assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(title=NASTY, due_on=st.one_of(st.dates().map(str), NASTY))
def test_follow_up_and_goal_forms_survive_any_text(signed_in, counsellor, title, due_on) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    for name in ("counselling:follow-up-create", "counselling:goal-create"):
        response = signed_in.post(
            reverse(name, kwargs={"public_id": case.public_id}), {"title": title, "due_on": due_on}
        )
        assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(query=NASTY)
def test_caseload_search_survives_any_text(signed_in, query) -> None:
    response = signed_in.get(reverse("counselling:case-list"), {"q": query, "status": query[:20]})
    assert response.status_code == 200


# --- Every other form: shared checks ------------------------------------------------------------------------

FEW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ALERT = "<script>alert(1)</script>"
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.IGNORECASE)
SHOWN_ERROR = re.compile(r'class="errorlist|class="message error|role="alert"')
# Every text column of these apps is read back after each example (the audit log holds no free text).
SCANNED_APPS = ("counselling", "referrals", "jobfairs", "portal", "returnees")


def _refused(value: str) -> bool:
    """Whether the shared text check refuses this value (as typed, after the form strips it)."""
    return "\x00" in value or check_text(value.strip(), multiline=True) is not None


def check_answer(response, fuzzed: dict[str, str], *, saves: bool = True) -> None:
    """No server error; the input comes back escaped; refused text gets a visible error and is never saved."""
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert ALERT not in html and "<script>alert" not in html
        if any(_refused(value) for value in fuzzed.values()):
            assert SHOWN_ERROR.search(html), "refused text without a visible error"
    elif saves:
        refused = [name for name, value in fuzzed.items() if _refused(value)]
        assert not refused, f"saved although {refused} hold markup or hidden characters"


def assert_no_markup_stored() -> None:
    with unscoped():
        for label in SCANNED_APPS:
            for model in apps.get_app_config(label).get_models():
                if model._meta.label == "portal.AuditEvent":
                    continue
                names = [
                    field.name
                    for field in model._meta.concrete_fields
                    if isinstance(field, models.CharField | models.TextField | models.JSONField)
                ]
                if not names:
                    continue
                for row in model._base_manager.values_list(*names):
                    for value in row:
                        text = value if isinstance(value, str) else str(value or "")
                        assert not MARKUP.search(text), (model._meta.label, text[:80])
                        assert "\u202e" not in text, (model._meta.label, text[:80])


def local(moment: dt.datetime, zone: str = "Africa/Accra") -> str:
    import zoneinfo

    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


# --- Referrals -------------------------------------------------------------------------------------------


def consenting_case(counsellor, partner_org):
    """A case whose client agreed to share with the partner organisation."""
    from counselling.models import Consent

    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    return case


@pytest.fixture
def shared_case(counsellor, partner_org):
    return consenting_case(counsellor, partner_org)


@pytest.fixture
def partner_service(partner_org):
    from tests.referrals.factories import ServiceFactory

    return ServiceFactory(organization=partner_org, capacity=1000)


def sent_referral(counsellor, case, service):
    from portal.access import get_access
    from referrals import services

    return services.create_referral(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        service=service,
        reason="Course",
        shared_fields=["name"],
    )


@FEW
@given(name=NASTY, description=NASTY, phone=NASTY)
def test_organisation_form_survives_any_text(client, manager, name, description, phone) -> None:
    client.force_login(manager.user)
    fuzzed = {"name": name, "description": description}
    response = client.post(
        reverse("referrals:organization-create"),
        {"form": "organization", "organization_type": "ngo", "country": "GH", "phone": phone, **fuzzed},
    )
    check_answer(response, fuzzed)
    assert_no_markup_stored()


@FEW
@given(name=NASTY, address=NASTY, city=NASTY)
def test_location_form_survives_any_text(client, manager, partner_org, name, address, city) -> None:
    client.force_login(manager.user)
    fuzzed = {"name": name, "address": address, "city": city}
    url = reverse("referrals:organization-edit", kwargs={"public_id": partner_org.public_id})
    check_answer(client.post(url, {"form": "location", **fuzzed}), fuzzed)
    assert_no_markup_stored()


@FEW
@given(name=NASTY, description=NASTY, eligibility=NASTY, cost=NASTY, schedule=NASTY, age=NASTY)
def test_service_form_survives_any_text(
    client, manager, partner_org, name, description, eligibility, cost, schedule, age
) -> None:
    client.force_login(manager.user)
    fuzzed = {"name": name, "description": description, "eligibility": eligibility, "cost": cost, "schedule": schedule}
    data = {"organization": partner_org.pk, "category": "language", "delivery": "online", "min_age": age, **fuzzed}
    check_answer(client.post(reverse("referrals:service-create"), data), fuzzed)
    assert_no_markup_stored()


@FEW
@given(reason=NASTY, due_on=st.one_of(st.dates().map(str), NASTY), draft=st.booleans())
def test_referral_form_survives_any_text(
    client, counsellor, shared_case, partner_service, reason, due_on, draft
) -> None:
    case, service = shared_case, partner_service
    client.force_login(counsellor.user)
    data = {"service": service.pk, "reason": reason, "urgency": "routine", "shared_fields": ["name"], "due_on": due_on}
    if draft:
        data["save_as_draft"] = "on"
    response = client.post(reverse("referrals:referral-create", kwargs={"public_id": case.public_id}), data)
    check_answer(response, {"reason": reason})
    assert_no_markup_stored()


@FEW
@given(status=st.sampled_from(["accepted", "declined", "nonsense", ""]), note=NASTY)
def test_partner_answer_forms_survive_any_text(
    client, partner, partner_org, counsellor, partner_service, status, note
) -> None:
    """The partner's own page and the signed link both take the same answer form."""
    from referrals.links import make_token

    for signed_link in (False, True):
        referral = sent_referral(counsellor, consenting_case(counsellor, partner_org), partner_service)
        if signed_link:
            client.logout()
            url = reverse("referrals:link", kwargs={"token": make_token(referral)})
        else:
            client.force_login(partner.user)
            url = reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})
        check_answer(client.post(url, {"status": status, "note": note, "outcome": ""}), {"note": note})
    assert_no_markup_stored()


@FEW
@given(query=NASTY)
def test_directory_and_board_filters_survive_any_text(client, manager, query) -> None:
    client.force_login(manager.user)
    for name, params in (
        ("referrals:service-list", {"q": query, "category": query, "country": query, "language": query}),
        ("referrals:organization-list", {"q": query}),
        ("referrals:board", {"status": query, "service": query}),
    ):
        response = client.get(reverse(name), params)
        assert response.status_code == 200, name
        assert ALERT not in response.content.decode()


# --- Job fairs ---------------------------------------------------------------------------------------------


def _fair_data(**overrides: object) -> dict:
    starts = timezone.now() + dt.timedelta(days=20)
    data = {
        "title": "Fair",
        "format": "hybrid",
        "time_zone": "Africa/Accra",
        "starts_at": local(starts),
        "ends_at": local(starts + dt.timedelta(hours=6)),
        "registration_opens_at": local(timezone.now()),
        "registration_closes_at": local(starts - dt.timedelta(hours=1)),
        "capacity": "50",
        "waiting_list_size": "10",
        "languages": ["en"],
    }
    data.update(overrides)
    return data


@FEW
@given(title=NASTY, description=NASTY, venue=NASTY, questions=NASTY, zone=NASTY)
def test_fair_create_form_survives_any_text(client, manager, title, description, venue, questions, zone) -> None:
    client.force_login(manager.user)
    fuzzed = {"title": title, "description": description, "venue": venue, "questions": questions}
    response = client.post(reverse("jobfairs:fair-create"), _fair_data(time_zone=zone, **fuzzed))
    check_answer(response, fuzzed)
    assert_no_markup_stored()


@FEW
@given(title=NASTY, title_ar=NASTY, description_fr=NASTY)
def test_fair_edit_form_survives_any_text(client, manager, centre_a, title, title_ar, description_fr) -> None:
    from tests.jobfairs.factories import FairFactory

    fair = FairFactory(country=centre_a.country, centres=[centre_a])
    client.force_login(manager.user)
    fuzzed = {"title": title, "title_ar": title_ar, "description_fr": description_fr}
    response = client.post(reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id}), _fair_data(**fuzzed))
    check_answer(response, fuzzed)
    assert_no_markup_stored()


@pytest.fixture
def booth(centre_a, employer_org):
    from tests.jobfairs.factories import BoothFactory, FairFactory

    return BoothFactory(fair=FairFactory(country=centre_a.country, centres=[centre_a]), employer=employer_org)


@FEW
@given(description=NASTY, documents=NASTY, staff=NASTY, meeting_url=NASTY)
def test_booth_form_survives_any_text(client, employer, booth, description, documents, staff, meeting_url) -> None:
    client.force_login(employer.user)
    fuzzed = {"description": description, "documents": documents, "staff": staff}
    url = reverse("jobfairs:booth-edit", kwargs={"public_id": booth.fair.public_id})
    check_answer(client.post(url, {"meeting_url": meeting_url, **fuzzed}), fuzzed)
    assert_no_markup_stored()


@FEW
@given(title=NASTY, description=NASTY, locality=NASTY, skills=NASTY, how_to_apply=NASTY, salary=NASTY)
def test_vacancy_form_survives_any_text(
    client, employer, title, description, locality, skills, how_to_apply, salary
) -> None:
    client.force_login(employer.user)
    fuzzed = {
        "title": title,
        "description": description,
        "locality": locality,
        "skills": skills,
        "how_to_apply": how_to_apply,
    }
    data = {
        "employment_type": "FULL_TIME",
        "country": "GH",
        "valid_through": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
        "salary_min": salary,
        **fuzzed,
    }
    check_answer(client.post(reverse("jobfairs:vacancy-create"), data), fuzzed)
    assert_no_markup_stored()


@FEW
@given(first_start=st.one_of(st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), NASTY), count=NASTY)
def test_slots_form_survives_any_text(client, employer, booth, first_start, count) -> None:
    client.force_login(employer.user)
    url = reverse("jobfairs:slot-create", kwargs={"public_id": booth.public_id})
    check_answer(client.post(url, {"first_start": first_start, "minutes": "15", "count": count}), {}, saves=False)


@FEW
@given(answer=NASTY, code=NASTY)
def test_registration_forms_survive_any_text(client, returnee, counsellor, centre_a, answer, code) -> None:
    """A returnee registering with an answer, and a counsellor registering a client by code."""
    from tests.jobfairs.factories import FairFactory

    fair = FairFactory(country=centre_a.country, centres=[centre_a], questions=["Which trade?"])
    client.force_login(returnee.user)
    url = reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id})
    check_answer(client.post(url, {"q0": answer, "share_profile": "on"}), {"q0": answer})

    client.force_login(counsellor.user)
    url = reverse("jobfairs:client-register", kwargs={"public_id": fair.public_id})
    check_answer(client.post(url, {"client_code": code, "q0": answer}), {"client_code": code, "q0": answer})
    response = client.post(reverse("jobfairs:check-in", kwargs={"public_id": fair.public_id}), {"code": code})
    check_answer(response, {}, saves=False)
    assert_no_markup_stored()


@FEW
@given(cover_note=NASTY, status=NASTY)
def test_application_forms_survive_any_text(client, returnee, employer, employer_org, cover_note, status) -> None:
    from jobfairs.models import Application
    from tests.jobfairs.factories import VacancyFactory

    vacancy = VacancyFactory(employer=employer_org)
    client.force_login(returnee.user)
    url = reverse("jobfairs:application-create", kwargs={"public_id": vacancy.public_id})
    check_answer(client.post(url, {"cover_note": cover_note, "confirm": "on"}), {"cover_note": cover_note})

    application = Application.objects.create(vacancy=vacancy, applicant=UserFactory())
    client.force_login(employer.user)
    url = reverse("jobfairs:application-status", kwargs={"public_id": application.public_id})
    check_answer(client.post(url, {"status": status}), {}, saves=False)
    assert_no_markup_stored()


@FEW
@given(what_worked=NASTY, to_improve=NASTY, satisfaction=st.one_of(st.sampled_from(["1", "5"]), NASTY))
def test_survey_form_survives_any_text(client, returnee, centre_a, what_worked, to_improve, satisfaction) -> None:
    from jobfairs.models import RegistrationStatus
    from tests.jobfairs.factories import RegistrationFactory, past_fair

    fair = past_fair(country=centre_a.country, centres=[centre_a])
    RegistrationFactory(fair=fair, user=returnee.user, status=RegistrationStatus.ATTENDED)
    client.force_login(returnee.user)
    fuzzed = {"what_worked": what_worked, "to_improve": to_improve}
    url = reverse("jobfairs:survey-answer", kwargs={"public_id": fair.public_id})
    check_answer(client.post(url, {"satisfaction": satisfaction, **fuzzed}), fuzzed)
    assert_no_markup_stored()


@FEW
@given(query=NASTY)
def test_fair_list_filter_survives_any_text(client, db, query) -> None:
    response = client.get(reverse("jobfairs:fair-list"), {"country": query, "format": query, "past": query})
    assert response.status_code == 200 and ALERT not in response.content.decode()


# --- Portal ------------------------------------------------------------------------------------------------


@FEW
@given(full_name=NASTY, email=st.one_of(st.emails(), NASTY), language=st.one_of(st.just("fr"), NASTY))
def test_invite_staff_form_survives_any_text(client, manager, centre_a, full_name, email, language) -> None:
    client.force_login(manager.user)
    data = {"full_name": full_name, "email": email, "role": "counsellor", "centre": centre_a.pk, "language": language}
    check_answer(client.post(reverse("portal:staff-invite"), data), {"full_name": full_name})
    assert_no_markup_stored()


@FEW
@given(language=NASTY, query=NASTY)
def test_language_preference_and_audit_search_survive_any_text(client, manager, language, query) -> None:
    client.force_login(manager.user)
    check_answer(client.post(reverse("portal:me"), {"language": language}), {}, saves=False)
    response = client.get(reverse("portal:audit-log"), {"client_code": query, "action": query, "actor": query})
    assert response.status_code == 200 and ALERT not in response.content.decode()


# --- Public site -------------------------------------------------------------------------------------------


@pytest.fixture
def site_home(db: None):
    from cms.models import HomePage
    from devtools.demo.cms import Spec, _ensure_page, _point_site_at, _root, ensure_locales

    locales = ensure_locales()
    page, _created = _ensure_page(_root(locales["en"]), Spec(HomePage, "home", "Home", {"intro": "Hi."}), locales["en"])
    _point_site_at(page)
    return page


@pytest.fixture
def centre_page(site_home, centre_a):
    from cms.models import CentrePage, CountryPage

    pages = []
    parent = site_home
    for model, fields in (
        (CountryPage, {"title": "Ghana", "slug": "ghana", "country": centre_a.country}),
        (CentrePage, {"title": centre_a.name, "slug": "accra", "centre": centre_a, "body": []}),
    ):
        page = model(locale=parent.locale, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        pages.append(page)
        parent = page
    return pages[-1]


@FEW
@given(name=NASTY, contact=NASTY, message=NASTY)
def test_appointment_form_survives_any_text(client, settings, centre_page, centre_a, name, contact, message) -> None:
    settings.APPOINTMENT_RATE_PER_IP = settings.APPOINTMENT_RATE_PER_CENTRE = 10_000
    fuzzed = {"name": name, "message": message}
    data = {"contact": contact, "preferred_channel": "message", "topic": "training_jobs", "consent": "on", **fuzzed}
    response = client.post(reverse("site:appointment-request", kwargs={"centre_id": centre_a.public_id}), data)
    check_answer(response, fuzzed)
    assert_no_markup_stored()


@FEW
@given(query=NASTY)
def test_site_search_survives_any_text(client, site_home, query) -> None:
    response = client.get(reverse("site:search"), {"q": query})
    assert response.status_code == 200 and ALERT not in response.content.decode()


@FEW
@given(full_name=NASTY, skills=NASTY, birth_year=NASTY, education=NASTY)
def test_returnee_profile_form_survives_any_text(client, returnee, full_name, skills, birth_year, education) -> None:
    client.force_login(returnee.user)
    fuzzed = {"full_name": full_name, "skills": skills}
    data = {"birth_year": birth_year, "education": education, "contact_preference": "email", **fuzzed}
    check_answer(client.post(reverse("returnees:profile"), data), fuzzed)
    assert_no_markup_stored()


@pytest.fixture
def queued_request(centre_a):
    from counselling.services import request_appointment

    return request_appointment(
        centre=centre_a, user=None, name="Ama Mensah", contact="+233241234567", preferred_channel="phone", topic="other"
    )


@FEW
@given(reason=NASTY, scheduled_for=st.one_of(st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), NASTY))
def test_intake_queue_forms_survive_any_text(client, counsellor, queued_request, reason, scheduled_for) -> None:
    client.force_login(counsellor.user)
    kwargs = {"public_id": queued_request.public_id}
    schedule = client.post(reverse("counselling:intake-schedule", kwargs=kwargs), {"scheduled_for": scheduled_for})
    check_answer(schedule, {}, saves=False)
    close = client.post(reverse("counselling:intake-close", kwargs=kwargs), {"reason": reason})
    check_answer(close, {"reason": reason})
    filtered = client.get(reverse("counselling:intake-list"), {"status": reason})
    assert filtered.status_code == 200 and ALERT not in filtered.content.decode()
    assert_no_markup_stored()
