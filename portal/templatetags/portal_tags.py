"""Template helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import translation
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from portal import bidi
from portal.audit import action_label
from portal.i18n_content import Localized, translated
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


def _render_localized(value: Localized, block: str = "") -> SafeString:
    """Written text in an isolate; a fallback carries its own lang/dir and a note in the viewer's language."""
    if block == "p":
        body = mark_safe(linebreaks(value.text, autoescape=True))  # noqa: S308 - escaped by linebreaks
    elif block == "br":
        body = linebreaksbr(value.text, autoescape=True)
    else:
        body = conditional_escape(value.text)
    if not value.is_fallback:
        return format_html('<div dir="auto">{}</div>', body) if block == "p" else format_html("<bdi>{}</bdi>", body)
    note = value.note
    if block == "p":
        return format_html(
            '<div lang="{}" dir="{}">{}</div><p class="muted content-fallback"><small>({})</small></p>',
            value.language,
            value.direction,
            body,
            note,
        )
    return format_html(
        '<bdi lang="{}" dir="{}">{}</bdi> <small class="muted content-fallback">({})</small>',
        value.language,
        value.direction,
        body,
        note,
    )


@register.simple_tag
def content(obj: Any, field: str, block: str = "") -> SafeString:
    """Text people wrote (`field` of `obj`), in the viewer's language or visibly in the one it falls back to.

    `block` "p" renders paragraphs (a description), "br" line breaks (opening hours), "" inline text.
    """
    return _render_localized(translated(obj, field), block)


@register.simple_tag
def content_from(translations: dict[str, Any] | None, field: str, source: str, block: str = "") -> SafeString:
    """`content` for a list row that carries the text and its translations as columns (a keyset page's
    ``service_name`` and ``service_translations``), so the row needs no model object."""
    row = SimpleNamespace(**{field: source, "translations": translations or {}})
    return _render_localized(translated(row, field), block)


@register.filter
def translated_text(obj: Any, field: str) -> str:
    """The plain text of `field` in the viewer's language or its fallback (for truncating, titles, options)."""
    return translated(obj, field).text


@register.filter
def localized(value: Localized, block: str = "") -> SafeString:
    """One `Localized` text (e.g. a line of `translated_list`) rendered like `{% content %}`."""
    return _render_localized(value, block)


@register.filter
def language_names(codes: Iterable[str]) -> str:
    """Language codes ("sr-latn", "en") as the languages' names in themselves ("srpski (latinica)", "English")."""
    names = []
    for code in codes or ():
        try:
            names.append(translation.get_language_info(code)["name_local"])
        except KeyError:  # a code Django does not know: show it rather than fail
            names.append(code)
    return ", ".join(names)


@register.filter
def marks_required(form: object) -> bool:
    """Whether the form needs the "Fields marked * are required" note: several fields, some of them required."""
    fields = list(getattr(form, "visible_fields", list)())
    return len(fields) > 1 and any(field.field.required for field in fields)


@register.filter
def isolate(value: object) -> SafeString:
    """The value in a `<bdi>`, for data inside a translated sentence (`blocktranslate with x=value|isolate`),
    where no tag can be written around it; elsewhere write `<bdi>{{ value }}</bdi>` in the template.

    Only where directions can clash (portal.bidi.needs_text_isolation): on a right-to-left page, or for a
    right-to-left value; a Latin date on an English page stays plain text.
    """
    if not bidi.needs_text_isolation(str(value)):
        return conditional_escape(str(value))
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolate_ltr(value: object) -> SafeString:
    """As `isolate`, always left to right: phone numbers, codes, e-mail addresses inside a translated sentence."""
    if not bidi.needs_text_isolation(str(value)):
        return conditional_escape(str(value))
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def isolate_text(value: object) -> str:
    """`isolate` for plain text (e-mails), where no tag can carry the isolation: Unicode isolates (portal.bidi)."""
    return bidi.isolate_text(value)


@register.filter
def isolate_text_ltr(value: object) -> str:
    """As `isolate_text`, always left to right: codes and phone numbers in e-mails."""
    return bidi.isolate_text(value, ltr=True)
