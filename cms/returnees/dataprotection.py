"""The returnee's own data: download all of it (JSON and a readable PDF), delete the account, and the
returnee models' lines of the record of processing (registered in ReturneesConfig.ready).

Deleting the account erases the personal portal data (profile, CV file,
consents, saved opportunities, contact details, sign-in methods, the
personal fields of appointment requests) and cancels future fair
registrations and bookings. What a centre holds in its case file (the
client record, sessions, referrals) is the centre's, kept and anonymised by
its retention rules; only the link to this account goes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cms.returnees import selectors
from cms.returnees.audit import ReturneesAudit
from cms.returnees.models import ReturneeConsent, ReturneeProfile, SavedOpportunity
from cms.returnees.services import _require_returnee
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.dataprotection import CONSENT, CONTRACT, LEGAL_OBLIGATION, RETURNEES, Processing
from portal.models import User
from portal.pdf import language_context, write_pdf

REDACTED = "—"

DECLARATIONS: dict[str, Processing] = {
    "returnees.returneeprofile": Processing(
        purpose=_("The returnee's own profile and CV, used when they apply or ask for counselling"),
        legal_basis=CONSENT,
        data_subjects=(RETURNEES,),
        recipients=(_("an employer, only when the returnee applies or agrees to share"),),
        retention=_("until the returnee deletes it or their account"),
    ),
    "returnees.returneeconsent": Processing(
        purpose=_("Proving the returnee's consents and their withdrawal"),
        legal_basis=LEGAL_OBLIGATION,
        data_subjects=(RETURNEES,),
        retention=_("until the returnee deletes their account"),
    ),
    "returnees.savedopportunity": Processing(
        purpose=_("Trainings, fairs and vacancies the returnee keeps for later"),
        legal_basis=CONTRACT,
        data_subjects=(RETURNEES,),
        retention=_("until the returnee removes it or deletes their account"),
    ),
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _saved_entry(saved: SavedOpportunity) -> dict[str, Any]:
    if saved.service_id:
        title, detail = saved.service.name, saved.service.organization.name
    elif saved.fair_id:
        title, detail = saved.fair.localized_title, saved.fair.country.name
    else:
        title, detail = saved.vacancy.title, saved.vacancy.employer.name
    return {"kind": saved.kind, "title": title, "by": str(detail), "saved_at": _iso(saved.created_at)}


def collect_my_data(*, access: Access, user: User) -> dict[str, Any]:
    """Everything the portal holds about the signed-in returnee, as plain data (no audit: see export_my_data)."""
    from jobfairs.selectors import list_my_applications, list_my_registrations

    profile = selectors.get_profile(access=access)
    registrations = list_my_registrations(access=access)
    data: dict[str, Any] = {
        "exported_at": _iso(timezone.now()),
        "account": {
            "id": str(user.public_id),
            "name": user.full_name,
            "email": user.email or "",
            "phone": user.phone,
            "phone_verified": user.phone_verified,
            "language": user.preferred_language,
            "joined": _iso(user.date_joined),
            "last_sign_in": _iso(user.last_login),
        },
        "profile": None,
        "consents": [
            {
                "purpose": c.purpose,
                "label": str(c.get_purpose_display()),
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in selectors.list_consents(access=access)
        ],
        "saved_opportunities": [_saved_entry(s) for s in selectors.list_saved(access=access)],
        "job_fair_registrations": [
            {
                "fair": r.fair.localized_title,
                "starts_at": _iso(r.fair.starts_at),
                "status": r.status,
                "status_label": str(r.get_status_display()),
                "registered_at": _iso(r.created_at),
                "answers": r.answers,
                "share_profile_given_at": _iso(r.consent_given_at),
                "share_profile_withdrawn_at": _iso(r.consent_withdrawn_at),
                "meetings": [
                    {"employer": b.slot.booth.employer.name, "starts_at": _iso(b.slot.starts_at), "status": b.status}
                    for b in r.active_bookings
                ],
            }
            for r in registrations
        ],
        "job_applications": [
            {
                "vacancy": a.vacancy.title,
                "employer": a.vacancy.employer.name,
                "status": a.status,
                "message": a.cover_note,
                "submitted_at": _iso(a.created_at),
            }
            for a in list_my_applications(access=access)
        ],
        "appointment_requests": [
            {
                "centre": a.centre.name,
                "name": a.name,
                "contact": a.contact,
                "preferred_channel": a.preferred_channel,
                "topic": a.topic,
                "message": a.message,
                "status": a.status,
                "scheduled_for": _iso(a.scheduled_for),
                "created_at": _iso(a.created_at),
            }
            for a in selectors.list_appointment_requests(access=access)
        ],
        "referrals": [
            {
                "service": line.service,
                "organisation": line.organisation,
                "status": line.status,
                "in_words": line.text,
                "updated_at": _iso(line.updated_at),
                "enrolled_on": _iso(line.enrolled_on),
                "completed_on": _iso(line.completed_on),
                "certificate_number": line.certificate_number,
                "certificate_url": line.certificate_url,
            }
            for line in selectors.list_my_referrals(access=access)
        ],
    }
    if profile is not None:
        data["profile"] = {
            "skills": profile.skills,
            "education": profile.education,
            "languages": profile.languages,
            "contact_preference": profile.contact_preference,
            "sex": profile.sex,
            "birth_year": profile.birth_year,
            "target_group": profile.target_group,
            "cv": (
                {
                    "file_name": profile.cv_name,
                    "type": profile.cv_content_type,
                    "size": profile.cv_size,
                    "uploaded_at": _iso(profile.cv_uploaded_at),
                }
                if profile.cv
                else None
            ),
        }
    return data


def export_my_data(*, access: Access, actor: User, fmt: str) -> dict[str, Any]:
    """The returnee's data for a download; the download itself is audited (format only)."""
    _require_returnee(access)
    data = collect_my_data(access=access, user=actor)
    record_event(actor=actor, action=ReturneesAudit.DATA_EXPORTED, target=actor, details={"format": fmt})
    return data


def render_my_data_pdf(data: dict[str, Any], *, language: str) -> bytes:
    """The same data as a readable PDF, in the person's language (right-to-left where it is)."""
    with translation.override(language):
        html = render_to_string("returnees/data_pdf.html", {"data": data} | language_context())
    return write_pdf(html)


@transaction.atomic(durable=True)
def delete_my_account(*, access: Access, actor: User) -> dict[str, int]:
    """Erase the returnee's personal portal data and close the account; the centre's case data stays.

    The account row stays as an empty, inactive shell so that the centre's
    statistics (who attended a fair) keep their counts; it names nobody.
    Returns counts for the audit entry (no personal data in it).
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from cms.returnees.services import unlink_client
    from counselling.models import AppointmentRequest
    from jobfairs.models import (
        FINAL_APPLICATION,
        Application,
        ApplicationStatus,
        Booking,
        BookingStatus,
        Registration,
        RegistrationStatus,
        SurveyResponse,
    )
    from jobfairs.services import cancel_registration

    _require_returnee(access)
    now = timezone.now()
    cancelled = 0
    future = (
        Registration.objects.visible_to(access)
        .filter(user_id=actor.pk, fair__starts_at__gt=now)
        .filter(status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED])
        .select_related("fair")
    )
    for registration in future:
        cancel_registration(access=access, actor=actor, registration=registration)
        cancelled += 1
    with unscoped():
        Booking.objects.filter(
            registration__user_id=actor.pk, status=BookingStatus.ACTIVE, slot__starts_at__gt=now
        ).update(status=BookingStatus.CANCELLED, cancelled_at=now)
        Registration.objects.filter(user_id=actor.pk).update(answers={})
        Registration.objects.filter(
            user_id=actor.pk, consent_given_at__isnull=False, consent_withdrawn_at__isnull=True
        ).update(consent_withdrawn_at=now)
        Application.objects.filter(applicant_id=actor.pk).exclude(status__in=FINAL_APPLICATION).update(
            status=ApplicationStatus.WITHDRAWN, updated_at=now
        )
        Application.objects.filter(applicant_id=actor.pk).update(cover_note="")
        SurveyResponse.objects.filter(respondent_id=actor.pk).update(what_worked="", to_improve="")
        appointments = 0
        for request in AppointmentRequest.objects.filter(user_id=actor.pk):
            request.name, request.contact, request.message = REDACTED, "", ""
            request.user = None
            request.save(update_fields=["name", "contact", "message", "user", "updated_at"])
            appointments += 1
        profile = ReturneeProfile.objects.filter(user_id=actor.pk).first()
        if profile is not None and profile.cv:
            name, storage = profile.cv.name, profile.cv.storage
            transaction.on_commit(lambda: storage.delete(name))
        ReturneeProfile.objects.filter(user_id=actor.pk).delete()
        ReturneeConsent.objects.filter(user_id=actor.pk).delete()
        SavedOpportunity.objects.filter(user_id=actor.pk).delete()
    unlink_client(access=access, actor=actor)
    EmailAddress.objects.filter(user_id=actor.pk).delete()
    Authenticator.objects.filter(user_id=actor.pk).delete()
    actor.email = None
    actor.phone, actor.phone_verified, actor.full_name = "", False, ""
    actor.is_active = False
    actor.set_unusable_password()  # also ends every other session of the account
    actor.save()
    counts = {"registrations_cancelled": cancelled, "appointment_requests_redacted": appointments}
    record_event(actor=actor, action=ReturneesAudit.ACCOUNT_DELETED, target=actor, details=counts)
    return counts
