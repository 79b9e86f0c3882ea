"""E-mails of the counselling app, in each recipient's language."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction

from counselling.models import FollowUp, FollowUpReminder, Session
from portal.access import unscoped
from portal.emails import Recipient, send_email, site_link
from portal.models import User


def send_follow_up_reminders(*, today: dt.date) -> int:
    """Send each counsellor one e-mail listing their follow-ups due by `today`.

    Idempotent per day: a `FollowUpReminder` row per (user, day) is written in
    the same transaction as the send is decided, so a retried or repeated
    task sends nothing twice. The e-mail names client codes only, never names:
    e-mail leaves the centre's systems. Returns the number of e-mails sent.
    """
    with unscoped():
        due = list(
            FollowUp.objects.filter(
                done_at__isnull=True, due_on__lte=today, case__status__in=["open", "active", "on_hold"]
            )
            .select_related("case__client", "assigned_to")
            .order_by("due_on")
        )
    by_user: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in due:
        by_user[follow_up.assigned_to_id].append(follow_up)
    sent = 0
    for items in by_user.values():
        user: User = items[0].assigned_to
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                FollowUpReminder.objects.create(user=user, sent_on=today, follow_up_count=len(items))
                _send(user, items, today)
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent


def _send(user: User, items: list[FollowUp], today: dt.date) -> None:
    # The template gets a due date and a client code per follow-up, never the follow-up: its title is free
    # text (often copied from a session's next steps) and e-mail leaves the centre's systems.
    # One digest per counsellor and run, the most overdue first (`items` come ordered by due date).
    rows = [{"due_on": item.due_on, "code": item.case.client.code, "overdue": item.due_on < today} for item in items]
    recipient = Recipient.of(user)
    context = {
        "user": user,
        "items": rows,
        "today": today,
        "overdue": sum(1 for item in items if item.due_on < today),
        "link": site_link("counselling:follow-up-list", recipient.lang),
    }
    send_email("counselling/email/reminder", recipient=recipient, context=context)


def send_session_notice(*, session_id: int) -> int:
    """Tell a case's own counsellor that a colleague logged a session on it (client code only). Returns 0 or 1.

    Sent from the outbox (see portal/outbox.py): once per logged session, even when the broker was down.
    """
    with unscoped():
        session = Session.objects.select_related("case__client", "case__counsellor", "counsellor").get(pk=session_id)
    user = session.case.counsellor
    if user is None or not user.is_active or user.pk == session.counsellor_id:
        return 0
    recipient = Recipient.of(user)
    # Codes and names of staff only: the session itself (its notes) never reaches the template.
    context = {
        "user": user,
        "session": {"code": session.case.client.code, "colleague": session.counsellor.get_short_name()},
        "link": site_link("counselling:case-detail", recipient.lang, public_id=session.case.public_id),
    }
    return send_email(
        "counselling/email/session_notice", recipient=recipient, context=context, centre=session.case.centre
    )
