"""Validation shared by every form: text that is safe to keep and show."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Markup: a tag, a comment, or a javascript: URL. "<5 years" stays allowed.
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:", re.IGNORECASE)
# Direction overrides can disguise text (an "exe" that reads "txt"); embeddings and marks stay allowed.
_OVERRIDES = {"\u202d", "\u202e"}


def check_text(value: str, *, multiline: bool) -> str | None:
    """The translated problem with a piece of text, or None when it may be kept."""
    if _MARKUP.search(value):
        return str(_("Remove the HTML or script code from this text."))
    for char in value:
        if char in _OVERRIDES:
            return str(_("This text contains hidden direction-changing characters. Please type it again."))
        if unicodedata.category(char) == "Cc" and not (multiline and char in "\n\r\t"):
            return str(_("This text contains invisible control characters. Please type it again."))
    return None


class SafeTextMixin:
    """Refuse markup and control characters in every text field of the form, with a clear message."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and value:
                field = self.fields.get(name)  # type: ignore[attr-defined]
                multiline = isinstance(getattr(field, "widget", None), forms.Textarea)
                problem = check_text(value, multiline=multiline)
                if problem:
                    self.add_error(name, problem)  # type: ignore[attr-defined]
        return cleaned
