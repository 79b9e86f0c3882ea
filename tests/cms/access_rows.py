"""Access-matrix rows of the information site's own URLs (merged by tests/test_access_matrix.py).

sitemap.xml and robots.txt live in cms/urls.py, included at the top level of portal/urls.py
(outside the language prefix). Until that include is there, the rows are left out, so that
the matrix does not report rows for URLs that do not exist.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from tests.access import everyone


def _wired(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


ROWS = {name: (None, everyone(200)) for name in ("cms:sitemap", "cms:robots") if _wired(name)}


def _centre_kwargs(request) -> dict:
    return {"centre_id": request.getfixturevalue("centre_a").public_id}


# The appointment form is POST-only (a GET answers 405 for everyone); the thank-you page and search are public.
ROWS["site:appointment-request"] = (_centre_kwargs, everyone(405))
ROWS["site:appointment-thanks"] = (_centre_kwargs, everyone(200))
ROWS["site:search"] = (None, everyone(200))
