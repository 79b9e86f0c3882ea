"""Country editors translate their own country's pages through wagtail-localize, and only those (issue #20).

Through HTTP as the Ghana and the Serbia editor: submit for translation, translate a string, sync, publish;
new translations stay drafts; a published page marks what is still English; a changed English sentence keeps
its old translation as a suggestion; the translations report's "Up to date" means the current source.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.translation import override
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cms.models import CountryPage, HelpContact, InformationPage, Topic
from cms.services import sync_editor_group
from cms.translation_memory import MEMORY_TOOL
from cms.translation_status import translation_status
from portal.access import Role
from tests.conftest import _member

pytestmark = pytest.mark.django_db

OPENING = "Our centre in Accra is open from Monday to Friday."
HOURS = "Bring your passport and any work contract you have."
PARAGRAPH = "<p>Returnees can ask us about jobs and training.</p>"
ARABIC_OPENING = "مركزنا في أكرا مفتوح من الاثنين إلى الجمعة."


@pytest.fixture
def site(home, add_page, translate, country_a, country_b):
    ghana = add_page(home, CountryPage, title="Ghana", slug="ghana", country=country_a)
    serbia = add_page(home, CountryPage, title="Serbia", slug="serbia", country=country_b)
    for page in (home, ghana, serbia):
        translate(page, ["ar", "fr"])
    info = add_page(
        ghana,
        InformationPage,
        title="Opening hours",
        slug="opening-hours",
        intro=OPENING,
        topic=Topic.RETURN_REINTEGRATION,
        body=[{"type": "text", "value": PARAGRAPH}],
    )
    return {"ghana": ghana, "serbia": serbia, "info": info}


@pytest.fixture
def ghana_editor(editor, site):
    sync_editor_group(user=editor.user)
    return editor


@pytest.fixture
def serbia_editor(country_b, site):
    persona = _member(Role.EDITOR, country=country_b)
    sync_editor_group(user=persona.user)
    return persona


def _locales(*codes: str) -> list[int]:
    return [Locale.objects.get(language_code=code).pk for code in codes]


def _submit(client, page: Page, *codes: str, django_capture_on_commit_callbacks):
    url = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"locales": _locales(*codes)})


def _translate(client, page: Page, code: str, source_text: str, text: str):
    source = TranslationSource.objects.get_for_instance(page)
    translation = Translation.objects.get(source=source, target_locale__language_code=code)
    segment = StringSegment.objects.get(source=source, string__data=source_text)
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    body = urlencode({"value": text})
    return client.put(url, body, content_type="application/x-www-form-urlencoded")


def _publish(client, page: Page, code: str, django_capture_on_commit_callbacks):
    target = page.get_translation(Locale.objects.get(language_code=code))
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("wagtailadmin_pages:edit", args=[target.pk]), {"action": "publish"})


def _status(translation: Translation) -> str:
    with override("en"):  # a page request in Arabic leaves its language active in the test's thread
        return translation_status(translation)


def _denied(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to its home and "Sorry, you do not have…"."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_the_ghana_editor_submits_a_ghana_page_and_the_translations_stay_drafts(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    url = reverse("wagtail_localize:submit_page_translation", args=[site["info"].pk])
    assert client.get(url).status_code == 200

    response = _submit(
        client, site["info"], "ar", "fr", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    for code in ("ar", "fr"):
        target = site["info"].get_translation(Locale.objects.get(language_code=code))
        assert not target.live, code  # nothing goes live with English text
        assert client.get(f"/{code}/ghana/opening-hours/").status_code == 404


def test_the_serbia_editor_cannot_submit_sync_or_translate_ghana_pages(
    client, site, ghana_editor, serbia_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    _submit(client, site["info"], "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    pages = Page.objects.count()
    source = TranslationSource.objects.get_for_instance(site["info"])
    client.force_login(serbia_editor.user)

    assert _denied(client.get(reverse("wagtail_localize:submit_page_translation", args=[site["info"].pk])))
    assert _denied(
        _submit(client, site["info"], "fr", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    )
    assert _denied(client.get(reverse("wagtail_localize:update_translations", args=[source.pk])))
    assert _denied(client.post(reverse("wagtail_localize:update_translations", args=[source.pk]), {}))
    assert _translate(client, site["info"], "ar", OPENING, "مرحبا").status_code == 403
    arabic = site["info"].get_translation(Locale.objects.get(language_code="ar"))
    assert _denied(client.get(reverse("wagtailadmin_pages:edit", args=[arabic.pk])))
    assert _denied(_publish(client, site["info"], "ar", django_capture_on_commit_callbacks))

    assert Page.objects.count() == pages
    assert not StringTranslation.objects.filter(data="مرحبا").exists()
    arabic.refresh_from_db()
    assert not arabic.live
    # Their own country's pages they may translate.
    assert client.get(reverse("wagtail_localize:submit_page_translation", args=[site["serbia"].pk])).status_code == 200


def test_an_editor_cannot_submit_help_contacts_which_are_the_administrators(client, ghana_editor, locales) -> None:
    contact = HelpContact.objects.create(label="Police", phone="112", locale=locales["en"])
    client.force_login(ghana_editor.user)
    url = reverse("wagtail_localize:submit_snippet_translation", args=["cms", "helpcontact", contact.pk])
    assert _denied(client.post(url, {"locales": _locales("fr")}))
    assert HelpContact.objects.count() == 1


def test_submitting_a_language_twice_is_refused_and_changes_nothing(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    _submit(client, site["info"], "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    pages = Page.objects.count()

    response = _submit(
        client, site["info"], "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["locales"]
    assert Page.objects.count() == pages


def test_translate_publish_and_the_untranslated_paragraph_is_marked(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    _submit(client, site["info"], "ar", "fr", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert _translate(client, site["info"], "ar", OPENING, ARABIC_OPENING).status_code == 201
    assert _translate(client, site["info"], "ar", "Opening hours", "ساعات العمل").status_code == 201
    assert _translate(client, site["info"], "fr", "Opening hours", "Horaires").status_code == 201
    for code in ("ar", "fr"):
        assert _publish(client, site["info"], code, django_capture_on_commit_callbacks).status_code == 302
    client.logout()

    arabic = client.get("/ar/ghana/opening-hours/").content.decode()
    assert ARABIC_OPENING in arabic
    assert 'dir="rtl"' in arabic
    # The body paragraph is still English in Arabic: its own lang/dir and the note in Arabic.
    assert '<div lang="en" dir="ltr"><div class="rich-text"><p>Returnees can ask us' in arabic
    assert "لم تُترجم بعد" in arabic

    french = client.get("/fr/ghana/opening-hours/").content.decode()
    assert '<p class="lead" lang="en" dir="ltr">' + OPENING in french  # the intro, untranslated
    assert "<bdi>Horaires</bdi>" in french  # the title is French: no mark
    assert "Pas encore traduit" in french


def test_a_changed_source_sentence_keeps_the_old_translation_as_a_suggestion(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    info = site["info"]
    _submit(client, info, "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    _translate(client, info, "ar", OPENING, ARABIC_OPENING)
    _publish(client, info, "ar", django_capture_on_commit_callbacks)
    translation = Translation.objects.get(source__object_id=info.translation_key, target_locale__language_code="ar")

    info.intro = "Our centre in Accra is open from Monday to Saturday."
    with django_capture_on_commit_callbacks(execute=True):
        info.save_revision().publish()
    assert _status(translation) == "Out of date: the source changed since the last sync"

    source = TranslationSource.objects.get_for_instance(info)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
        )
    assert response.status_code == 302

    kept = StringTranslation.objects.get(translation_of__data=info.intro, locale__language_code="ar")
    assert kept.data == ARABIC_OPENING
    assert kept.tool_name == MEMORY_TOOL
    assert ARABIC_OPENING in client.get("/ar/ghana/opening-hours/").content.decode()  # not English again
    translation.refresh_from_db()
    assert _status(translation).startswith("Waiting for translations")  # title and body remain

    # Confirmed by a person, then published: up to date.
    _translate(client, info, "ar", info.intro, ARABIC_OPENING.replace("الجمعة", "السبت"))
    _translate(client, info, "ar", "Opening hours", "ساعات العمل")
    _translate(client, info, "ar", "Returnees can ask us about jobs and training.", "يمكن للعائدين سؤالنا.")
    assert _status(translation) == "Changes not published yet"
    _publish(client, info, "ar", django_capture_on_commit_callbacks)
    assert _status(translation) == "Up to date"


def test_an_unrelated_new_sentence_gets_no_suggestion(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    info = site["info"]
    _submit(client, info, "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    _translate(client, info, "ar", OPENING, ARABIC_OPENING)

    info.intro = HOURS
    info.save_revision().publish()
    TranslationSource.objects.get_for_instance(info).update_from_db()

    assert not StringTranslation.objects.filter(translation_of__data=HOURS).exists()


# wagtail-localize's report pages an unordered queryset (its own code).
@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
def test_a_suggestion_awaits_review_in_the_report(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    info = site["info"]
    _submit(client, info, "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    for text, arabic in ((OPENING, ARABIC_OPENING), ("Opening hours", "ساعات العمل")):
        _translate(client, info, "ar", text, arabic)
    _translate(client, info, "ar", "Returnees can ask us about jobs and training.", "يمكن للعائدين سؤالنا.")
    info.intro = "Our centre in Accra is open from Monday to Saturday."
    info.save_revision().publish()
    TranslationSource.objects.get_for_instance(info).update_from_db()
    translation = Translation.objects.get(source__object_id=info.translation_key, target_locale__language_code="ar")

    assert _status(translation) == "To review: kept from before the source changed"
    report = client.get(reverse("wagtail_localize:translations_report"))
    assert "To review: kept from before the source changed" in report.content.decode()


def test_finding_the_untranslated_parts_costs_two_queries_and_none_on_english_pages(
    client, site, ghana_editor, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    from cms.untranslated import WHOLE, fallback_parts

    client.force_login(ghana_editor.user)
    _submit(client, site["info"], "fr", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    french = site["info"].get_translation(Locale.objects.get(language_code="fr"))
    block_id = site["info"].body[0].id

    assert french.locale.language_code == "fr"  # the page template reads the locale anyway
    with django_assert_num_queries(2):  # the translation record, then every segment with its state
        fallback = fallback_parts(french)

    assert fallback.fields == {"title", "intro"}
    assert fallback.blocks == {block_id: WHOLE}
    assert (fallback.lang, fallback.dir) == ("en", "ltr")
    with django_assert_num_queries(0):
        assert fallback_parts(site["info"]) is None  # the English source has nothing to mark, at no cost


def test_the_arabic_translation_editor_loads_the_right_to_left_script(
    client, site, ghana_editor, django_capture_on_commit_callbacks
) -> None:
    client.force_login(ghana_editor.user)
    _submit(client, site["info"], "ar", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    arabic = site["info"].get_translation(Locale.objects.get(language_code="ar"))

    html = client.get(reverse("wagtailadmin_pages:edit", args=[arabic.pk])).content.decode()

    assert "js-translation-editor" in html
    assert "cms/translation_editor.js" in html
    assert '"locale": {"code": "ar"' in html.replace("&quot;", '"')
