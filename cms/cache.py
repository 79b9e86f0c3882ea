"""Public page cache: anonymous GETs of Wagtail pages served from Django's cache, purged on every change.

What is cached: the 200 responses of Wagtail's page serving (the language home, information, country,
centre and opportunities pages) for visitors who are not signed in and have no messages waiting, keyed
by the full path (with the query string, so the opportunities filters are separate), the language and the
time zone the visitor's browser reported (the opportunities page shows a fair's time in it too).

CSRF: every page carries CSRF tokens (the language switch, the appointment form of centre pages). The
tokens stay: the stored copy holds a placeholder, and each visitor gets fresh tokens for their own
CSRF cookie when the copy is served. For caches outside the server, a response is `public` only when
the visitor already had a CSRF cookie (`Vary: Cookie` keeps it to that visitor); a first visit, which
sets the cookie, is `private`, so that no shared cache hands one CSRF secret to many people.

Purging: a publish, unpublish, move or delete of any page (and a change to a centre record or a help
contact) bumps one generation number; entries of older generations are ignored. That covers the page
in every language and every page that lists it (home, parent, opportunities with any filter) at once.
One cache round trip per lookup: the generation and the entry are read together.

Fast path: each server process also keeps the pages it stored or read in memory, with the generation it
last read. `EarlyPageCacheMiddleware`, placed before the session, locale, CSRF and auth middleware, serves
those copies without any of them and without a cache round trip, to visitors with no session cookie (so
never signed in) and no waiting messages, on language-prefixed paths, for as long as the generation was
read less than `LOCAL_GENERATION_SECONDS` ago. Past that, or for a page this process has not seen, the
request takes the usual way (one round trip, which refreshes both). A purge in this process is seen at
once; a purge in another process within `LOCAL_GENERATION_SECONDS` (browsers may keep a page for
`PUBLIC_PAGE_CACHE_SECONDS` anyway).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CsrfViewMiddleware, get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, get_language_from_path

from portal.timezones import browser_zone

GENERATION_KEY = "cms:pagecache:generation"
MARKER_HEADER = "X-Page-Cache"
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_PLACEHOLDER = "__cms_csrf_token__"
_KEPT_HEADERS = ("Content-Type", "Content-Language")
LOCAL_GENERATION_SECONDS = 2.0  # how long this process trusts the generation it last read
LOCAL_ENTRIES = 256  # pages kept in this process's memory (least recently used go first)


class _LocalPages:
    """This process's copies of cached pages, and the generation it last read from the shared cache."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._generation: Any = None
        self._generation_read_at = 0.0

    def note_generation(self, generation: Any) -> None:
        with self._lock:
            self._generation, self._generation_read_at = generation, time.monotonic()

    def forget_generation(self) -> None:
        with self._lock:
            self._generation, self._generation_read_at = None, 0.0

    def keep(self, key: str, entry: dict[str, Any]) -> None:
        if entry.get("expires", 0) <= time.time():
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > LOCAL_ENTRIES:
                self._entries.popitem(last=False)

    def get(self, key: str, request: HttpRequest) -> dict[str, Any] | None:
        """The copy of ``key`` if this process holds one of the current generation, else None.

        When the generation was read too long ago, it and the entry are read again from the shared
        cache (one round trip; only for pages this process holds) and left on the request, so that
        `PublicPageCacheMiddleware` does not read them a second time.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            fresh = time.monotonic() - self._generation_read_at <= LOCAL_GENERATION_SECONDS
            generation = self._generation
        if not fresh:
            found = cache.get_many([GENERATION_KEY, key])
            request._cms_found = (key, found)  # type: ignore[attr-defined]
            generation = found.get(GENERATION_KEY)
            if generation is None:  # the shared cache was emptied: nothing held here can be trusted
                self.clear()
                return None
            self.note_generation(generation)
            entry = found.get(key)
            if entry is None:
                return None
            self.keep(key, entry)
        if entry["generation"] != generation or entry.get("expires", 0) <= time.time():
            return None
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation, self._generation_read_at = None, 0.0


local_pages = _LocalPages()


def _bump() -> None:
    local_pages.forget_generation()  # this process sees its own purge at once
    # A new series starts at the clock, not at 1: after the shared cache was emptied, no generation comes back
    # that copies held in a process's memory could match.
    if not cache.add(GENERATION_KEY, time.time_ns(), None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, time.time_ns(), None)


def purge_all(**kwargs: Any) -> None:
    """Invalidate every cached page (a new generation). Connected to Wagtail's and the models' signals.

    Bumped at once and again after commit, so that a page rendered from the old data while the
    change was being saved does not survive in the new generation.
    """
    if set(kwargs.get("update_fields") or ()) == {"client_counter"}:
        return  # a centre's client-code counter is not shown anywhere public
    _bump()
    transaction.on_commit(_bump)


def _key(request: HttpRequest, language: str | None = None) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"cms:page:{language or get_language()}:{browser_zone(request)}:{digest}"


def _eligible(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.MESSAGES_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _public_headers(request: HttpRequest, response: HttpResponse) -> None:
    # A first visit sets the CSRF cookie: keep that response out of shared caches (see the module docstring).
    shared = settings.CSRF_COOKIE_NAME in request.COOKIES
    scope = {"public": True} if shared else {"private": True}  # (a None value would be written as "public=None")
    patch_cache_control(response, **scope, max_age=settings.PUBLIC_PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


_CHAR_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
_UNBIASED_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)  # bytes at or above it are dropped: every char equally likely


def _random_csrf_string(length: int) -> str:
    """Like Django's mask (`get_random_string` over CSRF_ALLOWED_CHARS), from one call to the OS's random source."""
    chars: list[str] = []
    size = len(CSRF_ALLOWED_CHARS)
    while len(chars) < length:
        chars += [CSRF_ALLOWED_CHARS[b % size] for b in secrets.token_bytes(length + 8) if b < _UNBIASED_BELOW]
    return "".join(chars[:length])


def _masked_token(request: HttpRequest) -> str:
    """What `get_token` returns (a fresh mask over the visitor's CSRF secret) with the same side effects.

    A first visit (no secret yet) goes through `get_token` itself, which makes the secret and the cookie.
    Otherwise Django's masking (`_mask_cipher_secret`), with a mask drawn ten times faster: this runs on
    every cached page served.
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # renew the cookie's expiry, as get_token does
    mask = _random_csrf_string(len(secret))
    size = len(CSRF_ALLOWED_CHARS)
    pairs = zip(secret, mask, strict=True)
    cipher = "".join(CSRF_ALLOWED_CHARS[(_CHAR_INDEX[x] + _CHAR_INDEX[y]) % size] for x, y in pairs)
    return mask + cipher


def _serve_cached(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    # The forms get a token masked for this response and this visitor's CSRF cookie; like `{% csrf_token %}`,
    # one per response (a fresh mask on every response is what matters against BREACH).
    body = entry["body"]
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, _masked_token(request))
    response = HttpResponse(body)
    for name, value in entry["headers"].items():
        response[name] = value
    response[MARKER_HEADER] = "hit"
    # What _public_headers writes on a response that has neither header yet, without parsing them.
    scope = "public" if settings.CSRF_COOKIE_NAME in request.COOKIES else "private"
    response["Cache-Control"] = f"{scope}, max-age={settings.PUBLIC_PAGE_CACHE_SECONDS}"
    response["Vary"] = "Accept-Language, Cookie"
    return response


class PublicPageCacheMiddleware:
    """Serve and store anonymous Wagtail page responses (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_cms_cache_key", None)
        if key and getattr(request, "_cms_cacheable_page", False) and response.get(MARKER_HEADER) != "hit":
            self._store(request, response, key)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable, args: Any, kwargs: Any) -> HttpResponse | None:
        if not _is_page_view(view_func) or not _eligible(request):
            return None
        key = _key(request)
        request._cms_cache_key = key  # type: ignore[attr-defined]
        early = getattr(request, "_cms_found", None)  # read already by EarlyPageCacheMiddleware
        found = early[1] if early and early[0] == key else cache.get_many([GENERATION_KEY, key])
        known = GENERATION_KEY in found  # before the first purge (or after the cache was emptied): generation 0
        generation = found.get(GENERATION_KEY, 0)
        if known:
            local_pages.note_generation(generation)
        else:
            local_pages.clear()  # this process's copies belong to a generation the shared cache lost
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            if known:
                local_pages.keep(key, entry)
            return _serve_cached(request, entry)
        request._cms_generation = generation  # type: ignore[attr-defined]
        request._cms_generation_known = known  # type: ignore[attr-defined]
        return None

    def _store(self, request: HttpRequest, response: HttpResponse, key: str) -> None:
        if (
            response.status_code != 200
            or response.streaming
            or request.user.is_authenticated
            or "private" in response.get("Cache-Control", "")
            or "no-cache" in response.get("Cache-Control", "")
            or getattr(getattr(request, "_messages", None), "used", False)
        ):
            return
        body = response.content.decode(response.charset or "utf-8")
        if 'nonce="' in body:  # a CSP nonce belongs to one response only
            return
        entry = {
            "generation": getattr(request, "_cms_generation", 0),
            "body": _TOKEN.sub(rf"\g<1>{_PLACEHOLDER}\g<2>", body),
            "headers": {name: response[name] for name in _KEPT_HEADERS if name in response},
            "expires": time.time() + settings.PUBLIC_PAGE_CACHE_SECONDS,
        }
        cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
        if getattr(request, "_cms_generation_known", False):
            local_pages.keep(key, entry)
        response[MARKER_HEADER] = "miss"
        _public_headers(request, response)


class EarlyPageCacheMiddleware:
    """Serve this process's copy of a cached page before the session, locale, CSRF and auth middleware run.

    Only for GET/HEAD without a session cookie (never signed in) and without waiting messages, on a path
    with a language prefix (the language the locale middleware would choose), for a host the site serves.
    The visitor's CSRF cookie is read and, on a first visit, set exactly as `CsrfViewMiddleware` does.
    Anything else, and every miss, goes on to `PublicPageCacheMiddleware` (see the module docstring).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self._serve(request) or self.get_response(request)

    def _serve(self, request: HttpRequest) -> HttpResponseBase | None:
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or settings.MESSAGES_COOKIE_NAME in request.COOKIES
            or settings.CSRF_USE_SESSIONS
        ):
            return None
        language = get_language_from_path(request.path_info)
        if not language:
            return None
        entry = local_pages.get(_key(request, language), request)
        if entry is None:
            return None
        try:
            request.get_host()  # an unknown host gets its 400 from the usual way
        except DisallowedHost:
            return None
        self.csrf.process_request(request)
        response = _serve_cached(request, entry)
        response.headers.setdefault("Content-Language", language)  # as the locale middleware does
        response["Content-Length"] = str(len(response.content))  # as the common middleware does
        return self.csrf.process_response(request, response)


def _is_page_view(view_func: Callable) -> bool:
    from wagtail.views import serve

    from portal.views import home

    return view_func in (serve, home)


def mark_cacheable(page: Any, request: HttpRequest, serve_args: Any, serve_kwargs: Any) -> None:
    """Wagtail's `before_serve_page` hook: only public, live pages without view restrictions are stored."""
    if getattr(request, "_cms_cache_key", None) and not page.get_view_restrictions().exists():
        request._cms_cacheable_page = True  # type: ignore[attr-defined]
