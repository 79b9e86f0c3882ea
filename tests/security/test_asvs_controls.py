"""Controls that SECURITY.md's ASVS 5.0 table claims and no other test proves: sessions, passwords, headers.

Each test goes through the real views (allauth's login, logout, password change and session list) with
Django's test client, as a browser would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.audit import assert_audited, audit_lines
from tests.conftest import Persona
from tests.factories import TEST_PASSWORD

LOGIN = "/en/accounts/login/"
LOGOUT = "/en/accounts/logout/"
PASSWORD_CHANGE = "/en/accounts/password/change/"
SESSIONS = "/en/accounts/sessions/"
RETURNEE_HOME = "/en/me/"


def sign_in(client: Client, persona: Persona, password: str = TEST_PASSWORD) -> None:
    response = client.post(LOGIN, {"login": persona.user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def is_signed_in(client: Client) -> bool:
    return client.get(RETURNEE_HOME).status_code == 200


def test_signing_in_issues_a_new_session_key_and_drops_the_old_one(client: Client, returnee: Persona) -> None:
    planted = client.session  # a fixated session, as an attacker would hand it to the victim
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    sign_in(client, returnee)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()


def test_logging_out_ends_the_session_on_the_server(client: Client, returnee: Persona) -> None:
    sign_in(client, returnee)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(LOGOUT).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, kept by an attacker
    assert not is_signed_in(replay)


def test_logout_by_get_only_asks_and_changes_nothing(client: Client, returnee: Persona) -> None:
    sign_in(client, returnee)
    assert client.get(LOGOUT).status_code == 200  # a confirmation page: an <img src> cannot sign anyone out
    assert is_signed_in(client)


def test_session_cookie_is_httponly_samesite_and_short_lived(client: Client, returnee: Persona) -> None:
    response = client.post(LOGIN, {"login": returnee.user.email, "password": TEST_PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # gone when the browser closes (ACCOUNT_SESSION_REMEMBER off)
    stored = Session.objects.get(session_key=cookie.value)
    assert abs((stored.expire_date - timezone.now()).total_seconds() - 30 * 60) < 60  # 30 idle minutes


def test_changing_the_password_needs_the_current_one_and_keeps_long_passwords_whole(
    client: Client, returnee: Persona
) -> None:
    sign_in(client, returnee)
    elsewhere = Client()  # the same person signed in on another device, or a thief with the old password
    sign_in(elsewhere, returnee)
    long_password = "a sentence of eighty characters, spaces and all, typed by a careful returnee!!"
    long_password += "x" * (80 - len(long_password))
    refused = client.post(
        PASSWORD_CHANGE, {"oldpassword": "not-my-password", "password1": long_password, "password2": long_password}
    )
    assert refused.status_code == 200
    returnee.user.refresh_from_db()
    assert returnee.user.check_password(TEST_PASSWORD)
    changed = client.post(
        PASSWORD_CHANGE, {"oldpassword": TEST_PASSWORD, "password1": long_password, "password2": long_password}
    )
    assert changed.status_code == 302
    assert not is_signed_in(elsewhere)  # a new password ends every other session
    assert is_signed_in(client)
    other = Client()
    truncated = other.post(LOGIN, {"login": returnee.user.email, "password": long_password[:64]})
    assert truncated.status_code == 200  # the form again: the first 64 characters are not the password
    assert not is_signed_in(other)
    sign_in(other, returnee, password=long_password)
    assert is_signed_in(other)


@pytest.mark.parametrize("password", ["short1", "qwertyuiop", "1234567890123"])
def test_short_common_and_all_digit_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_passphrase_of_any_characters_is_accepted() -> None:
    validate_password("ein langer Satz ohne Ziffern und Sonderregeln, مرحبا " * 2)


def test_password_fields_are_masked_and_let_password_managers_fill_them(client: Client, returnee: Persona) -> None:
    html = client.get(LOGIN).content.decode()
    assert re.search(r'<input type="password" name="password"[^>]*autocomplete="current-password"', html)
    client.force_login(returnee.user)
    html = client.get(PASSWORD_CHANGE).content.decode()
    assert html.count('type="password"') == 3
    assert 'autocomplete="new-password"' in html
    assert "onpaste" not in html and 'autocomplete="off"' not in html


def test_users_see_and_end_their_other_sessions(returnee: Persona) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop, returnee)
    sign_in(phone, returnee)
    assert laptop.get(SESSIONS).context["session_count"] == 2
    assert laptop.post(SESSIONS).status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_pages_carry_the_browser_security_headers(client: Client, counsellor: Persona) -> None:
    client.force_login(counsellor.user)
    for url in ("/en/", LOGIN, reverse("portal:staff-home"), "/healthz"):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "object-src 'none'" in response["Content-Security-Policy"], url
        assert "Access-Control-Allow-Origin" not in response, url  # no cross-origin reads, for anyone
        expected = "application/json" if url == "/healthz" else "text/html; charset=utf-8"
        assert response["Content-Type"] == expected, url


@pytest.mark.parametrize(
    "path", ["/.git/config", "/pyproject.toml", "/portal/settings.py", "/static/../manage.py", "/static/", "/media/"]
)
def test_the_source_tree_is_not_served(client: Client, db: None, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 404


def test_production_stores_passwords_with_a_slow_salted_hash(tmp_path) -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "x" * 64,
        "PORTAL_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from django.contrib.auth.hashers import get_hasher; "
        "print(json.dumps([s.PASSWORD_HASHERS, get_hasher().iterations]))"
    )
    # A child process: the test run itself uses a fast hasher (pytest is imported), production never does.
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    hashers, iterations = json.loads(result.stdout.strip().splitlines()[-1])
    assert hashers == ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert iterations >= 600_000  # OWASP's floor for PBKDF2-HMAC-SHA256


def test_a_password_reset_still_asks_for_the_second_factor(counsellor: Persona, mailoutbox) -> None:
    browser = Client()
    browser.post(reverse("account_reset_password"), {"email": counsellor.user.email})
    [message] = mailoutbox
    key_path = re.search(r"https?://[^/\s]+(/\S*/accounts/password/reset/key/\S*)", message.body).group(1)
    set_password_url = browser.get(key_path)["Location"]
    new_password = "a brand new passphrase for the counsellor"
    assert browser.post(set_password_url, {"password1": new_password, "password2": new_password}).status_code == 302
    assert browser.get(reverse("portal:staff-home")).status_code == 302  # the reset signed nobody in
    response = browser.post(LOGIN, {"login": counsellor.user.email, "password": new_password})
    assert response["Location"] == reverse("mfa_authenticate")  # the password alone is not enough
    assert browser.get(reverse("counselling:case-list")).status_code == 302


def test_failed_logins_are_limited_per_account(client: Client, returnee: Persona) -> None:
    for _attempt in range(5):
        client.post(LOGIN, {"login": returnee.user.email, "password": "wrong-password-1"})
    response = client.post(LOGIN, {"login": returnee.user.email, "password": TEST_PASSWORD})
    assert response.status_code != 302  # even the right password waits until the 5-minute window has passed
    assert not is_signed_in(client)


def test_a_cross_site_post_without_the_token_is_refused(returnee: Persona) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(returnee.user)
    assert browser.post(LOGOUT).status_code == 403
    assert browser.post(reverse("portal:me"), {"language": "ar"}).status_code == 403
    assert is_signed_in(browser)


def test_a_deactivated_account_loses_its_open_sessions(client: Client, returnee: Persona) -> None:
    sign_in(client, returnee)
    returnee.user.is_active = False
    returnee.user.save(update_fields=["is_active"])
    assert not is_signed_in(client)


def test_every_signed_in_page_offers_a_logout_button(client: Client, returnee: Persona, counsellor: Persona) -> None:
    for persona, url in ((returnee, RETURNEE_HOME), (counsellor, reverse("counselling:case-list"))):
        client.force_login(persona.user)
        html = client.get(url).content.decode()
        assert f'action="{LOGOUT}"' in html, url


def test_a_forged_forwarded_for_header_is_not_believed(client: Client, returnee: Persona) -> None:
    client.post(
        LOGIN, {"login": returnee.user.email, "password": "wrong-password-1"}, headers={"x-forwarded-for": "6.6.6.6"}
    )
    event = assert_audited("portal.user.login_failed", count=None)[-1]
    assert event.ip_address == "127.0.0.1"
    assert event.occurred_at.utcoffset() == timedelta(0)  # times are kept in UTC


def test_embedded_videos_come_only_from_known_providers() -> None:
    from wagtail.embeds.finders import get_finders

    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:5432/", "file:///etc/passwd"):
        assert not any(finder.accept(url) for finder in get_finders()), url
    assert any(finder.accept("https://www.youtube.com/watch?v=dQw4w9WgXcQ") for finder in get_finders())


def test_a_changed_ciphertext_is_refused() -> None:
    from portal.crypto import decrypt, encrypt

    stored = encrypt("confidential note")
    head, token = stored.rsplit(":", 1)
    middle = len(token) // 2
    forged = f"{head}:{token[:middle]}{'A' if token[middle] != 'A' else 'B'}{token[middle + 1 :]}"
    with pytest.raises(ImproperlyConfigured):
        decrypt(forged)


def test_trace_is_not_answered(client: Client, db: None) -> None:
    for url in ("/en/", LOGIN, "/healthz"):
        assert client.generic("TRACE", url).status_code == 405, url


APPS = ("portal", "counselling", "referrals", "jobfairs", "cms")


# The portal's own scripts. On the site, one (issue #18): it tells the server the browser's time zone in a
# cookie. In the Wagtail admin's translation editor, one (issue #20): it gives the text boxes the direction
# and language of the locale being translated into.
ZONE_SCRIPT = "portal/static/portal/tz.js"
EDITOR_SCRIPT = "cms/static/cms/translation_editor.js"
OWN_SCRIPTS = {ZONE_SCRIPT, EDITOR_SCRIPT}
# What SECURITY.md's rows on DOM rendering, storage, eval and messaging rely on the scripts never doing.
FORBIDDEN_IN_SCRIPTS = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\b|new Function|setTimeout\(\s*['\"]"
    r"|postMessage|addEventListener\(\s*['\"]message|localStorage|sessionStorage|indexedDB|fetch\(|XMLHttpRequest"
    r"|document\.cookie\s*=(?!=)"
)


def test_own_scripts_only_set_the_zone_cookie_and_the_editor_s_text_direction() -> None:
    """SECURITY.md's ASVS rows on DOM rendering, browser storage, eval and postMessage rest on this.

    Whoever adds a script, or lets one do more, revisits those rows (V1.3.2, V3.2.2, V3.5.5, V14.3.3,
    V15.3.6).
    """
    base = Path(settings.BASE_DIR)
    scripts = {str(path.relative_to(base)) for app in APPS for path in (base / app).rglob("*.js")}
    assert scripts == OWN_SCRIPTS
    zone = (base / ZONE_SCRIPT).read_text()
    assert not FORBIDDEN_IN_SCRIPTS.search(zone.replace("document.cookie = ", "", 1)), ZONE_SCRIPT
    assert "document.cookie = " in zone  # what it is for: the zone cookie, nothing else written
    editor = (base / EDITOR_SCRIPT).read_text()
    assert not FORBIDDEN_IN_SCRIPTS.search(editor), EDITOR_SCRIPT
    # what it writes: two attributes of the text boxes, nothing else
    assert set(re.findall(r"setAttribute\(\s*\"(\w+)\"", editor)) == {"lang", "dir"}
    assert re.sub(r"setAttribute\(\s*\"(lang|dir)\"", "", editor).count("setAttribute") == 0


def test_no_model_form_takes_every_field() -> None:
    """Mass assignment: each form names the fields a user may set; none says `__all__` or lists what to exclude."""
    offenders = [
        str(path)
        for app in APPS
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if re.search(r"""fields\s*=\s*["']__all__["']|^\s+exclude\s*=""", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []


COOKIE_SETTINGS = (
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "LANGUAGE_COOKIE_NAME",
    "MESSAGES_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def _production_settings(tmp_path: Path, names: tuple[str, ...]) -> dict:
    """`names` as portal/settings.py computes them with HTTPS on, in a child process (the test run has it off)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "x" * 64,
        "PORTAL_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_with_https_every_cookie_is_host_prefixed_secure_and_signing_in_still_works(
    tmp_path: Path, returnee: Persona, settings
) -> None:
    production = _production_settings(tmp_path, COOKIE_SETTINGS)
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for name, value in production.items():
        setattr(settings, name, value)
    browser = Client(enforce_csrf_checks=True)  # the CSRF token must travel under its new cookie name
    https = {"secure": True, "headers": {"referer": f"https://testserver{LOGIN}"}}

    form = browser.get(LOGIN, secure=True)
    signed_in = browser.post(
        LOGIN, {"login": returnee.user.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": _token(form)}, **https
    )
    assert signed_in.status_code == 302
    home = browser.get(RETURNEE_HOME, secure=True)  # the renamed session cookie is read back
    assert home.status_code == 200
    switched = browser.post(
        reverse("set_language"), {"language": "de", "next": "/de/me/", "csrfmiddlewaretoken": _token(home)}, **https
    )
    assert switched.status_code == 302

    cookies = [morsel for response in (form, signed_in, home, switched) for morsel in response.cookies.values()]
    expected = {"__Host-csrftoken", "__Host-sessionid", "__Host-messages", "__Host-django_language"}
    assert {morsel.key for morsel in cookies} == expected
    for morsel in cookies:
        # What the browser demands of a `__Host-` cookie: Secure, Path=/ and no Domain.
        assert morsel.key.startswith("__Host-"), morsel.key
        assert (morsel["secure"], morsel["path"], morsel["domain"]) == (True, "/", ""), morsel.key
        assert morsel["samesite"] == "Lax", morsel.key
        if morsel.value:  # not the deletion of a message cookie that was read
            assert morsel["httponly"] is True, morsel.key


def test_no_page_may_change_where_relative_links_point(client: Client, editor: Persona) -> None:
    """CSP ``base-uri 'none'``: an injected <base> cannot send relative links and forms elsewhere, in the
    Wagtail admin (which has its own policy) too."""
    from cms.services import sync_editor_group

    sync_editor_group(user=editor.user)
    pages = [client.get("/en/"), client.get(LOGIN)]
    client.force_login(editor.user)
    pages += [client.get(reverse("portal:staff-home")), client.get("/cms-admin/")]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "base-uri 'none'" in response["Content-Security-Policy"], response.request["PATH_INFO"]


def test_an_sms_code_that_verifies_a_number_expires_after_ten_minutes(client: Client, db: None, monkeypatch) -> None:
    """ASVS V6.5.5: out-of-band codes live 10 minutes at most (allauth's default for phone codes is 15)."""
    from allauth.account.internal.flows import code_verification

    from portal import sms
    from portal.models import User

    sms.outbox.clear()
    assert client.post(reverse("account_signup"), {"phone": "+233 24 123 4567"}).status_code == 302
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", sms.outbox[-1].body).group(1)
    assert "10 minutes" in sms.outbox[-1].body
    sent = code_verification.time.time()
    monkeypatch.setattr(code_verification.time, "time", lambda: sent + 10 * 60 + 1)

    client.post(reverse("account_verify_phone"), {"code": code})

    assert not User.objects.get(phone="+233241234567").phone_verified
    assert client.get(RETURNEE_HOME).status_code != 200  # not signed in


def test_editors_upload_documents_of_the_allowed_types_only(client: Client, editor: Persona) -> None:
    """ASVS V5.2.2: a Wagtail document is a PDF, Word, OpenDocument text or Excel file; an HTML page, an SVG or
    a program uploaded as a "document" is refused and nothing is stored."""
    from django.contrib.auth.models import Group, Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, GroupCollectionPermission

    from cms.services import sync_editor_group

    sync_editor_group(user=editor.user)
    # Wagtail's migrations make the root collection and an "Editors" group that may add documents; a test that
    # flushed the database (transactional) may have run first in this worker, so both are made here if missing.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    group, _created = Group.objects.get_or_create(name="Editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    GroupCollectionPermission.objects.get_or_create(
        group=group,
        collection=root_collection,
        permission=Permission.objects.get(content_type__app_label="wagtaildocs", codename="add_document"),
    )
    editor.user.groups.add(group)
    client.force_login(editor.user)
    add = reverse("wagtaildocs:add")
    root = root_collection.pk
    for name in ("leaflet.html", "logo.svg", "setup.exe", "page.htm"):
        upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
        response = client.post(add, {"title": name, "file": upload, "collection": root})
        assert response.status_code == 200, name  # the form again, with its error
        assert "file" in response.context["form"].errors, name
    assert not get_document_model().objects.exists()

    leaflet = SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(add, {"title": "Leaflet", "file": leaflet, "collection": root}).status_code == 302
    assert get_document_model().objects.filter(title="Leaflet").exists()


# --- Authentication changes in the audit log (V16.3.1) ---------------------------------------------------------


def _audit_lines(user, prefix: str) -> list[tuple[str, int | None, str]]:
    """(action, actor, factor type) of the account's lines whose action starts with `prefix`, oldest first."""
    events = audit_lines(
        action__startswith=prefix, target_type="portal.user", target_id=str(getattr(user, "public_id", None) or user.pk)
    )
    return [(event.action, event.actor_id, event.details.get("type", "")) for event in events]


def test_password_change_set_and_reset_each_write_an_audit_line(
    client: Client, returnee: Persona, counsellor: Persona, mailoutbox
) -> None:
    sign_in(client, returnee)
    new_password = "a new passphrase for the returnee"
    data = {"oldpassword": TEST_PASSWORD, "password1": new_password, "password2": new_password}
    assert client.post(PASSWORD_CHANGE, data).status_code == 302

    from portal.models import User

    phone_only = User.objects.create(email=None, phone="+233241234599", phone_verified=True)  # signed up by SMS
    phone_only.set_unusable_password()
    phone_only.save()
    by_phone = Client()
    by_phone.force_login(phone_only)
    data = {"password1": new_password, "password2": new_password}
    assert by_phone.post(reverse("account_set_password"), data).status_code == 302

    browser = Client()
    browser.post(reverse("account_reset_password"), {"email": counsellor.user.email})
    key_path = re.search(r"https?://[^/\s]+(/\S*/accounts/password/reset/key/\S*)", mailoutbox[-1].body).group(1)
    assert browser.post(browser.get(key_path)["Location"], data).status_code == 302

    assert _audit_lines(returnee.user, "portal.user.password") == [
        ("portal.user.password_changed", returnee.user.pk, "")
    ]
    assert _audit_lines(phone_only, "portal.user.password") == [("portal.user.password_set", phone_only.pk, "")]
    # Nobody was signed in: whoever held the mailed link acted.
    assert _audit_lines(counsellor.user, "portal.user.password") == [("portal.user.password_reset", None, "")]


def test_adding_removing_and_renewing_factors_and_wrong_codes_each_write_an_audit_line(
    client: Client, centre_a, django_capture_on_commit_callbacks
) -> None:
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from devtools.demo.portal import current_totp
    from portal.access import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(full_name="Nana Nokey")
    MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a)
    client.force_login(user)
    assert client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD}).status_code == 302

    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    for url, data in (
        (reverse("mfa_activate_totp"), {"code": current_totp(secret)}),
        (reverse("mfa_generate_recovery_codes"), {}),
        (reverse("mfa_deactivate_totp"), {}),
    ):
        with django_capture_on_commit_callbacks(execute=True):  # allauth signals some changes after the commit
            assert client.post(url, data).status_code == 302, url
    client.logout()

    from tests.factories import with_totp

    with_totp(user)
    assert client.post(LOGIN, {"login": user.email, "password": TEST_PASSWORD})["Location"] == reverse(
        "mfa_authenticate"
    )
    assert client.post(reverse("mfa_authenticate"), {"code": "000000"}).status_code == 200  # wrong code

    assert _audit_lines(user, "portal.mfa.") == [
        ("portal.mfa.authenticator_added", user.pk, "totp"),
        ("portal.mfa.authenticator_added", user.pk, "recovery_codes"),
        ("portal.mfa.authenticator_reset", user.pk, "recovery_codes"),
        ("portal.mfa.authenticator_removed", user.pk, "totp"),
        ("portal.mfa.authenticator_removed", user.pk, "recovery_codes"),
        ("portal.mfa.code_rejected", None, "totp"),  # the password was right; the second step was not passed
    ]


def test_a_wrong_sign_in_code_and_a_new_address_each_write_an_audit_line(client: Client, returnee: Persona) -> None:
    guesser = Client()
    guesser.post(reverse("account_request_login_code"), {"email": returnee.user.email})
    guesser.post(reverse("account_confirm_login_code"), {"code": "WRONG-1"})
    sign_in(client, returnee)
    client.post(reverse("account_email"), {"email": "second@example.org", "action_add": ""})

    assert _audit_lines(returnee.user, "portal.user.login_code") == [("portal.user.login_code_rejected", None, "")]
    assert _audit_lines(returnee.user, "portal.user.email") == [("portal.user.email_added", returnee.user.pk, "")]
