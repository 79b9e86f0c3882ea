"""Writes of the returnee portal: one function per use case, atomic, audited.

The acting person is always the returnee themselves (`access` without a
membership), except `link_client`, which a counsellor of the client's centre
performs with the code the returnee gave them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.returnees.audit import ReturneesAudit
from cms.returnees.models import ConsentPurpose, ReturneeConsent, ReturneeProfile, SavedOpportunity
from counselling.documents import safe_name, sniff
from counselling.models import Client
from portal.access import CASEWORK_ROLES, Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User

if TYPE_CHECKING:
    from jobfairs.models import JobFair, Vacancy
    from referrals.models import Service

MAX_CV_BYTES = 5 * 1024 * 1024
LINK_CODE_DAYS = 7
CV_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
}
PROFILE_FIELDS = ("skills", "education", "languages", "contact_preference", "sex", "birth_year", "target_group")


def _require_returnee(access: Access) -> None:
    if not access.is_authenticated or access.has_membership:
        raise NotAllowed(_("This page does not exist."))


@dataclass(frozen=True)
class InspectedCV:
    content: bytes
    content_type: str
    name: str


def inspect_cv(upload: UploadedFile[bytes]) -> InspectedCV:
    """Check a CV by its content (never its name) and size; a clear, translated error otherwise.

    Reads at most `MAX_CV_BYTES + 1` bytes and never unpacks the archive of a Word or OpenDocument file.
    """
    if upload.size is not None and upload.size > MAX_CV_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), field="cv")
    content = upload.read(MAX_CV_BYTES + 1)
    if len(content) > MAX_CV_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), field="cv")
    if not content:
        raise DomainError(_("The file is empty."), field="cv")
    # The shared check refuses an archive whose directory promises more than it could ever unpack
    # (a zip bomb), before anything is unpacked.
    content_type = sniff(content, field="cv")
    if content_type not in CV_TYPES:
        raise DomainError(
            _("This type of file is not accepted for a CV. Upload a PDF, Word (.docx) or OpenDocument (.odt) file."),
            field="cv",
        )
    return InspectedCV(
        content=content, content_type=content_type, name=safe_name(upload.name or "cv", CV_TYPES[content_type])
    )


def ensure_profile(*, user: User) -> ReturneeProfile:
    """The returnee's profile, created empty on first use."""
    with unscoped():
        profile, _created = ReturneeProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic(durable=True)
def update_profile(
    *, access: Access, actor: User, full_name: str, cv: UploadedFile[bytes] | None = None, **data: object
) -> ReturneeProfile:
    """Save the profile; a new CV replaces the old one (the old file is removed after commit).

    The CV is checked before anything is written, so a refused file loses nothing already saved.
    """
    _require_returnee(access)
    inspected = inspect_cv(cv) if cv else None
    profile = ensure_profile(user=actor)
    with unscoped():
        profile = ReturneeProfile.objects.select_for_update().get(pk=profile.pk)
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(profile, name, value if value is not None or name == "birth_year" else "")
    changed = ["updated_at", *[name for name in PROFILE_FIELDS if name in data]]
    if inspected is not None:
        old = profile.cv.name if profile.cv else ""
        profile.cv.save("cv", ContentFile(inspected.content), save=False)
        profile.cv_name, profile.cv_content_type = inspected.name, inspected.content_type
        profile.cv_size, profile.cv_uploaded_at = len(inspected.content), timezone.now()
        changed += ["cv", "cv_name", "cv_content_type", "cv_size", "cv_uploaded_at"]
        if old:
            storage = profile.cv.storage
            transaction.on_commit(lambda: storage.delete(old))
    profile.updated_at = timezone.now()
    profile.save(update_fields=changed)
    if full_name != actor.full_name:
        actor.full_name = full_name
        actor.save(update_fields=["full_name"])
    record_event(
        actor=actor,
        action=ReturneesAudit.PROFILE_UPDATED,
        target=profile,
        details={"cv_replaced": inspected is not None},
    )
    return profile


@transaction.atomic(durable=True)
def remove_cv(*, access: Access, actor: User) -> ReturneeProfile:
    """Delete the CV file and its details."""
    _require_returnee(access)
    profile = ensure_profile(user=actor)
    if name := profile.cv.name:
        storage = profile.cv.storage
        transaction.on_commit(lambda: storage.delete(name))
    profile.cv = ""
    profile.cv_name = profile.cv_content_type = ""
    profile.cv_size = profile.cv_uploaded_at = None
    profile.save(update_fields=["cv", "cv_name", "cv_content_type", "cv_size", "cv_uploaded_at"])
    record_event(actor=actor, action=ReturneesAudit.CV_REMOVED, target=profile)
    return profile


@transaction.atomic(durable=True)
def set_consent(*, access: Access, actor: User, purpose: str, give: bool) -> ReturneeConsent | None:
    """Give a consent (a new row, with its time) or withdraw the active one (its withdrawal time is kept).

    "Share my profile with employers" governs: withdrawing it withdraws every consent to share that
    the person gave a job fair (and the one in a client record linked to the account), whether or not
    the profile's own consent was active, so no employer sees them any more. Giving it again shares
    nothing that was withdrawn: the person chooses again fair by fair (the profile page says so).
    """
    from jobfairs.services import withdraw_profile_sharing

    _require_returnee(access)
    if purpose not in ConsentPurpose.values:
        raise NotAllowed(_("This page does not exist."))
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one change of consent at a time per person
    active = ReturneeConsent.objects.visible_to(access).filter(purpose=purpose, withdrawn_at__isnull=True).first()
    if not give and purpose == ConsentPurpose.SHARE_WITH_EMPLOYERS:
        withdraw_profile_sharing(access=access, actor=actor)
    if give:
        if active is not None:
            return active
        consent = ReturneeConsent.objects.create(user=actor, purpose=purpose)
        record_event(actor=actor, action=ReturneesAudit.CONSENT_GIVEN, target=consent, details={"purpose": purpose})
        return consent
    if active is None:
        return None
    active.withdrawn_at = timezone.now()
    active.save(update_fields=["withdrawn_at"])
    record_event(actor=actor, action=ReturneesAudit.CONSENT_WITHDRAWN, target=active, details={"purpose": purpose})
    return active


def _opportunity(kind: str, public_id: UUID | str) -> tuple[str, Service | JobFair | Vacancy]:
    """The public object behind a save button; unpublished or unknown is 404."""
    from jobfairs.models import JobFair, Vacancy
    from referrals.models import Service

    try:
        if kind == "service":
            return "service", Service.objects.get(public_id=public_id, is_published=True, is_active=True)
        if kind == "fair":
            return "fair", JobFair.objects.public().get(public_id=public_id)
        if kind == "vacancy":
            return "vacancy", Vacancy.objects.public().get(public_id=public_id)
    except (Service.DoesNotExist, JobFair.DoesNotExist, Vacancy.DoesNotExist, ValueError) as exc:
        raise NotAllowed(_("This page does not exist.")) from exc
    raise NotAllowed(_("This page does not exist."))


@transaction.atomic(durable=True)
def save_opportunity(*, access: Access, actor: User, kind: str, public_id: UUID | str) -> SavedOpportunity:
    """Keep a service, fair or vacancy on the returnee's list; saving twice keeps one."""
    _require_returnee(access)
    field, target = _opportunity(kind, public_id)
    existing = SavedOpportunity.objects.visible_to(access).filter(**{field: target}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            saved = SavedOpportunity.objects.create(user=actor, **{field: target})
    except IntegrityError:  # a double click: the other request saved it
        return SavedOpportunity.objects.visible_to(access).get(**{field: target})
    record_event(actor=actor, action=ReturneesAudit.OPPORTUNITY_SAVED, target=saved, details={"kind": field})
    return saved


@transaction.atomic(durable=True)
def unsave_opportunity(*, access: Access, actor: User, kind: str, public_id: UUID | str) -> None:
    """Take an opportunity off the list (it need not be public any more)."""
    _require_returnee(access)
    if kind not in ("service", "fair", "vacancy"):
        raise NotAllowed(_("This page does not exist."))
    deleted, _rows = SavedOpportunity.objects.visible_to(access).filter(**{f"{kind}__public_id": public_id}).delete()
    if deleted:
        record_event(actor=actor, action=ReturneesAudit.OPPORTUNITY_UNSAVED, details={"kind": kind})


@transaction.atomic(durable=True)
def issue_link_code(*, access: Access, actor: User) -> ReturneeProfile:
    """A new one-time code (valid 7 days) the returnee gives a counsellor to link their client record."""
    from cms.returnees.models import new_link_code

    _require_returnee(access)
    profile = ensure_profile(user=actor)
    profile.link_code = new_link_code()
    profile.link_code_expires_at = timezone.now() + dt.timedelta(days=LINK_CODE_DAYS)
    profile.save(update_fields=["link_code", "link_code_expires_at"])
    record_event(actor=actor, action=ReturneesAudit.LINK_CODE_ISSUED, target=profile)
    return profile


@transaction.atomic(durable=True)
def link_client(*, access: Access, actor: User, client: Client, code: str) -> Client:
    """A counsellor links a client of their centre to the portal account that shows `code`.

    The code is used up; an account is linked to one client at most, a client to one account.
    """
    if client.centre_id not in access.centre_ids(*CASEWORK_ROLES) or client.anonymised_at is not None:
        raise NotAllowed(_("This page does not exist."))
    with unscoped():
        client = Client.objects.select_for_update().get(pk=client.pk)
        profile = (
            ReturneeProfile.objects.select_for_update()
            .select_related("user")
            .filter(link_code=code, link_code_expires_at__gt=timezone.now())
            .first()
            if code
            else None
        )
        if profile is None:
            raise DomainError(_("This code is not valid or has expired. Ask the person for a new one."), field="code")
        user = profile.user
        if Client.objects.filter(portal_account=user).exclude(pk=client.pk).exists():
            raise DomainError(_("This portal account is already linked to another client record."), field="code")
    if client.portal_account_id not in (None, user.pk):
        raise DomainError(_("This client is already linked to another portal account."), field="code")
    client.portal_account = user
    client.save(update_fields=["portal_account"])
    profile.link_code, profile.link_code_expires_at = "", None
    profile.save(update_fields=["link_code", "link_code_expires_at"])
    record_event(actor=actor, action=ReturneesAudit.CLIENT_LINKED, target=client, centre=client.centre_id)
    return client


@transaction.atomic  # not durable: also part of deleting the account (dataprotection.delete_my_account)
def unlink_client(*, access: Access, actor: User) -> None:
    """The returnee ends the link to their client record; the centre's case stays as it is."""
    _require_returnee(access)
    with unscoped():
        client = Client.objects.select_for_update().filter(portal_account=actor).first()
    if client is None:
        return
    client.portal_account = None
    client.save(update_fields=["portal_account"])
    record_event(actor=actor, action=ReturneesAudit.CLIENT_UNLINKED, target=client, centre=client.centre_id)
