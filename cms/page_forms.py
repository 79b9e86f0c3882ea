"""Admin forms of the information pages: ASCII slugs shared by every language tree, a centre page's centre
limited to its country's centres, and the check of a title's script against its tree's language (issue #20)."""

from __future__ import annotations

import re
from typing import Any

from anyascii import anyascii
from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

# Arabic script (Arabic, Urdu): the main block, its supplement, extended-A and the presentation forms.
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")
RIGHT_TO_LEFT_SCRIPT_LANGUAGES = {"ar", "ur"}


def ascii_slug(text: str) -> str:
    """A slug in ASCII letters: other scripts transliterated (anyascii), so every tree shares a readable path."""
    return slugify(anyascii(text))[:255].strip("-")


def title_script_mismatch(title: str, language_code: str) -> bool:
    """True when the title's script does not fit the language: Arabic script in a Latin-script tree, or a
    Latin-only title in the Arabic or Urdu tree."""
    if language_code in RIGHT_TO_LEFT_SCRIPT_LANGUAGES:
        return bool(_LATIN_LETTER.search(title)) and not _ARABIC_SCRIPT.search(title)
    return bool(_ARABIC_SCRIPT.search(title))


def source_slug(page: Page) -> str | None:
    """The slug of the page's source-language version, when the page is a translation of one."""
    if page.pk is None or page.locale_id is None or page.locale.language_code == settings.LANGUAGE_CODE:
        return None
    return (
        Page.objects.filter(translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE)
        .exclude(pk=page.pk)
        .values_list("slug", flat=True)
        .first()
    )


class SitePageForm(WagtailAdminPageForm):
    """Every information page: a translation keeps its source's slug; other slugs are made ASCII."""

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        kept = source_slug(self.instance)
        if kept:
            return kept
        if not slug.isascii():
            slug = ascii_slug(slug)
            if not slug:
                raise forms.ValidationError(_("Write the slug in Latin letters, digits and hyphens."))
        return slug


class CentrePageForm(SitePageForm):
    """A centre page offers, and accepts, only the centres of the country page it is under."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cms.models import CountryPage
        from portal.models import Centre

        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        parent = parent.specific if parent is not None else None
        field = self.fields.get("centre")
        if field is None or not isinstance(parent, CountryPage):
            return
        field.queryset = Centre.objects.filter(country_id=parent.country_id).order_by("name")
        field.error_messages["invalid_choice"] = _("Choose one of the centres of %(country)s.") % {
            "country": parent.country.name
        }
