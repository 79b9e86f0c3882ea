"""The Ghana editor translates a Ghana page in the browser; the Serbia editor cannot touch it (issue #20).

Edit the English page, submit it for Arabic and French (both stay drafts), translate a segment in Arabic
(right-to-left text box), publish both; the Arabic page shows the change right-to-left, the French page marks
its untranslated paragraph; the English source changes one sentence, a sync keeps the Arabic translation as
a suggestion to review; the Serbia editor is turned away from every one of these pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import Persona
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET, CentreFactory, CountryFactory

pytestmark = pytest.mark.e2e

PATH = "ghana/finding-work-at-home/"
OPENING = "Our centre in Accra is open from Monday to Friday."
CHANGED = "Our centre in Accra is open from Monday to Saturday."
PARAGRAPH = "Returnees can ask us about jobs and training."
ARABIC = "مركزنا في أكرا مفتوح من الاثنين إلى الجمعة."


@pytest.fixture
def editors(transactional_db: None) -> Iterator[dict[str, Any]]:
    from cms.models import CountryPage, InformationPage, Topic
    from cms.services import sync_editor_group
    from devtools.demo import cms as demo
    from portal.access import Role
    from tests.conftest import _member

    ghana, serbia = CountryFactory(code="GH"), CountryFactory(code="RS")
    for slug, country in (("gh-accra", ghana), ("gh-kumasi", ghana), ("rs-belgrade", serbia), ("rs-nis", serbia)):
        CentreFactory(slug=slug, country=country)
    demo.seed()  # commits: wagtail-localize publishes the demo's translations on commit
    english_ghana = CountryPage.objects.get(country=ghana, locale__language_code="en")
    page = InformationPage(
        title="Finding work at home",
        slug="finding-work-at-home",
        intro="Our centre in Accra is open on weekdays.",
        topic=Topic.TRAINING_JOBS,
        body=[{"type": "text", "value": f"<p>{PARAGRAPH}</p>"}],
        locale=english_ghana.locale,
    )
    english_ghana.add_child(instance=page)
    page.save_revision().publish()
    ghana_editor, serbia_editor = _member(Role.EDITOR, country=ghana), _member(Role.EDITOR, country=serbia)
    for persona in (ghana_editor, serbia_editor):
        sync_editor_group(user=persona.user)
    yield {"page": page, "ghana": ghana_editor, "serbia": serbia_editor}
    from django.core.cache import cache

    cache.clear()  # the database cache outlives the flush between transactional tests


def _translation(page_id: int, code: str) -> Any:
    from wagtail.models import Page as WagtailPage

    source = WagtailPage.objects.get(pk=page_id)
    return WagtailPage.objects.get(translation_key=source.translation_key, locale__language_code=code)


def test_ghana_editor_translates_and_publishes_and_the_serbia_editor_cannot_touch_it(
    new_page, editors: dict[str, Any]
) -> None:
    source = editors["page"]
    ghana: Persona = editors["ghana"]
    serbia: Persona = editors["serbia"]
    page = new_page()
    sign_in(page, str(ghana.user.email), TEST_PASSWORD, TOTP_SECRET)

    # The English page: one sentence edited, published.
    page.goto(f"/cms-admin/pages/{source.pk}/edit/")
    page.locator("textarea[name=intro]").fill(OPENING)
    page.get_by_role("button", name="More actions").click()
    page.locator("button[name=action-publish]").click()
    expect(page.get_by_text("has been published")).to_be_visible()

    # Submitted for Arabic and French: both are drafts, nothing in English goes live.
    page.goto(f"/cms-admin/localize/submit/page/{source.pk}/")
    page.get_by_label("Arabic").check()
    page.get_by_label("French").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("successfully submitted for translation")).to_be_visible()
    arabic, french = _translation(source.pk, "ar"), _translation(source.pk, "fr")
    assert not arabic.live and not french.live
    assert page.request.get(f"/ar/{PATH}").status == 404

    # One segment translated in Arabic, in a right-to-left text box; then published.
    page.goto(f"/cms-admin/pages/{arabic.pk}/edit/")
    segment = page.locator("li.incomplete", has_text=OPENING)
    segment.get_by_role("button", name="Translate").click()
    box = page.locator("li", has_text=OPENING).locator("textarea")
    expect(box).to_have_attribute("dir", "rtl")
    expect(box).to_have_attribute("lang", "ar")
    box.fill(ARABIC)
    page.locator("li", has_text=OPENING).get_by_role("button", name="Save").click()
    expect(page.locator("li.complete", has_text=ARABIC)).to_be_visible()
    page.get_by_role("button", name="Publish in Arabic").click()
    expect(page.get_by_text("Published")).not_to_have_count(0)

    page.goto(f"/cms-admin/pages/{french.pk}/edit/")
    page.get_by_role("button", name="Publish in French").click()
    expect(page.get_by_text("Published")).not_to_have_count(0)

    # The Arabic page shows the change right-to-left; the French page marks its untranslated paragraph.
    page.goto(f"/ar/{PATH}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".lead")).to_have_text(ARABIC)
    page.goto(f"/fr/{PATH}")
    untranslated = page.locator(".untranslated").first
    expect(untranslated.locator(".untranslated-note")).to_have_text("Pas encore traduit")
    expect(untranslated.locator("[lang=en][dir=ltr]")).to_contain_text(PARAGRAPH)

    # The English source changes one sentence; the sync keeps the Arabic text as a suggestion to review.
    page.goto(f"/cms-admin/pages/{source.pk}/edit/")
    page.locator("textarea[name=intro]").fill(CHANGED)
    page.get_by_role("button", name="More actions").click()
    page.locator("button[name=action-publish]").click()
    expect(page.get_by_text("has been published")).to_be_visible()
    from wagtail_localize.models import TranslationSource

    sync = TranslationSource.objects.get(object_id=source.translation_key, locale__language_code="en")
    page.goto(f"/cms-admin/localize/update/{sync.pk}/")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Successfully updated translations")).to_be_visible()
    page.goto(f"/cms-admin/pages/{arabic.pk}/edit/")
    suggestion = page.locator("li.complete", has_text=CHANGED)
    expect(suggestion).to_contain_text(ARABIC)
    expect(suggestion).to_contain_text("previous version (source changed: please review)")

    # The Serbia editor is turned away from the source and from both translations.
    other = new_page()
    sign_in(other, str(serbia.user.email), TEST_PASSWORD, TOTP_SECRET)
    for url in (
        f"/cms-admin/pages/{source.pk}/edit/",
        f"/cms-admin/pages/{arabic.pk}/edit/",
        f"/cms-admin/pages/{french.pk}/edit/",
        f"/cms-admin/localize/submit/page/{source.pk}/",
        f"/cms-admin/localize/update/{sync.pk}/",
    ):
        other.goto(url)
        expect(other.get_by_text("Sorry, you do not have permission to access this area.")).to_be_visible()
