"""E-mails of the reports: a link to a scheduled report, in each manager's language."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from portal.access import Role, unscoped
from portal.emails import Recipient, send_email, site_link
from portal.models import Membership
from reports.models import BuildStatus, ReportBuild, ReportNotice
from reports.services.builds import manager_language


def send_report_notices(*, build_id: int) -> int:
    """E-mail the managers of a done scheduled build's centre who read its language: a link, never the file.

    Idempotent: a ReportNotice row per (build, manager) is written in the transaction that decides
    the send, so a repeated task or a second monthly run sends nothing twice. Returns the number sent.
    """
    build = ReportBuild.objects.select_related("centre").get(pk=build_id)
    if build.status != BuildStatus.DONE or build.centre_id is None:
        return 0
    with unscoped():
        managers = [
            m.user
            for m in Membership.objects.filter(
                role=Role.CENTRE_MANAGER, centre_id=build.centre_id, is_active=True, user__is_active=True
            ).select_related("user")
        ]
    sent = 0
    for user in managers:
        if manager_language(user) != build.language:
            continue
        try:
            with transaction.atomic():
                ReportNotice.objects.create(build=build, user=user)
                _send(build, user)
        except IntegrityError:
            continue  # told already
        sent += 1
    return sent


def _send(build: ReportBuild, user: Any) -> None:
    # The report's language is the manager's (only managers who read it are told).
    recipient = Recipient.of(user)
    recipient = Recipient(email=recipient.email, language=build.language, zone=recipient.zone)
    context = {
        "build": build,
        "centre": build.centre,
        "link": site_link("reports:build-detail", recipient.lang, public_id=build.public_id),
    }
    send_email("reports/email/ready", recipient=recipient, context=context, centre=build.centre)


def send_check_alerts(*, event_id: int) -> int:
    """E-mail the programme's administrators that a roll-up check found mismatches, each in their language.

    The message names the window, the number of mismatches and the first few (codes and numbers,
    never a name). Returns the number of messages sent.
    """
    from portal.models import AuditEvent

    with unscoped():
        event = AuditEvent.objects.get(pk=event_id)
        admins = [
            m.user
            for m in Membership.objects.filter(role=Role.ADMIN, is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        ]
    sent, seen = 0, set()
    for user in admins:
        if user.pk in seen or not user.email:
            continue
        seen.add(user.pk)
        recipient = Recipient.of(user)
        recipient = Recipient(email=recipient.email, language=manager_language(user), zone=recipient.zone)
        context = {"details": event.details, "listed": event.details.get("mismatches", [])[:10]}
        sent += send_email("reports/email/check_failed", recipient=recipient, context=context)
    return sent
