"""E-mails of the referrals app, each in its recipient's language.

Partner e-mails carry the referral code, the service and the link, never the
client's name nor any free text (the reason, notes, answers): the partner sees
the shared data behind the link or its login, while the client's consent lasts.
Once it is withdrawn, the partner is sent nothing more about the referral.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from counselling.consent import has_consent
from counselling.models import ConsentPurpose
from portal.access import Role, unscoped
from portal.models import Membership, User
from referrals.links import link_for
from referrals.models import AWAITING_ANSWER, Referral, ReferralReminder

UNANSWERED_AFTER_DAYS = 3


def _partner_recipients(referral: Referral) -> list[tuple[str, str]]:
    """(address, language) of the organisation's users; the organisation's own address when it has none."""
    with unscoped():
        users = [
            m.user
            for m in Membership.objects.filter(
                role=Role.PARTNER, organisation_id=referral.organization_id, is_active=True, user__is_active=True
            ).select_related("user")
        ]
    if users:
        return [(user.email, user.preferred_language) for user in users]
    if referral.organization.email:
        languages = referral.organization.country.languages or ["en"]
        language = languages[0] if languages[0] in dict(settings.LANGUAGES) else "en"
        return [(referral.organization.email, language)]
    return []


def _consent_lasts(referral: Referral) -> bool:
    """Whether the client still agrees to share with the receiving organisation (else it hears nothing more)."""
    return has_consent(referral.case.client, ConsentPurpose.SHARE_WITH_PARTNER, referral.organization)


def _facts(referral: Referral) -> dict[str, Any]:
    """All an e-mail may say about a referral: code, service, sending centre, due date; never a free text."""
    return {
        "code": referral.code,
        "service": referral.service.name,
        "centre": referral.centre.name,
        "due_on": referral.due_on,
    }


def _render(template: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"referrals/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"referrals/email/{template}_body.txt", context)
    return subject, body


def send_referral_to_partner(*, referral_id: int) -> int:
    """Tell the partner about a sent referral: a login link for account holders, a signed link otherwise."""
    with unscoped():
        referral = (
            Referral.objects.select_related("service", "organization__country", "centre", "case__client")
            .filter(pk=referral_id, status__in=AWAITING_ANSWER)
            .first()
        )
    if referral is None or not _consent_lasts(referral):
        return 0
    sent = 0
    for address, language in _partner_recipients(referral):
        with translation.override(language):
            inbox = settings.SITE_URL + reverse("referrals:partner-inbox")
        context = {"referral": _facts(referral), "link": link_for(referral), "inbox": inbox}
        subject, body = _render("new_referral", language, context)
        send_mail(subject, body, None, [address])
        sent += 1
    return sent


def _remind_once(referral: Referral, kind: str, today: dt.date) -> bool:
    try:
        with transaction.atomic():
            ReferralReminder.objects.create(referral=referral, kind=kind, sent_on=today)
    except IntegrityError:
        return False
    return True


def send_referral_reminders(*, today: dt.date) -> dict[str, int]:
    """Daily: overdue referrals to the counsellors who made them; unanswered ones to the partners.

    At most one reminder per referral, kind and day, however often the task runs.
    """
    with unscoped():
        awaiting = list(
            Referral.objects.filter(status__in=AWAITING_ANSWER)
            .select_related("service", "organization__country", "created_by", "centre", "case__client")
            .order_by("due_on")
        )
    overdue_by_user: dict[int, list[Referral]] = defaultdict(list)
    counts = {"counsellors": 0, "partners": 0}
    for referral in awaiting:
        if referral.due_on < today and _remind_once(referral, "sender", today):
            overdue_by_user[referral.created_by_id].append(referral)
        unanswered = referral.sent_at and (today - referral.sent_at.date()).days >= UNANSWERED_AFTER_DAYS
        if unanswered and _consent_lasts(referral) and _remind_once(referral, "partner", today):
            for address, language in _partner_recipients(referral):
                subject, body = _render(
                    "partner_reminder", language, {"referral": _facts(referral), "link": link_for(referral)}
                )
                send_mail(subject, body, None, [address])
                counts["partners"] += 1
    for referrals in overdue_by_user.values():
        user: User = referrals[0].created_by
        with translation.override(user.preferred_language):
            board = settings.SITE_URL + reverse("referrals:board")
        subject, body = _render(
            "overdue",
            user.preferred_language,
            {"referrals": [_facts(referral) for referral in referrals], "user": user, "board": board},
        )
        send_mail(subject, body, None, [user.email])
        counts["counsellors"] += 1
    return counts
