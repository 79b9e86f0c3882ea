"""Bidirectional text: data inside translated text keeps its own direction (issue #18).

In HTML a value goes in `<bdi>` (templates, or the `isolate` filters of portal_tags). Where no tag can go,
in plain text (e-mails, messages, allauth's sentences built around a user's name), the value goes between
the invisible Unicode isolates: FIRST STRONG ISOLATE (U+2068) or LEFT-TO-RIGHT ISOLATE (U+2066), then
POP DIRECTIONAL ISOLATE (U+2069). Without them "You are signed in as Kwame Mensah." in Arabic puts the
full stop and the name in the wrong places, and "+233 24 123 4567" shows as "4567 123 24 233+".
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation

FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def needs_text_isolation(value: str) -> bool:
    """In a right-to-left language, or for a right-to-left value: elsewhere nothing can swap places."""
    return translation.get_language_bidi() or bool(_RTL_LETTER.search(value))


def isolate_text(value: object, *, ltr: bool = False) -> str:
    """The value between Unicode isolates when it needs them (see `needs_text_isolation`)."""
    text = str(value)
    if not text or not needs_text_isolation(text):
        return text
    return f"{LRI if ltr else FSI}{text}{PDI}"


def user_display(user: Any) -> str:
    """allauth's name for a user (ACCOUNT_USER_DISPLAY), isolated: it goes into translated sentences."""
    return isolate_text(str(user))
