"""Every date and time the portal shows, in every language, reads as the table says (tests/portal/date_formats.py).

One fixed moment (7 December 2026, 14:30 in Accra, which is UTC+0) is put into every kind of record that
carries a date or a time, and every page type, e-mail, PDF, export and calendar file that shows it is
rendered in each of the eight languages. Each must contain the table's rendering, and none may contain
one of the renderings the portal used to show (month first, "p.m.", ISO dates in running text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import load_workbook

from cms.returnees.dataprotection import collect_my_data
from counselling.models import AppointmentRequest, CaseEvent, Consent, FollowUp
from jobfairs.ics import booking_ics
from jobfairs.models import Booking
from jobfairs.notifications import send_booking_confirmation, send_registration_confirmation
from portal.access import get_access, unscoped
from portal.pdf import language_context
from reports.models import ReportBuild
from reports.pdf import render_report_html
from reports.periods import periods_for
from reports.selectors import get_report, scope_of_build
from tests.factories import CaseFactory, ClientFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory
from tests.portal.date_formats import DAY, EXPECTED, MOMENT, NEVER, RANGE_START, visible

LANGUAGES = list(EXPECTED)


def assert_reads(text: str, language: str, *names: str, where: str) -> None:
    """`text` carries the table's rendering of each named format, and none of the old wrong ones."""
    text = " ".join(text.split())
    for name in names:
        expected = EXPECTED[language][name]
        assert expected in text, f"{where} [{language}]: {name} should read {expected!r}:\n{text[:3000]}"
    for wrong in NEVER:
        assert wrong not in text, f"{where} [{language}]: shows {wrong!r}:\n{text[:3000]}"


def url(language: str, name: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def scene(counsellor, manager, centre_a):
    """Records at the fixed moment in centre A (Accra): a case with a session, a consent, a follow-up and a
    timeline line; an appointment request; a fair in Accra with a booth, a slot, a registration and a booking."""
    case = CaseFactory(client=ClientFactory(centre=centre_a), counsellor=counsellor.user)
    SessionFactory(case=case, counsellor=counsellor.user, held_at=MOMENT)
    Consent.objects.create(
        client=case.client, purpose="counselling_record", method="signed", recorded_by=counsellor.user, given_on=DAY
    )
    FollowUp.objects.create(
        case=case, assigned_to=counsellor.user, created_by=counsellor.user, title="Call back", due_on=DAY
    )
    CaseEvent.objects.create(
        case=case,
        occurred_at=MOMENT,
        actor=counsellor.user,
        kind="follow_up.added",
        params={"title": "Call back", "due_on": DAY.isoformat()},
    )
    appointment = AppointmentRequest.objects.create(
        centre=centre_a,
        name="Ama Mensah",
        contact="+233241234567",
        preferred_channel="phone",
        topic="training_jobs",
        consent_given_at=MOMENT,
        created_at=MOMENT,
        scheduled_for=MOMENT,
        status="scheduled",
    )
    fair = FairFactory(
        country=centre_a.country,
        centres=[centre_a],
        time_zone="Africa/Accra",
        starts_at=MOMENT,
        ends_at=MOMENT + dt.timedelta(hours=4),
        registration_opens_at=MOMENT - dt.timedelta(days=30),
        registration_closes_at=MOMENT - dt.timedelta(hours=1),
    )
    slot = SlotFactory(booth=BoothFactory(fair=fair), starts_at=MOMENT)
    candidate = UserFactory(email="candidate@example.org", time_zone="Africa/Accra")
    registration = RegistrationFactory(fair=fair, user=candidate)
    booking = Booking.objects.create(slot=slot, registration=registration)
    return {"case": case, "appointment": appointment, "fair": fair, "registration": registration, "booking": booking}


def test_the_table_is_what_the_locale_formats_give() -> None:
    """The table and portal/formats agree, format by format, for every language."""
    for language, row in EXPECTED.items():
        with translation.override(language), timezone.override(dt.UTC):
            for name, expected in row.items():
                if name == "range":
                    start = formats.date_format(RANGE_START, "SHORT_DATE_FORMAT")
                    got = f"{start} – {formats.date_format(DAY, 'SHORT_DATE_FORMAT')}"
                else:
                    got = formats.date_format(timezone.localtime(MOMENT), name)
                assert got == expected, (language, name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_show_dates_and_times_as_the_table_says(client, counsellor, scene, language) -> None:
    client.force_login(counsellor.user)
    case_page = visible(client.get(url(language, "counselling:case-detail", public_id=scene["case"].public_id)).text)
    # Session card (date and time), consents and follow-ups (dates), timeline (its time and the date in its text).
    assert_reads(case_page, language, "SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", where="case page")
    assert case_page.count(EXPECTED[language]["SHORT_DATE_FORMAT"]) >= 3, case_page  # consent, follow-up, timeline
    follow_ups = visible(client.get(url(language, "counselling:follow-up-list")).text)
    assert_reads(follow_ups, language, "SHORT_DATE_FORMAT", where="follow-ups")
    intake_list = visible(client.get(url(language, "counselling:intake-list")).text)
    assert_reads(intake_list, language, "SHORT_DATETIME_FORMAT", where="intake list")
    intake = visible(
        client.get(url(language, "counselling:intake-detail", public_id=scene["appointment"].public_id)).text
    )
    assert_reads(intake, language, "SHORT_DATETIME_FORMAT", where="intake request")


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard_range_and_export_headers_read_as_the_table_says(client, manager, scene, language) -> None:
    client.force_login(manager.user)
    query = {"period": "custom", "start": RANGE_START.isoformat(), "end": DAY.isoformat()}
    public_id = manager.centre.public_id
    dashboard = visible(client.get(url(language, "reports:centre-dashboard", public_id=public_id), query).text)
    assert_reads(dashboard, language, "range", where="dashboard")

    exported = client.get(url(language, "reports:centre-export", public_id=public_id, fmt="csv"), query)
    text = exported.content.decode("utf-8-sig")
    # Languages with a decimal comma get a ";"-separated file (issue #18, point 7): read either.
    rows = list(csv.reader(io.StringIO(text), csv.Sniffer().sniff(text.splitlines()[1], delimiters=",;")))
    assert EXPECTED[language]["range"] in rows[1], rows[:2]

    exported = client.get(url(language, "reports:centre-export", public_id=public_id, fmt="xlsx"), query)
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert EXPECTED[language]["range"] in header, header


@pytest.mark.parametrize("language", LANGUAGES)
def test_fair_pages_read_as_the_table_says(client, scene, language) -> None:
    fair = scene["fair"]
    page = visible(client.get(url(language, "jobfairs:fair-detail", public_id=fair.public_id)).text)
    assert_reads(page, language, "DATETIME_FORMAT", where="fair page")
    booth = scene["booking"].slot.booth
    # The booth page lists the slots still ahead: look at it the day before the fair.
    with mock.patch("django.utils.timezone.now", return_value=MOMENT - dt.timedelta(days=1)):
        page = visible(client.get(url(language, "jobfairs:booth-detail", public_id=booth.public_id)).text)
    assert_reads(page, language, "DATETIME_FORMAT", "TIME_FORMAT", where="booth page")


@pytest.mark.parametrize("language", LANGUAGES)
def test_returnee_pages_read_as_the_table_says(client, scene, language) -> None:
    candidate = scene["registration"].user
    client.force_login(candidate)
    page = visible(client.get(url(language, "jobfairs:registration-list")).text)
    assert_reads(page, language, "DATETIME_FORMAT", where="my job fairs")
    page = visible(client.get(url(language, "returnees:dashboard")).text)
    assert_reads(page, language, "DATETIME_FORMAT", where="returnee dashboard")
    # The "my data" PDF (its HTML): the meeting's time, kept as ISO text in the export, reads as the table says.
    with translation.override(language), timezone.override(dt.UTC):
        data = collect_my_data(access=get_access(candidate), user=candidate)
        html = render_to_string("returnees/data_pdf.html", {"data": data} | language_context())
    assert_reads(visible(html), language, "SHORT_DATETIME_FORMAT", where="my data PDF")


@pytest.mark.parametrize("language", LANGUAGES)
def test_emails_and_calendar_file_read_as_the_table_says(scene, language, django_capture_on_commit_callbacks) -> None:
    candidate = scene["registration"].user
    candidate.preferred_language = language
    candidate.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    send_registration_confirmation(registration_id=scene["registration"].pk)
    send_booking_confirmation(booking_id=scene["booking"].pk)
    registered, booked = mail.outbox
    assert_reads(str(registered.body), language, "DATETIME_FORMAT", where="registration e-mail")
    assert_reads(str(booked.body), language, "DATETIME_FORMAT", where="booking e-mail")
    # The calendar file attached to the booking e-mail: its description, unfolded and unescaped (RFC 5545).
    _name, ics, _type = booked.attachments[0]
    description = _ics_description(ics)
    assert_reads(description, language, "DATETIME_FORMAT", where=".ics description")
    with translation.override(language):  # the download from the registration page says the same
        assert _ics_description(booking_ics(scene["booking"], summary="x")) == description


def _ics_description(ics: str) -> str:
    """The DESCRIPTION of a calendar file, unfolded and unescaped (RFC 5545), its line breaks as spaces."""
    unfolded = ics.replace("\r\n ", "")
    line = next(line for line in unfolded.split("\r\n") if line.startswith("DESCRIPTION:"))
    return line.replace("\\n", " ").replace("\\,", ",").replace("\\;", ";")


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_pages_read_as_the_table_says(manager, scene, language) -> None:
    """The HTML the PDFs are printed from: the report's "generated on", and the data-protection export."""
    build = ReportBuild.objects.create(
        scope_kind="centre",
        centre=manager.centre,
        suppressed=False,
        period_kind="custom",
        period_start=RANGE_START,
        period_end=DAY,
        language=language,
        requested_by=manager.user,
    )
    with translation.override(language), mock.patch("django.utils.timezone.now", return_value=MOMENT):
        report = get_report(scope=scope_of_build(build), periods=periods_for("custom", RANGE_START, DAY))
        html = render_report_html(build, report)
    assert_reads(visible(html), language, "SHORT_DATETIME_FORMAT", "range", where="report PDF")

    case = scene["case"]
    with unscoped():
        consents = list(Consent.objects.filter(client=case.client))
    with translation.override(language), timezone.override(dt.UTC):
        html = render_to_string(
            "counselling/dataprotection/export_pdf.html",
            {
                "client": case.client,
                "personal_data": [],
                "consents": consents,
                "cases": [(case, list(case.sessions.all()))],
                "registrations": [],
                "appointments": [scene["appointment"]],
                "notes_withheld": "",
                "generated_at": MOMENT,
            }
            | language_context(),
        )
    assert_reads(visible(html), language, "SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", where="data export PDF")
