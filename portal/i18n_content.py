"""Text that people write (a fair's title, a service's name, a centre's opening hours) in every interface language.

One mechanism for every model that has such text: the model keeps its source text in its ordinary fields (in
the portal's default language, English) and the other languages in a JSON field ``translations``,
``{"fr": {"title": "...", "description": "..."}, "ar": {...}}`` (a list field, such as a fair's questions, is
kept as a list of the same length, "" where a line is not translated). A JSON field rather than one column per
field and language (django-modeltranslation): eight languages times every field would be dozens of columns and a
migration for every language added, while nothing ever filters or sorts by the translated text.

Readers ask `translated(obj, "title")` for the viewer's language: the text and the language it is really in, so
a page can say so when it falls back (``{% content obj "title" %}`` in ``portal_tags`` marks the fallback with
``lang``/``dir`` and a small translated "in English" note). Staff forms add one optional input per language and
field through `TranslationsFormMixin`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The language of the source fields; the other languages live in `translations`.
SOURCE_LANGUAGE: str = settings.LANGUAGE_CODE


def other_languages() -> list[tuple[str, str]]:
    """The interface languages a text can be translated into: (code, name), the source language left out."""
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def language_direction(code: str) -> str:
    """ "rtl" or "ltr" for an interface language code."""
    return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"


def _active_language(language: str | None) -> str:
    code = language or translation.get_language() or SOURCE_LANGUAGE
    # "sr-latn" and "sr-Latn" are the same language; the JSON keys use the settings' spelling.
    known = {c.lower(): c for c, _name in settings.LANGUAGES}
    return known.get(code.lower(), known.get(code.lower().split("-")[0], SOURCE_LANGUAGE))


@dataclass(frozen=True)
class Localized:
    """A piece of written text and the language it is in, which may not be the one asked for."""

    text: str
    language: str
    wanted: str

    def __str__(self) -> str:
        return self.text

    @property
    def is_fallback(self) -> bool:
        """The text is not in the viewer's language (it had no translation), and the page should say so."""
        return bool(self.text) and self.language != self.wanted

    @property
    def direction(self) -> str:
        return language_direction(self.language)

    @property
    def language_name(self) -> str:
        """The name of the language the text is in, in the viewer's language ("English", "الإنجليزية")."""
        return str(dict(settings.LANGUAGES).get(self.language, self.language))

    @property
    def note(self) -> str:
        """The small note beside a fallback: "in English", in the viewer's language."""
        if self.language == "en":
            return str(_("in English"))  # its own message: "en anglais", "dalam bahasa Inggris" read naturally
        return str(_("in %(language)s") % {"language": self.language_name})


def translated(obj: Any, field: str, language: str | None = None) -> Localized:
    """The text of `field` in `language` (default: the active one), or the source text when it has none."""
    wanted = _active_language(language)
    if wanted != SOURCE_LANGUAGE:
        text = ((getattr(obj, "translations", None) or {}).get(wanted) or {}).get(field)
        if isinstance(text, str) and text.strip():
            return Localized(text, wanted, wanted)
    return Localized(getattr(obj, field) or "", SOURCE_LANGUAGE, wanted)


def translated_list(obj: Any, field: str, language: str | None = None) -> list[Localized]:
    """Each line of a list field (a fair's questions) in `language`, line by line falling back to the source."""
    wanted = _active_language(language)
    lines = ((getattr(obj, "translations", None) or {}).get(wanted) or {}).get(field) or []
    result = []
    for index, source in enumerate(getattr(obj, field) or []):
        text = lines[index] if wanted != SOURCE_LANGUAGE and index < len(lines) else ""
        text = text if isinstance(text, str) else ""
        if text.strip():
            result.append(Localized(text, wanted, wanted))
        else:
            result.append(Localized(source, SOURCE_LANGUAGE, wanted))
    return result


def clean_translations(
    translations: Mapping[str, Mapping[str, Any]] | None, fields: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """What to store: known languages and fields only, blanks around texts trimmed, empty texts left out."""
    allowed = set(fields)
    languages = {code for code, _name in other_languages()}
    cleaned: dict[str, dict[str, Any]] = {}
    for code, texts in (translations or {}).items():
        if code not in languages:
            continue
        kept: dict[str, Any] = {}
        for name, value in (texts or {}).items():
            if name not in allowed:
                continue
            if isinstance(value, list):
                lines = [str(line).strip() for line in value]
                while lines and not lines[-1]:
                    lines.pop()
                if lines:
                    kept[name] = lines
            elif isinstance(value, str) and value.strip():
                kept[name] = value.strip()
        if kept:
            cleaned[code] = kept
    return cleaned


def _input_attrs(code: str) -> dict[str, str]:
    return {"lang": code, "dir": language_direction(code)}


class TranslationsFormMixin:
    """One optional input per other language for each field in `translated_fields` (``title_fr``, ...).

    The inputs copy the source field's length limit and widget, carry the language's ``lang`` and ``dir`` (so
    Arabic and Urdu are typed right to left), and are grouped by language for the template
    (``portal/form_fields.html`` shows each language in a ``<details>``). `list_fields` are typed one line per
    line of the source (a fair's questions). `translations()` gives what the service stores.
    """

    translated_fields: tuple[str, ...] = ()
    list_fields: tuple[str, ...] = ()
    # The longest a line of a list field may be (a fair's questions: 300).
    list_line_max_length: int = 300

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        for code, name in other_languages():
            for field_name in self.translated_fields:
                source = fields[field_name]
                widget = source.widget.__class__(attrs={**source.widget.attrs, **_input_attrs(code)})
                field = forms.CharField(
                    label=source.label,
                    max_length=getattr(source, "max_length", None),
                    required=False,
                    # A list keeps its leading empty lines: line n translates line n of the source.
                    strip=field_name not in self.list_fields,
                    widget=widget,
                    help_text=_("One line for each line above; leave a line empty to show it in English.")
                    if field_name in self.list_fields
                    else "",
                )
                field.content_language = code  # type: ignore[attr-defined]
                field.content_language_name = name  # type: ignore[attr-defined]
                fields[f"{field_name}_{code}"] = field

    def translation_groups(self) -> list[dict[str, Any]]:
        """The per-language inputs, one group per language, for the template."""
        groups = []
        for code, name in other_languages():
            bound = [self[f"{field_name}_{code}"] for field_name in self.translated_fields]  # type: ignore[index]
            groups.append(
                {
                    "code": code,
                    "name": name,
                    "name_local": translation.get_language_info(code)["name_local"],
                    "fields": bound,
                    "has_errors": any(field.errors for field in bound),
                    "filled": any(field.value() for field in bound),
                }
            )
        return groups

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        for code, _name in other_languages():
            for field_name in self.list_fields:
                key = f"{field_name}_{code}"
                lines = [line.strip() for line in (cleaned.get(key) or "").splitlines()]
                while lines and not lines[-1]:
                    lines.pop()
                if not lines:
                    continue
                source = cleaned.get(field_name) or []
                if isinstance(source, str):
                    source = [line for line in source.splitlines() if line.strip()]
                if len(lines) > len(source):
                    self.add_error(  # type: ignore[attr-defined]
                        key, _("There are more lines here than in the original: give one line for each line.")
                    )
                if any(len(line) > self.list_line_max_length for line in lines):
                    self.add_error(  # type: ignore[attr-defined]
                        key,
                        _("Each line can have at most %(limit)d characters.") % {"limit": self.list_line_max_length},
                    )
        return cleaned

    def translations(self) -> dict[str, dict[str, Any]]:
        """The per-language texts from the valid form, as `clean_translations` keeps them."""
        data: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        raw: dict[str, dict[str, Any]] = {}
        for code, _name in other_languages():
            texts: dict[str, Any] = {}
            for field_name in self.translated_fields:
                value = data.get(f"{field_name}_{code}") or ""
                texts[field_name] = value.splitlines() if field_name in self.list_fields else value
            raw[code] = texts
        return clean_translations(raw, self.translated_fields)

    def source_data(self) -> dict[str, Any]:
        """The cleaned data without the per-language inputs (what the service takes besides `translations`)."""
        data: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        suffixes = tuple(f"_{code}" for code, _name in other_languages())
        names = {f"{field}{suffix}" for field in self.translated_fields for suffix in suffixes}
        return {key: value for key, value in data.items() if key not in names}

    @classmethod
    def translation_initial(cls, obj: Any) -> dict[str, str]:
        """The per-language inputs' initial values from a saved object's `translations`."""
        initial: dict[str, str] = {}
        for code, texts in (getattr(obj, "translations", None) or {}).items():
            for field_name in cls.translated_fields:
                value = (texts or {}).get(field_name)
                if isinstance(value, list):
                    initial[f"{field_name}_{code}"] = "\n".join(value)
                elif value:
                    initial[f"{field_name}_{code}"] = value
        return initial
