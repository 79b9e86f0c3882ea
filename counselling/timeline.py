"""How each kind of case event reads on the timeline, in the reader's language.

Other apps write lines on a case's timeline too (a referral's moves): they
register how their kinds read with `register_event_kind` in their
`AppConfig.ready`, so this app imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from counselling.models import CaseEvent, CaseStatus, ConsentPurpose, GoalStatus

# Event kind -> a function of the event's params that returns the translated sentence.
_OTHER_KINDS: dict[str, Callable[[dict[str, Any]], str]] = {}


def register_event_kind(kind: str, describe: Callable[[dict[str, Any]], str]) -> None:
    """Say how another app's timeline lines of this kind read (called from its `AppConfig.ready`)."""
    _OTHER_KINDS[kind] = describe


def describe(event: CaseEvent) -> str:
    """One translated sentence for a timeline line; unknown kinds show their code."""
    p = event.params
    kind = event.kind
    if kind in _OTHER_KINDS:
        return _OTHER_KINDS[kind](p)
    if kind == "case.opened":
        return _("Case opened")
    if kind == "case.status":
        return _("Status changed to %(status)s") % {"status": choice_label(CaseStatus, p.get("status"))}
    if kind == "session.logged":
        return _("Session logged (%(minutes)s minutes)") % {"minutes": p.get("minutes", "?")}
    if kind == "follow_up.added":
        return _("Follow-up added for %(date)s: %(title)s") % {
            "date": short_date(p.get("due_on", "")),
            "title": p.get("title", ""),
        }
    if kind == "follow_up.done":
        return _("Follow-up done: %(title)s") % {"title": p.get("title", "")}
    if kind == "goal.added":
        return _("Plan goal added: %(title)s") % {"title": p.get("title", "")}
    if kind == "goal.status":
        return _("Plan goal “%(title)s” is now %(status)s") % {
            "title": p.get("title", ""),
            "status": choice_label(GoalStatus, p.get("status")),
        }
    if kind == "consent.recorded":
        return _("Consent recorded: %(purpose)s") % {"purpose": choice_label(ConsentPurpose, p.get("purpose"))}
    if kind == "consent.withdrawn":
        return _("Consent withdrawn: %(purpose)s") % {"purpose": choice_label(ConsentPurpose, p.get("purpose"))}
    if kind == "document.uploaded":
        return _("Document added: %(name)s") % {"name": p.get("name", "")}
    if kind == "session.corrected":
        if p.get("reason"):
            return _("Session corrected: %(reason)s") % {"reason": p["reason"]}
        return _("Session corrected")
    if kind == "case.counsellor":
        if not p.get("counsellor"):
            return _("Counsellor removed: the case waits for a counsellor")
        return _("Counsellor assigned: %(name)s") % {"name": p["counsellor"]}
    if kind == "transfer.requested":
        return _("Transfer to %(centre)s requested") % {"centre": p.get("to_centre", "")}
    if kind == "transfer.accepted":
        return _("Transfer to %(centre)s accepted") % {"centre": p.get("to_centre", "")}
    if kind == "transfer.declined":
        return _("Transfer to %(centre)s declined") % {"centre": p.get("to_centre", "")}
    return kind


def short_date(value: object) -> str:
    """An ISO date kept in an event's params, in the reader's short date format (the text itself if it is none)."""
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value or "")


def choice_label(choices: type, value: str | None) -> str:
    """The translated label of `value` among `choices`, or the value itself when it is not one of them."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""
