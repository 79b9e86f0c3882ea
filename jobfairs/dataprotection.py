"""Data protection of the job fairs app: its lines of the record of processing, and what a client's erasure
does to their fair registrations (registered in JobfairsConfig.ready; see counselling/dataprotection/erasure.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counselling.dataprotection import LinkedRows, erased_fields
from counselling.models import CaseFile, Client
from jobfairs.models import Registration
from portal.access import unscoped
from portal.dataprotection import (
    CLIENTS,
    CONSENT,
    CONTRACT,
    EMPLOYERS_WITH_CONSENT,
    PARTNER_STAFF,
    RETURNEES,
    Processing,
)

DECLARATIONS: dict[str, Processing] = {
    "jobfairs.registration": Processing(
        client="client_id",
        purpose=_("Registering candidates for a job fair"),
        legal_basis=CONTRACT,
        data_subjects=(RETURNEES, CLIENTS),
        recipients=(EMPLOYERS_WITH_CONSENT,),
    ),
    "jobfairs.booking": Processing(
        client="registration.client_id",
        purpose=_("Booking meetings with employers at a job fair"),
        legal_basis=CONTRACT,
        data_subjects=(RETURNEES, CLIENTS),
        recipients=(EMPLOYERS_WITH_CONSENT,),
    ),
    "jobfairs.application": Processing(
        purpose=_("Applying for a vacancy"),
        legal_basis=CONTRACT,
        data_subjects=(RETURNEES,),
        recipients=(_("the employer of the vacancy"),),
        retention=_("until the applicant deletes their account"),
    ),
    "jobfairs.surveyresponse": Processing(
        purpose=_("Learning from job fairs (answers are shown aggregated)"),
        legal_basis=CONSENT,
        data_subjects=(RETURNEES, PARTNER_STAFF),
        retention=_("until the respondent deletes their account"),
    ),
}

# What a client's erasure keeps of their registrations and meetings (see ERASURE_KEEPS): the rest is blanked.
ERASURE_KEEPS: dict[str, frozenset[str]] = {
    "jobfairs.registration": frozenset(
        {
            "id",
            "public_id",
            "fair",
            "user",
            "client",
            "registered_by",
            "status",
            "consent_given_at",
            "consent_withdrawn_at",
            "consent_wording",
            "check_in_code",
            # What the candidate declared for the fair's statistics when they are no client of a centre.
            "declared_sex",
            "declared_age_band",
            "declared_target_group",
            "attended_at",
            "joined_online_at",
            "survey_sent_at",
            "created_at",
            "cancelled_at",
        }
    ),
    "jobfairs.booking": frozenset(
        {"id", "public_id", "slot", "registration", "status", "created_at", "cancelled_at", "reminded_at"}
    ),
}


def _erase(client: Client, cases: QuerySet[CaseFile], now: dt.datetime) -> None:
    """The client's fair registrations lose their answers; sharing the profile with employers ends."""
    registrations = Registration.objects.filter(client=client)
    registrations.update(**erased_fields(Registration))
    registrations.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True).update(
        consent_withdrawn_at=now
    )


def _count(client: Client) -> dict[str, int]:
    with unscoped():
        return {"registrations": Registration.objects.filter(client=client).count()}


LINKED_ROWS = LinkedRows(keeps=ERASURE_KEEPS, erase=_erase, count=_count)
