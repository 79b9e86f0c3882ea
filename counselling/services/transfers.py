"""Transfers of a case to another centre: requested by the case's centre, decided by the receiving manager."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.models import CaseFile, Client, FollowUp, Transfer, TransferStatus
from counselling.services.common import case_event, centre_caseworkers, require_centre, require_open, update_case
from counselling.signals import case_transferred
from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, User


@transaction.atomic(durable=True)
def request_transfer(*, access: Access, actor: User, case: CaseFile, to_centre: Centre, reason: str) -> Transfer:
    """Ask another centre to take over a case. One pending request per case."""
    require_centre(access, case.centre_id)
    require_open(case)
    if to_centre.pk == case.centre_id:
        raise DomainError(_("Choose another centre."), field="to_centre")
    if not to_centre.is_active:
        raise DomainError(_("This centre does not take cases at the moment."), field="to_centre")
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                case=case,
                from_centre_id=case.centre_id,
                to_centre=to_centre,
                reason=reason,
                requested_by=actor,
            )
    except IntegrityError as exc:
        raise DomainError(_("A transfer of this case is already waiting for a decision.")) from exc
    case_event(case, actor, "transfer.requested", to_centre=to_centre.name)
    record_event(
        actor=actor,
        action=CounsellingAudit.TRANSFER_REQUESTED,
        target=transfer,
        centre=case.centre_id,
        details={"to_centre": to_centre.pk},
    )
    return transfer


@transaction.atomic(durable=True)
def decide_transfer(
    *, access: Access, actor: User, transfer: Transfer, accept: bool, note: str = "", counsellor: User | None = None
) -> Transfer:
    """The receiving centre's manager accepts (the case and its client move, history stays) or declines.

    Accepted, the case goes to `counsellor` (one of the receiving centre's caseworkers) or waits unassigned;
    its open follow-ups go with it, to that counsellor or to the accepting manager, since nobody at the
    old centre can open the case any more. Open referrals follow through `case_transferred`."""
    if transfer.to_centre_id not in access.centre_ids(Role.CENTRE_MANAGER):
        raise NotAllowed(_("Only the manager of the receiving centre can decide."))
    with unscoped():
        transfer = Transfer.objects.select_for_update().select_related("case", "to_centre").get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise DomainError(_("This transfer was already decided."))
    if accept and counsellor is not None:
        if counsellor.pk not in {user.pk for user in centre_caseworkers(transfer.to_centre_id)}:
            raise DomainError(_("This person does not work at this case's centre."), field="counsellor")
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    case = transfer.case
    if accept:
        update_case(
            case,
            {
                "centre_id": transfer.to_centre_id,
                "counsellor_id": counsellor.pk if counsellor else None,
                "version": F("version") + 1,
                "updated_at": timezone.now(),
            },
        )
        with unscoped():
            Client.objects.filter(pk=case.client_id).update(centre_id=transfer.to_centre_id)
            FollowUp.objects.filter(case=case, done_at__isnull=True).update(assigned_to=counsellor or actor)
        # Whoever counts cases by centre (the reports) recounts the case's history. Sent inside the transaction,
        # so what a receiver writes (an outbox row) commits or rolls back with the move itself.
        case_transferred.send(sender=Transfer, transfer=transfer, opened_on=case.opened_on, end=timezone.localdate())
    case_event(case, actor, "transfer.accepted" if accept else "transfer.declined", to_centre=transfer.to_centre.name)
    record_event(
        actor=actor,
        action=CounsellingAudit.TRANSFER_DECIDED,
        target=transfer,
        centre=transfer.to_centre_id,
        details={"accepted": accept},
    )
    return transfer
