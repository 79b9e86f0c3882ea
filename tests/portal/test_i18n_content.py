"""Written content in every language (`portal.i18n_content`): the viewer's language or a visible fallback."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from portal.i18n_content import clean_translations, translated, translated_list

FAIR = SimpleNamespace(
    title="Spring job fair",
    description="Meet employers.",
    questions=["Which work?", "Since when?"],
    translations={
        "ar": {"title": "معرض الربيع", "questions": ["أي عمل؟"]},
        "sr-latn": {"title": "Prolećni sajam"},
        "fr": {"title": "   "},  # blanks count as missing
    },
)


def test_a_translated_value_comes_in_its_language() -> None:
    value = translated(FAIR, "title", "ar")
    assert (value.text, value.language, value.is_fallback, value.direction) == ("معرض الربيع", "ar", False, "rtl")
    with translation.override("sr-latn"):  # the active language, whatever its spelling
        assert translated(FAIR, "title").text == "Prolećni sajam"


@pytest.mark.parametrize("language", ["ur", "fr", "de"])
def test_a_missing_translation_falls_back_to_english_and_says_so(language: str) -> None:
    value = translated(FAIR, "title", language)
    assert (value.text, value.language, value.is_fallback, value.direction) == ("Spring job fair", "en", True, "ltr")
    assert not translated(FAIR, "title", "en").is_fallback


def test_list_fields_fall_back_line_by_line() -> None:
    lines = translated_list(FAIR, "questions", "ar")
    assert [(line.text, line.language) for line in lines] == [("أي عمل؟", "ar"), ("Since when?", "en")]


def test_only_known_languages_and_fields_with_text_are_kept() -> None:
    kept = clean_translations(
        {
            "ar": {"title": " معرض ", "description": "", "venue": "not translatable"},
            "xx": {"title": "unknown language"},
            "en": {"title": "the source language"},
            "ur": {"title": "  "},
            "fr": {"questions": ["Quel travail ?", "", ""]},
        },
        ("title", "description", "questions"),
    )
    assert kept == {"ar": {"title": "معرض"}, "fr": {"questions": ["Quel travail ?"]}}


def _render(language: str, source: str) -> str:
    with translation.override(language):
        return Template("{% load portal_tags %}" + source).render(Context({"fair": FAIR}))


def test_the_fallback_is_marked_with_its_language_and_a_translated_note() -> None:
    html = _render("ur", '{% content fair "title" %}')
    assert (
        html
        == '<bdi lang="en" dir="ltr">Spring job fair</bdi> <small class="muted content-fallback">(انگریزی میں)</small>'
    )
    html = _render("ar", '{% content fair "title" %}')
    assert html == "<bdi>معرض الربيع</bdi>"  # in the page's language: no note, no lang of its own
    assert "(in English)" not in _render("en", '{% content fair "title" %}')


def test_a_fallback_description_keeps_its_paragraphs_and_escapes_markup() -> None:
    fair = SimpleNamespace(description="<b>Bold</b>\n\nSecond", translations={})
    with translation.override("fr"):
        html = Template('{% load portal_tags %}{% content fair "description" "p" %}').render(Context({"fair": fair}))
    assert '<div lang="en" dir="ltr"><p>&lt;b&gt;Bold&lt;/b&gt;</p>\n\n<p>Second</p></div>' in html
    assert "(en anglais)" in html


def test_language_codes_show_as_names_in_their_own_language() -> None:
    template = Template("{% load portal_tags %}{{ codes|language_names }}")
    with translation.override("ur"):
        assert template.render(Context({"codes": ["sr-latn", "en", "ar", "xx"]})) == (
            "srpski (latinica), English, العربيّة, xx"  # a code Django does not know stays as it is
        )
        assert template.render(Context({"codes": []})) == ""


# --- Centres: opening hours ---------------------------------------------------------------------------


def test_administrator_saves_opening_hours_per_language(client, admin_user, centre_a) -> None:
    client.force_login(admin_user.user)
    url = reverse("portal:centre-update", kwargs={"public_id": centre_a.public_id})
    form = {
        "country": centre_a.country_id,
        "code": centre_a.code,
        "name": centre_a.name,
        "city": centre_a.city,
        "is_active": "on",
        "opening_hours": "Mon–Fri 9–17",
        "opening_hours_ar": "الاثنين إلى الجمعة 9–17",
        "opening_hours_ur": "پیر تا جمعہ 9–17",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    centre_a.refresh_from_db()
    assert centre_a.translations == {
        "ar": {"opening_hours": "الاثنين إلى الجمعة 9–17"},
        "ur": {"opening_hours": "پیر تا جمعہ 9–17"},
    }
    html = client.get(url.replace("/en/", "/ar/", 1)).content.decode()
    assert 'lang="ar" dir="rtl"' in html and "الاثنين إلى الجمعة 9–17</textarea>" in html  # shown again to edit
    with translation.override("ar"):
        rendered = Template('{% load portal_tags %}{% content centre "opening_hours" "br" %}').render(
            Context({"centre": centre_a})
        )
    assert rendered == "<bdi>الاثنين إلى الجمعة 9–17</bdi>"


def test_markup_in_translated_opening_hours_is_refused_in_the_language_and_nothing_is_lost(
    client, admin_user, centre_a
) -> None:
    client.force_login(admin_user.user)
    url = reverse("portal:centre-update", kwargs={"public_id": centre_a.public_id}).replace("/en/", "/fr/", 1)
    form = {
        "country": centre_a.country_id,
        "code": centre_a.code,
        "name": "Renamed centre",
        "city": centre_a.city,
        "opening_hours": "Mon–Fri",
        "opening_hours_fr": "<script>alert(1)</script>",
        "opening_hours_ar": "الاثنين",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):
        expected = escape(gettext("Remove the HTML or script code from this text."))
    assert expected in html and "HTML or script" not in html
    assert "Renamed centre" in html and "الاثنين</textarea>" in html  # what was typed stays in the form
    centre_a.refresh_from_db()
    assert centre_a.name != "Renamed centre" and centre_a.translations == {}
