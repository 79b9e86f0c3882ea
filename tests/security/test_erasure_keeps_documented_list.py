"""Issue #15, finding 15: erasure kept more than SECURITY.md says (nationality, education, languages,
preferred channel).

The attack on data minimisation, replayed through the views: a centre manager erases a client on request
(data-subject screen, password again, reason, code typed again). Afterwards the client record still held
the person's nationality, education, languages and preferred channel, though SECURITY.md promises that only
the centre, sex, year of birth, target group, dates, statuses and counts stay.

Now erasure keeps exactly `counselling.dataprotection.ERASURE_KEEPS`. This test fills every field of every kind
of row the record of processing declares as data about clients, erases through HTTP, and checks field by
field: a field erasure does not keep is blank afterwards, a kept field still holds its value. A new field
on any of these models fails the test until someone decides (erase it, or keep it on purpose and say so in
SECURITY.md), and every field kept of the client record must be named in SECURITY.md.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from counselling import services
from counselling.dataprotection import CASE_EVENT_PARAMS_KEPT, ERASURE_DELETES, ERASURE_KEEPS, REDACTED
from counselling.models import (
    AppointmentRequest,
    CaseEvent,
    Client,
    Consent,
    FollowUp,
    GroupSession,
    PlanGoal,
    SessionRevision,
    Transfer,
)
from portal.access import get_access, unscoped
from portal.dataprotection import CLIENTS, record_of_processing
from referrals.models import Referral, ReferralEvent
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, SessionFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory
from tests.referrals.factories import ServiceFactory

SECURITY_MD = Path(__file__).resolve().parents[2] / "SECURITY.md"
BLANK = (None, "", [], {}, False, REDACTED)


def _client_models() -> dict[str, tuple[type[models.Model], str | None]]:
    """Every kind of row the record of processing declares as data about clients, with its client path."""
    return {
        activity.label: (apps.get_model(activity.label), activity.processing.client)
        for activity in record_of_processing()
        if CLIENTS in activity.processing.data_subjects and activity.label != "portal.auditevent"
    }


def _rows_about(model: type[models.Model], path: str | None, client: Client) -> list[models.Model]:
    with unscoped():
        if path is None:  # group sessions: many participants, no single client
            return list(model._base_manager.filter(clients=client))
        lookup = path.replace(".", "__")
        return list(model._base_manager.filter(**{lookup: client.pk}).order_by("pk"))


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def _value(row: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        return list(getattr(row, field.name).all())
    return getattr(row, field.attname)


@pytest.fixture
def everything(counsellor, manager, outsider_manager, partner_org, employer_org):
    """One client with a row of every kind the portal holds about clients, every field filled."""
    amina = ClientFactory(
        centre=counsellor.centre,
        given_name="Amina",
        family_name="Haddad",
        name_native="أمينة حداد",
        name_transliterated="Amena Hadad",
        birth_date=dt.date(1990, 5, 17),
        birth_year=None,  # only the date was recorded: the year must survive erasure anyway
        phone="+233241234567",
        phone_alt="+233201234567",
        email="amina@example.org",
        preferred_channel="whatsapp",
        nationality="SY",
        current_location="Accra, Nima",
        education="tertiary",
        occupation="Welder",
        skills="Welding, Arabic",
        languages=["ar", "en"],
        vulnerabilities=["gbv"],
        portal_account=UserFactory(),
    )
    case = CaseFactory(client=amina, counsellor=counsellor.user, next_follow_up_on=dt.date.today())
    session = SessionFactory(
        case=case,
        counsellor=counsellor.user,
        summary="Talked about her brother in Libya",
        confidential_notes="Fears for her safety",
        next_steps="Call the shelter",
        language="ar",
        interpreter=True,
        corrected_at=timezone.now(),
    )
    SessionRevision.objects.create(
        session=session,
        version=1,
        edited_by=counsellor.user,
        reason="Her brother is in Tripoli, not Benghazi",
        changed=["summary"],
        previous='{"summary": "Talked about her brother in Benghazi"}',
    )
    PlanGoal.objects.create(case=case, title="Welding certificate", due_on=dt.date.today())
    FollowUp.objects.create(
        case=case, title="Call Amina", due_on=dt.date.today(), assigned_to=counsellor.user, created_by=counsellor.user
    )
    Transfer.objects.create(
        case=case,
        from_centre=counsellor.centre,
        to_centre=outsider_manager.centre,
        reason="She moves to her sister in Belgrade",
        status="declined",
        requested_by=counsellor.user,
        decided_by=outsider_manager.user,
        decided_at=timezone.now(),
        decision_note="No welding course here for Amina",
    )
    Consent.objects.create(
        client=amina, purpose="follow_up", method="oral_witness", witness="Kofi Boateng", recorded_by=counsellor.user
    )
    Consent.objects.create(
        client=amina, purpose="share_partner", organisation=partner_org, method="signed", recorded_by=counsellor.user
    )
    CaseEvent.objects.create(
        case=case, actor=counsellor.user, kind="goal.added", params={"title": "Welding", "status": "planned"}
    )
    services.upload_document(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        kind="cv",
        upload=SimpleUploadedFile("amina-cv.pdf", b"%PDF-1.4 Amina Haddad", content_type="application/pdf"),
    )
    referral = Referral.objects.create(
        case=case,
        centre=counsellor.centre,
        service=ServiceFactory(organization=partner_org),
        organization=partner_org,
        created_by=counsellor.user,
        reason="Survivor of violence, needs a safe training place",
        decline_reason="Amina is too young for this course",
        status="declined",
        shared_fields=["name"],
        due_on=dt.date.today(),
        sent_at=timezone.now(),
        closed_at=timezone.now(),
        enrolled_on=dt.date.today(),
        completed_on=dt.date.today(),
        certificate_number="AMINA-HADDAD-001",
        certificate_url="https://badges.example.org/amina-haddad",
    )
    ReferralEvent.objects.create(
        referral=referral, channel="partner_link", from_status="sent", to_status="declined", note="Call Amina back"
    )
    AppointmentRequest.objects.create(
        centre=counsellor.centre,
        user=amina.portal_account,
        name="Amina H.",
        contact="+233241234567",
        preferred_channel="phone",
        topic="psychosocial",
        message="I need help after what happened",
        consent_given_at=timezone.now(),
        status="closed",
        closed_reason="Amina became a client",
        handled_by=counsellor.user,
        client=amina,
    )
    group = GroupSession.objects.create(
        centre=counsellor.centre,
        title="Information session on work in Germany",
        held_on=dt.date.today(),
        topics=["regular_migration"],
        facilitator=counsellor.user,
        participants=1,
        by_sex={"female": 1},
        by_age_band={"35_49": 1},
        by_target_group={"returnee_de": 1},
    )
    group.clients.add(amina)
    fair = FairFactory(country=counsellor.centre.country, centres=[counsellor.centre])
    registration = RegistrationFactory(
        fair=fair,
        user=None,
        client=amina,
        registered_by=counsellor.user,
        answers={"trade": "welding"},
        declared_sex="female",
        declared_age_band="35_49",
        declared_target_group="returnee_de",
    )
    from jobfairs.models import Booking

    Booking.objects.create(
        slot=SlotFactory(booth=BoothFactory(fair=fair, employer=employer_org)), registration=registration
    )
    return amina


def _erase_through_the_screen(browser, manager, client: Client) -> None:
    url = reverse("counselling:dsr-erase", kwargs={"public_id": client.public_id})
    browser.force_login(manager.user)
    response = browser.get(url)
    browser.post(response["Location"], {"password": TEST_PASSWORD})
    response = browser.post(url, {"reason": "erasure_request", "confirm": client.code})
    assert response.status_code == 302


def test_erasure_blanks_every_field_it_does_not_keep_and_keeps_the_documented_ones(client, manager, everything) -> None:
    client_models = _client_models()
    undecided = sorted(set(client_models) - set(ERASURE_KEEPS) - ERASURE_DELETES)
    assert not undecided, f"data about clients with no erasure decision: {undecided}"

    before: dict[str, list[dict[str, Any]]] = {}
    unfilled = []
    for label, (model, path) in client_models.items():
        rows = _rows_about(model, path, everything)
        assert rows, f"the fixture holds no {label} row: add one"
        before[label] = [{f.name: _value(row, f) for f in _fields(model)} for row in rows]
        keeps = ERASURE_KEEPS.get(label, frozenset())
        for field in _fields(model):
            if field.name not in keeps and all(values[field.name] in BLANK for values in before[label]):
                unfilled.append(f"{label}.{field.name}")
    assert not unfilled, f"fill these fields in the fixture, so the test sees them erased: {unfilled}"

    _erase_through_the_screen(client, manager, everything)

    left, lost = [], []
    for label, (model, path) in client_models.items():
        rows = _rows_about(model, path, everything)
        if label in ERASURE_DELETES:
            assert not rows, f"{label} rows survive erasure"
            continue
        keeps = ERASURE_KEEPS[label]
        for row, old in zip(rows, before[label], strict=True):
            for field in _fields(model):
                value = _value(row, field)
                if label == "counselling.caseevent" and field.name == "params":
                    if set(value) - set(CASE_EVENT_PARAMS_KEPT):
                        left.append(f"{label}.params: {sorted(set(value) - set(CASE_EVENT_PARAMS_KEPT))}")
                elif field.name not in keeps and value not in BLANK:
                    left.append(f"{label}.{field.name} = {value!r}")
                elif field.name in keeps and old[field.name] not in BLANK and value in BLANK:
                    lost.append(f"{label}.{field.name}")
    assert not left, "erasure left personal data it does not declare as kept:\n" + "\n".join(left)
    assert not lost, f"erasure blanked fields it declares as kept: {lost}"
    with unscoped():
        erased = Client.objects.get(pk=everything.pk)
    # What the statistics need, and nothing else of the person.
    assert (erased.sex, erased.birth_year, erased.target_group, erased.centre_id) == (
        "female",
        1990,
        "returnee_de",
        everything.centre_id,
    )
    assert (erased.nationality, erased.education, erased.languages, erased.preferred_channel) == ("", "", [], "")
    # Sharing ended with the person: the partner and employers see nothing any more.
    with unscoped():
        assert not Consent.objects.filter(client=everything, withdrawn_at__isnull=True).exists()


def _security_md_line(starts: str) -> str:
    """One bullet of SECURITY.md's "Retention and erasure" section, lower-cased, on one line."""
    text = SECURITY_MD.read_text()
    section = re.search(r"^## Retention and erasure\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert section, "SECURITY.md has no 'Retention and erasure' section"
    bullet = re.search(rf"^- {re.escape(starts)}(.*?)(?=^- |^$)", section.group(1), flags=re.S | re.M)
    assert bullet, f"SECURITY.md's erasure section has no bullet '- {starts}'"
    return " ".join(bullet.group(1).split()).lower()


def test_security_md_lists_exactly_what_erasure_keeps_of_the_client_record() -> None:
    kept, removed = _security_md_line("Kept of the client record:"), _security_md_line("Removed:")
    for field in Client._meta.concrete_fields:
        if not field.editable or field.name == "id":
            continue  # internal keys
        name = str(field.verbose_name).lower()
        if field.name in ERASURE_KEEPS["counselling.client"]:
            assert name in kept, f"SECURITY.md does not say that erasure keeps the {name}"
        else:
            assert name in removed, f"SECURITY.md does not say that erasure removes the {name}"
