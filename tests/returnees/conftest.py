"""Shared setup of the returnee portal tests: the SMS outbox and a few helpers."""

from __future__ import annotations

import re

import pytest

from portal import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings) -> list:
    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def code_in(message: sms.SMS) -> str:
    """The one-time code in an SMS ("... is ABCD-EFGH. It is valid ...", in any language)."""
    match = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", message.body)
    assert match, message.body
    return match.group(1)


def reauthenticate(client, password: str) -> None:
    """Confirm the password again, as allauth's re-authentication page does."""
    from django.urls import reverse

    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content[:500]
