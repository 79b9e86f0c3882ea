"""Translation memory across source versions: a changed sentence keeps its old translation as a suggestion.

wagtail-localize keys a translation by the exact source string (and its place, the "context"): when an editor
changes one sentence of the English page, the next sync makes a new string with no translation, and the
translated page falls back to English for that whole sentence. Here, when a sync drops a string segment
(TranslationSource.refresh_segments deletes the segments the source no longer has), its translations are
carried over to the new string at the same place that has none yet, if the two source strings are alike.
The carried-over text is marked (tool_name MEMORY_TOOL): the translation editor shows "Translated with
<MEMORY_TOOL>" on it, the translations report counts it as "to review", and the page keeps the old
translation instead of English until a person confirms or rewrites it.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from wagtail_localize.models import StringSegment, StringTranslation

# Shown by wagtail-localize's editor as "Translated with {tool_name} on {date}"; stored, so not translated.
MEMORY_TOOL = "previous version (source changed: please review)"
# How alike the old and the new source string must be (0..1) for the old translation to be offered.
MIN_SIMILARITY = 0.5


def similarity(old: str, new: str) -> float:
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


def carry_over(*, source_id: int, context_id: int, old_string_id: int) -> int:
    """Offer the translations of a dropped string to the untranslated string now at its place.

    In every locale the old string was translated into, the most alike untranslated segment of the same
    source and context (a rich-text field holds several) receives a copy, marked as from memory.
    Returns the number of translations carried over.
    """
    old = list(
        StringTranslation.objects.filter(translation_of_id=old_string_id, context_id=context_id)
        .exclude(data="")
        .select_related("translation_of")
    )
    if not old:
        return 0
    candidates = list(StringSegment.objects.filter(source_id=source_id, context_id=context_id).select_related("string"))
    if any(segment.string_id == old_string_id for segment in candidates):
        return 0  # the string is still there (only moved): its translations still apply
    made = 0
    for previous in old:
        translated = set(
            StringTranslation.objects.filter(
                context_id=context_id,
                locale_id=previous.locale_id,
                translation_of_id__in=[segment.string_id for segment in candidates],
            ).values_list("translation_of_id", flat=True)
        )
        scored = [
            (similarity(previous.translation_of.data, segment.string.data), segment)
            for segment in candidates
            if segment.string_id not in translated
        ]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is None or best[0] < MIN_SIMILARITY:
            continue
        StringTranslation.objects.get_or_create(
            translation_of_id=best[1].string_id,
            context_id=context_id,
            locale_id=previous.locale_id,
            defaults={
                "data": previous.data,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
                "tool_name": MEMORY_TOOL,
                "last_translated_by": previous.last_translated_by,
            },
        )
        made += 1
    return made


def segment_dropped(sender: Any, instance: StringSegment, **kwargs: Any) -> None:
    """post_delete of StringSegment (connected in cms/apps.py): a sync replaced the string at this place."""
    carry_over(source_id=instance.source_id, context_id=instance.context_id, old_string_id=instance.string_id)


def is_from_memory(translation: StringTranslation) -> bool:
    return translation.tool_name == MEMORY_TOOL
