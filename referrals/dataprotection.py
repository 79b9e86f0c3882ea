"""Data protection of the referrals app: its lines of the record of processing, and what a client's erasure
does to their referrals (registered in ReferralsConfig.ready; see counselling/dataprotection/erasure.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counselling.dataprotection import REDACTED, LinkedRows, erased_fields
from counselling.models import CaseFile, Client
from portal.access import unscoped
from portal.dataprotection import CLIENTS, PARTNERS_WITH_CONSENT, VITAL_OR_PUBLIC, Processing
from referrals.models import Referral, ReferralEvent

_CASE = dict(data_subjects=(CLIENTS,), legal_basis=VITAL_OR_PUBLIC)

DECLARATIONS: dict[str, Processing] = {
    "referrals.referral": Processing(
        client="case.client_id",
        purpose=_("Referring a client to a training or service and following it up"),
        recipients=(PARTNERS_WITH_CONSENT,),
        **_CASE,
    ),
    "referrals.referralevent": Processing(
        client="referral.case.client_id",
        purpose=_("The history of a referral, including the partner's answers"),
        recipients=(PARTNERS_WITH_CONSENT,),
        **_CASE,
    ),
}

# What a client's erasure keeps of their referrals (see ERASURE_KEEPS): the rest is blanked.
ERASURE_KEEPS: dict[str, frozenset[str]] = {
    "referrals.referral": frozenset(
        {
            "id",
            "public_id",
            "code",
            "case",
            "centre",
            "service",
            "organization",
            "created_by",
            "urgency",
            "shared_fields",
            "status",
            "outcome",
            "due_on",
            "sent_at",
            "closed_at",
            "link_nonce",
            "version",
            "created_at",
            "updated_at",
        }
    ),
    "referrals.referralevent": frozenset(
        {"id", "referral", "occurred_at", "actor", "channel", "from_status", "to_status"}
    ),
}


def _erase(client: Client, cases: QuerySet[CaseFile], now: dt.datetime) -> None:
    """The client's referrals lose their free text, their history the partners' answers."""
    Referral.objects.filter(case__in=cases).update(**erased_fields(Referral) | {"reason": REDACTED})
    ReferralEvent.objects.filter(referral__case__in=cases).update(**erased_fields(ReferralEvent))


def _count(client: Client) -> dict[str, int]:
    with unscoped():
        return {"referrals": Referral.objects.filter(case__client=client).count()}


LINKED_ROWS = LinkedRows(keeps=ERASURE_KEEPS, erase=_erase, count=_count)
