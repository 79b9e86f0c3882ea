"""Template filters of the counselling pages."""

from __future__ import annotations

from django import template

from counselling.corrections import CORRECTABLE
from counselling.forms import SPOKEN_LANGUAGES

register = template.Library()
_SPOKEN = dict(SPOKEN_LANGUAGES)


@register.filter
def spoken_language(code: str) -> str:
    """The translated name of a language a session was held in ("ar" -> "Arabic"); the code if unknown."""
    return str(_SPOKEN.get(code, code))


@register.filter
def field_labels(names: list[str]) -> str:
    """The translated labels of a session's corrected fields, for its history ("Summary, Duration")."""
    from counselling.models import Session

    labels = [
        str(getattr(Session._meta.get_field(name), "verbose_name", name)).capitalize()
        for name in names
        if name in CORRECTABLE
    ]
    return ", ".join(labels)
