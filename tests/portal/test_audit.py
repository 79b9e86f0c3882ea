"""The audit log is append-only, and record_event fills it as services expect."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from portal.access import unscoped
from portal.audit import record_event, record_reads, reset_request_ip, set_request_ip
from portal.models import AuditEvent


@pytest.fixture
def event(counsellor):
    return record_event(actor=counsellor.user, action="counselling.case.viewed", target=counsellor.membership)


def test_record_event_stores_actor_target_centre_and_ip(counsellor) -> None:
    token = set_request_ip("203.0.113.7")
    try:
        event = record_event(
            actor=counsellor.user, action="portal.user.language_changed", target=counsellor.membership, details={"n": 1}
        )
    finally:
        reset_request_ip(token)
    with unscoped():
        stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == counsellor.user.pk
    assert stored.action == "portal.user.language_changed"
    assert stored.target_type == "portal.membership"
    assert stored.target_id == str(counsellor.membership.public_id)  # a public id where the row has one
    assert stored.centre_id == counsellor.centre.pk
    assert stored.ip_address == "203.0.113.7"
    assert stored.details == {"n": 1}


def test_orm_refuses_to_change_or_delete_an_event(event) -> None:
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditevent SET action = 'tampered'",
        "DELETE FROM portal_auditevent",
    ],
)
def test_database_refuses_update_and_delete_even_in_raw_sql(event, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with unscoped():
        assert AuditEvent.objects.get(pk=event.pk).action == "counselling.case.viewed"


def test_queryset_update_and_delete_are_refused_by_the_database(event) -> None:
    with unscoped():
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk, action="counselling.case.viewed").exists()


def test_login_is_audited(client, returnee) -> None:
    from tests.factories import TEST_PASSWORD

    client.post("/en/accounts/login/", {"login": returnee.user.email, "password": TEST_PASSWORD})
    with unscoped():
        assert AuditEvent.objects.filter(action="portal.user.logged_in", actor=returnee.user).exists()


def test_failed_login_is_audited_without_the_address(client, counsellor) -> None:
    client.post("/en/accounts/login/", {"login": counsellor.user.email, "password": "wrong-password-1"})
    with unscoped():
        event = AuditEvent.objects.get(action="portal.user.login_failed")
    assert counsellor.user.email not in str(event.details)
    assert event.actor_id is None


# --- Every line about a client names the client -----------------------------------------------


def test_lines_about_what_hangs_on_a_client_name_the_client_and_its_centre(counsellor, django_assert_num_queries):
    from tests.factories import CaseFactory, ClientFactory, SessionFactory
    from tests.jobfairs.factories import FairFactory, RegistrationFactory

    client = ClientFactory(centre=counsellor.centre)
    case = CaseFactory(client=client)
    session = SessionFactory(case=case, counsellor=counsellor.user)
    registration = RegistrationFactory(fair=FairFactory(), user=None, client=client)
    session.case = case  # as a service holds it: naming the client costs no query
    with django_assert_num_queries(1):
        on_session = record_event(actor=counsellor.user, action="counselling.session.logged", target=session)
    on_registration = record_event(actor=counsellor.user, action="jobfairs.registration.joined", target=registration)
    on_client = record_event(actor=counsellor.user, action="counselling.client.viewed", target=client)
    for event in (on_session, on_registration, on_client):
        assert event.details["client"] == client.pk
        # The registration has no centre of its own: the line goes to the client's centre's log.
        assert event.centre_id == counsellor.centre.pk


def test_lines_about_no_client_name_none(counsellor) -> None:
    event = record_event(actor=counsellor.user, action="portal.user.language_changed", target=counsellor.user)
    assert "client" not in event.details
    named = record_event(actor=counsellor.user, action="portal.user.language_changed", client=42, details={"n": 1})
    assert named.details == {"n": 1, "client": 42}


# --- Action codes come from one registry ---------------------------------------------------------------

PRODUCT = ("portal", "counselling", "referrals", "jobfairs", "reports", "cms")
ROOT = Path(__file__).resolve().parents[2]


def test_record_event_and_record_reads_refuse_an_unregistered_code(counsellor) -> None:
    with pytest.raises(ValueError, match=r"unregistered audit action 'counselling\.case\.peeked'"):
        record_event(actor=counsellor.user, action="counselling.case.peeked", target=counsellor.membership)
    request = RequestFactory().get("/")
    request.user = counsellor.user
    with pytest.raises(ValueError, match="unregistered audit action"):
        record_reads(request, [counsellor.membership], action="jobfairs.candidate.peeked")
    with unscoped():
        assert not AuditEvent.objects.filter(action__endswith=".peeked").exists()


def test_a_code_declared_by_two_classes_is_refused() -> None:
    from portal.audit import PortalAudit, register_actions

    class Copy(models.TextChoices):
        SIGNED_IN = "portal.user.logged_in", "Signed in again"

    register_actions(PortalAudit)  # the same class again: harmless
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        register_actions(Copy)


def _audit_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("record_event", "record_read", "record_reads"):
                calls.append(node)
    return calls


def _literals(expr: ast.expr) -> list[str]:
    if isinstance(expr, ast.IfExp):
        return _literals(expr.body) + _literals(expr.orelse)
    if isinstance(expr, ast.Constant | ast.JoinedStr):
        return [ast.unparse(expr)]
    return []


def test_product_code_names_audit_actions_by_their_registered_members() -> None:
    """No call passes a string literal or an f-string as the action: every code is a member of its app's
    registered TextChoices (`<app>/audit.py`), so the audit search can label it and nothing goes unlisted."""
    found = []
    calls = 0
    for app in PRODUCT:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for call in _audit_calls(ast.parse(path.read_text(encoding="utf-8"))):
                calls += 1
                for keyword in call.keywords:
                    if keyword.arg == "action":
                        found += [
                            f"{path.relative_to(ROOT)}:{call.lineno}: {code}" for code in _literals(keyword.value)
                        ]
    assert calls >= 100, f"found only {calls} audit calls: is the scan still finding them?"
    assert not found, "audit actions written as literals (use the app's audit.py members):\n" + "\n".join(found)


def test_the_audit_page_shows_translated_labels_and_offers_the_registered_codes(client, manager, counsellor) -> None:
    from tests.factories import CaseFactory, ClientFactory

    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    record_event(actor=counsellor.user, action="counselling.case.viewed", target=case)
    with unscoped():  # a line of an older version whose code is no longer registered
        AuditEvent.objects.create(action="counselling.case.peeked", centre=counsellor.centre, target_type="x")
    client.force_login(manager.user)
    with translation.override("de"):
        url = reverse("portal:audit-log")
    html = client.get(url).content.decode()
    assert "Fallakte angesehen" in html and "<code>counselling.case.viewed</code>" in html
    assert "<code>counselling.case.peeked</code>" in html  # shown as its code
    assert '<option value="counselling.session.logged">Gespräch erfasst</option>' in html
    assert client.get(url, {"action": "counselling.case"}).context["page"].paginator.count == 2
