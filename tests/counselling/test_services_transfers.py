"""Transfers of a case to another centre: requested, decided by the receiving manager, history kept; audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from counselling import services
from counselling.models import CaseFile, Session, Transfer, TransferStatus
from counselling.signals import case_transferred
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.counselling.helpers import log


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
    assert_audited(
        "counselling.transfer.requested",
        target=transfer,
        actor=counsellor.user,
        client=case.client,
        centre=case.centre,
        details={"to_centre": centre_b.pk},
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


def test_accepted_transfer_tells_other_apps_in_its_transaction(counsellor, outsider_manager, case, centre_b) -> None:
    """The reports recount a moved case through `case_transferred` (counselling imports no app above it)."""
    received: list[dict] = []

    def receiver(sender, **kwargs) -> None:
        received.append(kwargs)

    case_transferred.connect(receiver, weak=False)
    try:
        manager = get_access(outsider_manager.user)
        for accept in (False, True):
            transfer = services.request_transfer(
                access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="x"
            )
            services.decide_transfer(access=manager, actor=outsider_manager.user, transfer=transfer, accept=accept)
    finally:
        case_transferred.disconnect(receiver)
    # The declined request sent nothing; the accepted one names the days whose counts by centre changed.
    assert [(r["transfer"].pk, r["opened_on"], r["end"]) for r in received] == [
        (transfer.pk, case.opened_on, timezone.localdate())
    ]
    assert_audited("counselling.transfer.decided", target=transfer, centre=centre_b, details={"accepted": True})
    assert_audited("counselling.transfer.decided", actor=outsider_manager.user, details={"accepted": False})


def test_second_pending_transfer_is_refused(counsellor, case, centre_b) -> None:
    access = get_access(counsellor.user)
    services.request_transfer(access=access, actor=counsellor.user, case=case, to_centre=centre_b, reason="a")
    with pytest.raises(DomainError, match="already waiting"):
        services.request_transfer(access=access, actor=counsellor.user, case=case, to_centre=centre_b, reason="b")
    with unscoped():
        assert Transfer.objects.count() == 1
    assert_audited("counselling.transfer.requested", count=1)


def test_transfer_to_own_centre_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="another centre"):
        services.request_transfer(
            access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=case.centre, reason="x"
        )
