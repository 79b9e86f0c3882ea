"""Reminders: overdue referrals to the counsellor, unanswered ones to the partner; once a day each."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from referrals.models import Referral
from referrals.notifications import send_referral_reminders
from referrals.tasks import send_referral_reminders_task
from tests.conftest import wait_for


def _age(referral: Referral, days: int) -> None:
    from portal.access import unscoped

    with unscoped():
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=timezone.now() - dt.timedelta(days=days), due_on=timezone.localdate() - dt.timedelta(days=1)
        )


def test_reminders_go_once_to_counsellor_and_partner_in_their_language(
    refer, case, service, counsellor, partner
) -> None:
    referral = refer(case, service)
    mail.outbox.clear()
    _age(referral, days=5)
    partner.user.preferred_language = "fr"
    partner.user.save()
    counts = send_referral_reminders(today=timezone.localdate())
    assert counts == {"counsellors": 1, "partners": 1}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert referral.code in by_address[counsellor.user.email].body
    assert referral.code in by_address[partner.user.email].subject
    assert "Reminder" not in by_address[partner.user.email].subject  # written in French
    assert send_referral_reminders(today=timezone.localdate()) == {"counsellors": 0, "partners": 0}
    assert len(mail.outbox) == 2


def test_answered_referral_gets_no_reminder(refer, case, service, partner) -> None:
    from portal.access import get_access
    from referrals import services

    referral = refer(case, service)
    services.answer_as_partner(
        access=get_access(partner.user), actor=partner.user, referral=referral, to_status="accepted"
    )
    mail.outbox.clear()
    _age(referral, days=5)
    assert send_referral_reminders(today=timezone.localdate()) == {"counsellors": 0, "partners": 0}


def test_reminder_task_runs_on_a_real_worker(real_worker, refer, case, service, counsellor) -> None:
    referral = refer(case, service)
    _age(referral, days=5)
    mail.outbox.clear()
    send_referral_reminders_task.delay()
    assert wait_for(lambda: any(m.to == [counsellor.user.email] for m in mail.outbox))
