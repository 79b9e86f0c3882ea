"""Factories of the referrals tests."""

from __future__ import annotations

import factory

from referrals.models import Service, ServiceCategory
from tests.factories import ModelFactory, OrganizationFactory


class ServiceFactory(ModelFactory[Service]):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    country = factory.SelfAttribute("organization.country")
    name = factory.Sequence(lambda n: f"Welding course {n}")
    category = ServiceCategory.VOCATIONAL_TRAINING
