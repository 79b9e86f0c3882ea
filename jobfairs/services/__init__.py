"""Writes of the job fairs app: one function per use case, atomic and audited.

Every function takes the acting user's `Access` and the acting `User`, checks that the objects it
touches are theirs to change (an object outside the scope is "unknown": `NotAllowed`, which views
turn into 404), writes, appends an `AuditEvent`, and queues e-mails through the outbox (by task
name, with a key per business event, so a repeated call sends nothing twice).

- `fairs`: vetting employers, fairs, booths (request and decision), meeting slots, vacancies;
- `registrations`: registering (self or a client), profile sharing, cancelling, the waiting list;
- `bookings`: booking and cancelling meeting slots, check-in, joining online;
- `applications`: applying to vacancies and moving applications on;
- `surveys`: the post-event survey.

Import from `jobfairs.services`: every public name is here.
"""

from jobfairs.services.applications import (
    APPLICATION_STEPS,
    apply_to_vacancy,
    update_application_status,
    withdraw_application,
)
from jobfairs.services.bookings import JOIN_EARLY, book_slot, cancel_booking, check_in, join_online
from jobfairs.services.fairs import (
    BOOTH_FIELDS,
    FAIR_FIELDS,
    MAX_SLOTS_AT_ONCE,
    SLOT_MINUTES,
    VACANCY_FIELDS,
    add_slots,
    approve_booth,
    create_fair,
    decline_booth,
    publish_fair,
    save_booth,
    save_vacancy,
    update_fair,
    vet_employer,
)
from jobfairs.services.registrations import (
    DECLARED_FIELDS,
    cancel_registration,
    register_client_for_fair,
    register_for_fair,
    set_profile_sharing,
    withdraw_profile_sharing,
)
from jobfairs.services.surveys import submit_survey, survey_role

__all__ = [
    "APPLICATION_STEPS",
    "BOOTH_FIELDS",
    "DECLARED_FIELDS",
    "FAIR_FIELDS",
    "JOIN_EARLY",
    "MAX_SLOTS_AT_ONCE",
    "SLOT_MINUTES",
    "VACANCY_FIELDS",
    "add_slots",
    "apply_to_vacancy",
    "approve_booth",
    "book_slot",
    "cancel_booking",
    "cancel_registration",
    "check_in",
    "create_fair",
    "decline_booth",
    "join_online",
    "publish_fair",
    "register_client_for_fair",
    "register_for_fair",
    "save_booth",
    "save_vacancy",
    "set_profile_sharing",
    "submit_survey",
    "survey_role",
    "update_application_status",
    "update_fair",
    "vet_employer",
    "withdraw_application",
    "withdraw_profile_sharing",
]
