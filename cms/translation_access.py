"""Who may submit and sync translations: wagtail-localize asks only for one global permission.

wagtail-localize's "Translate this page" and "Sync translated pages" views check the model permission
`wagtail_localize.submit_translation`, whatever the page. Country editors hold it (cms/services.py), so these
views are served here first (same paths, registered before wagtail-localize's in cms/wagtail_hooks.py) and
refuse a page the user cannot edit: the Ghana editor translates Ghana's pages, never Serbia's. Editing,
previewing and publishing a translation already check the target page's own permissions in wagtail-localize.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from wagtail.models import Page
from wagtail.snippets.permissions import user_can_edit_snippet_type
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views.submit_translations import SubmitPageTranslationView, SubmitSnippetTranslationView
from wagtail_localize.views.update_translations import UpdateTranslationsView


def submit_translation_permission() -> Permission:
    """wagtail-localize's permission, made by its data migration; made again here after a test's flush."""
    permission, _created = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Translation),
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


def may_translate_page(user: Any, page: Page) -> bool:
    """The user may edit the source page (for an editor: it lies in their country's subtree)."""
    return page.permissions_for_user(user).can_edit()


def may_sync_source(user: Any, source: TranslationSource, *, publish: bool) -> bool:
    """The user may edit the source; when the sync publishes, they may publish every translation it touches."""
    try:
        instance = source.get_source_instance()
    except ObjectDoesNotExist:  # a deleted source: wagtail-localize's own view answers it
        return True
    if not isinstance(instance, Page):
        return user_can_edit_snippet_type(user, type(instance))
    if not may_translate_page(user, instance):
        return False
    if not publish:
        return True
    translations = source.translations.filter(enabled=True).select_related("target_locale")
    targets = Page.objects.filter(
        translation_key=instance.translation_key, locale__in=[t.target_locale for t in translations]
    )
    return all(target.permissions_for_user(user).can_publish() for target in targets)


def _guard(view: Callable[..., HttpResponse], allowed: Callable[..., bool]) -> Callable[..., HttpResponse]:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allowed(request, **kwargs):
            raise PermissionDenied  # Wagtail's admin answers "Sorry, you do not have permission…"
        return view(request, *args, **kwargs)

    return guarded


def _page_allowed(request: HttpRequest, *, page_id: int) -> bool:
    return may_translate_page(request.user, get_object_or_404(Page, pk=page_id))


def _snippet_allowed(request: HttpRequest, *, app_label: str, model_name: str, pk: str) -> bool:
    return user_can_edit_snippet_type(request.user, get_snippet_model_from_url_params(app_label, model_name))


def _sync_allowed(request: HttpRequest, *, translation_source_id: int) -> bool:
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    return may_sync_source(request.user, source, publish=bool(request.POST.get("publish_translations")))


def urls() -> list[URLPattern]:
    """The guarded views, at wagtail-localize's own paths (inside the Wagtail admin's URLs)."""
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            _guard(SubmitPageTranslationView.as_view(), _page_allowed),
            name="cms_submit_page_translation",
        ),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            _guard(SubmitSnippetTranslationView.as_view(), _snippet_allowed),
            name="cms_submit_snippet_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            _guard(UpdateTranslationsView.as_view(), _sync_allowed),
            name="cms_update_translations",
        ),
    ]
