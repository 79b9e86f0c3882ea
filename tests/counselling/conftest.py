"""Shared setup of the counselling tests: a case of a client of centre A, held by the counsellor."""

from __future__ import annotations

import pytest

from tests.factories import CaseFactory, ClientFactory


@pytest.fixture
def case(counsellor):
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
