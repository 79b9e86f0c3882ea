"""Every counselling service, with its refusals, audit lines and timeline events."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from counselling import services
from counselling.models import (
    CaseEvent,
    CaseFile,
    CaseStatus,
    Client,
    Consent,
    ConsentPurpose,
    Document,
    FollowUp,
    PlanGoal,
    Session,
    Transfer,
    TransferStatus,
)
from portal.access import Role, get_access, unscoped
from portal.errors import DomainError, NotAllowed
from portal.models import AuditEvent
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, OrganizationFactory


def audited(action: str, target) -> bool:
    with unscoped():
        return AuditEvent.objects.filter(action=action, target_id=str(target.public_id)).exists()


def events(case: CaseFile) -> list[str]:
    with unscoped():
        return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def case(counsellor):
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)


def register(persona, **overrides):
    data = {
        "given_name": "Mohamed",
        "family_name": "Benali",
        "name_native": "محمد بن علي",
        "sex": "male",
        "birth_year": 1990,
        "target_group": "returnee_de",
        "phone": "+233241234567",
    }
    data.update(overrides)
    return services.register_client(
        access=get_access(persona.user), actor=persona.user, centre=persona.centre, consent_method="signed", **data
    )


# --- Intake ----------------------------------------------------------------------------


def test_register_client_opens_case_with_consent_code_and_audit(counsellor) -> None:
    case = register(counsellor)
    client = case.client
    assert client.code == f"GH-{counsellor.centre.code}-000001"
    assert case.status == CaseStatus.OPEN
    assert case.counsellor == counsellor.user
    assert services.has_consent(client, ConsentPurpose.COUNSELLING_RECORD)
    assert audited("counselling.client.registered", client)
    assert audited("counselling.case.opened", case)
    assert events(case) == ["case.opened"]
    assert "mhmd" in client.given_keys and "bnl" in client.family_keys


def test_client_codes_count_up_per_centre(counsellor) -> None:
    first = register(counsellor).client
    second = register(counsellor, given_name="Amina", phone="").client
    assert first.code.endswith("000001") and second.code.endswith("000002")


def test_duplicate_client_code_is_refused_and_first_client_kept(counsellor) -> None:
    register(counsellor, code="GH-AAA-000042")
    with pytest.raises(DomainError, match="already in use") as error:
        register(counsellor, given_name="Ama", code="gh-aaa-42")
    assert error.value.field == "code"
    with unscoped():
        assert Client.objects.filter(code="GH-AAA-000042").count() == 1


@pytest.mark.parametrize("code", ["GH-OLD-000042", "RS-BBB-000001", "GH-AAA-", "GH-AAA-0000042", "GH-AAA-000000"])
def test_typed_client_code_outside_the_centre_series_is_refused(counsellor, code) -> None:
    with pytest.raises(DomainError, match="GH-AAA-") as error:
        register(counsellor, code=code)
    assert error.value.field == "code"
    with unscoped():
        assert not Client.objects.exists()


def test_client_code_counter_skips_numbers_already_taken(counsellor, centre_a) -> None:
    register(counsellor, code="GH-AAA-000002")
    register(counsellor, given_name="Ama", phone="", code="GH-AAA-000003")
    with unscoped():
        ClientFactory(centre=centre_a, code="GH-AAA-000001")  # e.g. taken before typed codes were checked
    codes = [register(counsellor, given_name=name, phone="").client.code for name in ("Kofi", "Esi")]
    assert codes == ["GH-AAA-000004", "GH-AAA-000005"]
    centre_a.refresh_from_db()
    assert centre_a.client_counter == 5


def test_client_code_counter_skips_a_long_run_of_taken_numbers(counsellor, centre_a) -> None:
    with unscoped():
        for number in range(1, 46):
            ClientFactory(centre=centre_a, code=f"GH-AAA-{number:06d}")
    assert register(counsellor).client.code == "GH-AAA-000046"


def test_future_date_of_birth_is_refused(counsellor) -> None:
    with pytest.raises(DomainError, match="future"):
        register(counsellor, birth_date=timezone.localdate() + dt.timedelta(days=1), birth_year=None)


def test_outsider_cannot_register_into_another_centre(outsider, centre_a) -> None:
    with pytest.raises(NotAllowed):
        services.register_client(
            access=get_access(outsider.user),
            actor=outsider.user,
            centre=centre_a,
            consent_method="signed",
            given_name="X",
            sex="male",
            target_group="local",
        )


# --- Consent --------------------------------------------------------------------------------


def test_consent_for_partner_needs_the_organisation(counsellor, case) -> None:
    with pytest.raises(DomainError, match="partner organisation"):
        services.record_consent(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            method="signed",
        )


def test_oral_consent_needs_a_witness(counsellor, case) -> None:
    with pytest.raises(DomainError, match="witness"):
        services.record_consent(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
            method="oral_witness",
        )


def test_consent_recorded_then_withdrawn_stops_sharing(counsellor, case, partner_org) -> None:
    access = get_access(counsellor.user)
    consent = services.record_consent(
        access=access,
        actor=counsellor.user,
        client=case.client,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        organisation=partner_org,
        method="signed",
    )
    services.require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, partner_org)
    other = OrganizationFactory(country=partner_org.country)
    with pytest.raises(services.ConsentMissing):  # consent is per named organisation
        services.require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, other)
    services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)
    with pytest.raises(services.ConsentMissing, match="not agreed"):
        services.require_consent(case.client, ConsentPurpose.SHARE_WITH_PARTNER, partner_org)
    assert audited("counselling.consent.withdrawn", consent)
    assert events(case)[-2:] == ["consent.recorded", "consent.withdrawn"]
    with pytest.raises(DomainError, match="already withdrawn"):
        services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)


def test_same_consent_twice_is_refused(counsellor, case) -> None:
    access = get_access(counsellor.user)
    services.record_consent(
        access=access,
        actor=counsellor.user,
        client=case.client,
        purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
        method="signed",
    )
    with pytest.raises(DomainError, match="already recorded"):
        services.record_consent(
            access=access,
            actor=counsellor.user,
            client=case.client,
            purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
            method="digital",
        )


def test_vulnerabilities_need_consent_and_go_when_it_is_withdrawn(counsellor, case) -> None:
    access = get_access(counsellor.user)
    client = case.client
    fields = {"given_name": client.given_name, "sex": client.sex, "target_group": client.target_group}
    with pytest.raises(services.ConsentMissing, match="sensitive"):
        services.update_client(
            access=access, actor=counsellor.user, client=client, vulnerabilities=["psychosocial"], **fields
        )
    consent = services.record_consent(
        access=access, actor=counsellor.user, client=client, purpose=ConsentPurpose.SENSITIVE_DATA, method="signed"
    )
    services.update_client(
        access=access, actor=counsellor.user, client=client, vulnerabilities=["psychosocial"], **fields
    )
    client.refresh_from_db()
    assert client.vulnerabilities == ["psychosocial"]
    services.withdraw_consent(access=access, actor=counsellor.user, consent=consent)
    client.refresh_from_db()
    assert client.vulnerabilities == []


# --- Sessions ---------------------------------------------------------------------------------


def log(persona, case, **overrides):
    data = {
        "held_at": timezone.now() - dt.timedelta(minutes=5),
        "duration_minutes": 40,
        "mode": "in_person",
        "topics": ["labour_market", "psychosocial"],
        "summary": "Talked about work.",
        "confidential_notes": "Client disclosed violence at home.",
    }
    data.update(overrides)
    return services.log_session(access=get_access(persona.user), actor=persona.user, case=case, **data)


def test_log_session_activates_case_adds_follow_up_and_audits(counsellor) -> None:
    case = register(counsellor)
    follow_up_on = timezone.localdate() + dt.timedelta(days=7)
    session = log(counsellor, case, follow_up_on=follow_up_on, next_steps="Send course list")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.last_session_on == timezone.localdate(session.held_at)
    assert case.next_follow_up_on == follow_up_on
    assert case.version == 2
    with unscoped():
        assert FollowUp.objects.get(case=case).title == "Send course list"
    assert audited("counselling.session.logged", session)
    assert events(case) == ["case.opened", "session.logged", "follow_up.added"]


def test_confidential_notes_are_encrypted_at_rest(counsellor, case) -> None:
    session = log(counsellor, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_notes FROM counselling_session WHERE id = %s", [session.pk])
        raw = cursor.fetchone()[0]
    assert "violence" not in raw
    assert raw.startswith("enc:v1:")
    with unscoped():
        assert Session.objects.get(pk=session.pk).confidential_notes == "Client disclosed violence at home."


def test_notes_are_readable_by_author_and_manager_only(counsellor, manager, case, centre_a) -> None:
    from portal.access import Role
    from tests.conftest import _member

    session = log(counsellor, case)
    colleague = _member(Role.COUNSELLOR, centre=centre_a)
    session.case = case
    assert session.notes_visible_to(get_access(counsellor.user))
    assert session.notes_visible_to(get_access(manager.user))
    assert not session.notes_visible_to(get_access(colleague.user))


def test_session_on_closed_case_is_refused_and_nothing_saved(counsellor, case) -> None:
    services.change_case_status(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        status="closed",
        closure_reason="goals_achieved",
        expected_version=case.version,
    )
    with pytest.raises(services.CaseClosed, match="closed"):
        log(counsellor, case)
    with unscoped():
        assert not Session.objects.filter(case=case).exists()


def test_session_in_the_future_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="future"):
        log(counsellor, case, held_at=timezone.now() + dt.timedelta(days=2))


def test_outsider_cannot_log_on_a_case_of_another_centre(outsider, case) -> None:
    with pytest.raises(NotAllowed):
        log(outsider, case)


# --- Status and optimistic locking --------------------------------------------------------------


def test_closing_needs_a_reason(counsellor, case) -> None:
    with pytest.raises(DomainError, match="why"):
        services.change_case_status(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            status="closed",
            expected_version=case.version,
        )


def test_second_editor_with_stale_version_is_told_not_overwritten(counsellor, manager, case) -> None:
    version = case.version
    services.change_case_status(
        access=get_access(manager.user), actor=manager.user, case=case, status="on_hold", expected_version=version
    )
    with pytest.raises(services.StaleVersion, match="Someone else"):
        services.change_case_status(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            status="closed",
            closure_reason="other",
            expected_version=version,
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ON_HOLD


def test_reopening_a_closed_case(counsellor, case) -> None:
    access = get_access(counsellor.user)
    services.change_case_status(
        access=access,
        actor=counsellor.user,
        case=case,
        status="closed",
        closure_reason="unreachable",
        expected_version=case.version,
    )
    case.refresh_from_db()
    services.change_case_status(
        access=access, actor=counsellor.user, case=case, status="active", expected_version=case.version
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.closed_on is None and case.closure_reason == ""


# --- Plan and follow-ups -----------------------------------------------------------------------


def test_goal_added_and_moved(counsellor, case) -> None:
    access = get_access(counsellor.user)
    goal = services.add_goal(access=access, actor=counsellor.user, case=case, title="Finish welding course")
    services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="achieved", expected_version=1)
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.version == 2
    assert events(case) == ["goal.added", "goal.status"]
    with pytest.raises(DomainError):
        services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="nonsense", expected_version=2)


def test_second_change_to_a_goal_from_an_old_page_is_refused(counsellor, case, centre_a) -> None:
    """Two counsellors open the plan; the first moves the goal, the second is told and overwrites nothing."""
    colleague = MembershipFactory(role=Role.COUNSELLOR, centre=centre_a).user
    goal = services.add_goal(access=get_access(counsellor.user), actor=counsellor.user, case=case, title="Find work")
    seen_by_both = goal.version
    theirs = PlanGoal.objects.visible_to(get_access(colleague)).get(pk=goal.pk)  # the colleague's page

    services.set_goal_status(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        goal=goal,
        status="achieved",
        expected_version=seen_by_both,
    )
    with pytest.raises(services.StaleVersion):
        services.set_goal_status(
            access=get_access(colleague), actor=colleague, goal=theirs, status="dropped", expected_version=seen_by_both
        )
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.version == seen_by_both + 1
    assert events(case).count("goal.status") == 1


def test_a_goal_changed_between_read_and_write_is_refused(counsellor, case) -> None:
    """The version is compared in the UPDATE itself: a change that lands after the read still wins alone."""
    access = get_access(counsellor.user)
    goal = services.add_goal(access=access, actor=counsellor.user, case=case, title="Find work")
    PlanGoal.objects.visible_to(access).filter(pk=goal.pk).update(status="in_progress", version=2)  # meanwhile
    with pytest.raises(services.StaleVersion):
        services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="dropped", expected_version=1)
    goal.refresh_from_db()
    assert goal.status == "in_progress"


def test_follow_up_done_updates_next_date(counsellor, case) -> None:
    access = get_access(counsellor.user)
    soon = services.add_follow_up(
        access=access, actor=counsellor.user, case=case, title="Call", due_on=timezone.localdate()
    )
    later = services.add_follow_up(
        access=access,
        actor=counsellor.user,
        case=case,
        title="Visit",
        due_on=timezone.localdate() + dt.timedelta(days=9),
    )
    case.refresh_from_db()
    assert case.next_follow_up_on == soon.due_on
    services.complete_follow_up(access=access, actor=counsellor.user, follow_up=soon)
    services.complete_follow_up(access=access, actor=counsellor.user, follow_up=soon)  # twice: still once
    case.refresh_from_db()
    assert case.next_follow_up_on == later.due_on
    assert events(case).count("follow_up.done") == 1


def test_follow_up_cannot_go_to_someone_outside_the_centre(counsellor, outsider, case) -> None:
    with pytest.raises(DomainError, match="colleague"):
        services.add_follow_up(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            title="x",
            due_on=timezone.localdate(),
            assigned_to=outsider.user,
        )


# --- Documents ------------------------------------------------------------------------------------


def upload(persona, case, name: str, content: bytes, content_type: str = "application/pdf"):
    return services.upload_document(
        access=get_access(persona.user),
        actor=persona.user,
        case=case,
        kind="cv",
        upload=SimpleUploadedFile(name, content, content_type=content_type),
    )


def test_pdf_is_kept_under_a_random_name_and_audited(counsellor, case, settings) -> None:
    document = upload(counsellor, case, "../../etc/CV Ama.pdf", b"%PDF-1.7\n...")
    assert document.original_name == "CV Ama.pdf"
    assert document.content_type == "application/pdf"
    assert "CV" not in document.file.name and document.file.name.startswith("case-documents/")
    assert str(settings.MEDIA_ROOT) in document.file.path
    assert audited("counselling.document.uploaded", document)


def test_disguised_file_is_refused_by_its_content(counsellor, case) -> None:
    with pytest.raises(DomainError, match="not accepted"):
        upload(counsellor, case, "cv.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(DomainError, match="not accepted"):
        upload(counsellor, case, "photo.jpg", b"MZ\x90\x00 windows executable")
    with unscoped():
        assert not Document.objects.exists()


def test_oversized_file_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="10 MB"):
        upload(counsellor, case, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))


def test_image_is_reencoded_without_metadata(counsellor, case) -> None:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"SecretCameraMaker" in buffer.getvalue()
    document = upload(counsellor, case, "id.jpg", buffer.getvalue(), "image/jpeg")
    stored = document.file.open("rb").read()
    document.file.close()
    assert b"SecretCameraMaker" not in stored
    assert Image.open(io.BytesIO(stored)).size == (20, 20)


def test_broken_image_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="damaged"):
        upload(counsellor, case, "id.png", b"\x89PNG\r\n\x1a\n" + b"not really", "image/png")


# --- Transfers -------------------------------------------------------------------------------------


def test_transfer_accepted_by_receiving_manager_moves_case_and_keeps_history(
    counsellor, outsider, outsider_manager, case, centre_b
) -> None:
    log(counsellor, case)
    transfer = services.request_transfer(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        to_centre=centre_b,
        reason="Client moved to Belgrade",
    )
    with pytest.raises(NotAllowed):  # the sending side cannot accept its own request
        services.decide_transfer(
            access=get_access(counsellor.user), actor=counsellor.user, transfer=transfer, accept=True
        )
    services.decide_transfer(
        access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=True
    )
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert case.centre == centre_b
    assert CaseFile.objects.visible_to(outsider.user).filter(pk=case.pk).exists()
    assert not CaseFile.objects.visible_to(counsellor.user).filter(pk=case.pk).exists()
    assert Session.objects.visible_to(outsider.user).filter(case=case).count() == 1  # history came along
    with pytest.raises(DomainError, match="already decided"):
        services.decide_transfer(
            access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=False
        )


def test_second_pending_transfer_is_refused(counsellor, case, centre_b) -> None:
    access = get_access(counsellor.user)
    services.request_transfer(access=access, actor=counsellor.user, case=case, to_centre=centre_b, reason="a")
    with pytest.raises(DomainError, match="already waiting"):
        services.request_transfer(access=access, actor=counsellor.user, case=case, to_centre=centre_b, reason="b")
    with unscoped():
        assert Transfer.objects.count() == 1


def test_transfer_to_own_centre_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="another centre"):
        services.request_transfer(
            access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=case.centre, reason="x"
        )


# --- Group sessions ---------------------------------------------------------------------------------


def test_group_session_breakdowns_must_add_up(counsellor) -> None:
    access = get_access(counsellor.user)
    kwargs = {
        "access": access,
        "actor": counsellor.user,
        "centre": counsellor.centre,
        "title": "Safe migration",
        "held_on": timezone.localdate(),
        "topics": ["regular_migration"],
        "participants": 10,
    }
    session = services.record_group_session(
        **kwargs, by_sex={"female": 6, "male": 4}, by_age_band={"18_24": 10}, by_target_group={}
    )
    assert session.by_sex == {"female": 6, "male": 4}
    with pytest.raises(DomainError, match="add up to 9"):
        services.record_group_session(**kwargs, by_sex={"female": 5, "male": 4}, by_age_band={}, by_target_group={})
    with pytest.raises(DomainError, match="not valid"):
        services.record_group_session(**kwargs, by_sex={"robot": 10}, by_age_band={}, by_target_group={})


def test_active_consent_is_unique_in_the_database(counsellor, case) -> None:
    from django.db import IntegrityError, transaction

    Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=counsellor.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=counsellor.user)
