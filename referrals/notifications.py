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
from django.db import IntegrityError, transaction

from counselling.consent import has_consent
from counselling.models import ConsentPurpose
from portal.access import Role, unscoped
from portal.emails import Recipient, send_email, site_link
from portal.models import Membership, User
from referrals.links import link_for
from referrals.models import AWAITING_ANSWER, Referral, ReferralReminder, Urgency

UNANSWERED_AFTER_DAYS = 3


def _partner_recipients(referral: Referral) -> list[Recipient]:
    """The organisation's users (address, language, zone); the organisation's own address when it has none."""
    with unscoped():
        users = [
            m.user
            for m in Membership.objects.filter(
                role=Role.PARTNER, organisation_id=referral.organization_id, is_active=True, user__is_active=True
            ).select_related("user")
        ]
    if users:
        return [Recipient.of(user) for user in users]
    if referral.organization.email:
        country = referral.organization.country
        languages = country.languages or [settings.LANGUAGE_CODE]
        return [Recipient(email=referral.organization.email, language=languages[0], zone=country.timezone)]
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
        "urgent": referral.urgency == Urgency.URGENT,
        "urgency": referral.get_urgency_display(),
    }


URGENCY_RANK = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


def _by_urgency(referral: Referral) -> tuple[int, dt.date]:
    """Digests list the most urgent first: urgent before soon before routine, then the earliest due date."""
    return URGENCY_RANK.get(referral.urgency, len(URGENCY_RANK)), referral.due_on


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
    for recipient in _partner_recipients(referral):
        inbox = site_link("referrals:partner-inbox", recipient.lang)
        context = {"referral": _facts(referral), "link": link_for(referral), "inbox": inbox}
        sent += send_email("referrals/email/new_referral", recipient=recipient, context=context, centre=referral.centre)
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

    At most one reminder per referral, kind and day, however often the task runs; each person gets one
    digest per run (the most urgent referral first), never one mail per referral.
    """
    with unscoped():
        awaiting = list(
            Referral.objects.filter(status__in=AWAITING_ANSWER)
            .select_related("service", "organization__country", "created_by", "centre", "case__client")
            .order_by("due_on")
        )
    overdue_by_user: dict[int, list[Referral]] = defaultdict(list)
    counts = {"counsellors": 0, "partners": 0}
    partner_digests: dict[str, tuple[Recipient, list[Referral]]] = {}
    for referral in awaiting:
        if referral.due_on < today and _remind_once(referral, "sender", today):
            overdue_by_user[referral.created_by_id].append(referral)
        unanswered = referral.sent_at and (today - referral.sent_at.date()).days >= UNANSWERED_AFTER_DAYS
        if unanswered and _consent_lasts(referral) and _remind_once(referral, "partner", today):
            for recipient in _partner_recipients(referral):
                partner_digests.setdefault(recipient.email.lower(), (recipient, []))[1].append(referral)
    for recipient, referrals in partner_digests.values():
        referrals.sort(key=_by_urgency)
        centres = {referral.centre_id for referral in referrals}
        counts["partners"] += send_email(
            "referrals/email/partner_reminder",
            recipient=recipient,
            context={"referrals": [{**_facts(referral), "link": link_for(referral)} for referral in referrals]},
            centre=referrals[0].centre if len(centres) == 1 else None,
        )
    for referrals in overdue_by_user.values():
        user: User = referrals[0].created_by
        referrals.sort(key=_by_urgency)
        recipient = Recipient.of(user)
        context = {
            "referrals": [_facts(referral) for referral in referrals],
            "user": user,
            "board": site_link("referrals:board", recipient.lang),
        }
        counts["counsellors"] += send_email("referrals/email/overdue", recipient=recipient, context=context)
    return counts
