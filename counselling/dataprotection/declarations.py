"""The counselling app's lines of the record of processing activities (see portal/dataprotection/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.dataprotection import CLIENTS, CONSENT, LEGAL_OBLIGATION, RETURNEES, VITAL_OR_PUBLIC, Processing

_CASE = dict(data_subjects=(CLIENTS,), legal_basis=VITAL_OR_PUBLIC)

DECLARATIONS: dict[str, Processing] = {
    "counselling.client": Processing(
        client="pk",
        purpose=_("Counselling on jobs, migration and reintegration: identifying and reaching the client"),
        special=("vulnerabilities",),
        **_CASE,
    ),
    "counselling.consent": Processing(
        client="client_id",
        purpose=_("Proving the client's consent per purpose, and its withdrawal"),
        legal_basis=LEGAL_OBLIGATION,
        data_subjects=(CLIENTS,),
    ),
    "counselling.casefile": Processing(
        client="client_id", purpose=_("Following a client's case and reintegration plan"), **_CASE
    ),
    "counselling.plangoal": Processing(
        client="case.client_id", purpose=_("The goals of a client's reintegration plan"), **_CASE
    ),
    "counselling.session": Processing(
        client="case.client_id",
        purpose=_("Recording counselling sessions, their topics and confidential notes"),
        special=("topics", "summary", "confidential_notes"),
        extra_measures=(_("confidential notes readable only by their author and the centre's manager"),),
        **_CASE,
    ),
    "counselling.sessionrevision": Processing(
        client="session.case.client_id",
        purpose=_("Keeping what a corrected session said before, who corrected it and why"),
        special=("previous",),
        extra_measures=(_("previous values encrypted; deleted when the client is erased"),),
        **_CASE,
    ),
    "counselling.followup": Processing(
        client="case.client_id", purpose=_("Reminding counsellors of what to do for a client"), **_CASE
    ),
    "counselling.document": Processing(
        client="case.client_id",
        purpose=_("Keeping documents the client brought (CV, certificates)"),
        extra_measures=(_("files checked by content, stored outside the web root, served after an access check"),),
        **_CASE,
    ),
    "counselling.transfer": Processing(client="case.client_id", purpose=_("Moving a case to another centre"), **_CASE),
    "counselling.caseevent": Processing(client="case.client_id", purpose=_("The timeline of a case"), **_CASE),
    "counselling.groupsession": Processing(
        purpose=_("Counting participants of group information sessions"),
        legal_basis=VITAL_OR_PUBLIC,
        data_subjects=(CLIENTS,),
    ),
    "counselling.appointmentrequest": Processing(
        client="client_id",
        purpose=_("Answering a visitor's request for an appointment"),
        legal_basis=CONSENT,
        data_subjects=(RETURNEES, CLIENTS),
    ),
}
