"""Access-matrix rows of the portal's data-protection and setup screens (merged by tests/test_access_matrix.py).

The data-subject requests and the retention status are the counselling app's: tests/counselling/access_rows.py.
"""

from __future__ import annotations

from tests.access import only

# The record of processing.
OVERSIGHT = ["centre_manager", "country_coordinator", "dpo", "admin"]

ROWS = {
    "portal:processing-record": (None, only(OVERSIGHT)),
    "portal:processing-csv": (None, only(OVERSIGHT)),
    # Countries and centres: administrators set them up (issue #17); for everyone else the pages do not exist.
    "portal:country-list": (None, only(["admin"])),
    "portal:country-create": (None, only(["admin"])),
    "portal:country-update": (lambda request: {"code": request.getfixturevalue("country_a").code}, only(["admin"])),
    "portal:centre-create": (None, only(["admin"])),
    "portal:centre-update": (
        lambda request: {"public_id": request.getfixturevalue("centre_a").public_id},
        only(["admin"]),
    ),
}
