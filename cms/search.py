"""Site search: the information pages of the active language, through Wagtail's search (database backend).

Arabic and Urdu: a word is indexed and searched without its article and the prefixes glued to it ("الوظائف",
"والوظائف", "بالوظائف" and "وظائف" are one word), with one spelling of alef and hamza forms, taa marbuta and
haa, Arabic and Farsi yeh, kaf and keheh, and without diacritics and tatweel. The index keeps each word as written
and adds its normalised form when that differs (`SitePage.search_normalised`); the query is normalised likewise.
Conservative: a single-letter prefix (و ب ل ك ف) is taken off only before the article, never from a bare word
("وظائف" keeps its waw), and a word stays at least two letters long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

SEARCH_PAGE = 10
MAX_QUERY = 100


_WORD = re.compile(r"\w+")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics and tatweel
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ھ": "ه",
        "ۀ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
    }
)
# Longest first: a conjunction or preposition glued to the article, then the article alone.
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_MIN_STEM = 2


def normalise_word(word: str) -> str:
    """One word in the search's spelling (Arabic script only; any other word is returned as it is)."""
    if not _ARABIC_SCRIPT.search(word):
        return word
    word = _MARKS.sub("", word).translate(_LETTERS)
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            return word[len(prefix) :]
    return word


def normalise_query(query: str) -> str:
    """The query with every word normalised (spaces and punctuation as they were)."""
    return _WORD.sub(lambda match: normalise_word(match.group()), query)


def normalised_forms(texts: Iterable[str]) -> str:
    """The normalised forms of the words in `texts` that normalising changes, once each, for the index."""
    forms: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            if (form := normalise_word(word)) != word:
                forms[form] = None
    return " ".join(forms)


def search_pages(*, query: str, locale: Locale) -> Any:
    """Live public pages of `locale` matching `query`, best first (Wagtail search results, lazily sliced)."""
    return (
        Page.objects.live().public().filter(locale=locale, depth__gt=1).search(normalise_query(query), operator="and")
    )


def with_specific(pages: list[Page]) -> list[Page]:
    """The specific pages for one result page (one query per page type on it), in the given order."""
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # A NUL cannot reach PostgreSQL (a 500); it is never part of a real search.
    query = " ".join((request.GET.get("q") or "").replace("\x00", " ").split())
    error = ""
    page_obj = None
    results: list[Page] = []
    if len(query) > MAX_QUERY:
        error = _("Please use a shorter search (at most %(max)s characters).") % {"max": MAX_QUERY}
    elif query:
        paginator = Paginator(search_pages(query=query, locale=Locale.get_active()), SEARCH_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        results = with_specific(list(page_obj.object_list))
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "error": error,
            "page": page_obj,
            "results": results,
            "max_query": MAX_QUERY,
            "show_help_contacts": True,
        },
    )
