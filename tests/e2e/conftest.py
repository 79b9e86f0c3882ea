"""Browser-test harness: one Chromium per session, a fresh context per test.

The browser is Debian's Chromium (no Playwright downloads are possible), driven
through Playwright's sync API against pytest-django's ``live_server``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright


def _find_chromium() -> Path | None:
    """$CHROMIUM_PATH, else a system Chromium/Chrome on PATH (Debian: /usr/bin/chromium)."""
    candidates = [os.environ.get("CHROMIUM_PATH", "")]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser", "google-chrome")]
    return next((Path(c) for c in candidates if c and Path(c).exists()), None)


CHROMIUM = _find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FONT_DIR = Path(__file__).resolve().parents[2] / "portal" / "fonts"
# axe impacts that fail a test; "minor" and "moderate" are left to review.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
DEFAULT_TIMEOUT_MS = 10_000


def _fontconfig(folder: Path) -> Path:
    """A fontconfig configuration that knows only the fonts shipped in portal/fonts.

    Chromium does not start on a machine without any font (a fresh clone needs none installed), and the
    pages look the same on every machine: Noto Sans for Latin and Cyrillic, Noto Naskh Arabic for Arabic and
    Urdu, whatever the system has.
    """
    aliases = "".join(
        f"<alias><family>{generic}</family><prefer><family>Noto Sans</family>"
        "<family>Noto Naskh Arabic</family></prefer></alias>"
        for generic in ("sans-serif", "serif", "monospace", "system-ui")
    )
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{FONT_DIR}</dir><cachedir>{folder / 'cache'}</cachedir>{aliases}</fontconfig>\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if CHROMIUM is None:
        message = (
            "No Chromium found: the browser tests need a system Chromium "
            "(Debian: `apt-get install -y chromium`; or set CHROMIUM_PATH). Playwright never downloads one."
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        # A developer machine without a browser still runs the rest of the suite; CI never skips.
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop running in the main thread, which
    # makes Django refuse ORM calls from fixtures and tests ("You cannot call this
    # from an async context"). The tests are synchronous. The suite runs the browser
    # tests last (tests/conftest.py), so this never weakens the check for the others.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        fonts = _fontconfig(tmp_path_factory.mktemp("fontconfig"))
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "FONTCONFIG_FILE": str(fonts), "FONTCONFIG_PATH": str(fonts.parent)},
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context; keyword arguments go to ``new_context``.

    ``base_url`` defaults to the live server, so ``page.goto("/en/")`` works;
    pass e.g. ``locale="ar"`` to set the browser's Accept-Language.
    Every context opened is closed after the test.
    """
    contexts: list[BrowserContext] = []

    def open_page(**context_args: Any) -> Page:
        context_args.setdefault("base_url", live_server.url)
        context_args.setdefault("locale", "en-GB")
        context = browser.new_context(**context_args)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page in a fresh context (English browser locale) pointed at the live server."""
    return new_page()


def assert_accessible(page: Page) -> None:
    """Run axe on the current page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if not blocking:
        return
    lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    see: {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node.get('html', '').strip()[:300]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " / ")
            if summary:
                lines.append(f"      why:  {summary}")
    raise AssertionError("\n".join(lines))


def totp_now(secret: str) -> str:
    """The TOTP code allauth accepts right now for ``secret``.

    If the current period ends within two seconds, wait for the next one so the
    code cannot expire between typing it and the server checking it.
    """
    from allauth.mfa import app_settings as mfa_settings

    from devtools.demo.portal import current_totp

    period = mfa_settings.TOTP_PERIOD
    remaining = period - (time.time() % period)
    if remaining < 2:
        time.sleep(remaining + 0.1)
    return current_totp(secret)


def sign_in(page: Page, email: str, password: str, secret: str, *, language: str = "en") -> None:
    """Sign in through the real forms: password, then the TOTP code."""
    page.goto(f"/{language}/accounts/login/")
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()
    form = page.locator("main form:has(input[name=code])")
    form.locator("input[name=code]").fill(totp_now(secret))
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()
