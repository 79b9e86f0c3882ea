"""The information site's absolute links (canonical, hreflang, sitemap.xml) and Wagtail's Site record, on SITE_URL.

Wagtail builds a page's full URL from its Site record (hostname and port, `localhost:80` as its first migration
makes it), which knows nothing of the address the site is served at; so the links are built from the page's
path and SITE_URL (portal/site_url.py), and the default Site record is kept in step with SITE_URL after every
`migrate` (cms/apps.py) for what Wagtail itself links to (the editors' "view live", previews).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.http import HttpRequest
from wagtail.models import Page, Site

from portal.site_url import absolute_url, site_host_and_port


def page_url(page: Page, request: HttpRequest | None = None) -> str | None:
    """The page's address on SITE_URL (language prefix included), or None when no site serves it."""
    parts = page.get_url_parts(request=request)
    if parts is None or parts[2] is None:
        return None
    return absolute_url(parts[2])


def sync_default_site(*, using: str = DEFAULT_DB_ALIAS, **_signal: Any) -> Site | None:
    """Give the default Site record SITE_URL's host name and port; the site it changed, or None.

    Left alone when another Site record already holds that host and port (a multi-site install set up by hand).
    """
    hostname, port = site_host_and_port()
    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return None
    if Site.objects.using(using).filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        return None
    site.hostname, site.port = hostname, port
    # Not site.save(): its signal empties Wagtail's cached root paths, and on the first `migrate` the database
    # cache has no table yet (`createcachetable` comes after). Emptied here, where that can be let pass.
    Site.objects.using(using).filter(pk=site.pk).update(hostname=hostname, port=port)
    try:
        with transaction.atomic(using=using):  # a failed statement must not spoil a surrounding transaction
            Site.clear_site_root_paths_cache()
    except DatabaseError:
        pass  # no cache table, so no cached root paths either
    return site
