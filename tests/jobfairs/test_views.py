"""Job fair screens: scope (404 for other employers' objects), query counts, bad input, JSON-LD, times."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jobfairs.models import Application, Booking, Booth, RegistrationStatus, Vacancy, VettingStatus
from portal.access import unscoped
from tests.factories import EmployerFactory, MembershipFactory, UserFactory, with_totp
from tests.jobfairs.factories import (
    BoothFactory,
    FairFactory,
    RegistrationFactory,
    SlotFactory,
    VacancyFactory,
    past_fair,
)


@pytest.fixture
def other_employer(country_a):
    user = with_totp(UserFactory())
    MembershipFactory(user=user, role="employer", employer=EmployerFactory(country=country_a))
    return user


# --- Object swap: another employer's ids are 404, for GET and POST -----------------------------------


def test_employer_opening_another_employers_objects_gets_404(client, employer, other_employer, booth, returnee) -> None:
    vacancy = VacancyFactory(employer=booth.employer, country=booth.employer.country)
    application = Application.objects.create(vacancy=vacancy, applicant=returnee.user)
    client.force_login(other_employer)
    urls = [
        reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}),
        reverse("jobfairs:slot-create", kwargs={"public_id": booth.public_id}),
        reverse("jobfairs:vacancy-edit", kwargs={"public_id": vacancy.public_id}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    post = {
        "first_start": "2030-01-01T10:00",
        "minutes": 15,
        "count": 2,
        "title": "Hijacked",
        "description": "x",
        "employment_type": "FULL_TIME",
        "country": "GH",
        "locality": "Accra",
        "valid_through": "2030-01-01",
        "publish": "on",
    }
    for url in urls[1:]:
        assert client.post(url, post).status_code == 404, url
    assert client.post(urls[0], post).status_code == 405  # a read-only page: says nothing about the booth
    status_url = reverse("jobfairs:application-status", kwargs={"public_id": application.public_id})
    assert client.post(status_url, {"status": "shortlisted"}).status_code == 404
    vacancy.refresh_from_db()
    application.refresh_from_db()
    assert vacancy.title != "Hijacked" and application.status == "submitted"
    assert not booth.slots.exists()


def test_employer_sees_only_a_count_of_candidates_without_consent(client, employer, booth, fair) -> None:
    sharing = RegistrationFactory(fair=fair, user=UserFactory(full_name="Ama Shares"))
    RegistrationFactory(fair=fair, user=UserFactory(full_name="Kofi Private"), consent_given_at=None)
    client.force_login(employer.user)
    response = client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}))
    body = response.content.decode()
    assert "Ama Shares" in body and sharing.user.email in body
    assert "Kofi Private" not in body
    assert "2 candidates registered; 1 agreed" in body


def test_another_returnee_cannot_touch_my_registration_or_booking(client, returnee, fair, booth) -> None:
    registration = RegistrationFactory(fair=fair, user=returnee.user)
    booking = Booking.objects.create(slot=SlotFactory(booth=booth), registration=registration)
    client.force_login(UserFactory())
    for name, obj in [
        ("jobfairs:registration-cancel", registration),
        ("jobfairs:registration-consent", registration),
        ("jobfairs:booking-cancel", booking),
    ]:
        assert client.post(reverse(name, kwargs={"public_id": obj.public_id})).status_code == 404
    assert client.get(reverse("jobfairs:booking-ics", kwargs={"public_id": booking.public_id})).status_code == 404
    registration.refresh_from_db()
    booking.refresh_from_db()
    assert registration.status == "registered" and booking.status == "active"


# --- Public pages --------------------------------------------------------------------------------


def test_draft_fairs_and_unverified_employers_are_not_public(client, fair) -> None:
    draft = FairFactory(status="draft", title="Secret draft")
    hidden = BoothFactory(fair=fair, employer=EmployerFactory(name="Pending Ltd", vetting_status=VettingStatus.PENDING))
    body = client.get(reverse("jobfairs:fair-list")).content.decode()
    assert fair.title in body and "Secret draft" not in body
    assert client.get(reverse("jobfairs:fair-detail", kwargs={"public_id": draft.public_id})).status_code == 404
    assert (
        "Pending Ltd"
        not in client.get(reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})).content.decode()
    )
    assert client.get(reverse("jobfairs:booth-detail", kwargs={"public_id": hidden.public_id})).status_code == 404
    unverified = VacancyFactory(employer=hidden.employer)
    assert client.get(reverse("jobfairs:vacancy-detail", kwargs={"public_id": unverified.public_id})).status_code == 404


def test_fair_times_show_in_the_fairs_zone_and_in_the_viewers(client, outsider, centre_a) -> None:
    # 09:00 UTC is 09:00 in Accra and 10:00 (winter) or 11:00 (summer) in Belgrade.
    fair = FairFactory(
        country=centre_a.country, centres=[centre_a], starts_at=dt.datetime(2031, 1, 15, 9, 0, tzinfo=dt.UTC)
    )
    fair.registration_closes_at = fair.starts_at - dt.timedelta(hours=1)
    fair.save()
    url = reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})
    anonymous = client.get(url).content.decode()
    assert "15 January 2031, 09:00" in anonymous and "Your time" not in anonymous
    client.force_login(outsider.user)  # staff in Serbia: Europe/Belgrade
    body = client.get(url).content.decode()
    assert "Your time: 15 January 2031, 10:00 (Belgrade, UTC+1)" in body


def test_vacancy_page_carries_valid_jobposting_json_ld(client, employer_org) -> None:
    vacancy = VacancyFactory(
        employer=employer_org,
        country=employer_org.country,
        title="Welder </script><script>alert(1)</script>",
        salary_min=1500,
        salary_max=2500,
        salary_currency="GHS",
        salary_unit="MONTH",
        isco_code="7212",
    )
    response = client.get(reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id}))
    body = response.content.decode()
    match = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', body, re.S)
    assert match, "no JSON-LD script"
    nonce, text = match.groups()
    assert nonce and f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert "</script><script>" not in text  # escaped
    data = json.loads(text)
    assert data["@type"] == "JobPosting" and data["@context"] == "https://schema.org/"
    for key in (
        "title",
        "description",
        "datePosted",
        "validThrough",
        "employmentType",
        "hiringOrganization",
        "jobLocation",
    ):
        assert data[key], key
    assert data["title"] == vacancy.title
    assert data["hiringOrganization"] == {"@type": "Organization", "name": employer_org.name}
    assert data["jobLocation"]["address"]["@type"] == "PostalAddress"
    assert data["jobLocation"]["address"]["addressCountry"] == "GH"
    assert data["baseSalary"]["value"]["minValue"] == 1500
    dt.date.fromisoformat(data["datePosted"])
    dt.datetime.fromisoformat(data["validThrough"])


def test_remote_vacancy_uses_telecommute(client, employer_org) -> None:
    vacancy = VacancyFactory(employer=employer_org, country=employer_org.country, remote=True, locality="")
    body = client.get(reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id})).content.decode()
    data = json.loads(re.search(r'application/ld\+json" nonce="[^"]+">(.*?)</script>', body, re.S).group(1))
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"]["name"] == "GH"
    assert "jobLocation" not in data


# --- Candidate screens and bad input ----------------------------------------------------------------


def test_returnee_registers_books_and_downloads_ics(client, returnee, fair, booth) -> None:
    slot = SlotFactory(booth=booth)
    client.force_login(returnee.user)
    response = client.post(
        reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id}), {"share_profile": "on"}
    )
    assert response.status_code == 302
    response = client.post(reverse("jobfairs:slot-book", kwargs={"public_id": slot.public_id}), follow=True)
    assert "Your meeting is booked" in response.content.decode()
    with unscoped():
        booking = Booking.objects.get()
    response = client.get(reverse("jobfairs:booking-ics", kwargs={"public_id": booking.public_id}))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT\r\n" in response.content


def test_registration_after_window_shows_error_and_keeps_input(client, returnee, fair) -> None:
    fair.questions = ["Which trade?"]
    fair.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    fair.registration_opens_at = timezone.now() - dt.timedelta(days=3)
    fair.save()
    client.force_login(returnee.user)
    response = client.post(
        reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id}),
        {"q0": "Carpentry", "share_profile": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Registration for this fair has closed." in body
    assert "Carpentry" in body


def test_booking_a_taken_slot_shows_a_clear_message(client, returnee, fair, booth) -> None:
    slot = SlotFactory(booth=booth)
    Booking.objects.create(slot=slot, registration=RegistrationFactory(fair=fair))
    RegistrationFactory(fair=fair, user=returnee.user)
    client.force_login(returnee.user)
    response = client.post(reverse("jobfairs:slot-book", kwargs={"public_id": slot.public_id}), follow=True)
    assert "Someone else has just booked this slot" in response.content.decode()


def test_markup_in_a_vacancy_is_refused_and_input_kept(client, employer) -> None:
    client.force_login(employer.user)
    response = client.post(
        reverse("jobfairs:vacancy-create"),
        {
            "title": "<b>Welder</b>",
            "description": "Welding jobs",
            "employment_type": "FULL_TIME",
            "country": "GH",
            "locality": "Tema",
            "valid_through": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
            "salary_min": "900",
            "salary_max": "500",
        },
    )
    body = response.content.decode()
    assert "Remove the HTML" in body and "Welding jobs" in body
    with unscoped():
        assert not Vacancy.objects.exists()


def test_unverified_employer_publishing_gets_a_clear_error(client, employer, employer_org) -> None:
    employer_org.vetting_status = VettingStatus.PENDING
    employer_org.save()
    client.force_login(employer.user)
    data = {
        "title": "Welder",
        "description": "Welding jobs",
        "employment_type": "FULL_TIME",
        "country": "GH",
        "locality": "Tema",
        "valid_through": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
        "publish": "on",
    }
    response = client.post(reverse("jobfairs:vacancy-create"), data)
    assert "has not been verified yet" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_employer_adds_slots_in_the_fairs_time_zone(client, employer, booth, fair) -> None:
    client.force_login(employer.user)
    local_start = timezone.localtime(fair.starts_at, fair.zone)
    response = client.post(
        reverse("jobfairs:slot-create", kwargs={"public_id": booth.public_id}),
        {"first_start": local_start.strftime("%Y-%m-%dT%H:%M"), "minutes": 15, "count": 3},
    )
    assert response.status_code == 302
    assert booth.slots.order_by("starts_at").first().starts_at == fair.starts_at


# --- Query counts: pinned, the same at 1 row and at many rows ---------------------------------------------

FAIR_LIST_QUERIES = 2
FAIR_DETAIL_QUERIES = 3
EMPLOYER_DASHBOARD_QUERIES = 10  # 9 reads and one audit insert for the candidates named (one query for all)
FAIR_MANAGE_QUERIES = 9  # with the fair's booths and booth requests (one query) and its survey answers (one)
MY_REGISTRATIONS_QUERIES = 6
LESSONS_QUERIES = 6  # furniture, the fairs with their outcomes in one query, their survey answers in one


def test_public_fair_list_query_count_is_flat(client, centre_a, django_assert_num_queries) -> None:
    for extra in (1, 15):
        for _ in range(extra):
            BoothFactory(fair=FairFactory(country=centre_a.country))
        with django_assert_num_queries(FAIR_LIST_QUERIES):
            client.get(reverse("jobfairs:fair-list"))


def test_public_fair_page_query_count_is_flat(client, fair, django_assert_num_queries) -> None:
    url = reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})
    for extra in (1, 12):
        for _ in range(extra):
            booth = BoothFactory(fair=fair)
            SlotFactory(booth=booth)
            VacancyFactory(employer=booth.employer, fair=fair)
        with django_assert_num_queries(FAIR_DETAIL_QUERIES):
            client.get(url)


def test_employer_dashboard_query_count_is_flat(client, employer, employer_org, django_assert_num_queries) -> None:
    client.force_login(employer.user)
    client.get(reverse("jobfairs:employer-dashboard"))  # the first request after sign-in also saves the session
    for extra in (1, 8):
        for _ in range(extra):
            fair = FairFactory()
            booth = BoothFactory(fair=fair, employer=employer_org)
            slot = SlotFactory(booth=booth)
            registration = RegistrationFactory(fair=fair)
            Booking.objects.create(slot=slot, registration=registration)
            vacancy = VacancyFactory(employer=employer_org, fair=fair)
            Application.objects.create(vacancy=vacancy, applicant=registration.user)
        with django_assert_num_queries(EMPLOYER_DASHBOARD_QUERIES):
            client.get(reverse("jobfairs:employer-dashboard"))


def test_manager_fair_view_query_count_is_flat(client, manager, fair, booth, django_assert_num_queries) -> None:
    client.force_login(manager.user)
    url = reverse("jobfairs:fair-manage", kwargs={"public_id": fair.public_id})
    client.get(url)
    for extra in (1, 20):
        for _ in range(extra):
            registration = RegistrationFactory(fair=fair)
            Booking.objects.create(
                slot=SlotFactory(
                    booth=booth,
                    starts_at=fair.starts_at + dt.timedelta(minutes=15 * Booth.objects.get(pk=booth.pk).slots.count()),
                ),
                registration=registration,
            )
        with django_assert_num_queries(FAIR_MANAGE_QUERIES):
            client.get(url)


def test_my_registrations_query_count_is_flat(client, returnee, employer_org, django_assert_num_queries) -> None:
    client.force_login(returnee.user)
    client.get(reverse("jobfairs:registration-list"))
    for extra in (1, 8):
        for _ in range(extra):
            fair = FairFactory()
            registration = RegistrationFactory(fair=fair, user=returnee.user)
            Booking.objects.create(slot=SlotFactory(booth=BoothFactory(fair=fair)), registration=registration)
            Application.objects.create(vacancy=VacancyFactory(), applicant=returnee.user)
        with django_assert_num_queries(MY_REGISTRATIONS_QUERIES):
            client.get(reverse("jobfairs:registration-list"))


def test_lessons_learned_query_count_is_flat(client, manager, centre_a, django_assert_num_queries) -> None:
    client.force_login(manager.user)
    client.get(reverse("jobfairs:lessons"))
    for extra in (1, 10):
        for index in range(extra):
            fair = past_fair(
                country=centre_a.country, centres=[centre_a], format=["virtual", "hybrid", "on_site"][index % 3]
            )
            RegistrationFactory(fair=fair, status=RegistrationStatus.ATTENDED)
        with django_assert_num_queries(LESSONS_QUERIES):
            client.get(reverse("jobfairs:lessons"))


def test_my_registration_shows_the_check_in_code_as_text_and_qr(client, returnee) -> None:
    registration = RegistrationFactory(fair=FairFactory(), user=returnee.user)
    client.force_login(returnee.user)
    html = client.get(reverse("jobfairs:registration-list")).content.decode()
    assert registration.check_in_code in html
    assert "<svg" in html and 'role="img"' in html


def test_manager_edits_a_fair_and_its_arabic_title(client, manager, centre_a) -> None:
    from jobfairs.models import JobFair

    fair = FairFactory()
    fair.centres.set([centre_a])
    client.force_login(manager.user)
    url = reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id})
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "starts_at": form.initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
            "ends_at": form.initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
            "registration_opens_at": form.initial["registration_opens_at"].strftime("%Y-%m-%dT%H:%M"),
            "registration_closes_at": form.initial["registration_closes_at"].strftime("%Y-%m-%dT%H:%M"),
            "title": "Renamed fair",
            "title_ar": "معرض التوظيف",
            "languages": form.initial.get("languages") or [],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fair = JobFair.objects.get(pk=fair.pk)
    assert fair.title == "Renamed fair"
    assert fair.translations["ar"]["title"] == "معرض التوظيف"
    assert client.get(f"/ar/jobfairs/{fair.public_id}/").content.decode().count("معرض التوظيف") >= 1


def test_manager_of_another_centre_cannot_edit_the_fair(client, outsider_manager, centre_a) -> None:
    fair = FairFactory()
    fair.centres.set([centre_a])
    client.force_login(outsider_manager.user)
    url = reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404
