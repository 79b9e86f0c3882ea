"""E-mails of the reports: a link to a scheduled report, in each manager's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.access import Role, unscoped
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


def _send(build: ReportBuild, user: object) -> None:
    with translation.override(build.language):
        context = {
            "build": build,
            "centre": build.centre,
            "link": settings.SITE_URL + reverse("reports:build-detail", kwargs={"public_id": build.public_id}),
        }
        subject = render_to_string("reports/email/ready_subject.txt", context).strip()
        body = render_to_string("reports/email/ready_body.txt", context)
    send_mail(subject, body, None, [user.email])


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
        with translation.override(manager_language(user)):
            context = {"details": event.details, "listed": event.details.get("mismatches", [])[:10]}
            subject = render_to_string("reports/email/check_failed_subject.txt", context).strip()
            body = render_to_string("reports/email/check_failed_body.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
