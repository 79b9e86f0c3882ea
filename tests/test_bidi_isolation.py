"""Every value from data sits in a bidi isolate on Arabic pages (issue #18, point 4).

Renders every page of the access matrix that a role opens with a 200 (tests/pages.py), for every role,
in Arabic, with data in Latin letters, in mixed Arabic and Latin, phone numbers and a name carrying a
right-to-left override (U+202E). The page's own words are Arabic, so in its text:

- **data-looking text** is a text node with a Latin letter (names of people, centres, organisations,
  fairs, services; e-mail addresses; free text in English), a number that starts with "+" or is split
  by spaces (phone numbers, a date and its time), or a bidi embedding or override (U+202A–U+202E);
  the few Latin words the Arabic translations keep on purpose (file formats: PDF, CSV, …) are not data;
- it is **isolated** when one of its ancestors is a `<bdi>`, carries `dir` (`auto`, `ltr` or `rtl`) or
  the class `ltr` (direction: ltr; unicode-bidi: isolate, portal/static/portal/site.css), or is a form
  control (`input`, `textarea`, `select`, `option`: their text is laid out on its own). Containers
  (`html`, `body`, `main`, sections, forms, tables, lists) do not count: a `dir` there would mark a whole
  page region as one value and hide every mistake inside it;
- **phone numbers and client codes** (text with "+2…", digits split by spaces, or a code like
  GH-ACC-000042) must be in a left-to-right isolate
  (`dir="ltr"` or class `ltr`), so "+201001234567" never shows as "201001234567+".

Text in `<script>`, `<style>`, `<title>` and inline SVG is not laid out as text of the page and is left out.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import pytest
from django.test import Client as DjangoClient

from tests.access import ROLES
from tests.pages import page_url, pages_for

LANGUAGE = "ar"
PHONE = "+201001234567"
PHONE_SPACED = "010 6789 2345"
MIXED_NAME = "خديجة Zz-Marker"
# An override in a name: on display it may reverse the text after it, unless the name is isolated.
OVERRIDE_NAME = "Zz\u202eevil\u202c"

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
NOT_TEXT = frozenset({"script", "style", "title", "svg", "template", "head"})
CONTROLS = frozenset({"bdi", "input", "textarea", "select", "option"})
CONTAINERS = frozenset(
    {
        "html", "body", "main", "header", "footer", "nav", "section", "article", "aside", "form", "fieldset",
        "table", "thead", "tbody", "tfoot", "ul", "ol", "dl", "details",
    }
)  # fmt: skip
# Latin words the Arabic catalogue keeps on purpose: names of formats and standards, not data.
KEPT_IN_TRANSLATIONS = re.compile(r"\b(PDF|CSV|JSON|XLSX|ICS|\.ics|QR|ISCO|ISCO-08|TOTP|SMS|URL|IANA|UTC|WebAuthn)\b")
LATIN = re.compile(r"[A-Za-z]")
# A phone number: a "+" before digits, or groups of digits split only by spaces ("010 6789 2345"). A date and
# time ("07/12/2026 19:08") is no phone number: a plain <bdi> lays it out left to right (no strong letter).
PHONE_LIKE = re.compile(r"\+\d|(?<![\d/.:-])\d{2,}(?:[ \u00a0]\d{2,})+(?![\d/.:-])")
# Numbers split by a space (a date and its time): two runs that an Arabic line shows in swapped order.
SPLIT_NUMBERS = re.compile(r"\d[ \u00a0]+\d")
CLIENT_CODE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{2,5}-\d{3,}\b")  # GH-ACC-000042
# Embeddings and overrides (U+202A–U+202E) reach past their text unless it is isolated.
BIDI_CONTROLS = re.compile("[\u202a-\u202e]")
# A translation may isolate an example inside its own text with U+2066/2067/2068 … U+2069 (help texts, errors).
IN_TEXT_ISOLATE = re.compile("[\u2066-\u2068][^\u2069]*\u2069")


class _IsolationChecker(HTMLParser):
    """Walks a page and collects data-looking text that is not isolated, or phone numbers not left to right."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, isolates, left to right)
        self.not_isolated: list[str] = []
        self.not_ltr: list[str] = []
        self.isolated = 0
        self.overrides_isolated = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        direction = (found.get("dir") or "").lower()
        ltr = direction == "ltr" or "ltr" in classes
        isolates = tag in CONTROLS or (tag not in CONTAINERS and (direction in ("auto", "ltr", "rtl") or ltr))
        if tag not in VOID:
            self.stack.append((tag, isolates, ltr))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>, <input/>: no text inside

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(tag in NOT_TEXT for tag, _i, _l in self.stack):
            return
        text = KEPT_IN_TRANSLATIONS.sub("", IN_TEXT_ISOLATE.sub("", data))
        phone_like = bool(PHONE_LIKE.search(text) or CLIENT_CODE.search(text))
        if not (LATIN.search(text) or phone_like or SPLIT_NUMBERS.search(text) or BIDI_CONTROLS.search(text)):
            return
        if _is_ui_text(data.strip()):
            return  # the page's own words, or English ones left untranslated (tests/test_translations.py's business)
        where = " > ".join(tag for tag, _i, _l in self.stack[-4:])
        snippet = f"{where}: {data.strip()[:80]!r}"
        if not any(isolates for _t, isolates, _l in self.stack):
            self.not_isolated.append(snippet)
            return
        self.isolated += 1
        self.overrides_isolated += bool(BIDI_CONTROLS.search(text))
        in_control = any(tag in CONTROLS - {"bdi"} for tag, _i, _l in self.stack)  # inputs have their own dir
        if phone_like and not in_control and not any(ltr for _t, _i, ltr in self.stack):
            self.not_ltr.append(snippet)


@cache
def _ui_strings() -> tuple[frozenset[str], re.Pattern[str]]:
    """The page's own words: the Arabic catalogue's translations and any English message ids left untranslated.

    Exact texts only (help texts, headings, labels): a translation with a placeholder filled in by data
    ("Report: Centre A") must still isolate the data. English message ids whose placeholders are numbers
    ("3 cases waiting for a counsellor", not yet translated) match with the number in place.
    """
    import polib
    from django.conf import settings

    texts: set[str] = set()
    with_numbers: list[str] = []
    for language in ("en", LANGUAGE):
        catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
        for entry in catalogue:
            if entry.obsolete:
                continue
            values = (
                [entry.msgid, entry.msgid_plural] if language == "en" else [entry.msgstr, *entry.msgstr_plural.values()]
            )
            for value in filter(None, values):
                texts.add(value.strip())
                if language == "en" and re.search(r"%\(\w+\)[sd]|%[sd]", value):
                    with_numbers.append(re.sub(r"%\\\(\w+\\\)[sd]|%[sd]", r"\\d+", re.escape(value.strip())))
    return frozenset(texts), re.compile("|".join(f"(?:{p})" for p in with_numbers) or "(?!)")


def _is_ui_text(text: str) -> bool:
    texts, with_numbers = _ui_strings()
    uncapitalised = text[:1].lower() + text[1:]  # a verbose_name shown with |capfirst
    return text in texts or uncapitalised in texts or bool(with_numbers.fullmatch(text))


def check_isolation(html: str) -> _IsolationChecker:
    checker = _IsolationChecker()
    checker.feed(html)
    checker.close()
    return checker


def _mixed_data() -> None:
    """Give the rows the pages show Latin, mixed and phone-number values, and one override in a name."""
    from counselling.models import Client
    from portal.access import unscoped

    with unscoped():
        for index, client in enumerate(Client.objects.order_by("pk")):
            client.given_name = OVERRIDE_NAME if index == 0 else MIXED_NAME
            client.name_native = MIXED_NAME
            client.phone, client.phone_alt = PHONE, PHONE_SPACED
            client.email = "zz.marker@example.org"
            client.save()


# --- The checker itself: it must be able to fail ---------------------------------------------------


@pytest.mark.parametrize(
    ("html", "isolated"),
    [
        ("<p>الاسم: Ama Mensah</p>", False),
        ("<p>الاسم: <bdi>Ama Mensah</bdi></p>", True),
        ('<td dir="auto">Kumasi Agro</td>', True),
        ('<section dir="auto"><p>Kumasi Agro</p></section>', False),  # a container is no isolate
        ("<p>هاتف: <bdi>+201001234567</bdi></p>", True),
        ("<p>\u202eevil</p>", False),
        ("<p>تنزيل PDF</p>", True),  # a format name kept by the translation, not data
        ("<p>صفحة 2 من 3</p>", True),  # page numbers: one number at a time reads right
        ("<p>الموعد: 07/12/2026 19:08</p>", False),  # date and time: two runs that swap places
        ("<p>الموعد: <bdi>07/12/2026 19:08</bdi></p>", True),
        ("<p>مثلاً \u2066+233 24 123 4567\u2069.</p>", True),  # isolated inside the translation
        ('<input value="Ama"><label>Ama</label>', False),
    ],
)
def test_checker_finds_text_outside_isolates(html: str, isolated: bool) -> None:
    assert (not check_isolation(html).not_isolated) is isolated


def test_checker_wants_phone_numbers_left_to_right() -> None:
    assert check_isolation("<p><bdi>+201001234567</bdi></p>").not_ltr
    assert check_isolation('<p><bdi dir="ltr">010 6789 2345</bdi></p>').not_ltr == []
    assert check_isolation('<p><span class="ltr">+201001234567</span></p>').not_ltr == []
    assert check_isolation("<p><bdi>GH-ACC-000042</bdi></p>").not_ltr
    assert check_isolation("<p><bdi>07/12/2026 19:08</bdi></p>").not_ltr == []


# --- Every page, every role --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_data_value_is_isolated_on_arabic_pages(role: str, db: None, persona_for, request) -> None:
    persona = persona_for(role)
    # Django's admin is a library's screen (no personal data, issue #15), not one of our templates.
    pages = [
        (name, page_url(name, factory, request, language=LANGUAGE))
        for name, factory in pages_for(role)
        if not name.startswith("admin:")
    ]
    _mixed_data()
    client = DjangoClient()
    if persona is not None:
        client.force_login(persona.user)
    problems: list[str] = []
    isolated = overrides = 0
    for name, url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        checker = check_isolation(response.content.decode())
        isolated += checker.isolated
        overrides += checker.overrides_isolated
        problems += [f"{name}: not isolated: {snippet}" for snippet in checker.not_isolated]
        problems += [f"{name}: phone not left to right: {snippet}" for snippet in checker.not_ltr]
    assert isolated, f"{role}: no data value found on any page: the test would pass without checking anything"
    if role == "counsellor":  # the caseload shows the client whose name carries U+202E: held in its isolate
        assert overrides, "the name with a right-to-left override was not shown: the check did not run"
    assert not problems, f"{role}: {len(problems)} value(s) not isolated on Arabic pages:\n" + "\n".join(problems)


# --- E-mails: plain text, isolated with Unicode isolates ------------------------------------------------


def test_arabic_email_isolates_the_fair_and_the_check_in_code(db: None, returnee, centre_a) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from tests.jobfairs.factories import FairFactory, RegistrationFactory

    fair = FairFactory(country=centre_a.country, centres=[centre_a], title="Zz Careers Day")
    registration = RegistrationFactory(fair=fair, user=returnee.user)
    with translation.override(LANGUAGE):
        body = render_to_string("jobfairs/email/registered_body.txt", {"r": registration, "link": "https://x/"})
    assert "\u2068Zz Careers Day\u2069" in body  # first strong isolate … pop directional isolate
    assert f"\u2066{registration.check_in_code}\u2069" in body  # left-to-right isolate
    with translation.override("en"):
        english = render_to_string("jobfairs/email/registered_body.txt", {"r": registration, "link": "https://x/"})
    assert "\u2068" not in english and "\u2066" not in english  # nothing to swap in a left-to-right message


# --- PDFs: the HTML they are printed from --------------------------------------------------------------


def test_data_subject_export_pdf_isolates_every_value(db: None, manager, centre_a, monkeypatch) -> None:
    from counselling.dataprotection import export
    from portal.access import get_access
    from tests.factories import CaseFactory, ClientFactory

    case = CaseFactory(client=ClientFactory(centre=centre_a))
    _mixed_data()
    case.client.refresh_from_db()
    printed: list[str] = []

    def keep_html(html: str) -> bytes:
        printed.append(html)
        return b"%PDF"

    monkeypatch.setattr(export, "write_pdf", keep_html)
    export.export_client_pdf(access=get_access(manager.user), actor=manager.user, client=case.client, language="ar")

    checker = check_isolation(printed[0])
    assert checker.isolated
    assert not checker.not_isolated, checker.not_isolated
    assert not checker.not_ltr, checker.not_ltr


# --- The filters for values inside translated sentences ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "html", "text"),
    [
        ("ar", "Centre A", "<bdi>Centre A</bdi>", "\u2068Centre A\u2069"),
        ("en", "Centre A", "Centre A", "Centre A"),  # nothing to swap on a left-to-right page
        ("en", "مركز عمّان", "<bdi>مركز عمّان</bdi>", "\u2068مركز عمّان\u2069"),  # a right-to-left value
        ("ar", "<b>x</b>", "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>", "\u2068<b>x</b>\u2069"),  # escaped in HTML
    ],
)
def test_isolate_filters(language: str, value: str, html: str, text: str) -> None:
    from django.utils import translation

    from portal.templatetags.portal_tags import isolate, isolate_ltr, isolate_text, isolate_text_ltr

    with translation.override(language):
        assert str(isolate(value)) == html
        assert str(isolate_ltr(value)) == html.replace("<bdi>", '<bdi dir="ltr">')
        assert isolate_text(value) == text
        assert isolate_text_ltr(value) == text.replace("\u2068", "\u2066")
