"""factory_boy factories for the whole suite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from counselling.models import CaseFile, CaseStatus, Client, Session, SessionMode, Sex, TargetGroup, Topic
from jobfairs.models import Employer, VettingStatus
from portal.access import Role
from portal.models import Centre, Country, Membership, User
from referrals.models import Organization, OrganizationType


class ModelFactory[T](factory.django.DjangoModelFactory[T]):
    """A Django model factory whose instances type-check as the model (`ClientFactory()` is a `Client`)."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy builds the instance in its metaclass; this tells mypy what comes out.
        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]


TEST_PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class CountryFactory(ModelFactory[Country]):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "GH"
    languages = ["en"]
    timezone = "Africa/Accra"
    phone_prefix = "+233"


class CentreFactory(ModelFactory[Centre]):
    class Meta:
        model = Centre

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Centre {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")
    city = "Accra"
    languages = ["en"]


class OrganizationFactory(ModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    organization_type = OrganizationType.NGO
    country = factory.SubFactory(CountryFactory)


class EmployerFactory(ModelFactory[Employer]):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Employer {n}")
    country = factory.SubFactory(CountryFactory)
    vetting_status = VettingStatus.VERIFIED


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COUNSELLOR


def with_totp(user: User) -> User:
    """Give a user a TOTP authenticator, as every staff member must have."""
    TOTP.activate(user, TOTP_SECRET)
    return user


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class ClientFactory(ModelFactory[Client]):
    class Meta:
        model = Client

    centre = factory.SubFactory(CentreFactory)
    code = factory.Sequence(lambda n: f"GH-TST-{n:06d}")
    given_name = "Ama"
    family_name = factory.Sequence(lambda n: f"Mensah{n}")
    sex = Sex.FEMALE
    birth_year = 1995
    target_group = TargetGroup.RETURNEE_GERMANY

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> Client:
        from counselling.services import search_columns

        client = model_class(*args, **kwargs)
        search_columns(client)
        client.save()
        return client


class CaseFactory(ModelFactory[CaseFile]):
    class Meta:
        model = CaseFile

    client = factory.SubFactory(ClientFactory)
    centre = factory.SelfAttribute("client.centre")
    status = CaseStatus.ACTIVE


class SessionFactory(ModelFactory[Session]):
    class Meta:
        model = Session

    case = factory.SubFactory(CaseFactory)
    counsellor = factory.SubFactory(UserFactory)
    held_at = factory.LazyFunction(timezone.now)
    duration_minutes = 45
    mode = SessionMode.IN_PERSON
    topics = factory.LazyFunction(lambda: [Topic.LABOUR_MARKET])
    summary = "Talked about work."
