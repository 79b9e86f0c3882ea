"""The client's address behind the reverse proxy (ASVS V15.3.4, V6.3.1, V16.2.1).

Behind the nginx of DEPLOYMENT.md every request reaches the portal from 127.0.0.1. Before portal/http.py,
one attacker's failed sign-ins used up the per-IP limit of everyone, any visitor's appointment requests
counted against all others, and every audit line said 127.0.0.1. With the proxy setting on, the address
the proxy appended to ``X-Forwarded-For`` is the client's; with it off, the header is never believed.
"""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.access import unscoped
from portal.models import AuditEvent
from tests.conftest import Persona
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
TOO_MANY = "Too many failed sign-in attempts from this connection"
NGINX = "127.0.0.1"  # what REMOTE_ADDR is behind the documented nginx

APPOINTMENT = {
    "name": "Ama Mensah",
    "contact": "024 123 4567",
    "preferred_channel": "message",
    "topic": "training_jobs",
    "message": "I came back from Germany in May and look for a training.",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def behind_nginx(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1


def _via_nginx(client_address: str, *, forged: str = "") -> dict:
    """The headers nginx's `$proxy_add_x_forwarded_for` sends: what the client wrote, then the address nginx
    saw."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": NGINX, "headers": {"x-forwarded-for": chain}}


def _fail_sign_in(client: Client, attempt: int, **via) -> str:
    data = {"login": f"nobody{attempt}@example.org", "password": "wrong-password-1"}
    return client.post(LOGIN, data, **via).content.decode()


def _appointment_url(centre) -> str:
    with translation.override("en"):
        return reverse("site:appointment-request", kwargs={"centre_id": centre.public_id})


def test_behind_the_proxy_one_attackers_failed_sign_ins_do_not_lock_out_everyone_else(
    client: Client, returnee: Persona, behind_nginx: None
) -> None:
    for attempt in range(10):  # ACCOUNT_RATE_LIMITS["login_failed"]: 10 a minute per IP
        assert TOO_MANY not in _fail_sign_in(client, attempt, **_via_nginx("198.51.100.7"))
    assert TOO_MANY in _fail_sign_in(client, 10, **_via_nginx("198.51.100.7"))

    returnee_browser = Client()
    response = returnee_browser.post(
        LOGIN, {"login": returnee.user.email, "password": TEST_PASSWORD}, **_via_nginx("203.0.113.20")
    )
    assert response.status_code == 302  # the returnee behind another address signs in
    assert "_auth_user_id" in returnee_browser.session


def _sign_in(client: Client, email: str, password: str, address: str) -> str:
    response = client.post(LOGIN, {"login": email, "password": password}, **_via_nginx(address))
    return "signed in" if response.status_code == 302 else response.content.decode()


def test_a_guesser_pauses_an_account_only_for_their_own_address(
    returnee: Persona, counsellor: Persona, behind_nginx: None
) -> None:
    """Five wrong passwords for one account from one address pause that account *from that address*, with a
    message that says what happened; the real person signs in from theirs, and the guesser's next account
    is not paused by what came before."""
    guesser = Client()
    for _attempt in range(5):
        assert TOO_MANY not in _sign_in(guesser, returnee.user.email, "wrong-password-1", "198.51.100.7")
    paused = _sign_in(guesser, returnee.user.email, TEST_PASSWORD, "198.51.100.7")
    assert TOO_MANY in paused  # even the right password waits: the guesser learns nothing
    assert "15 minutes" in paused and "reset" in paused

    assert _sign_in(Client(), returnee.user.email, TEST_PASSWORD, "203.0.113.20") == "signed in"
    assert TOO_MANY not in _sign_in(guesser, counsellor.user.email, "wrong-password-1", "198.51.100.7")


def test_one_address_cannot_lock_out_every_account(
    returnee: Persona, counsellor: Persona, manager: Persona, behind_nginx: None
) -> None:
    """One address spends its failures on every account it knows: it is stopped by its own per-IP limit,
    and every one of those accounts still signs in from its owner's address."""
    guesser = Client()
    accounts = [returnee, counsellor, manager]
    refused = 0
    for attempt in range(15):
        persona = accounts[attempt % len(accounts)]
        if TOO_MANY in _sign_in(guesser, persona.user.email, f"wrong-password-{attempt}", "198.51.100.7"):
            refused += 1
    assert refused == 5  # 10 a minute per IP, then the address is paused

    for number, persona in enumerate(accounts):
        owner = Client()
        result = _sign_in(owner, persona.user.email, TEST_PASSWORD, f"203.0.113.{30 + number}")
        assert result == "signed in", persona.user.email


def test_the_lock_out_message_is_translated(returnee: Persona, behind_nginx: None) -> None:
    guesser = Client()
    for _attempt in range(6):
        page = guesser.post(
            "/ar/accounts/login/",
            {"login": returnee.user.email, "password": "wrong-password-1"},
            **_via_nginx("198.51.100.9"),
        ).content.decode()
    assert "Too many failed" not in page
    with translation.override("ar"):
        from portal.adapters import AccountAdapter

        assert str(AccountAdapter.error_messages["too_many_login_attempts"]) in page.replace("&#x27;", "'")


def test_behind_the_proxy_the_audit_line_and_the_session_list_record_the_forwarded_address(
    client: Client, returnee: Persona, behind_nginx: None
) -> None:
    _fail_sign_in(client, 0, **_via_nginx("203.0.113.9", forged="6.6.6.6"))
    client.post(LOGIN, {"login": returnee.user.email, "password": TEST_PASSWORD}, **_via_nginx("203.0.113.10"))

    with unscoped():
        failed = AuditEvent.objects.filter(action="portal.user.login_failed").latest("pk")
        signed_in = AuditEvent.objects.filter(action="portal.user.logged_in").latest("pk")
    assert failed.ip_address == "203.0.113.9"  # the entry nginx wrote, not the one the client forged
    assert signed_in.ip_address == "203.0.113.10"
    assert UserSession.objects.get(user=returnee.user).ip == "203.0.113.10"


def test_behind_the_proxy_appointment_limits_are_per_visitor(client: Client, centre_a, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.APPOINTMENT_RATE_PER_IP = 2
    for _request in range(2):
        assert client.post(_appointment_url(centre_a), APPOINTMENT, **_via_nginx("198.51.100.7")).status_code == 302
    assert client.post(_appointment_url(centre_a), APPOINTMENT, **_via_nginx("198.51.100.7")).status_code == 429
    assert client.post(_appointment_url(centre_a), APPOINTMENT, **_via_nginx("203.0.113.20")).status_code == 302


def test_without_the_proxy_setting_a_forged_header_neither_escapes_a_limit_nor_reaches_the_log(
    client: Client, centre_a, settings
) -> None:
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default: no proxy is trusted
    settings.APPOINTMENT_RATE_PER_IP = 2
    for forged in ("198.51.100.1", "198.51.100.2"):
        via = {"REMOTE_ADDR": "192.0.2.5", "headers": {"x-forwarded-for": forged}}
        assert client.post(_appointment_url(centre_a), APPOINTMENT, **via).status_code == 302
    via = {"REMOTE_ADDR": "192.0.2.5", "headers": {"x-forwarded-for": "198.51.100.3"}}
    assert client.post(_appointment_url(centre_a), APPOINTMENT, **via).status_code == 429

    _fail_sign_in(client, 0, **via)
    with unscoped():
        assert AuditEvent.objects.filter(action="portal.user.login_failed").latest("pk").ip_address == "192.0.2.5"


def test_behind_the_proxy_a_request_that_did_not_pass_it_keeps_its_own_address(
    client: Client, behind_nginx: None
) -> None:
    _fail_sign_in(client, 0, REMOTE_ADDR="192.0.2.8")  # a local health check: no X-Forwarded-For

    with unscoped():
        assert AuditEvent.objects.filter(action="portal.user.login_failed").latest("pk").ip_address == "192.0.2.8"
