"""Claims of SECURITY.md, outside its ASVS table, that no other test proved: each replayed through HTTP.

SECURITY.md cites every test here next to the sentence it proves (tests/security/test_security_md_claims.py
fails when a cited test is gone): what each role sees and never sees, how files leave the portal, that no
page loads anything from another site, the sign-up rate limit, the audit of signing out and of employers'
candidate lists, the data-subject search, that the superuser flag still demands a second factor, and the
production settings behind "no Gravatar, no update check" and "security keys need HTTPS".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse

from counselling.models import Consent, Document
from portal.access import unscoped
from portal.audit import CLIENT_KEY
from portal.models import AuditEvent, User
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory
from tests.referrals.factories import ServiceFactory

SANDBOX = "sandbox; default-src 'none'"


def _cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _is_a_sandboxed_private_attachment(response) -> bool:
    return (
        response["Content-Disposition"].startswith("attachment")
        and response["X-Content-Type-Options"] == "nosniff"
        and response["Content-Security-Policy"] == SANDBOX
        and {"private", "no-store"} <= _cache_directives(response)
    )


# --- Files -------------------------------------------------------------------------------------------------


def test_case_documents_and_cvs_leave_only_as_sandboxed_private_attachments(client, counsellor, returnee) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    client.force_login(counsellor.user)
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 a letter", content_type="application/pdf")
    response = client.post(
        reverse("counselling:document-create", kwargs={"public_id": case.public_id}), {"kind": "cv", "upload": upload}
    )
    assert response.status_code == 302
    document = Document.objects.visible_to(counsellor.user).get(case=case)
    response = client.get(reverse("counselling:document-download", kwargs={"public_id": document.public_id}))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _is_a_sandboxed_private_attachment(response)

    from cms.returnees.models import ReturneeProfile

    with unscoped():
        profile, _created = ReturneeProfile.objects.get_or_create(user=returnee.user)
    profile.cv.save("cv", ContentFile(b"%PDF-1.4 my cv"), save=False)
    profile.cv_name, profile.cv_content_type = "cv.pdf", "application/pdf"
    profile.save()
    client.force_login(returnee.user)
    response = client.get(reverse("returnees:cv-download"))
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _is_a_sandboxed_private_attachment(response)


# --- Third parties ------------------------------------------------------------------------------------------


def test_no_page_lets_the_browser_load_anything_from_another_site(client, counsellor, editor) -> None:
    """Every source in every directive of every page's CSP is the portal itself (or inline data)."""
    from cms.services import sync_editor_group

    sync_editor_group(user=editor.user)
    pages = [client.get("/en/"), client.get(reverse("account_login"))]
    client.force_login(counsellor.user)
    pages.append(client.get(reverse("portal:staff-home")))
    client.force_login(editor.user)
    pages.append(client.get("/cms-admin/"))
    allowed = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        for directive in response["Content-Security-Policy"].split(";"):
            name, *sources = directive.split()
            foreign = [s for s in sources if s not in allowed and not s.startswith("'nonce-")]
            assert not foreign, (response.request["PATH_INFO"], name, foreign)


# --- What each role sees -----------------------------------------------------------------------------------


def test_partner_never_opens_a_draft_sent_to_its_organisation(client, counsellor, partner, partner_org) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Amina"))
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    client.force_login(counsellor.user)
    response = client.post(
        reverse("referrals:referral-create", kwargs={"public_id": case.public_id}),
        {
            "service": ServiceFactory(organization=partner_org).pk,
            "reason": "Wants a welding course",
            "urgency": "routine",
            "shared_fields": ["name"],
            "save_as_draft": "on",
        },
    )
    assert response.status_code == 302
    from referrals.models import Referral

    with unscoped():
        draft = Referral.objects.get(case=case)
    assert draft.status == "draft"

    inbox = Browser()  # the partner's own browser: the counsellor's "saved" notice stays in theirs
    inbox.force_login(partner.user)
    assert inbox.get(reverse("referrals:partner-referral", kwargs={"public_id": draft.public_id})).status_code == 404
    assert draft.code not in inbox.get(reverse("referrals:partner-inbox")).content.decode()


def test_coordinator_sees_the_countrys_fair_registrations_and_audit_log_and_no_case(
    client, coordinator, counsellor, outsider, centre_a, centre_b
) -> None:
    here = FairFactory(country=centre_a.country, centres=[centre_a])
    RegistrationFactory(fair=here, user=UserFactory(full_name="Esi Registrant"))
    there = FairFactory(country=centre_b.country, centres=[centre_b])
    RegistrationFactory(fair=there, user=UserFactory(full_name="Milan Registrant"))
    ours = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    theirs = CaseFactory(client=ClientFactory(centre=outsider.centre))
    for persona, case in ((counsellor, ours), (outsider, theirs)):
        client.force_login(persona.user)
        assert client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).status_code == 200

    client.force_login(coordinator.user)
    page = client.get(reverse("jobfairs:fair-manage", kwargs={"public_id": here.public_id}))
    assert page.status_code == 200 and "Esi Registrant" in page.content.decode()
    assert client.get(reverse("jobfairs:fair-manage", kwargs={"public_id": there.public_id})).status_code == 404
    log = reverse("portal:audit-log")
    assert client.get(log, {"client_code": ours.client.code}).context["page"].paginator.count >= 1
    assert client.get(log, {"client_code": theirs.client.code}).context["page"].paginator.count == 0
    # The case itself stays closed, in their own country too.
    assert client.get(reverse("counselling:case-detail", kwargs={"public_id": ours.public_id})).status_code == 404
    assert client.get(reverse("counselling:case-list")).status_code == 404


def test_administrator_sees_every_team_and_no_case_audit_line_or_page_editor(
    client, admin_user, counsellor, outsider
) -> None:
    client.force_login(admin_user.user)
    team = client.get(reverse("portal:staff-list")).content.decode()
    assert counsellor.user.email in team and outsider.user.email in team  # every centre, every country
    for name in ("counselling:case-list", "portal:audit-log", "counselling:dsr-search", "referrals:board"):
        assert client.get(reverse(name)).status_code == 404, name
    response = client.get("/cms-admin/")
    assert response.status_code == 302  # no Wagtail permission: sent to the (portal's) login


def test_editor_edits_pages_and_reaches_no_account_or_personal_data(client, editor, counsellor) -> None:
    from cms.services import sync_editor_group

    sync_editor_group(user=editor.user)
    client.force_login(editor.user)
    home = client.get("/cms-admin/")
    assert home.status_code == 200
    assert "gravatar" not in home.content.decode().lower()  # no address hash leaves for a third party
    users = client.get("/cms-admin/users/")
    assert users.status_code != 200 and counsellor.user.email not in users.content.decode()
    for name in ("counselling:case-list", "portal:audit-log", "counselling:dsr-search", "portal:staff-list"):
        assert client.get(reverse(name)).status_code == 404, name


def test_employer_candidate_list_writes_one_read_line_per_candidate(
    client, employer, employer_org, counsellor, centre_a
) -> None:
    fair = FairFactory(country=centre_a.country, centres=[centre_a])
    booth = BoothFactory(fair=fair, employer=employer_org)
    RegistrationFactory(fair=fair, user=UserFactory(full_name="Kofi Candidate"))
    person = ClientFactory(centre=counsellor.centre, given_name="Efua", family_name="Client")
    Consent.objects.create(client=person, purpose="share_employers", method="signed", recorded_by=counsellor.user)
    RegistrationFactory(fair=fair, user=None, client=person)

    client.force_login(employer.user)
    page = client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}))
    assert page.status_code == 200
    assert "Kofi Candidate" in page.content.decode() and "Efua" in page.content.decode()
    with unscoped():
        lines = list(AuditEvent.objects.filter(action="jobfairs.candidate.viewed", actor=employer.user))
    assert len(lines) == 2
    assert sorted((line.details or {}).get(CLIENT_KEY) or 0 for line in lines) == [0, person.pk]


def test_data_subject_search_finds_the_person_by_code_and_by_phone(client, dpo, centre_a) -> None:
    person = ClientFactory(centre=centre_a, given_name="Abena", phone="+233241234567")
    ClientFactory(centre=centre_a, given_name="Other", phone="+233209999999")
    client.force_login(dpo.user)
    search = reverse("counselling:dsr-search")
    for typed in (person.code.lower(), "024 123 4567"):
        assert [c.pk for c in client.get(search, {"q": typed}).context["clients"]] == [person.pk], typed


# --- Sign-in -----------------------------------------------------------------------------------------------


def test_sign_up_is_rate_limited_per_address(client, db) -> None:
    """allauth's sign-up limit: 20 a minute from one IP address; the 21st is refused and makes no account."""
    answers = [
        client.post(
            reverse("account_signup"),
            {"email": f"person{n}@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        ).status_code
        for n in range(21)
    ]
    assert answers == [302] * 20 + [429]
    assert not User.objects.filter(email="person20@example.org").exists()


def test_signing_out_writes_an_audit_line_naming_the_account(client, returnee) -> None:
    login = {"login": returnee.user.email, "password": TEST_PASSWORD}
    assert client.post(reverse("account_login"), login).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    with unscoped():
        (line,) = AuditEvent.objects.filter(action="portal.user.logged_out")
    assert line.actor_id == returnee.user.pk and line.target_id == str(returnee.user.public_id)


# --- Second factors and settings ---------------------------------------------------------------------------


def test_the_superuser_flag_grants_nothing_but_still_demands_a_second_factor(client, db) -> None:
    client.force_login(User.objects.create_superuser(email="root@example.org", password=TEST_PASSWORD))
    for url in (reverse("portal:me"), reverse("portal:staff-home"), "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url


PRODUCTION_SETTINGS = (
    "WAGTAIL_GRAVATAR_PROVIDER_URL",
    "WAGTAIL_ENABLE_UPDATE_CHECK",
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN",
    "MFA_PASSKEY_LOGIN_ENABLED",
)


def test_production_calls_no_third_party_and_keys_need_https(tmp_path: Path) -> None:
    """portal/settings.py as production loads it (a child process: the test run has DEBUG and HTTPS off)."""
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
        f"print(json.dumps({{name: getattr(s, name) for name in {list(PRODUCTION_SETTINGS)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    production = json.loads(result.stdout.strip().splitlines()[-1])
    assert production == dict.fromkeys(PRODUCTION_SETTINGS, False) | {"WAGTAIL_GRAVATAR_PROVIDER_URL": None}
