"""Shared setup of the job fairs tests: a published fair organised by centre A, and an approved booth at it."""

from __future__ import annotations

import pytest

from tests.jobfairs.factories import BoothFactory, FairFactory


@pytest.fixture
def fair(centre_a):
    return FairFactory(country=centre_a.country, centres=[centre_a])


@pytest.fixture
def booth(fair, employer_org):
    return BoothFactory(fair=fair, employer=employer_org)
