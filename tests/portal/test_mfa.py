"""Second factors: security keys (WebAuthn) count as MFA, work under the strict CSP, and every change to a factor
asks for the password again once ACCOUNT_REAUTHENTICATION_TIMEOUT has passed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.access import Role
from tests.conftest import Persona
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, has_totp

REAUTHENTICATE = reverse("account_reauthenticate")
TIMEOUT = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def registration_response(challenge: bytes = b"\0" * 32, rp_id: str = "testserver") -> dict:
    """What a browser posts after a security key made a new credential ("none" attestation), as JSON."""
    import hashlib
    import os

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.webauthn import (
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorAttestationResponse,
        AuthenticatorData,
        CollectedClientData,
        RegistrationResponse,
    )

    credential_id = os.urandom(16)
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    auth_data = AuthenticatorData.create(
        hashlib.sha256(rp_id.encode()).digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(b"\0" * 16, credential_id, public_key),
    )
    response = RegistrationResponse(
        raw_id=credential_id,
        response=AuthenticatorAttestationResponse(
            client_data=CollectedClientData.create("webauthn.create", challenge, f"http://{rp_id}"),
            attestation_object=AttestationObject.create("none", auth_data, {}),
        ),
    )
    return json.loads(json.dumps(dict(response)))


def security_key(user, name: str = "Office key") -> Authenticator:
    """A WebAuthn authenticator row as allauth stores one."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": registration_response()}
    )


@pytest.fixture
def staff_without_mfa(centre_a) -> Persona:
    user = UserFactory(full_name="Nana Nokey")
    return Persona(user=user, membership=MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a))


def reauthenticate(client: Client) -> None:
    response = client.post(REAUTHENTICATE, {"password": TEST_PASSWORD})
    assert response.status_code == 302, response.content


def age_authentication(client: Client, seconds: int) -> None:
    """Move every authentication record of the session `seconds` into the past."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def assert_sent_to_reauthenticate(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE + "?next=")
    assert url.replace("/", "%2F") in response["Location"]


# --- WebAuthn --------------------------------------------------------------------------------------------


def test_webauthn_is_enabled_as_a_second_factor_without_passwordless_login() -> None:
    from allauth.mfa import app_settings

    assert "webauthn" in app_settings.SUPPORTED_TYPES
    assert app_settings.PASSKEY_LOGIN_ENABLED is False
    from importlib.metadata import version

    assert version("fido2")  # allauth's WebAuthn needs it; installed through django-allauth[mfa]


def test_add_key_page_renders_for_staff_after_reauthentication(client: Client, counsellor: Persona) -> None:
    client.force_login(counsellor.user)
    url = reverse("mfa_add_webauthn")
    assert_sent_to_reauthenticate(client.get(url), url)

    reauthenticate(client)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="mfa_webauthn_add"' in html
    assert 'id="js_data"' in html and "creation_options" in html
    assert 'name="credential"' in html


def test_staff_without_mfa_registers_a_security_key_and_may_then_work(
    client: Client, staff_without_mfa: Persona, settings
) -> None:
    """The whole ceremony against allauth and fido2: options from the page, a new credential posted back."""
    from fido2.utils import websafe_decode

    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the test client speaks http://testserver
    client.force_login(staff_without_mfa.user)
    reauthenticate(client)
    page = client.get(reverse("mfa_add_webauthn"))
    options = json.loads(
        re.search(r'<script id="js_data" type="application/json">(.*?)</script>', page.content.decode()).group(1)
    )
    challenge = websafe_decode(options["creation_options"]["publicKey"]["challenge"])

    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Desk key", "credential": json.dumps(registration_response(challenge))},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    key = Authenticator.objects.get(user=staff_without_mfa.user, type=Authenticator.Type.WEBAUTHN)
    assert key.data["name"] == "Desk key"
    assert client.get(reverse("portal:staff-home")).status_code == 200


def test_a_forged_registration_is_refused(client: Client, counsellor: Persona, settings) -> None:
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    client.force_login(counsellor.user)
    reauthenticate(client)
    client.get(reverse("mfa_add_webauthn"))
    wrong_challenge = registration_response(b"\1" * 32)
    response = client.post(reverse("mfa_add_webauthn"), {"name": "Forged", "credential": json.dumps(wrong_challenge)})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not Authenticator.objects.filter(user=counsellor.user, type=Authenticator.Type.WEBAUTHN).exists()


def test_webauthn_pages_run_under_the_strict_csp(client: Client, counsellor: Persona) -> None:
    """No inline script runs: allauth's code is in static files, its data in JSON blocks the browser never runs."""
    security_key(counsellor.user)
    client.force_login(counsellor.user)
    reauthenticate(client)
    policy = None
    for url in (reverse("mfa_add_webauthn"), reverse("mfa_list_webauthn"), reverse("mfa_index")):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        html = response.content.decode()
        assert_no_inline_script(html)
        assert " style=" not in html, url
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", policy)  # a nonce only when the page uses one
    for script in ("mfa/js/webauthn.js", "mfa/js/webauthn-json.js", "account/js/onload.js"):
        served = client.get(settings.STATIC_URL + script)
        served.close()
        assert served.status_code == 200, script


def assert_no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag or "nonce=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_signing_in_offers_the_security_key_under_the_csp(client: Client, counsellor: Persona) -> None:
    """The second step of the login, and re-authentication with a key, for someone with TOTP and a key."""
    security_key(counsellor.user)
    response = client.post(reverse("account_login"), {"login": counsellor.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "request_options" in html and 'name="code"' in html
    assert_no_inline_script(html)

    client.force_login(counsellor.user)
    page = client.get(reverse("mfa_reauthenticate_webauthn"))
    assert page.status_code == 200
    assert_no_inline_script(page.content.decode())


def test_middleware_counts_a_security_key_as_the_second_factor(client: Client, staff_without_mfa: Persona) -> None:
    client.force_login(staff_without_mfa.user)
    home = reverse("portal:staff-home")
    response = client.get(home)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")

    security_key(staff_without_mfa.user)
    assert client.get(home).status_code == 200
    assert not has_totp(staff_without_mfa.user)


def test_recovery_codes_alone_are_no_second_factor(client: Client, staff_without_mfa: Persona) -> None:
    Authenticator.objects.create(
        user=staff_without_mfa.user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20}
    )
    client.force_login(staff_without_mfa.user)
    response = client.get(reverse("portal:staff-home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_staff_without_mfa_may_choose_a_security_key_instead_of_totp(
    client: Client, staff_without_mfa: Persona
) -> None:
    client.force_login(staff_without_mfa.user)
    reauthenticate(client)
    totp_page = client.get(reverse("mfa_activate_totp"))
    assert totp_page.status_code == 200
    assert f'href="{reverse("mfa_add_webauthn")}"' in totp_page.content.decode()
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
    assert client.get(reverse("mfa_list_webauthn")).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_key_is_not_found(client: Client, counsellor: Persona, outsider: Persona, method: str) -> None:
    theirs = security_key(outsider.user)
    client.force_login(counsellor.user)
    reauthenticate(client)
    for name in ("mfa_remove_webauthn", "mfa_edit_webauthn"):
        response = getattr(client, method)(reverse(name, kwargs={"pk": theirs.pk}), {"name": "mine now"})
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    theirs.refresh_from_db()
    assert theirs.data["name"] == "Office key"


# --- Re-authentication before every change to a factor ----------------------------------------------------

# url name -> (who asks, kwargs for reverse)
FACTOR_CHANGES: dict[str, tuple[str, Callable[[Persona], dict]]] = {
    "mfa_activate_totp": ("staff_without_mfa", lambda persona: {}),
    "mfa_deactivate_totp": ("counsellor", lambda persona: {}),
    "mfa_generate_recovery_codes": ("counsellor", lambda persona: {}),
    "mfa_add_webauthn": ("counsellor", lambda persona: {}),
    "mfa_remove_webauthn": ("counsellor", lambda persona: {"pk": security_key(persona.user).pk}),
    "mfa_edit_webauthn": ("counsellor", lambda persona: {"pk": security_key(persona.user).pk}),
}


@pytest.mark.parametrize("url_name", FACTOR_CHANGES)
def test_changing_a_factor_needs_a_recent_password(client: Client, request, url_name: str) -> None:
    fixture, kwargs = FACTOR_CHANGES[url_name]
    persona = request.getfixturevalue(fixture)
    url = reverse(url_name, kwargs=kwargs(persona))
    client.force_login(persona.user)

    assert_sent_to_reauthenticate(client.get(url), url)  # signed in, never re-authenticated
    reauthenticate(client)
    assert client.get(url).status_code == 200
    age_authentication(client, TIMEOUT - 30)
    assert client.get(url).status_code == 200  # still within the timeout
    age_authentication(client, 31)
    assert_sent_to_reauthenticate(client.get(url), url)  # the timeout has passed


def test_removing_a_factor_after_the_timeout_changes_nothing(client: Client, counsellor: Persona) -> None:
    key = security_key(counsellor.user)
    client.force_login(counsellor.user)
    reauthenticate(client)
    age_authentication(client, TIMEOUT + 1)

    remove_key = reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})
    assert_sent_to_reauthenticate(client.post(remove_key), remove_key)
    deactivate = reverse("mfa_deactivate_totp")
    assert_sent_to_reauthenticate(client.post(deactivate), deactivate)
    regenerate = reverse("mfa_generate_recovery_codes")
    assert_sent_to_reauthenticate(client.post(regenerate), regenerate)

    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert has_totp(counsellor.user)
    assert not Authenticator.objects.filter(user=counsellor.user, type=Authenticator.Type.RECOVERY_CODES).exists()

    reauthenticate(client)
    assert client.post(remove_key).status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()


@pytest.mark.parametrize(("steps_back", "accepted"), [(0, True), (1, True), (2, False)])
def test_a_code_of_the_step_before_is_accepted_once_older_ones_never(client: Client, counsellor, steps_back, accepted):
    """A code typed at the end of its 30 seconds on a slow line still counts; one from a minute ago does not."""
    from devtools.demo.portal import current_totp
    from tests.factories import TOTP_SECRET

    def sign_in() -> str:
        client.post(reverse("account_login"), {"login": counsellor.user.email, "password": TEST_PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": current_totp(TOTP_SECRET, steps_back=steps_back)})
        return response.headers.get("Location", "")

    assert (sign_in() == reverse("portal:staff-home")) is accepted
    if accepted:  # the same code a second time: refused
        client.logout()
        assert sign_in() != reverse("portal:staff-home")
