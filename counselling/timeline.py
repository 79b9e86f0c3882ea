"""How each kind of case event reads on the timeline, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from counselling.models import CaseEvent, CaseStatus, ConsentPurpose, GoalStatus


def describe(event: CaseEvent) -> str:
    """One translated sentence for a timeline line; unknown kinds show their code."""
    p = event.params
    kind = event.kind
    if kind == "case.opened":
        return _("Case opened")
    if kind == "case.status":
        return _("Status changed to %(status)s") % {"status": _label(CaseStatus, p.get("status"))}
    if kind == "session.logged":
        return _("Session logged (%(minutes)s minutes)") % {"minutes": p.get("minutes", "?")}
    if kind == "follow_up.added":
        return _("Follow-up added for %(date)s: %(title)s") % {
            "date": p.get("due_on", ""),
            "title": p.get("title", ""),
        }
    if kind == "follow_up.done":
        return _("Follow-up done: %(title)s") % {"title": p.get("title", "")}
    if kind == "goal.added":
        return _("Plan goal added: %(title)s") % {"title": p.get("title", "")}
    if kind == "goal.status":
        return _("Plan goal “%(title)s” is now %(status)s") % {
            "title": p.get("title", ""),
            "status": _label(GoalStatus, p.get("status")),
        }
    if kind == "consent.recorded":
        return _("Consent recorded: %(purpose)s") % {"purpose": _label(ConsentPurpose, p.get("purpose"))}
    if kind == "consent.withdrawn":
        return _("Consent withdrawn: %(purpose)s") % {"purpose": _label(ConsentPurpose, p.get("purpose"))}
    if kind == "document.uploaded":
        return _("Document added: %(name)s") % {"name": p.get("name", "")}
    if kind == "transfer.requested":
        return _("Transfer to %(centre)s requested") % {"centre": p.get("to_centre", "")}
    if kind == "transfer.accepted":
        return _("Transfer to %(centre)s accepted") % {"centre": p.get("to_centre", "")}
    if kind == "transfer.declined":
        return _("Transfer to %(centre)s declined") % {"centre": p.get("to_centre", "")}
    if kind == "referral.status":
        from referrals.models import ReferralStatus

        return _("Referral %(code)s to %(service)s: %(status)s") % {
            "code": p.get("code", ""),
            "service": p.get("service", ""),
            "status": _label(ReferralStatus, p.get("status")),
        }
    return kind


def _label(choices: type, value: str | None) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""
