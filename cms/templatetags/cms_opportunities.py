"""Template helpers of the opportunities cards: short descriptions, languages and countries as people read them."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from portal.geography import country_name
from portal.i18n_content import Localized, translated
from portal.templatetags.portal_tags import localized
from portal.timezones import valid_zone, zone_label

register = template.Library()

# Words of a description on a card; the whole text is on the opportunity's own page.
EXCERPT_WORDS = 30
# Arabic and Urdu separate the items of a list with their own comma.
ARABIC_COMMA_LANGUAGES = frozenset({"ar", "ur"})


@register.simple_tag
def list_separator() -> str:
    """ ", " in the viewer's language: "، " in Arabic and Urdu."""
    language = (translation.get_language() or "").split("-")[0]
    return "، " if language in ARABIC_COMMA_LANGUAGES else ", "


@register.simple_tag
def excerpt(obj: Any, field: str, words: int = EXCERPT_WORDS) -> SafeString:
    """The start of `field` in the viewer's language (or marked as a fallback, like `{% content %}`), cut at
    a word boundary with an ellipsis; "" when the field is empty."""
    text = translated(obj, field)
    if not text.text.strip():
        return SafeString("")
    short = Truncator(" ".join(text.text.split())).words(words, truncate="…")
    return localized(Localized(short, text.language, text.wanted))


@register.filter
def language_list(codes: Iterable[str] | None) -> SafeString:
    """Languages named in themselves, each marked with its own `lang` (a screen reader reads it in that
    language) in its own isolate: "English, Français, العربية"."""
    items = []
    for code in codes or ():
        name = settings.LANGUAGE_SELF_NAMES.get(code)  # as the language switcher names them
        if name is None:
            try:
                name = translation.get_language_info(code)["name_local"]
            except KeyError:  # a code Django does not know: show it rather than fail
                name = code
        items.append((code, name))
    return format_html_join(list_separator(), '<bdi lang="{}">{}</bdi>', items)


@register.filter
def served_countries(service: Any) -> str:
    """The countries whose people a service takes (its own and `areas_served`), named in the viewer's
    language, in alphabetical order: "Ghana, Germany, Serbia"."""
    codes = {service.country_id, *(service.areas_served or ())}
    return list_separator().join(sorted((country_name(code) for code in codes if code), key=_sort_key))


def _sort_key(name: str) -> str:
    # Accents do not move a name to the end ("Ägypten" sorts with the A's, as a German reader expects).
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


@register.inclusion_tag("cms/_event_time.html", takes_context=True)
def event_time(context: template.Context, starts_at: dt.datetime, ends_at: dt.datetime, zone: str) -> dict[str, Any]:
    """An event's start and end in its own zone (named), and in the viewer's zone too when the viewer's
    browser or profile told it and it shows other clock times. An end on the start's day shows only its time.

    The template formats with `|timezone:` and `|localtime` (the `date` filter would otherwise convert to
    the active zone); the zones are named as people read them ("Accra, UTC").
    """
    own = valid_zone(zone)
    if own is None:  # a zone this machine does not know: the active one, named, rather than a wrong label
        own, zone = timezone.get_current_timezone(), timezone.get_current_timezone_name()
    viewer = timezone.get_current_timezone()
    start = starts_at.astimezone(own)
    viewer_known = bool(getattr(context.get("request"), "viewer_zone_known", False))
    return {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "zone": zone,
        "same_day": start.date() == ends_at.astimezone(own).date(),
        "zone_label": zone_label(own, starts_at),
        "show_mine": viewer_known and start.utcoffset() != starts_at.astimezone(viewer).utcoffset(),
        "mine_zone_label": zone_label(viewer, starts_at),
    }
