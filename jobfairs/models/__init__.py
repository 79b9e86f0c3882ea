"""Employers, job fairs, booths, vacancies, registrations, meeting slots, applications and surveys.

- `choices`: statuses, formats and kinds, and the status groups the rules use;
- `fairs`: public data (published fairs, booths of verified employers, public vacancies, slots),
  with plain managers; the public selectors filter to what may be shown;
- `candidates`: personal data (registrations, bookings, applications, survey answers), which goes
  through the one door: `ScopedManager` with a `for_access` rule per model.

Import from `jobfairs.models`: every public name is here.
"""

from jobfairs.models.candidates import (
    CONSENT_WORDING,
    CONSENT_WORDING_PHONE,
    Application,
    ApplicationQuerySet,
    Booking,
    BookingQuerySet,
    Registration,
    RegistrationQuerySet,
    SurveyQuerySet,
    SurveyResponse,
    _check_in_code,  # noqa: F401  (migration 0003 names it as jobfairs.models._check_in_code)
    shares_profile_q,
)
from jobfairs.models.choices import (
    ACTIVE_REGISTRATION,
    FAIR_STAFF_ROLES,
    FINAL_APPLICATION,
    ApplicationStatus,
    BookingStatus,
    BoothStatus,
    EmploymentType,
    FairFormat,
    FairStatus,
    RegistrationStatus,
    RespondentKind,
    SalaryUnit,
    VettingStatus,
)
from jobfairs.models.fairs import (
    Booth,
    BoothQuerySet,
    Employer,
    EmployerQuerySet,
    JobFair,
    JobFairQuerySet,
    MeetingSlot,
    Vacancy,
    VacancyQuerySet,
)

__all__ = [
    "ACTIVE_REGISTRATION",
    "CONSENT_WORDING",
    "CONSENT_WORDING_PHONE",
    "FAIR_STAFF_ROLES",
    "FINAL_APPLICATION",
    "Application",
    "ApplicationQuerySet",
    "ApplicationStatus",
    "Booking",
    "BookingQuerySet",
    "BookingStatus",
    "Booth",
    "BoothQuerySet",
    "BoothStatus",
    "Employer",
    "EmployerQuerySet",
    "EmploymentType",
    "FairFormat",
    "FairStatus",
    "JobFair",
    "JobFairQuerySet",
    "MeetingSlot",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationStatus",
    "RespondentKind",
    "SalaryUnit",
    "SurveyQuerySet",
    "SurveyResponse",
    "Vacancy",
    "VacancyQuerySet",
    "VettingStatus",
    "shares_profile_q",
]
