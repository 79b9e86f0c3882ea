"""Every e-mail the portal sends, rendered in all eight languages (issue #20).

One world holds a client, a case, sessions, follow-ups, referrals, a fair with a booking, a past fair, report
builds, a failed roll-up check, a staff invitation and accounts for allauth's mails; every free text about a
person in it holds a marker. Every sender runs once in English and once in the language under test, with
every recipient's saved language set to it. Each message must: carry `lang`/`dir` of that language on its
HTML, have a plain-text alternative, say its subject and sentences in that language (no line of the English
mail left), link only inside SITE_URL's prefix of that language (or to the fair's own meeting links), and
hold no marker. Reminders go as one digest per person and run, the most urgent first.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from bs4 import BeautifulSoup
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from counselling.models import Consent, FollowUp, FollowUpReminder
from counselling.notifications import send_follow_up_reminders, send_session_notice
from jobfairs import notifications as fair_mail
from jobfairs.models import Booking, Booth, Registration, RegistrationStatus
from portal.access import Role, get_access, unscoped
from portal.emails import URL_RE, send_staff_invitation
from portal.models import AuditEvent, Centre, StaffInvitation, User
from referrals import services as referral_services
from referrals.models import Referral, ReferralReminder
from referrals.notifications import send_referral_reminders, send_referral_to_partner
from reports.models import BuildStatus, ReportBuild, ReportNotice
from reports.notifications import send_check_alerts, send_report_notices
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, SlotFactory, past_fair
from tests.referrals.factories import ServiceFactory

SITE = "https://portal.example.org"
MARK = "ZQXMARK"
LANGUAGES = ["en", "de", "fr", "ar", "sq", "sr-latn", "ur", "id"]
RTL = {"ar", "ur"}
EXTERNAL = ("https://meet.example.org/",)  # the fair's and the booth's own meeting links
FAIR_TITLES = {
    "de": "Jobmesse Accra",
    "fr": "Salon de l'emploi d'Accra",
    "ar": "معرض أكرا للوظائف",
    "sq": "Panairi i punës Accra",
    "sr_Latn": "Sajam zapošljavanja Akra",
    "ur": "اکرا ملازمت میلہ",
    "id": "Bursa kerja Accra",
}


@pytest.fixture(autouse=True)
def _site(settings) -> None:
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Counselling portal <no-reply@portal.example.org>"


@pytest.fixture
def world(counsellor, manager, partner, partner_org, employer, employer_org, admin_user, returnee, centre_a):
    Centre.objects.filter(pk=centre_a.pk).update(reply_to_email="replies@centre-a.example.org")
    centre_a.refresh_from_db()
    client = ClientFactory(
        centre=centre_a,
        given_name=f"{MARK}given",
        family_name=f"{MARK}family",
        name_native=f"{MARK}native",
        occupation=f"{MARK}occupation",
    )
    case = CaseFactory(client=client, counsellor=counsellor.user, centre=centre_a)
    Consent.objects.create(
        client=client, purpose="share_partner", organisation=partner_org, method="signed", recorded_by=counsellor.user
    )
    session = SessionFactory(
        case=case,
        counsellor=manager.user,
        summary=f"{MARK} summary",
        confidential_notes=f"{MARK} notes",
        next_steps=f"{MARK} next steps",
    )
    today = timezone.localdate()
    for days in (3, 0):
        FollowUp.objects.create(
            case=case,
            assigned_to=counsellor.user,
            created_by=counsellor.user,
            title=f"{MARK} follow-up",
            due_on=today - dt.timedelta(days=days),
        )
    referrals = []
    for urgency in ("routine", "urgent"):
        referrals.append(
            referral_services.create_referral(
                access=get_access(counsellor.user),
                actor=counsellor.user,
                case=case,
                service=ServiceFactory(organization=partner_org),
                reason=f"{MARK} reason",
                shared_fields=["name"],
                urgency=urgency,
            )
        )
    with unscoped():
        Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
            sent_at=timezone.now() - dt.timedelta(days=5), due_on=today - dt.timedelta(days=1)
        )
    fair = FairFactory(country=centre_a.country, centres=[centre_a], translations={
        code: {"title": title} for code, title in FAIR_TITLES.items()
    })  # fmt: skip
    with unscoped():
        registration = Registration.objects.create(
            fair=fair, user=returnee.user, answers={"motivation": f"{MARK} answer"}
        )
        slot = SlotFactory(
            booth=BoothFactory(fair=fair, employer=employer_org), starts_at=timezone.now() + dt.timedelta(minutes=30)
        )
        booking = Booking.objects.create(slot=slot, registration=registration)
    old_fair = past_fair(country=centre_a.country, centres=[centre_a], closed_at=None)
    with unscoped():
        Registration.objects.create(fair=old_fair, user=returnee.user, status=RegistrationStatus.ATTENDED)
    BoothFactory(fair=old_fair, employer=employer_org)
    start = today.replace(day=1) - dt.timedelta(days=1)
    build = ReportBuild.objects.create(
        scope_kind="centre",
        centre=centre_a,
        suppressed=False,
        period_kind="month",
        period_start=start.replace(day=1),
        period_end=start,
        language="en",
        notes=f"{MARK} report notes",
        scheduled=True,
        status=BuildStatus.DONE,
    )
    event = AuditEvent.objects.create(
        action="reports.rollup.checked",
        details={
            "ok": False,
            "start": "2026-01-01",
            "end": "2026-01-31",
            "mismatch_count": 1,
            "mismatches": [
                {"centre": centre_a.pk, "day": "2026-01-02", "table": "count", "indicator": "sessions",
                 "dimension": "", "value": "", "expected": 3, "stored": 999},
            ],
        },
    )  # fmt: skip
    invitee = UserFactory(full_name="Invited Colleague")
    membership = MembershipFactory(user=invitee, role=Role.COUNSELLOR, centre=centre_a, is_active=False)
    invitation = StaffInvitation.objects.create(
        membership=membership, email=str(invitee.email), full_name="Invited Colleague", invited_by=manager.user
    )
    return {
        "session": session,
        "referral": referrals[0],
        "registration": registration,
        "booking": booking,
        "fair": fair,
        "old_fair": old_fair,
        "build": build,
        "event": event,
        "invitation": invitation,
        "returnee": returnee.user,
        "counsellor": counsellor.user,
        "manager": manager.user,
        "partner": partner.user,
        "staff": admin_user.user,
    }


def _allauth_mails(world: dict[str, Any], language: str) -> None:
    """allauth's mails, as its flows send them: from a request in English (the reader's saved language wins)."""
    request = RequestFactory().get("/en/accounts/login/", HTTP_HOST="127.0.0.1:8731")
    request.user = world["returnee"]
    returnee = world["returnee"]
    absolute = request.build_absolute_uri
    with translation.override("en"), allauth_context.request_context(request):
        adapter = get_adapter(request)
        key_url = absolute(reverse("account_reset_password_from_key", kwargs={"uidb36": "x", "key": "y-z"}))
        adapter.send_mail(
            "account/email/password_reset_key",
            returnee.email,
            {"user": returnee, "password_reset_url": key_url, "uid": "x", "key": "y-z", "request": request},
        )
        confirm = absolute(reverse("account_confirm_email", kwargs={"key": "k"}))
        adapter.send_mail(
            "account/email/email_confirmation_signup",
            returnee.email,
            {"user": returnee, "activate_url": confirm, "key": "k", "code": None},
        )
        adapter.send_mail("account/email/email_confirmation", returnee.email, {"user": returnee, "code": "KQ7Z4P"})
        adapter.send_mail("account/email/login_code", returnee.email, {"code": "KQ7Z4P", "request": request})
        adapter.send_mail("account/email/password_reset_code", returnee.email, {"code": "KQ7Z4P", "request": request})
        reset = absolute(reverse("account_reset_password"))
        adapter.send_mail("account/email/account_already_exists", returnee.email, {"password_reset_url": reset})
        # An address with no account: the request's language (English here), not the saved one.
        if language == "en":
            signup = absolute(reverse("account_signup"))
            adapter.send_mail("account/email/unknown_account", "nobody@example.org", {"signup_url": signup})
        # A staff member asking for a code is told how staff sign in (portal/adapters.py).
        adapter.send_mail("account/email/unknown_account", world["staff"].email, {"signup_url": "x"})


def _send_everything(world: dict[str, Any], language: str) -> list[mail.EmailMessage]:
    """Every kind of mail, with every recipient reading `language`; the once-only guards reset first."""
    User.objects.update(preferred_language=language)
    for key in ("returnee", "counsellor", "manager", "partner", "staff"):
        world[key].refresh_from_db()
    with unscoped():
        FollowUpReminder.objects.all().delete()
        ReferralReminder.objects.all().delete()
        ReportNotice.objects.all().delete()
        Booking.objects.update(reminded_at=None)
        Registration.objects.filter(fair=world["old_fair"]).update(
            survey_sent_at=None, status=RegistrationStatus.ATTENDED
        )
        Booth.objects.filter(fair=world["old_fair"]).update(survey_sent_at=None)
        world["old_fair"].__class__.objects.filter(pk=world["old_fair"].pk).update(closed_at=None, status="published")
    ReportBuild.objects.filter(pk=world["build"].pk).update(language=language)
    mail.outbox.clear()
    today = timezone.localdate()
    send_staff_invitation(invitation_id=world["invitation"].pk)
    assert send_follow_up_reminders(today=today) == 1
    assert send_session_notice(session_id=world["session"].pk) == 1
    assert send_referral_to_partner(referral_id=world["referral"].pk) == 1
    assert send_referral_reminders(today=today) == {"counsellors": 1, "partners": 1}
    registration, booking = world["registration"], world["booking"]
    fair_mail.send_registration_confirmation(registration_id=registration.pk)
    fair_mail.send_promotion_notice(registration_id=registration.pk)
    fair_mail.send_booking_confirmation(booking_id=booking.pk)
    assert fair_mail.send_slot_reminders(now=timezone.now()) == 1
    assert fair_mail.send_fair_surveys(now=timezone.now()) == 2
    assert send_report_notices(build_id=world["build"].pk) == 1
    assert send_check_alerts(event_id=world["event"].pk) == 1
    _allauth_mails(world, language)
    return list(mail.outbox)


# 6 staff and partner mails, 6 fair mails, 2 report mails, 7 allauth mails (and one to an unknown address;
# ACCOUNT_EMAIL_NOTIFICATIONS is off, so allauth sends no "password changed" notices).
KINDS = 21


def _text_links(text: str) -> list[str]:
    return URL_RE.findall(text)


def _sentences(text: str) -> set[str]:
    """The lines of a body that are sentences: not list items (codes and dates), not bare links."""
    lines = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("- ") or URL_RE.fullmatch(line) or line == "--":
            continue
        if re.search(r"[^\W\d_]{3,}", re.sub(r"\S+@\S+", "", URL_RE.sub("", line))):
            lines.add(line)
    return lines


def _check(message: mail.EmailMessage, language: str) -> None:
    subject, body = str(message.subject), str(message.body)
    where = f"{language} {subject!r}"
    alternatives = getattr(message, "alternatives", [])
    html = [str(content) for content, mimetype in alternatives if mimetype == "text/html"]
    assert body.strip() and len(html) == 1, f"{where}: text and HTML parts"
    root = BeautifulSoup(html[0], "html.parser").html
    assert root is not None, where
    assert root["lang"] == language, where
    assert root["dir"] == ("rtl" if language in RTL else "ltr"), where
    prefix = f"{SITE}/{language}/"
    links = [str(a["href"]) for a in root.find_all("a")] + _text_links(body)
    assert links, f"{where}: no link"
    for link in links:
        assert link.startswith(prefix) or link.startswith(EXTERNAL), f"{where}: {link}"
    everything = subject + body + html[0] + "".join(str(a[1]) for a in message.attachments)
    assert MARK not in everything, f"{where}: free text about a person"
    assert ":8000" not in everything and "127.0.0.1" not in everything, where
    assert "Africa/Accra" not in body, where
    assert not re.search(r"&(#x?\w+|amp|quot|lt|gt);", subject + body), f"{where}: escaped text"
    assert message.message().as_bytes()  # the mailer can write it (a sender's name in Arabic script included)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_e_mail_in_every_language(world, language) -> None:
    english = _send_everything(world, "en")
    messages = english if language == "en" else _send_everything(world, language)
    # and the mail to an address without an account, sent in English only
    assert len(english) == KINDS + 1, [(m.to, m.subject) for m in english]
    if language != "en":
        assert len(messages) == KINDS
    for message in messages:
        _check(message, language)
    if language == "en":
        return
    # Same mails, same order (the one to an address without an account is English-only): none left in English.
    english = [m for m in english if m.to != ["nobody@example.org"]]
    for theirs, ours in zip(english, messages, strict=True):
        assert theirs.to == ours.to
        assert ours.subject != theirs.subject, f"{language}: subject still English: {ours.subject}"
        left = _sentences(str(theirs.body)) & _sentences(str(ours.body))
        assert not left, f"{language} {ours.subject!r}: English left: {sorted(left)}"


def test_fair_mails_carry_the_translated_title_venue_and_calendar(world) -> None:
    messages = _send_everything(world, "fr")
    fair = [m for m in messages if FAIR_TITLES["fr"] in m.subject or FAIR_TITLES["fr"] in m.body]
    assert len(fair) == 4  # registered, promoted, booked, reminder (the survey is of the past fair)
    registered = fair[0]
    assert "Accra International Conference Centre" in registered.body
    assert "https://meet.example.org/fair" in registered.body
    assert [name for name, _content, _type in registered.attachments] == ["job-fair.ics"]
    assert "SUMMARY:" + FAIR_TITLES["fr"].replace(",", "\\,") in registered.attachments[0][1]
    booked = next(m for m in messages if m.attachments and m.attachments[0][0] == "meeting.ics")
    assert "https://meet.example.org/booth" in booked.body
    # The fair's centre is the sender; replies go to its reply address.
    assert world["fair"].centres.get().name in registered.from_email
    assert registered.reply_to == ["replies@centre-a.example.org"]
    assert "no-reply@portal.example.org" in registered.from_email


def test_reminders_go_as_one_digest_per_person_most_urgent_first(world) -> None:
    messages = _send_everything(world, "en")
    to_partner = [m for m in messages if m.to == [world["partner"].email] and "Reminder" in m.subject]
    assert len(to_partner) == 1
    body = to_partner[0].body
    with unscoped():
        urgent, routine = Referral.objects.filter(case=world["referral"].case).order_by("-urgency")
    assert body.index(urgent.code) < body.index(routine.code)
    follow_ups = [m for m in messages if m.to == [world["counsellor"].email] and "follow-up" in m.subject]
    assert len(follow_ups) == 1 and "2 follow-ups are due" in follow_ups[0].subject


def test_allauth_mails_use_the_saved_language_and_the_portal_name(world) -> None:
    messages = _send_everything(world, "ar")
    reset = next(m for m in messages if "/accounts/password/reset/key/" in m.body)
    assert reset.subject.startswith("[بوابة الإرشاد]")
    assert f"{SITE}/ar/accounts/password/reset/key/" in reset.body
    assert "127.0.0.1" not in f"{reset.subject}{reset.body}"


def test_a_recipient_with_no_saved_language_gets_the_site_default(world, settings) -> None:
    """A language left empty (or one the portal no longer offers) is read as the site's default language."""
    settings.LANGUAGE_CODE = "en"
    for saved in ("", "xx"):
        User.objects.filter(pk=world["counsellor"].pk).update(preferred_language=saved)
        world["counsellor"].refresh_from_db()
        FollowUpReminder.objects.all().delete()
        mail.outbox.clear()
        with translation.override("fr"):  # a worker left in another language changes nothing
            assert send_follow_up_reminders(today=timezone.localdate()) == 1
        (message,) = mail.outbox
        _check(message, "en")
        assert "follow-ups are due" in message.subject


def test_a_password_reset_asked_in_english_arrives_in_the_saved_language(client, returnee) -> None:
    User.objects.filter(pk=returnee.user.pk).update(preferred_language="ur")
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": returnee.user.email}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302
    (message,) = mail.outbox
    _check(message, "ur")
    assert f"{SITE}/ur/accounts/password/reset/key/" in message.body


def test_administrators_set_a_centre_s_reply_address(client, admin_user, centre_a) -> None:
    client.force_login(admin_user.user)
    url = reverse("portal:centre-update", kwargs={"public_id": centre_a.public_id})
    form = {
        "country": centre_a.country_id,
        "code": centre_a.code,
        "name": "Centre A",
        "city": "Accra",
        "is_active": "on",
    }
    with translation.override("fr"):
        response = client.post(reverse("portal:centre-update", kwargs={"public_id": centre_a.public_id}), {
            **form, "reply_to_email": "not an address"
        })  # fmt: skip
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in response.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.reply_to_email == ""
    response = client.post(url, {**form, "reply_to_email": " Replies@Centre-A.example.org "})
    assert response.status_code == 302
    centre_a.refresh_from_db()
    assert centre_a.reply_to_email == "replies@centre-a.example.org"


@pytest.mark.parametrize(
    ("environment", "sender"),
    [
        ({"SITE_URL": "https://portal.example.org"}, "Counselling portal <no-reply@portal.example.org>"),
        (
            {"SITE_URL": "https://portal.example.org", "DEFAULT_FROM_EMAIL": "Portal <mail@example.org>"},
            "Portal <mail@example.org>",
        ),
    ],
)
def test_the_sender_is_on_the_site_s_own_domain_unless_set(tmp_path, environment, sender) -> None:
    """Unset, DEFAULT_FROM_EMAIL is no-reply@ SITE_URL's host (never no-reply@localhost on a server)."""
    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.pop("DEFAULT_FROM_EMAIL", None)
    env.update(PORTAL_DATA_DIR=str(tmp_path), PYTHONPATH=str(root), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.DEFAULT_FROM_EMAIL)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == sender
