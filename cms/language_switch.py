"""The language switcher: the same page in the chosen language, or its nearest translated parent with a notice.

Django's own `set_language` translates the next address by resolving it in the language of the request, which is
the language cookie here (the switch is outside the language prefix): with Arabic chosen and a shared /en/ link
opened, /en/… does not resolve in Arabic and every choice reloaded /en/. The address is resolved in the language
of its own prefix instead. An information page is looked up in its own language tree, and its live translation in
the chosen language is the target; without one, the nearest ancestor that has one, with a notice saying so; with
none at all, the chosen language's home. An address that does not resolve also goes to that home, never to a 404.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale, Page

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def _safe_next(request: HttpRequest) -> str:
    """The address to return to: `next`, else the referring page, else the site root; never another host."""
    for candidate in (request.POST.get("next", request.GET.get("next")), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            url=candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


def _language_home(lang_code: str) -> str:
    with override(lang_code):
        return reverse("portal:home")


def _page_in_language(request: HttpRequest, page: Page, lang_code: str, query: str) -> str:
    """The page's live translation in `lang_code`, else its nearest translated ancestor's (with a notice)."""
    ancestors = list(page.get_ancestors(inclusive=True).filter(depth__gt=1).values_list("translation_key", "depth"))
    locale = Locale.objects.filter(language_code=lang_code).first()
    candidates = (
        Page.objects.live()
        .public()
        .filter(locale=locale, translation_key__in=[key for key, _depth in ancestors])
        .order_by("-depth")
    )
    target = candidates.first() if locale is not None else None
    url = target.get_url(request) if target is not None else None
    if target is not None and url and target.translation_key == page.translation_key:
        return urlunsplit(("", "", url, query, ""))
    with override(lang_code):
        language = settings.LANGUAGE_SELF_NAMES[lang_code]
        if target is not None and url:
            notice = _("This page is not available in %(language)s yet; here is “%(title)s”, the nearest page that is.")
            messages.info(request, notice % {"language": language, "title": target.title})
            return url
        messages.info(request, _("This page is not available in %(language)s yet.") % {"language": language})
    return _language_home(lang_code)


def switched_url(request: HttpRequest, next_url: str, lang_code: str) -> str:
    """Where the switch to `lang_code` leads from `next_url`."""
    parts = urlsplit(next_url)
    source = get_language_from_path(parts.path)
    if source is None:  # the bare root, or outside the language prefix: Django's own translation
        return _language_home(lang_code) if parts.path == "/" else translate_url(next_url, lang_code)
    with override(source):
        try:
            match = resolve(parts.path)
        except Resolver404:
            return _language_home(lang_code)
        if match.url_name != "wagtail_serve":
            return translate_url(next_url, lang_code)
        page = Page.find_for_request(request, match.args[0] if match.args else "")
    if page is None:
        return _language_home(lang_code)
    return _page_in_language(request, page, lang_code, parts.query)


@require_http_methods(["GET", "POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language in the language cookie and go on to the page in that language.

    A GET changes nothing and returns to `next` (as Django's view does); an unknown language is refused with a
    message and changes nothing.
    """
    next_url = _safe_next(request)
    if request.method != "POST":
        return HttpResponseRedirect(next_url)
    lang_code = request.POST.get("language", "")
    if lang_code not in LANGUAGE_CODES:
        messages.error(request, _("This language is not offered. Please choose one from the list."))
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(switched_url(request, next_url, lang_code))
    response.set_cookie(  # as Django's own set_language sets it
        settings.LANGUAGE_COOKIE_NAME,
        lang_code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a setting, checked by Django
    )
    return response
