"""The referral slip: a one-page PDF with the referral code and a QR code of the partner's link."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from portal.pdf import language_context, write_pdf
from portal.qr import qr_svg
from referrals.links import link_for
from referrals.models import Referral


def render_slip(referral: Referral, *, language: str) -> bytes:
    """The slip as PDF bytes, in `language` (right-to-left where it is); only a sent, open referral has one."""
    link = link_for(referral)
    # The slip travels with the client to the partner: it names the referral, never the client, and carries
    # no free text; the template gets these facts, not the referral.
    slip = {
        "code": referral.code,
        "centre": referral.centre.name,
        "city": referral.centre.city,
        "service": referral.service.name,
        "organization": referral.organization.name,
        "due_on": referral.due_on,
    }
    with translation.override(language):
        html = render_to_string(
            "referrals/slip.html",
            {"slip": slip, "qr": qr_svg(link), "link": link, **language_context()},
        )
    return write_pdf(html)
