"""Template tags of translated pages: which stream block still shows the source language (cms/untranslated.py)."""

from __future__ import annotations

from django import template
from wagtail_localize.models import Translation

from cms.translation_status import translation_status as status_of
from cms.untranslated import Fallback

register = template.Library()


@register.simple_tag
def untranslated_state(fallback: Fallback | None, block_id: str) -> str:
    """ "whole", "part" or "" for the stream block `block_id` of the page being shown."""
    return fallback.block_state(block_id) if fallback else ""


@register.simple_tag
def translation_status(translation: Translation) -> str:
    """The translations report's status, against the source's current version (cms/translation_status.py)."""
    return status_of(translation)
