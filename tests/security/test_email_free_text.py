"""Finding 14: reminder e-mails carried free text (a follow-up title copied from a session's "next steps").

E-mail leaves the centre's systems: it carries codes, dates and links only. The attack, replayed: every
free text a counsellor or a partner writes about a client (the client's names and details, a session's
summary, confidential notes and next steps, a follow-up's title, a referral's reason, a report's notes,
a fair registration's answers) holds a marker; then everything that sends e-mail runs the way it runs in
production (forms through HTTP, the outbox after commit, the Celery tasks): no subject, body or
attachment of any message holds the marker.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counselling.models import Consent
from counselling.tasks import send_follow_up_reminders_task
from portal.access import unscoped
from referrals.models import Referral
from referrals.tasks import send_referral_reminders_task
from tests.factories import CaseFactory, ClientFactory
from tests.referrals.factories import ServiceFactory

SECRET = "GBV-SECRET"


def _secret(field: str) -> str:
    return f"{SECRET} {field}"


def _leaks(message: mail.EmailMessage) -> list[str]:
    parts = [("subject", message.subject), ("body", message.body)]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload()
        parts.append(("attachment", content if isinstance(content, str) else repr(content)))
    return [f"{message.to} {where}" for where, text in parts if SECRET in text]


@pytest.fixture
def secret_case(counsellor, partner_org):
    """A client whose every free-text field holds the marker, with consent to share with the partner."""
    client = ClientFactory(
        centre=counsellor.centre,
        given_name=_secret("given name"),
        family_name=_secret("family name"),
        name_native=_secret("native name"),
        name_transliterated=_secret("transliterated"),
        current_location=_secret("location"),
        occupation=_secret("occupation"),
        skills=_secret("skills"),
    )
    case = CaseFactory(client=client, counsellor=counsellor.user)
    Consent.objects.create(
        client=client, purpose="share_partner", organisation=partner_org, method="signed", recorded_by=counsellor.user
    )
    return case


def test_no_case_e_mail_carries_free_text(
    client, counsellor, manager, partner, partner_org, secret_case, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    case = secret_case
    mail.outbox.clear()

    # A colleague logs a session with a follow-up: the follow-up's title is copied from the next steps,
    # and the case's own counsellor is told through the outbox.
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("counselling:session-create", kwargs={"public_id": case.public_id}),
            {
                "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 45,
                "mode": "in_person",
                "kind": "individual",
                "topics": ["psychosocial"],
                "summary": _secret("summary"),
                "confidential_notes": _secret("confidential notes"),
                "next_steps": _secret("next steps"),
                "follow_up_on": today.isoformat(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    # The counsellor adds a follow-up of their own and refers the client (the partner is e-mailed).
    client.force_login(counsellor.user)
    response = client.post(
        reverse("counselling:follow-up-create", kwargs={"public_id": case.public_id}),
        {"title": _secret("follow-up title"), "due_on": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = ServiceFactory(organization=partner_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:referral-create", kwargs={"public_id": case.public_id}),
            {
                "service": service.pk,
                "reason": _secret("referral reason"),
                "urgency": "urgent",
                "shared_fields": ["name"],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    # Days later: the referral is overdue and unanswered; the daily tasks run.
    with unscoped():
        Referral.objects.filter(case=case).update(
            sent_at=timezone.now() - dt.timedelta(days=5), due_on=today - dt.timedelta(days=1)
        )
    send_referral_reminders_task.delay()
    send_follow_up_reminders_task.delay()

    sent = {(message.to[0], message.subject) for message in mail.outbox}
    to = {address for address, _ in sent}
    # Everything was sent: the session notice and a follow-up reminder to the counsellor, a follow-up reminder
    # to the colleague, the new-referral notice and the reminder to the partner, the overdue referral notice.
    assert {counsellor.user.email, manager.user.email, partner.user.email} <= to
    assert len(mail.outbox) == 6, sorted(sent)
    assert case.client.code in "".join(m.body for m in mail.outbox if m.to == [manager.user.email])
    assert [leak for message in mail.outbox for leak in _leaks(message)] == []


def test_report_ready_e_mail_carries_no_notes(manager, centre_a) -> None:
    from reports.models import BuildStatus, ReportBuild
    from reports.services import manager_language
    from reports.tasks import send_report_notices_task

    start = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    build = ReportBuild.objects.create(
        scope_kind="centre",
        centre=centre_a,
        suppressed=False,
        period_kind="month",
        period_start=start.replace(day=1),
        period_end=start,
        language=manager_language(manager.user),
        notes=_secret("report notes"),
        scheduled=True,
        status=BuildStatus.DONE,
    )
    mail.outbox.clear()
    send_report_notices_task.delay(build_id=build.pk)
    assert [m.to for m in mail.outbox] == [[manager.user.email]]
    assert [leak for message in mail.outbox for leak in _leaks(message)] == []


def test_job_fair_e_mails_carry_no_answers(returnee, employer_org, country_a) -> None:
    from jobfairs import notifications
    from jobfairs.models import Booking
    from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory

    fair = FairFactory(country=country_a)
    registration = RegistrationFactory(fair=fair, user=returnee.user, answers={"motivation": _secret("answer")})
    slot = SlotFactory(
        booth=BoothFactory(fair=fair, employer=employer_org), starts_at=timezone.now() + dt.timedelta(minutes=30)
    )
    with unscoped():
        booking = Booking.objects.create(slot=slot, registration=registration)
    mail.outbox.clear()

    notifications.send_registration_confirmation(registration_id=registration.pk)
    notifications.send_promotion_notice(registration_id=registration.pk)
    notifications.send_booking_confirmation(booking_id=booking.pk)
    assert notifications.send_slot_reminders(now=timezone.now()) == 1

    assert len(mail.outbox) == 4
    assert [leak for message in mail.outbox for leak in _leaks(message)] == []
