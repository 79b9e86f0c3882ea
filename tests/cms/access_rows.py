"""Access-matrix rows of the information site's own URLs (merged by tests/test_access_matrix.py).

sitemap.xml and robots.txt live in cms/urls.py, included at the top level of portal/urls.py
(outside the language prefix). Until that include is there, the rows are left out, so that
the matrix does not report rows for URLs that do not exist.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from tests.access import everyone, signed_in


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

# wagtail-localize's submit and sync views, served first by cms/translation_access.py at the same paths, inside
# the Wagtail admin: no persona holds Wagtail's admin access (editors get it through their country's group), so
# everyone is sent away (302). Which editor may translate which page: tests/cms/test_translation_workflow.py.
ROWS["cms_submit_page_translation"] = (lambda request: {"page_id": 999999}, signed_in(302))
ROWS["cms_submit_snippet_translation"] = (
    lambda request: {"app_label": "cms", "model_name": "helpcontact", "pk": "999999"},
    signed_in(302),
)
ROWS["cms_update_translations"] = (lambda request: {"translation_source_id": 999999}, signed_in(302))


def _service_kwargs(request) -> dict:
    """A published service of a partner organisation in centre A's country (its public page)."""
    from tests.factories import OrganizationFactory
    from tests.referrals.factories import ServiceFactory

    country = request.getfixturevalue("centre_a").country
    service = ServiceFactory(organization=OrganizationFactory(country=country), is_published=True)
    return {"public_id": service.public_id}


# A service's public page, linked from the opportunities page: public data, for everyone.
ROWS["site:service-detail"] = (_service_kwargs, everyone(200))
