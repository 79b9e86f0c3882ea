"""Views of the job fairs app. Thin: parse, call a selector or a service, render.

- `public`: fairs, booths and vacancies, for anyone;
- `candidates`: a returnee's registrations, bookings, applications and survey answers;
- `employers`: the employer's dashboard, booth, slots, vacancies, candidates and applications;
- `staff`: the organising centres' pages (fairs, booth decisions, check-in, lessons learned);
- `vetting`: managers and coordinators verify or suspend the employers of their countries;
- `_common`: the access decorators and how a service's refusal is shown.
"""

from jobfairs.views._common import returnee_only
from jobfairs.views.candidates import (
    application_create,
    application_withdraw,
    booking_cancel,
    booking_ics_download,
    registration_cancel,
    registration_consent,
    registration_create,
    registration_join,
    registration_list,
    slot_book,
    survey_answer,
)
from jobfairs.views.employers import (
    application_status,
    booth_edit,
    candidate_cv,
    candidate_list,
    employer_dashboard,
    slot_create,
    vacancy_create,
    vacancy_edit,
)
from jobfairs.views.public import booth_detail, fair_detail, fair_list, vacancy_detail
from jobfairs.views.staff import (
    booth_decide,
    check_in,
    client_register,
    fair_create,
    fair_edit,
    fair_manage,
    fair_publish,
    lessons,
    manage_list,
)
from jobfairs.views.vetting import employer_vet, employer_vetting

__all__ = [
    "application_create",
    "application_status",
    "application_withdraw",
    "booking_cancel",
    "booking_ics_download",
    "booth_decide",
    "booth_detail",
    "booth_edit",
    "candidate_cv",
    "candidate_list",
    "check_in",
    "client_register",
    "employer_dashboard",
    "employer_vet",
    "employer_vetting",
    "fair_create",
    "fair_detail",
    "fair_edit",
    "fair_list",
    "fair_manage",
    "fair_publish",
    "lessons",
    "manage_list",
    "registration_cancel",
    "registration_consent",
    "registration_create",
    "registration_join",
    "registration_list",
    "returnee_only",
    "slot_book",
    "slot_create",
    "survey_answer",
    "vacancy_create",
    "vacancy_detail",
    "vacancy_edit",
]
