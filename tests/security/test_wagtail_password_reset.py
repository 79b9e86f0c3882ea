"""Finding 12: Wagtail's own password reset was open and unthrottled beside allauth's (issue #15).

`/cms-admin/password_reset/` mailed reset links for any address without a rate limit, and its links set
a password outside allauth (no notice, no session handling). Wagtail's password and e-mail pages are
now switched off: there is one reset flow, allauth's, and it is rate-limited.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import TEST_PASSWORD


def test_wagtail_reset_form_sends_nothing(client, editor) -> None:
    response = client.post("/cms-admin/password_reset/", {"email": editor.user.email}, follow=True)
    assert response.status_code == 404
    assert not mail.outbox


def test_wagtail_reset_link_sets_no_password(client, editor) -> None:
    user = editor.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = f"/cms-admin/password_reset/confirm/{uid}/{token}/"
    assert client.get(url, follow=True).status_code == 404
    client.post(
        url.replace(token, "set-password"),
        {"new_password1": "wagtail-new-pass-1", "new_password2": "wagtail-new-pass-1"},
        follow=True,
    )
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_wagtail_account_page_changes_neither_password_nor_address(client, editor) -> None:
    from django.contrib.auth.models import Permission

    user = editor.user
    user.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    address = user.email
    client.force_login(user)
    page = client.get("/cms-admin/account/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="password-new_password1"' not in html and 'name="name_email-email"' not in html
    client.post(
        "/cms-admin/account/",
        {
            "name_email-email": "taken.over@example.net",
            "name_email-first_name": "A",
            "name_email-last_name": "B",
            "password-old_password": TEST_PASSWORD,
            "password-new_password1": "wagtail-new-pass-1",
            "password-new_password2": "wagtail-new-pass-1",
        },
    )
    user.refresh_from_db()
    assert user.email == address and user.check_password(TEST_PASSWORD)


def test_the_one_reset_flow_is_rate_limited(editor) -> None:
    """allauth's reset: five requests a minute for one address, whoever asks."""
    reset = reverse("account_reset_password")
    answers = [Client().post(reset, {"email": editor.user.email}) for _ in range(6)]
    assert [answer.status_code for answer in answers[:5]] == [302] * 5
    assert answers[5].status_code == 429
    assert len(mail.outbox) == 5
