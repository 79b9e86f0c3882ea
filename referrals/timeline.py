"""How a referral's lines on the case timeline read (registered with counselling's timeline in `apps.py`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from counselling.timeline import choice_label
from referrals.models import ReferralStatus


def describe_referral_status(params: dict[str, Any]) -> str:
    """A `referral.status` line: the referral's code, its service and its new status."""
    return _("Referral %(code)s to %(service)s: %(status)s") % {
        "code": params.get("code", ""),
        "service": params.get("service", ""),
        "status": choice_label(ReferralStatus, params.get("status")),
    }
