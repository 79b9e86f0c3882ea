"""No English left on the main pages in Arabic and Urdu (issue #18, point 6).

The pages are rendered as their visitors see them (public fair pages, the returnee's sign-up, sign-in and phone
verification from allauth, the staff home, the audit screen, a fair's staff page) and their visible text and
the attributes people read (placeholders, labels for screen readers, titles) are searched for English words
that used to show: allauth's own titles and labels, Django's empty choice label, raw audit and language codes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from portal import sms
from portal.audit import PortalAudit, record_event
from tests.jobfairs.factories import FairFactory

# What used to show in English on these pages, or codes instead of words.
KNOWN_ENGLISH = [
    "Signup",
    "Sign Up",
    "Sign In",
    "Sign in",
    "Sign Out",
    "Email (optional)",
    "Email",
    "Phone",
    "Password",
    "Forgot",
    "Remember Me",
    "Already have an account",
    "Don't have an account",
    "Verify",
    "Enter Phone Code",
    "Send me a sign-in code",
    "Mail me a sign-in code",
    "Confirm",
    "Change",
    "- Select an option -",
    "sr-latn, en",
    "Opening hours",
    "Registration",
    "in English",
]
# Visible texts that may stay as they are: data typed in English by the test, product names, codes.
ALLOWED = {"TOTP"}

_READ_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "value")


class _Reader(HTMLParser):
    """Collects what a person reads: text outside scripts and styles, and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name in _READ_ATTRIBUTES:
            if name == "value" and not (tag == "input" and values.get("type") in ("submit", "button")):
                continue
            if values.get(name):
                self.parts.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def read(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.parts)


def english_left(text: str, *, data: tuple[str, ...] = ()) -> list[str]:
    for value in data:  # values the test typed in English are not interface text
        text = text.replace(value, "")
    return [word for word in KNOWN_ENGLISH if word in text and word not in ALLOWED]


def _get(client, language: str, url: str, **params: str) -> str:
    response = client.get(url.replace("/en/", f"/{language}/", 1), params, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    if os.environ.get("DUMP_PAGES"):  # for looking at a page's text by hand
        name = url.strip("/").replace("/", "_") or "root"
        Path(os.environ["DUMP_PAGES"], f"{language}-{name}.txt").write_text(read(html), encoding="utf-8")
    return read(html)


LANGUAGES = ["ar", "ur"]


@pytest.fixture
def sms_outbox(settings) -> Iterator[list]:
    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.mark.parametrize("language", LANGUAGES)
def test_returnee_sign_up_sign_in_and_phone_verification_have_no_english(client, db, sms_outbox, language) -> None:
    pages = {
        "sign-up": _get(client, language, reverse("account_signup")),
        "sign-in": _get(client, language, reverse("account_login")),
        "sign-in code": _get(client, language, reverse("account_request_login_code")),
    }
    client.post(reverse("account_signup").replace("/en/", f"/{language}/", 1), {"phone": "+233 24 123 4567"})
    pages["phone verification"] = _get(client, language, reverse("account_verify_phone"))
    for name, text in pages.items():
        assert english_left(text) == [], name


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_fair_pages_have_no_english(client, centre_a, language) -> None:
    fair = FairFactory(
        country=centre_a.country,
        centres=[centre_a],
        title="Spring job fair",
        languages=["sr-latn", "en"],
        questions=["Which work do you look for?"],
        translations={
            "ar": {"title": "معرض الربيع", "questions": ["ما العمل الذي تبحث عنه؟"]},
            "ur": {"title": "بہار کا میلہ", "questions": ["آپ کون سا کام تلاش کر رہے ہیں؟"]},
        },
    )
    data = (fair.description, centre_a.country.name)
    for url in (reverse("jobfairs:fair-list"), reverse("jobfairs:fair-detail", args=[fair.public_id])):
        text = _get(client, language, url)
        assert english_left(text, data=data) == [], url
    with translation.override(language):
        assert translation.get_language_info("sr-latn")["name_local"] in text  # "srpski (latinica)", not a code


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_home_audit_screen_and_fair_page_have_no_english(client, manager, centre_a, language) -> None:
    manager.user.preferred_language = language
    manager.user.save(update_fields=["preferred_language"])
    fair = FairFactory(country=centre_a.country, centres=[centre_a], title="Spring job fair")
    record_event(actor=manager.user, action=PortalAudit.AUDIT_SEARCHED, target=centre_a, centre=centre_a)
    client.force_login(manager.user)
    data = (fair.title, fair.description, manager.user.email or "", centre_a.name)
    for url in (
        reverse("portal:staff-home"),
        reverse("portal:audit-log"),
        reverse("jobfairs:fair-manage", args=[fair.public_id]),
    ):
        text = _get(client, language, url)
        assert english_left(text, data=data) == [], url
        if url == reverse("portal:audit-log"):
            with translation.override(language):
                assert str(PortalAudit.AUDIT_SEARCHED.label) in text  # the action's label, in the language
