"""Safe editing in the Wagtail admin (issue #20, "Safe editing"): a centre page's centre from its own country,
ASCII slugs shared by every language tree, a warning on a title in another script, no moderation step, an
image block with a required text alternative and a size limit, media collections editors can upload to,
and the admin in all eight languages."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import override
from wagtail.admin.localization import get_available_admin_languages
from wagtail.blocks import StreamBlockValidationError, StreamValue
from wagtail.documents.models import Document
from wagtail.images.fields import WagtailImageField
from wagtail.images.models import Image
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from cms.blocks import ImageBlock, InformationStreamBlock
from cms.models import CentrePage, CountryPage, InformationPage, Topic
from cms.page_forms import ascii_slug, title_script_mismatch
from cms.services import country_collection, sync_editor_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def ghana(home, add_page, country_a):
    return add_page(home, CountryPage, title="Ghana", slug="ghana", country=country_a)


@pytest.fixture
def ghana_editor(editor, ghana, client):
    sync_editor_group(user=editor.user)
    client.force_login(editor.user)
    return editor


def _speaks(user, code: str) -> None:
    """The admin's interface language (Wagtail's account preference)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = code
    profile.save()


def _centre_page_data(**fields: object) -> dict:
    return nested_form_data({"title": "Accra", "slug": "accra", "intro": "", "body": streamfield([]), **fields})


def _add_url(model: type[Page], parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["cms", model._meta.model_name, parent.pk])


# --- The centre of a centre page -------------------------------------------------------------------------


def test_the_centre_field_offers_only_the_countrys_centres(client, ghana, ghana_editor, centre_a, centre_b) -> None:
    response = client.get(_add_url(CentrePage, ghana))

    assert response.status_code == 200
    queryset = response.context["form"].fields["centre"].queryset
    assert list(queryset) == [centre_a]


def test_a_centre_of_another_country_is_refused_with_a_translated_error_and_nothing_saved(
    client, ghana, ghana_editor, centre_a, centre_b
) -> None:
    _speaks(ghana_editor.user, "fr")
    response = client.post(
        _add_url(CentrePage, ghana), {**_centre_page_data(centre=centre_b.pk), "action-publish": "1"}
    )

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["centre"] == [f"Choisissez l’un des centres du pays : {ghana.country.name}."]
    assert not CentrePage.objects.exists()


def test_a_centre_of_the_country_is_accepted(client, ghana, ghana_editor, centre_a) -> None:
    response = client.post(
        _add_url(CentrePage, ghana), {**_centre_page_data(centre=centre_a.pk), "action-publish": "1"}
    )

    assert response.status_code == 302
    page = CentrePage.objects.get()
    assert page.centre == centre_a
    assert page.live


def test_editing_a_published_centre_page_cannot_move_it_to_another_countrys_centre(
    client, ghana, ghana_editor, add_page, centre_a, centre_b
) -> None:
    page = add_page(ghana, CentrePage, title="Accra", slug="accra", centre=centre_a)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**_centre_page_data(centre=centre_b.pk), "action-publish": "1"},
    )

    assert response.status_code == 200
    assert "centre" in response.context["form"].errors
    page.refresh_from_db()
    assert page.centre == centre_a
    assert page.get_latest_revision().as_object().centre == centre_a


# --- Slugs and scripts -----------------------------------------------------------------------------------


def _info_data(title: str, slug: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "intro": "",
            "topic": Topic.PSYCHOSOCIAL,
            "body": streamfield([("text", rich_text("<p>Ask us.</p>"))]),
        }
    )


def test_an_arabic_slug_in_the_english_tree_is_transliterated(client, ghana, ghana_editor) -> None:
    title = "العودة إلى الوطن"
    typed = slugify(title, allow_unicode=True)  # what Wagtail's slug field fills in from the title
    response = client.post(_add_url(InformationPage, ghana), {**_info_data(title, typed), "action-publish": "1"})

    assert response.status_code == 302, response.context["form"].errors
    page = InformationPage.objects.get()
    assert page.slug == ascii_slug(title)
    assert page.slug.isascii() and page.slug


def test_a_slug_clash_gets_wagtails_error_and_nothing_is_saved(client, ghana, ghana_editor, add_page) -> None:
    add_page(ghana, InformationPage, title="Jobs", slug="jobs", topic=Topic.TRAINING_JOBS, body=[])

    response = client.post(
        _add_url(InformationPage, ghana), {**_info_data("Jobs again", "jobs"), "action-publish": "1"}
    )

    assert response.status_code == 200
    assert "already in use" in str(response.context["form"].errors["slug"])
    assert InformationPage.objects.count() == 1


def test_a_transliterated_slug_that_clashes_is_refused_too(client, ghana, ghana_editor, add_page) -> None:
    title = "وظائف"
    add_page(ghana, InformationPage, title="Jobs", slug=ascii_slug(title), topic=Topic.TRAINING_JOBS, body=[])

    response = client.post(_add_url(InformationPage, ghana), {**_info_data(title, title), "action-publish": "1"})

    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert InformationPage.objects.count() == 1


def test_a_translation_keeps_the_source_slug_whatever_is_typed(ghana, ghana_editor, add_page, translate) -> None:
    page = add_page(ghana, InformationPage, title="Jobs", slug="jobs", topic=Topic.TRAINING_JOBS, body=[])
    translate(ghana, ["ar"])
    translate(page, ["ar"])
    arabic = page.get_translation(Locale.objects.get(language_code="ar")).specific
    form_class = InformationPage.get_edit_handler().get_form_class()

    form = form_class(
        _info_data("وظائف", "وظائف"), instance=arabic, parent_page=arabic.get_parent(), for_user=ghana_editor.user
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "jobs"


@pytest.mark.parametrize(
    ("title", "code", "mismatch"),
    [
        ("العودة إلى الوطن", "en", True),
        ("العودة إلى الوطن", "fr", True),
        ("Retour au pays", "fr", False),
        ("Kthimi në shtëpi", "sq", False),
        ("Returning home", "ar", True),
        ("Returning home", "ur", True),
        ("وطن واپسی", "ur", False),
        ("العودة (2026)", "ar", False),
        ("IOM مركز", "ar", False),  # a Latin acronym inside an Arabic title is fine
    ],
)
def test_title_script_mismatch(title: str, code: str, mismatch: bool) -> None:
    assert title_script_mismatch(title, code) is mismatch


def test_an_arabic_title_in_the_english_tree_is_saved_with_a_translated_warning(client, ghana, ghana_editor) -> None:
    title = "العودة إلى الوطن"
    _speaks(ghana_editor.user, "de")
    response = client.post(_add_url(InformationPage, ghana), {**_info_data(title, "return"), "action-publish": "1"})

    assert response.status_code == 302
    assert InformationPage.objects.get().live  # a warning, not a refusal
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(f"Der Titel „{title}“" in text for text in texts), texts


def test_a_title_in_the_right_script_gets_no_warning(client, ghana, ghana_editor) -> None:
    response = client.post(
        _add_url(InformationPage, ghana), {**_info_data("Returning", "return"), "action-publish": "1"}
    )

    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


# --- Moderation ------------------------------------------------------------------------------------------


def test_the_editor_is_offered_publish_and_no_moderation(client, ghana, ghana_editor, add_page) -> None:
    page = add_page(ghana, InformationPage, title="Jobs", slug="jobs", topic=Topic.TRAINING_JOBS, body=[])

    with override("en"):
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="action-publish"' in html
    assert 'name="action-submit"' not in html
    assert "Submit for moderation" not in html
    assert not settings.WAGTAIL_WORKFLOW_ENABLED


# --- Images and documents --------------------------------------------------------------------------------


def _png(size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_image_block_requires_a_text_alternative() -> None:
    image = Image.objects.create(title="Centre", file=SimpleUploadedFile("centre.png", _png()))
    block = InformationStreamBlock()
    value = block.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": ""}}])

    with pytest.raises(StreamBlockValidationError):
        block.clean(value)

    good = block.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": "The door", "caption": ""}}])
    assert isinstance(block.clean(good), StreamValue)
    assert ImageBlock().meta.template == "cms/blocks/image.html"


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=1024)
def test_an_oversized_image_is_refused_with_a_translated_error() -> None:
    upload = SimpleUploadedFile("big.png", _png() + b"\0" * 2048, content_type="image/png")
    for code, expected in (("en", "This file is too big"), ("sq", "Ky skedar është shumë i madh")):
        with override(code):
            field = WagtailImageField()
            with pytest.raises(Exception) as refused:
                field.clean(upload)
        assert expected in str(refused.value), code


def test_the_upload_limits_are_set() -> None:
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE <= 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 40_000_000


def test_editors_upload_and_choose_documents_and_images_in_their_countrys_collection(
    ghana, ghana_editor, country_b
) -> None:
    from wagtail.documents.permissions import permission_policy as documents
    from wagtail.images.permissions import permission_policy as images

    user = ghana_editor.user
    collection = country_collection(ghana.country)
    for policy in (documents, images):
        assert policy.user_has_permission(user, "add")
        assert policy.user_has_permission(user, "choose")
        assert list(policy.collections_user_has_permission_for(user, "add")) == [collection]
    other = country_collection(country_b)
    theirs = Document.objects.create(
        title="Serbian leaflet", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), collection=other
    )
    assert theirs not in documents.instances_user_has_permission_for(user, "choose")


def test_the_editor_can_open_the_document_upload_form(client, ghana_editor) -> None:
    assert client.get(reverse("wagtaildocs:add")).status_code == 200
    assert client.get(reverse("wagtailimages:add")).status_code == 200


# --- Admin languages -------------------------------------------------------------------------------------


def test_the_admin_offers_all_eight_portal_languages() -> None:
    codes = {code for code, _name in get_available_admin_languages()}
    assert codes == {code for code, _name in settings.LANGUAGES}
    assert {"sq", "sr-latn", "ur"} <= codes
