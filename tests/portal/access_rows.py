"""Access-matrix rows of the data-protection screens (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from tests.access import only

# Data-subject requests: the centre's manager and the data-protection officer of its country.
DATA_SUBJECT_STAFF = ["centre_manager", "dpo"]
# The record of processing and the retention status.
OVERSIGHT = ["centre_manager", "country_coordinator", "dpo", "admin"]


def client_kwargs(request: pytest.FixtureRequest) -> dict:
    from tests.factories import CaseFactory, ClientFactory

    return {"public_id": CaseFactory(client=ClientFactory(centre=request.getfixturevalue("centre_a"))).client.public_id}


ROWS = {
    "portal:dsr-search": (None, only(DATA_SUBJECT_STAFF)),
    "portal:dsr-detail": (client_kwargs, only(DATA_SUBJECT_STAFF)),
    # Only after typing the password again (allauth's re-authentication).
    "portal:dsr-export-json": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "portal:dsr-export-pdf": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "portal:dsr-erase": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "portal:processing-record": (None, only(OVERSIGHT)),
    "portal:processing-csv": (None, only(OVERSIGHT)),
    "portal:retention-status": (None, only(OVERSIGHT)),
}
