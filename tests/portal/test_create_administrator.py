"""`manage.py create_administrator`: the first administrator of a fresh install, through the invitation link."""

from __future__ import annotations

import io
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from devtools.demo.portal import current_totp
from portal.access import Role, unscoped
from portal.models import AuditEvent, Membership, StaffInvitation, User
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

ADDRESS = "first.admin@example.org"
PASSWORD = "the first administrator's own passphrase"


def _create(django_capture_on_commit_callbacks, **options) -> str:
    """Run the command (the invitation e-mail goes out after the commit); its output."""
    out = io.StringIO()
    options = {"email": ADDRESS, "name": "Ada Admin", **options}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_administrator", stdout=out, **options)
    return out.getvalue()


def _link_path(output: str) -> str:
    match = re.search(re.escape(settings.SITE_URL) + r"(/\S+/invitation/\S+/)", output)
    assert match, output
    return match.group(1)


def test_the_printed_link_makes_a_working_administrator_with_a_second_factor(django_capture_on_commit_callbacks):
    output = _create(django_capture_on_commit_callbacks, language="fr")
    path = _link_path(output)
    assert path.startswith("/fr/invitation/")
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert path.split(":")[0] in message.body  # e-mailed too: the same invitation (signed at another second)
    with unscoped():
        membership = Membership.objects.get(role=Role.ADMIN)
        invited = AuditEvent.objects.get(action="portal.staff.invited")
    assert membership.is_active is False  # nothing works before the link is used
    assert invited.actor_id is None and invited.details["role"] == Role.ADMIN  # the operator, not a person

    browser = Client()
    assert browser.get(path).status_code == 200
    response = browser.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert browser.get(reverse("portal:staff-home"))["Location"] == reverse("mfa_activate_totp")
    assert browser.get("/django-admin/").status_code == 302  # nothing before the second factor

    assert browser.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert browser.get(reverse("mfa_activate_totp")).status_code == 200
    secret = browser.session[SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(reverse("mfa_activate_totp"), {"code": current_totp(secret)}).status_code == 302

    for url in (reverse("portal:staff-home"), "/django-admin/", reverse("portal:processing-record")):
        assert browser.get(url).status_code == 200, url
    user = User.objects.get(pk=membership.user_id)
    assert not user.is_superuser and not user.is_staff
    assert EmailAddress.objects.filter(user=user, email=ADDRESS, verified=True, primary=True).exists()


def test_an_address_that_already_is_an_administrators_is_refused_and_nothing_changes(
    admin_user: Persona, django_capture_on_commit_callbacks
) -> None:
    EmailAddress.objects.update_or_create(
        user=admin_user.user, email=admin_user.user.email, defaults={"verified": True, "primary": True}
    )
    with pytest.raises(CommandError, match="already is an administrator"):
        _create(django_capture_on_commit_callbacks, email=admin_user.user.email.upper())
    assert not StaffInvitation.objects.exists()
    assert mail.outbox == []


def test_the_account_that_proved_the_address_is_the_one_invited(
    returnee: Persona, django_capture_on_commit_callbacks
) -> None:
    EmailAddress.objects.update_or_create(
        user=returnee.user, email=returnee.user.email, defaults={"verified": True, "primary": True}
    )
    _create(django_capture_on_commit_callbacks, email=returnee.user.email)
    with unscoped():
        assert Membership.objects.get(role=Role.ADMIN).user_id == returnee.user.pk


def test_running_it_again_before_the_link_is_used_prints_a_new_link_to_the_same_invitation(
    django_capture_on_commit_callbacks,
) -> None:
    first = _link_path(_create(django_capture_on_commit_callbacks))
    again = _create(django_capture_on_commit_callbacks)
    assert "already has an open administrator invitation" in again
    assert StaffInvitation.objects.count() == 1 and len(mail.outbox) == 1
    browser = Client()
    assert browser.get(_link_path(again)).status_code == 200
    assert browser.get(first).status_code == 200  # both name the same invitation


@pytest.mark.parametrize(
    ("options", "message"), [({"email": "not an address"}, "not an e-mail address"), ({"name": " "}, "name")]
)
def test_bad_input_is_refused_with_a_clear_message(django_capture_on_commit_callbacks, options, message) -> None:
    with pytest.raises(CommandError, match=message):
        _create(django_capture_on_commit_callbacks, **options)
    assert not User.objects.exists() and not StaffInvitation.objects.exists()
