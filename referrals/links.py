"""Signed, expiring, single-purpose links for partners without an account."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from portal.access import unscoped
from referrals.models import LINKED_STATUSES, Referral, ReferralStatus

SALT = "referrals.partner-answer"
MAX_AGE = 30 * 24 * 3600  # a month to answer


class NoLink(ValueError):
    """A draft has not left the centre, and a closed referral cannot be answered: neither has a link."""


def make_token(referral: Referral) -> str:
    """A token that lets its holder answer this one referral, and nothing else (sent, open referrals only)."""
    if referral.status not in LINKED_STATUSES:
        raise NoLink(referral.status)
    return signing.dumps({"r": str(referral.public_id), "n": referral.link_nonce}, salt=SALT, compress=True)


def link_for(referral: Referral) -> str:
    return settings.SITE_URL + reverse("referrals:link", kwargs={"token": make_token(referral)})


@dataclass(frozen=True)
class LinkCheck:
    referral: Referral | None
    problem: str | None  # "tampered", "expired", "replaced", "closed" or None when usable


def check_token(token: str) -> LinkCheck:
    """Verify a token: signature, age, that it is the newest link of its referral, and that the referral is open."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return LinkCheck(None, "expired")
    except signing.BadSignature:
        return LinkCheck(None, "tampered")
    with unscoped():
        referral = (
            Referral.objects.select_related("case__client", "service", "organization", "centre")
            .filter(public_id=payload.get("r"))
            .first()
        )
    if referral is None:
        return LinkCheck(None, "tampered")
    if referral.status == ReferralStatus.DRAFT:
        # A draft never had a link: whatever token names one answers as a forged one does.
        return LinkCheck(referral, "tampered")
    if referral.link_nonce != payload.get("n"):
        return LinkCheck(referral, "replaced")
    if referral.is_final:
        return LinkCheck(referral, "closed")
    return LinkCheck(referral, None)
