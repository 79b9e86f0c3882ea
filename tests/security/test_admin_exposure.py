"""Finding 2: administrators read every client and every staff member's TOTP secret, unaudited.

The attack, replayed through the views: the demo's administrator signed in (password and TOTP) and
opened the Django admin. Being a superuser, they listed the clients of every country with phone and
vulnerabilities (`/django-admin/counselling/client/`), and allauth's authenticator page showed every
staff member's TOTP secret in plain text; nothing reached the audit log. Whoever read the
`mfa_authenticator` table (a backup, a replica) got the same secrets.

Now no demo account is a superuser and the superuser flag opens no portal data; the Django admin lets
in administrators (a Role.ADMIN membership) and registers no model with personal data (only employers'
vetting, through the audited service); TOTP secrets and recovery-code seeds are encrypted with the field
keys, existing rows by a data migration, and rotate with them. The benchmark's admin baseline (B5)
lives on an admin site that only the benchmark's URLconf routes.
"""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import URLResolver, get_resolver

from devtools.demo.portal import DEMO_DOMAIN, current_totp, demo_totp_secret, seed
from portal import crypto
from portal.access import Role, unscoped
from portal.models import AuditEvent, User
from tests.factories import TEST_PASSWORD, TOTP_SECRET, ClientFactory, EmployerFactory, with_totp

LOGIN = "/en/accounts/login/"
SECOND_FACTOR = "/en/accounts/2fa/authenticate/"
ADMIN_EMAIL = f"admin1@{DEMO_DOMAIN}"
# Pages of the Django admin that showed personal data or secrets to a superuser.
EXPOSING_PAGES = [
    "/django-admin/counselling/client/",
    "/django-admin/mfa/authenticator/",
    "/django-admin/account/emailaddress/",
    "/django-admin/usersessions/usersession/",
    "/django-admin/auth/group/",
    "/django-admin/wagtaildocs/document/",
]

migration = importlib.import_module("portal.migrations.0014_encrypt_authenticator_secrets")


def sign_in(client: HttpClient, email: str, password: str, code: str) -> None:
    """Sign in as a person does: password, then the second factor; fails the test if either is refused."""
    response = client.post(LOGIN, {"login": email, "password": password})
    assert response.status_code == 302 and response["Location"] == SECOND_FACTOR, response.content[:300]
    response = client.post(SECOND_FACTOR, {"code": code})
    assert response.status_code == 302 and response["Location"] != SECOND_FACTOR, response.content[:300]


def raw_data(user: User, kind: str) -> str:
    """What a database console (or a backup) shows of a user's authenticator."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user.pk, kind])
        return cursor.fetchone()[0]


@pytest.fixture
def demo_admin(db) -> User:
    seed()
    return User.objects.get(email=ADMIN_EMAIL)


@pytest.fixture
def keys(monkeypatch):
    def use(*chosen: str) -> None:
        monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", ",".join(chosen))
        crypto.reset_key_cache()

    yield use
    crypto.reset_key_cache()


# --- No superusers -----------------------------------------------------------------------------------


def test_no_demo_account_is_a_superuser_and_reseeding_demotes_old_ones(db) -> None:
    User.objects.create_superuser(email=ADMIN_EMAIL, password="x")  # a demo seeded before the fix
    seed()
    assert not User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_superuser=True).exists()
    assert not User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_staff=True).exists()
    assert User.objects.get(email=ADMIN_EMAIL).memberships.filter(role=Role.ADMIN, is_active=True).exists()


def test_superuser_flag_widens_no_scope(client, manager, outsider) -> None:
    """A centre manager who is also a superuser sees their own centre's team, not every centre's."""
    manager.user.is_superuser = manager.user.is_staff = True
    manager.user.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(manager.user)
    page = client.get("/en/staff/team/").content.decode()
    assert manager.user.email in page
    assert outsider.user.email not in page


# --- The Django admin --------------------------------------------------------------------------------


def test_demo_administrator_gets_no_client_or_secret_from_the_django_admin(client, demo_admin, counsellor) -> None:
    victim = ClientFactory(centre=counsellor.centre, given_name="Zainab", phone="+233241112233")
    sign_in(client, ADMIN_EMAIL, settings.DEMO_PASSWORD, current_totp(demo_totp_secret(ADMIN_EMAIL)))

    index = client.get("/django-admin/")
    assert index.status_code == 200  # administrators vet employers here
    for url in EXPOSING_PAGES:
        # The admin answers 404; the language middleware first tries the page under /en/, also a 404.
        assert client.get(url, follow=True).status_code == 404, url
    assert client.get("/django-admin/counselling/client/", {"q": victim.code}, follow=True).status_code == 404
    body = index.content.decode()
    assert victim.code not in body and "+233241112233" not in body
    assert TOTP_SECRET not in body and demo_totp_secret(ADMIN_EMAIL) not in body


def test_other_staff_and_superusers_without_the_role_are_kept_out(client, manager) -> None:
    client.force_login(manager.user)
    assert client.get("/django-admin/").status_code == 302  # to the (refusing) admin login
    assert client.get("/django-admin/login/").status_code == 403
    assert client.get("/django-admin/jobfairs/employer/").status_code == 302

    # A superuser made with `createsuperuser` (and a second factor): the flag opens no admin page.
    root = with_totp(User.objects.create_superuser(email="root@example.org", password=TEST_PASSWORD))
    client.force_login(root)
    response = client.get("/django-admin/jobfairs/employer/")
    assert response.status_code == 302 and response["Location"].startswith("/django-admin/login/")
    assert client.get("/django-admin/login/").status_code == 403


def test_only_employers_are_registered_and_only_one_admin_site_is_routed() -> None:
    assert {model._meta.label_lower for model in admin.site._registry} == {"jobfairs.employer"}

    def admin_namespaces(patterns: list) -> list[str]:
        found = []
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    found.append(entry.namespace)
                found += admin_namespaces(entry.url_patterns)
        return found

    assert admin_namespaces(get_resolver("portal.urls").url_patterns) == ["admin"]


def test_administrator_vets_an_employer_through_the_audited_service(client, admin_user) -> None:
    employer = EmployerFactory(vetting_status="pending", contact_email="hr.person@example.org")
    client.force_login(admin_user.user)
    url = f"/django-admin/jobfairs/employer/{employer.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    assert "hr.person@example.org" not in form.content.decode()

    response = client.post(url, {"vetting_status": "suspended", "vetting_note": "Complaint"})
    assert response.status_code == 302, response.content[:500]
    employer.refresh_from_db()
    assert employer.vetting_status == "suspended"
    with unscoped():
        assert AuditEvent.objects.filter(action="jobfairs.employer.vetted", actor=admin_user.user).exists()
    assert client.get("/django-admin/jobfairs/employer/add/").status_code == 403


# --- Second factors at rest -----------------------------------------------------------------------------


def test_totp_secret_is_not_readable_in_the_database_and_sign_in_still_works(client, counsellor) -> None:
    stored = raw_data(counsellor.user, "totp")
    assert TOTP_SECRET not in stored
    assert crypto.PREFIX in stored
    sign_in(client, counsellor.user.email, TEST_PASSWORD, current_totp(TOTP_SECRET))
    assert client.get("/en/staff/cases/").status_code == 200


def test_recovery_codes_are_encrypted_and_still_sign_in(client, counsellor) -> None:
    codes = RecoveryCodes.activate(counsellor.user).generate_codes()
    instance = Authenticator.objects.get(user=counsellor.user, type=Authenticator.Type.RECOVERY_CODES)
    stored = raw_data(counsellor.user, "recovery_codes")
    assert crypto.PREFIX in stored
    assert crypto.decrypt(instance.data["seed"]) not in stored
    sign_in(client, counsellor.user.email, TEST_PASSWORD, codes[0])
    assert client.get("/en/staff/cases/").status_code == 200


def test_migration_encrypts_secrets_written_before_it(client, counsellor) -> None:
    Authenticator.objects.filter(user=counsellor.user).delete()
    # As allauth stored them before the adapter: plain text in the JSON column.
    Authenticator.objects.create(user=counsellor.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    Authenticator.objects.create(
        user=counsellor.user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    assert TOTP_SECRET in raw_data(counsellor.user, "totp")

    migration.encrypt_secrets(django_apps, None)
    migration.encrypt_secrets(django_apps, None)  # twice: encrypted values are left alone
    assert TOTP_SECRET not in raw_data(counsellor.user, "totp")
    recovery = raw_data(counsellor.user, "recovery_codes")
    assert "ab" * 40 not in recovery and "12345678" not in recovery
    sign_in(client, counsellor.user.email, TEST_PASSWORD, current_totp(TOTP_SECRET))

    migration.decrypt_secrets(django_apps, None)  # the way back restores what allauth wrote
    assert Authenticator.objects.get(user=counsellor.user, type="totp").data == {"secret": TOTP_SECRET}


def test_key_rotation_re_encrypts_second_factors(client, counsellor, keys) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    Authenticator.objects.filter(user=counsellor.user).delete()
    Authenticator.objects.create(
        user=counsellor.user, type=Authenticator.Type.TOTP, data={"secret": crypto.encrypt(TOTP_SECRET)}
    )
    keys(new, old)
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "1 second factor(s)" in out.getvalue()
    keys(new)  # the old key is gone: the secret still decrypts
    assert crypto.key_id_of(Authenticator.objects.get(user=counsellor.user).data["secret"]) == crypto.current_key_id()
    sign_in(client, counsellor.user.email, TEST_PASSWORD, current_totp(TOTP_SECRET))


# --- The benchmark's baseline ----------------------------------------------------------------------------


def test_bench_client_search_exists_only_in_the_bench_urlconf(client, admin_user, counsellor) -> None:
    found = ClientFactory(centre=counsellor.centre, given_name="Yusuf")
    client.force_login(admin_user.user)
    with override_settings(ROOT_URLCONF="devtools.bench.urls"):
        response = client.get("/bench-admin/counselling/client/", {"q": found.code})
        assert response.status_code == 200
        assert found.code in response.content.decode()
    assert client.get("/bench-admin/counselling/client/", {"q": found.code}, follow=True).status_code == 404
