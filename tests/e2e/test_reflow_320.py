"""Every page reflows at 320 CSS px without scrolling sideways (WCAG 1.4.10), for every role.

One Chromium context per role at 320×640, signed in once (a session cookie made by Django's test client,
so no sign-in forms are typed), then every page of the access matrix that role opens with a 200
(tests/pages.py). A page fails when the document is wider than the viewport or when an element is wider
than it or sticks out of it; a table or other box that scrolls inside itself (overflow-x: auto) is allowed,
as WCAG allows for data tables. The failure names the offending elements with a CSS path.

Pages run in Arabic (right to left, where overflow shows on the other side) and in German (the longest
words), with data made long on purpose: a 200-character name and a long unbroken address.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from tests.access import ROLES
from tests.cms.conftest import home, locales  # noqa: F401 - a browser test's database starts empty: no locales
from tests.pages import page_url, pages_for

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 320, 640
LANGUAGES = ("ar", "de")

# The outermost elements that are wider than the viewport or stick out of it, unless a box that scrolls or
# clips on its own (a table at phone width) holds them.
OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  // A box that scrolls or clips (a table at phone width) holds what is inside it, except an absolutely
  // positioned element whose containing block lies outside the box: that one still widens the page.
  const clipped = (el) => {
    const absolute = getComputedStyle(el).position === 'absolute';
    let reached = !absolute;
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (!reached && a === el.offsetParent) reached = true;
      if (reached && getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (e.classList.length) part += '.' + [...e.classList].join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.position === 'fixed') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const out = box.width > width + 0.5 || box.right > width + 0.5 || box.left < -0.5;
    if (!out || clipped(el)) continue;
    if (offenders.some((o) => o.el.contains(el))) continue;
    offenders.push({el, text: `${path(el)} (${Math.round(box.left)}..${Math.round(box.right)} px)`});
  }
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > width && !offenders.length) {
    // Nothing sticks out on its own: name the element reaching furthest, whatever holds it.
    let widest = null;
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      const reach = Math.max(box.right - width, -box.left);
      if (!widest || reach > widest.reach) widest = {el, reach, box};
    }
    if (widest) {
      const where = `${Math.round(widest.box.left)}..${Math.round(widest.box.right)} px`;
      offenders.push({el: widest.el, text: `${path(widest.el)} (${where})`});
    }
  }
  return {scrollWidth, offenders: offenders.map((o) => o.text)};
}
"""

LONG_NAME = "Zz" + "-Longname" * 22  # 200 characters, breakable only at hyphens
LONG_WORD = "Rückkehrberatungszentrumsorganisationsverwaltungsstelle@example.org"


def _long_data() -> None:
    """Make the data the pages show as long as people's data can be."""
    from counselling.models import Client
    from portal.access import unscoped
    from portal.models import User

    with unscoped():
        for client in Client.objects.all():
            client.family_name = LONG_NAME[:100]
            client.name_native = "خديجة " + LONG_NAME[:150]
            client.email = LONG_WORD
            client.save()
        User.objects.filter(full_name__endswith="Persona").update(full_name=LONG_NAME[:150])


def _signed_in_context(browser: Browser, live_server: Any, user: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT})
    context.set_default_timeout(15_000)
    if user is not None:
        client = DjangoClient()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reflows_at_320_px(
    role: str,
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    home,  # noqa: F811 - the imported fixture: the information site's locales and home page
    persona_for,
    request,
) -> None:
    persona = persona_for(role)
    pages = [
        (name, language, page_url(name, factory, request, language=language))
        for name, factory in pages_for(role)
        for language in LANGUAGES
    ]
    _long_data()
    context = _signed_in_context(browser, live_server, persona.user if persona else None)
    page = context.new_page()
    failures, visited = [], 0
    try:
        for name, language, url in pages:
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                failures.append(f"{name} ({language}) {url}: {error.message.splitlines()[0]}")
                continue
            assert response is not None and response.status == 200, f"{role} {url}: {response and response.status}"
            visited += 1
            result = page.evaluate(OVERFLOW_SCRIPT)
            if result["scrollWidth"] > WIDTH or result["offenders"]:
                failures.append(
                    f"{name} ({language}) {url}: {result['scrollWidth']} px wide; " + "; ".join(result["offenders"][:5])
                )
    finally:
        context.close()
    print(f"\n{role}: {visited} pages at {WIDTH} px")
    assert visited, f"{role}: no page visited"
    assert not failures, f"{role}: {len(failures)} of {visited} pages overflow at {WIDTH} px:\n" + "\n".join(failures)
