"""Access-matrix rows of the counselling URLs (merged by tests/test_access_matrix.py)."""

from __future__ import annotations

import pytest

from tests.access import only

CASEWORKERS = ["counsellor", "centre_manager"]
DATA_SUBJECT_STAFF = ["centre_manager", "dpo"]
# The retention status, like the record of processing (tests/portal/access_rows.py).
OVERSIGHT = ["centre_manager", "country_coordinator", "dpo", "admin"]


def _case_in_centre_a(request: pytest.FixtureRequest):
    from tests.factories import CaseFactory, ClientFactory

    centre_a = request.getfixturevalue("centre_a")
    return CaseFactory(client=ClientFactory(centre=centre_a))


def counsellors_session_kwargs(request: pytest.FixtureRequest) -> dict:
    """A session the counsellor persona logged today: theirs to correct, nobody else's."""
    from tests.factories import SessionFactory

    counsellor = request.getfixturevalue("counsellor")
    return {"public_id": SessionFactory(case=_case_in_centre_a(request), counsellor=counsellor.user).public_id}


def case_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _case_in_centre_a(request).public_id}


def client_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _case_in_centre_a(request).client.public_id}


def goal_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import PlanGoal

    return {"public_id": PlanGoal.objects.create(case=_case_in_centre_a(request), title="Goal").public_id}


def follow_up_kwargs(request: pytest.FixtureRequest) -> dict:
    import datetime as dt

    from counselling.models import FollowUp

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    item = FollowUp.objects.create(case=case, title="Call", due_on=dt.date.today(), assigned_to=user, created_by=user)
    return {"public_id": item.public_id}


def consent_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import Consent

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    consent = Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=user)
    return {"public_id": consent.public_id}


def document_kwargs(request: pytest.FixtureRequest) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from counselling.services import upload_document
    from portal.access import get_access

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    document = upload_document(access=get_access(user), actor=user, case=case, kind="cv", upload=upload)
    return {"public_id": document.public_id}


def transfer_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import Transfer
    from tests.factories import CaseFactory, ClientFactory

    centre_b = request.getfixturevalue("centre_b")
    centre_a = request.getfixturevalue("centre_a")
    case = CaseFactory(client=ClientFactory(centre=centre_b))
    user = request.getfixturevalue("outsider").user
    transfer = Transfer.objects.create(
        case=case, from_centre=centre_b, to_centre=centre_a, reason="Moved", requested_by=user
    )
    return {"public_id": transfer.public_id}


def appointment_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.services import request_appointment

    appointment = request_appointment(
        centre=request.getfixturevalue("centre_a"),
        user=None,
        name="Ama Mensah",
        contact="+233241234567",
        preferred_channel="phone",
        topic="training_jobs",
    )
    return {"public_id": appointment.public_id}


def casework(status: int = 200) -> dict[str, int]:
    return only(CASEWORKERS, status)


ROWS = {
    "counselling:case-list": (None, casework()),
    "counselling:case-detail": (case_kwargs, casework()),
    "counselling:session-list": (case_kwargs, casework()),
    "counselling:session-create": (case_kwargs, casework()),
    "counselling:case-status": (case_kwargs, casework()),
    # Assigning the counsellor is the centre manager's (issue #19): counsellors find no such page.
    "counselling:case-counsellor": (case_kwargs, only(["centre_manager"])),
    # Only its author corrects a session (issue #19): the centre's manager finds no such page either.
    "counselling:session-correct": (counsellors_session_kwargs, only(["counsellor"])),
    "counselling:goal-create": (case_kwargs, casework()),
    "counselling:follow-up-create": (case_kwargs, casework()),
    "counselling:document-create": (case_kwargs, casework()),
    "counselling:transfer-create": (case_kwargs, casework()),
    "counselling:client-create": (None, casework()),
    "counselling:client-edit": (client_kwargs, casework()),
    "counselling:case-open": (client_kwargs, casework(405)),
    "counselling:consent-create": (client_kwargs, casework()),
    "counselling:consent-withdraw": (consent_kwargs, casework(405)),
    "counselling:goal-status": (goal_kwargs, casework(405)),
    "counselling:follow-up-list": (None, casework()),
    "counselling:follow-up-done": (follow_up_kwargs, casework(405)),
    "counselling:document-download": (document_kwargs, casework()),
    "counselling:transfer-list": (None, only(["centre_manager"])),
    "counselling:transfer-decide": (transfer_kwargs, only(["centre_manager"])),
    "counselling:group-session-list": (None, casework()),
    "counselling:group-session-create": (None, casework()),
    # The intake queue: never reachable for a returnee or the public, only the centre's caseworkers.
    "counselling:intake-list": (None, casework()),
    "counselling:intake-detail": (appointment_kwargs, casework()),
    "counselling:intake-contacted": (appointment_kwargs, casework(405)),
    "counselling:intake-schedule": (appointment_kwargs, casework(405)),
    "counselling:intake-close": (appointment_kwargs, casework(405)),
    # Data-subject requests (counselling/dataprotection/): the centre's manager and the data-protection
    # officer of its country; export and erasure only after typing the password again (allauth).
    "counselling:dsr-search": (None, only(DATA_SUBJECT_STAFF)),
    "counselling:dsr-detail": (client_kwargs, only(DATA_SUBJECT_STAFF)),
    "counselling:dsr-export-json": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "counselling:dsr-export-pdf": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "counselling:dsr-erase": (client_kwargs, only(DATA_SUBJECT_STAFF, 302)),
    "counselling:retention-status": (None, only(OVERSIGHT)),
}
