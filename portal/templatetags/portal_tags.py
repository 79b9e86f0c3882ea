"""Template helpers shared by the apps."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from portal.audit import action_label
from portal.qr import qr_svg as make_qr_svg

register = template.Library()


@register.filter
def qr_svg(value: object) -> SafeString:
    """An inline SVG QR code of the value (the SVG is generated here, so it is safe to embed)."""
    return mark_safe(make_qr_svg(str(value), box_size=4))  # noqa: S308 - our own generated markup


@register.filter
def audit_action_label(code: str) -> str:
    """The translated label of an audit action code (the code itself for one no longer registered)."""
    return action_label(code)
