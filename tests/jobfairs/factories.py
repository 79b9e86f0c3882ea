"""factory_boy factories of the job fairs app (personas come from tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from jobfairs.models import (
    Booth,
    BoothStatus,
    EmploymentType,
    FairFormat,
    FairStatus,
    JobFair,
    MeetingSlot,
    Registration,
    RegistrationStatus,
    Vacancy,
)
from tests.factories import CountryFactory, EmployerFactory, ModelFactory, UserFactory


def in_days(days: float, hour: int = 9) -> dt.datetime:
    day = timezone.now() + dt.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


class FairFactory(ModelFactory[JobFair]):
    """A published hybrid fair in Ghana in ten days, registration open now."""

    class Meta:
        model = JobFair
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Job fair {n}")
    description = "Meet employers from agriculture, logistics and construction."
    format = FairFormat.HYBRID
    country = factory.SubFactory(CountryFactory)
    time_zone = "Africa/Accra"
    starts_at = factory.LazyFunction(lambda: in_days(10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=6))
    venue = "Accra International Conference Centre"
    online_url = "https://meet.example.org/fair"
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(hours=1))
    capacity = 10
    status = FairStatus.PUBLISHED
    languages = factory.LazyFunction(lambda: ["en"])

    @factory.post_generation
    def centres(obj: JobFair, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            obj.centres.set(extracted)


def past_fair(**kwargs: object) -> JobFair:
    """A fair that took place three days ago."""
    starts = in_days(-3)
    return FairFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        registration_opens_at=starts - dt.timedelta(days=20),
        registration_closes_at=starts - dt.timedelta(hours=1),
        **kwargs,
    )


class BoothFactory(ModelFactory[Booth]):
    """A booth the organising centre approved (a request made through the portal starts pending)."""

    class Meta:
        model = Booth

    fair = factory.SubFactory(FairFactory)
    employer = factory.SubFactory(EmployerFactory)
    description = "We hire machine operators."
    meeting_url = "https://meet.example.org/booth"
    status = BoothStatus.APPROVED


class SlotFactory(ModelFactory[MeetingSlot]):
    class Meta:
        model = MeetingSlot

    booth = factory.SubFactory(BoothFactory)
    starts_at = factory.LazyAttribute(lambda o: o.booth.fair.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=15))


def slots(booth: Booth, count: int, *, minutes: int = 15, offset: int = 0) -> list[MeetingSlot]:
    start = booth.fair.starts_at + dt.timedelta(minutes=minutes * offset)
    return [SlotFactory(booth=booth, starts_at=start + dt.timedelta(minutes=minutes * i)) for i in range(count)]


class VacancyFactory(ModelFactory[Vacancy]):
    class Meta:
        model = Vacancy

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Machine operator {n}")
    description = "Operate and maintain food processing machines."
    employment_type = EmploymentType.FULL_TIME
    country = factory.SubFactory(CountryFactory)
    locality = "Kumasi"
    valid_through = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    is_published = True


class RegistrationFactory(ModelFactory[Registration]):
    class Meta:
        model = Registration

    fair = factory.SubFactory(FairFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.REGISTERED
    consent_given_at = factory.LazyFunction(timezone.now)
