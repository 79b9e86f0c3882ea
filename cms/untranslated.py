"""Which parts of a published translation still show the source language's text.

wagtail-localize publishes a translated page with the source text wherever a string has no translation yet.
The page templates mark those parts: the text carries the source language's `lang` and `dir` (so Arabic
readers see ".Where returnees…" no more) and a visible, translated "not yet translated" note.

A string counts as shown in the source language when it has no (error-free) translation, or when its
translation was made after the page was last published: the live page was built without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language_info
from wagtail.models import Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation

# Stream fields whose top-level blocks are marked one by one; any other field is marked as a whole.
STREAM_FIELDS = frozenset({"body"})
WHOLE, PART = "whole", "part"


@dataclass(frozen=True)
class Fallback:
    """The parts of one page shown in the source language, and that language's code and direction."""

    lang: str
    dir: str
    name: str
    fields: frozenset[str] = frozenset()
    blocks: dict[str, str] = field(default_factory=dict)  # stream block id -> WHOLE or PART

    def __bool__(self) -> bool:
        return bool(self.fields or self.blocks)

    def block_state(self, block_id: str) -> str:
        return self.blocks.get(block_id, "")


def fallback_parts(page: Page, *, preview: bool = False) -> Fallback | None:
    """The untranslated parts of a translated page (two queries); None for a source or unmanaged page.

    Pages in the source language (settings.LANGUAGE_CODE: the English tree is the source) cost no query.
    """
    if page.locale.language_code == settings.LANGUAGE_CODE:  # the locale is read by the page template anyway
        return None
    translation = (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        )
        .select_related("source__locale")
        .first()
    )
    if translation is None:
        return None
    translated = Q(translation_of_id=OuterRef("string_id"), context_id=OuterRef("context_id"))
    translated &= Q(locale_id=page.locale_id, has_error=False)
    if page.last_published_at is not None and not preview:
        translated &= Q(updated_at__lte=page.last_published_at)
    rows = (
        StringSegment.objects.filter(source_id=translation.source_id)
        .annotate(translated=Exists(StringTranslation.objects.filter(translated)))
        .values_list("context__path", "translated")
    )
    fields: set[str] = set()
    blocks: dict[str, list[bool]] = {}
    for path, is_translated in rows:
        name, _dot, rest = path.partition(".")
        if name in STREAM_FIELDS and rest:
            blocks.setdefault(rest.split(".", 1)[0], []).append(is_translated)
        elif not is_translated:
            fields.add(name)
    code = translation.source.locale.language_code
    info = get_language_info(code)
    return Fallback(
        lang=code,
        dir="rtl" if info["bidi"] else "ltr",
        name=info["name_translated"],
        fields=frozenset(fields),
        blocks={block: WHOLE if not any(states) else PART for block, states in blocks.items() if not all(states)},
    )
