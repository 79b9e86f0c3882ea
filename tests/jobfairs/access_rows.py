"""Access-matrix rows of the job fairs URLs (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

import itertools

import pytest

from tests.access import everyone, only

CASEWORKERS = ["counsellor", "centre_manager"]
FAIR_STAFF = ["counsellor", "centre_manager", "country_coordinator"]


def _fair(request: pytest.FixtureRequest, **kwargs):
    from tests.jobfairs.factories import FairFactory

    centre_a = request.getfixturevalue("centre_a")
    return FairFactory(country=centre_a.country, centres=[centre_a], **kwargs)


def _booth(request: pytest.FixtureRequest):
    """An approved booth of the employer persona's organisation at a fair of centre A."""
    from tests.jobfairs.factories import BoothFactory

    return BoothFactory(fair=_fair(request), employer=request.getfixturevalue("employer_org"))


def _returnee_registration(request: pytest.FixtureRequest):
    from tests.jobfairs.factories import RegistrationFactory

    return RegistrationFactory(fair=_fair(request), user=request.getfixturevalue("returnee").user)


def fair_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _fair(request).public_id}


def booth_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _booth(request).public_id}


def slot_kwargs(request: pytest.FixtureRequest) -> dict:
    from tests.jobfairs.factories import SlotFactory

    return {"public_id": SlotFactory(booth=_booth(request)).public_id}


def vacancy_kwargs(request: pytest.FixtureRequest) -> dict:
    from tests.jobfairs.factories import VacancyFactory

    employer_org = request.getfixturevalue("employer_org")
    return {"public_id": VacancyFactory(employer=employer_org, country=employer_org.country).public_id}


def registration_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _returnee_registration(request).public_id}


def booking_kwargs(request: pytest.FixtureRequest) -> dict:
    from jobfairs.models import Booking
    from tests.jobfairs.factories import BoothFactory, SlotFactory

    registration = _returnee_registration(request)
    booth = BoothFactory(fair=registration.fair, employer=request.getfixturevalue("employer_org"))
    return {"public_id": Booking.objects.create(slot=SlotFactory(booth=booth), registration=registration).public_id}


def application_kwargs(request: pytest.FixtureRequest) -> dict:
    from jobfairs.models import Application
    from tests.jobfairs.factories import VacancyFactory

    employer_org = request.getfixturevalue("employer_org")
    vacancy = VacancyFactory(employer=employer_org, country=employer_org.country)
    application = Application.objects.create(vacancy=vacancy, applicant=request.getfixturevalue("returnee").user)
    return {"public_id": application.public_id}


# Unique numbers: the reflow and bidi tests make a page's rows once per language, in one database.
_PHONES = itertools.count(1234567)


def _sharing_candidate(booth, **user_fields):
    """A candidate at the booth's fair who shares a profile with skills, languages and a CV."""
    from django.core.files.base import ContentFile

    from cms.returnees.models import ReturneeProfile
    from portal.access import unscoped
    from tests.factories import UserFactory
    from tests.jobfairs.factories import RegistrationFactory

    user = UserFactory(**user_fields)
    registration = RegistrationFactory(fair=booth.fair, user=user)
    with unscoped():
        profile = ReturneeProfile.objects.create(user=user, skills="Welding, forklift", languages=["ar", "en"])
    profile.cv.save("cv", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    profile.cv_name, profile.cv_content_type = "cv.pdf", "application/pdf"
    profile.save()
    return registration


def candidate_list_kwargs(request: pytest.FixtureRequest) -> dict:
    """The employer persona's approved booth with a candidate who shares everything, one with a phone number
    only and no name, and one who shares nothing: every kind of card the page shows."""
    from portal.models import User
    from tests.factories import UserFactory
    from tests.jobfairs.factories import RegistrationFactory

    booth = _booth(request)
    _sharing_candidate(booth, phone=f"+23324{next(_PHONES):07d}", phone_verified=True)
    phone_only = User.objects.create(email=None, phone=f"+23324{next(_PHONES):07d}", phone_verified=True)
    RegistrationFactory(fair=booth.fair, user=phone_only)
    RegistrationFactory(fair=booth.fair, user=UserFactory(), consent_given_at=None)
    return {"public_id": booth.public_id}


def candidate_cv_kwargs(request: pytest.FixtureRequest) -> dict:
    """The employer persona's approved booth, and a candidate at its fair who shares a profile with a CV."""
    booth = _booth(request)
    registration = _sharing_candidate(booth)
    return {"public_id": booth.public_id, "registration_id": registration.public_id}


def past_fair_kwargs(request: pytest.FixtureRequest) -> dict:
    """A fair that is over: the returnee attended it, the employer had a booth."""
    from jobfairs.models import RegistrationStatus
    from tests.jobfairs.factories import BoothFactory, RegistrationFactory, past_fair

    centre_a = request.getfixturevalue("centre_a")
    fair = past_fair(country=centre_a.country, centres=[centre_a])
    BoothFactory(fair=fair, employer=request.getfixturevalue("employer_org"))
    RegistrationFactory(fair=fair, user=request.getfixturevalue("returnee").user, status=RegistrationStatus.ATTENDED)
    return {"public_id": fair.public_id}


def returnee(status: int = 200) -> dict[str, int]:
    return only(["returnee"], status)


def employer(status: int = 200) -> dict[str, int]:
    return only(["employer"], status)


ROWS = {
    # Public
    "jobfairs:fair-list": (None, everyone(200)),
    "jobfairs:fair-detail": (fair_kwargs, everyone(200)),
    "jobfairs:booth-detail": (booth_kwargs, everyone(200)),
    "jobfairs:vacancy-detail": (vacancy_kwargs, everyone(200)),
    # Candidates
    "jobfairs:registration-create": (fair_kwargs, returnee()),
    "jobfairs:survey-answer": (past_fair_kwargs, only(["returnee", "employer"])),
    "jobfairs:application-create": (vacancy_kwargs, returnee()),
    "jobfairs:slot-book": (slot_kwargs, returnee(405)),
    "jobfairs:registration-list": (None, returnee()),
    "jobfairs:registration-cancel": (registration_kwargs, returnee(405)),
    "jobfairs:registration-consent": (registration_kwargs, returnee(405)),
    "jobfairs:registration-join": (registration_kwargs, returnee(405)),
    "jobfairs:booking-cancel": (booking_kwargs, returnee(405)),
    "jobfairs:booking-ics": (booking_kwargs, returnee()),
    "jobfairs:application-withdraw": (application_kwargs, returnee(405)),
    # Employers
    "jobfairs:employer-dashboard": (None, employer()),
    "jobfairs:booth-edit": (fair_kwargs, employer()),
    "jobfairs:slot-create": (booth_kwargs, employer()),
    "jobfairs:candidate-list": (candidate_list_kwargs, employer()),
    # A sharing candidate's CV (issue #19): the booth's employer only; a download.
    "jobfairs:candidate-cv": (candidate_cv_kwargs, employer()),
    "jobfairs:vacancy-create": (None, employer()),
    "jobfairs:vacancy-edit": (vacancy_kwargs, employer()),
    "jobfairs:application-status": (application_kwargs, employer(405)),
    # Staff
    "jobfairs:fair-manage-list": (None, only(FAIR_STAFF)),
    "jobfairs:fair-create": (None, only(["centre_manager"])),
    # Lessons learned (issue #19): analysts too, aggregated across every fair.
    "jobfairs:lessons": (None, only(["centre_manager", "country_coordinator", "programme_analyst"])),
    # Vetting employers (issue #19): managers and coordinators of the employer's country; a POST only.
    "jobfairs:employer-vetting": (None, only(["centre_manager", "country_coordinator"])),
    "jobfairs:employer-vet": (
        lambda request: {"public_id": request.getfixturevalue("employer_org").public_id},
        only(["centre_manager", "country_coordinator"], 405, others=404),
    ),
    "jobfairs:fair-manage": (fair_kwargs, only(FAIR_STAFF)),
    "jobfairs:fair-publish": (fair_kwargs, only(["centre_manager"], 405)),
    "jobfairs:fair-edit": (fair_kwargs, only(["centre_manager"])),
    "jobfairs:check-in": (fair_kwargs, only(CASEWORKERS, 405)),
    "jobfairs:booth-approve": (booth_kwargs, only(["centre_manager"], 405)),
    "jobfairs:booth-decline": (booth_kwargs, only(["centre_manager"], 405)),
    "jobfairs:client-register": (fair_kwargs, only(CASEWORKERS)),
}
