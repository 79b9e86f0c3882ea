"""The state of one translation as the translations report shows it.

wagtail-localize says "Up to date" as soon as every string of the *last synced* source has a translation:
an English page changed since, or translations never published, still read "Up to date". Here "Up to date"
means: the source's current version was synced, every string is translated and none awaits review (see
cms/translation_memory.py), and the translated page is published with all of it.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from cms.translation_memory import MEMORY_TOOL


def translation_status(translation: Translation) -> str:
    source = translation.source
    try:
        instance = source.get_source_instance()
    except ObjectDoesNotExist:
        return _("Source deleted")
    is_page = isinstance(instance, Page)
    if is_page and instance.last_published_at and instance.last_published_at > source.last_updated_at:
        return _("Out of date: the source changed since the last sync")
    total, done = translation.get_progress()
    if done < total:
        return _("Waiting for translations (%(done)s of %(total)s)") % {"done": done, "total": total}
    strings = StringTranslation.objects.filter(
        locale_id=translation.target_locale_id,
        translation_of_id__in=StringSegment.objects.filter(source=source).values("string_id"),
        context__object_id=source.object_id,
    )
    if strings.filter(tool_name=MEMORY_TOOL).exists():
        return _("To review: kept from before the source changed")
    if is_page:
        try:
            target = translation.get_target_instance()
        except ObjectDoesNotExist:
            return _("Translated page deleted")
        if not target.live:
            return _("Draft: not published yet")
        last_change = max(
            source.last_updated_at, strings.aggregate(last=Max("updated_at"))["last"] or source.last_updated_at
        )
        if target.has_unpublished_changes or target.last_published_at is None or target.last_published_at < last_change:
            return _("Changes not published yet")
    return _("Up to date")
