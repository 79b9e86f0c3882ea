"""Counsellor screens: scope, query counts, bad input, and the intake duplicate prompt."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from counselling.models import CaseFile, Client, Consent, FollowUp, PlanGoal, Session, Transfer
from counselling.selectors import CASE_PAGE_SESSIONS
from portal.access import Role, unscoped
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, SessionFactory


def _ids(case, counsellor):
    user = counsellor.user
    goal = PlanGoal.objects.create(case=case, title="Goal")
    follow_up = FollowUp.objects.create(
        case=case, title="Call", due_on=timezone.localdate(), assigned_to=user, created_by=user
    )
    consent = Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=user)
    return {
        "counselling:case-detail": case.public_id,
        "counselling:session-create": case.public_id,
        "counselling:case-status": case.public_id,
        "counselling:goal-create": case.public_id,
        "counselling:follow-up-create": case.public_id,
        "counselling:document-create": case.public_id,
        "counselling:transfer-create": case.public_id,
        "counselling:client-edit": case.client.public_id,
        "counselling:case-open": case.client.public_id,
        "counselling:consent-create": case.client.public_id,
        "counselling:consent-withdraw": consent.public_id,
        "counselling:goal-status": goal.public_id,
        "counselling:follow-up-done": follow_up.public_id,
    }


def test_outsider_gets_404_for_every_case_url_get_and_post(client, counsellor, outsider, case) -> None:
    client.force_login(outsider.user)
    for name, public_id in _ids(case, counsellor).items():
        url = reverse(name, kwargs={"public_id": public_id})
        assert client.get(url).status_code == (405 if name in POST_ONLY else 404), name
        response = client.post(
            url,
            {
                "status": "closed",
                "closure_reason": "other",
                "version": 1,
                "title": "x",
                "due_on": "2030-01-01",
                "reason": "x",
                "purpose": "follow_up",
                "method": "signed",
            },
        )
        # A view that only reads answers 405 to POST whatever the id: that says nothing about the case.
        assert response.status_code == (405 if name in GET_ONLY else 404), f"POST {name}"
    # Nothing changed on the case.
    case.refresh_from_db()
    assert case.status == "active"
    with unscoped():
        assert not FollowUp.objects.filter(done_at__isnull=False).exists()
        assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


GET_ONLY = {"counselling:case-detail"}
POST_ONLY = {
    "counselling:case-open",
    "counselling:consent-withdraw",
    "counselling:goal-status",
    "counselling:follow-up-done",
}


def test_outsider_gets_404_for_a_document_of_another_centre(client, counsellor, outsider, case) -> None:
    from tests.counselling.access_rows import document_kwargs  # reuses the matrix row's document maker

    class Request:
        @staticmethod
        def getfixturevalue(name):
            return {"centre_a": counsellor.centre, "counsellor": counsellor}[name]

    public_id = document_kwargs(Request())["public_id"]
    client.force_login(outsider.user)
    assert client.get(reverse("counselling:document-download", kwargs={"public_id": public_id})).status_code == 404


CASELOAD_QUERIES = 6
CASE_DETAIL_QUERIES = 14  # with the case's referrals (one query, from referrals' case_referrals tag)


def test_caseload_query_count_does_not_grow(client, counsellor, django_assert_num_queries) -> None:
    client.force_login(counsellor.user)
    client.get(reverse("counselling:case-list"))
    for extra in (1, 30):
        for _ in range(extra):
            CaseFactory(
                client=ClientFactory(centre=counsellor.centre),
                counsellor=counsellor.user,
                next_follow_up_on=timezone.localdate(),
            )
        with django_assert_num_queries(CASELOAD_QUERIES):
            response = client.get(reverse("counselling:case-list"), {"follow_up_due": "on"})
        assert response.status_code == 200


def test_case_detail_query_count_does_not_grow(client, counsellor, case, django_assert_num_queries) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:case-detail", kwargs={"public_id": case.public_id})
    client.get(url)
    for extra in (1, 50):
        for _ in range(extra):
            SessionFactory(case=case, counsellor=counsellor.user, confidential_notes="private")
            FollowUp.objects.create(
                case=case,
                title="Call",
                due_on=timezone.localdate(),
                assigned_to=counsellor.user,
                created_by=counsellor.user,
            )
            PlanGoal.objects.create(case=case, title="Goal")
        with django_assert_num_queries(CASE_DETAIL_QUERIES):
            response = client.get(url)
        assert response.status_code == 200


SESSION_LIST_QUERIES = 8  # session, user, memberships, MFA, the case, a count, a page of sessions, the audit line


def test_case_page_shows_the_latest_sessions_and_links_to_the_rest(client, counsellor, case) -> None:
    start = timezone.now() - dt.timedelta(days=100)
    for day in range(CASE_PAGE_SESSIONS + 5):
        SessionFactory(
            case=case, counsellor=counsellor.user, held_at=start + dt.timedelta(days=day), summary=f"S{day}."
        )
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    shown = [day for day in range(CASE_PAGE_SESSIONS + 5) if f">S{day}.<" in html]
    assert shown == list(range(5, CASE_PAGE_SESSIONS + 5))  # the latest ones
    every = reverse("counselling:session-list", kwargs={"public_id": case.public_id})
    assert f'href="{every}"' in html

    html = client.get(every).content.decode()
    assert all(f">S{day}.<" in html for day in range(CASE_PAGE_SESSIONS + 5))
    assert_audited("counselling.case.viewed", target=case, details={"sessions_page": 1})


def test_a_short_case_has_no_link_to_earlier_sessions(client, counsellor, case) -> None:
    SessionFactory(case=case, counsellor=counsellor.user)
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert 'href="{}"'.format(reverse("counselling:session-list", kwargs={"public_id": case.public_id})) not in html


def test_session_list_keeps_notes_for_their_author(client, counsellor, case, centre_a) -> None:
    colleague = MembershipFactory(role=Role.COUNSELLOR, centre=centre_a).user
    SessionFactory(case=case, counsellor=colleague, confidential_notes="Only mine.")
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:session-list", kwargs={"public_id": case.public_id})).content.decode()
    assert "Only mine." not in html and "Confidential notes are kept for their author." in html


def test_session_list_of_another_centre_is_404(client, outsider, case) -> None:
    client.force_login(outsider.user)
    assert client.get(reverse("counselling:session-list", kwargs={"public_id": case.public_id})).status_code == 404


def test_session_list_query_count_does_not_grow(client, counsellor, case, django_assert_num_queries) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:session-list", kwargs={"public_id": case.public_id})
    client.get(url)
    for extra in (1, 60):
        for _ in range(extra):
            SessionFactory(case=case, counsellor=counsellor.user)
        with django_assert_num_queries(SESSION_LIST_QUERIES):
            assert client.get(url).status_code == 200


def test_goal_status_from_an_old_page_is_refused_with_a_message(client, counsellor, case) -> None:
    goal = PlanGoal.objects.create(case=case, title="Find work")
    client.force_login(counsellor.user)
    page = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert 'name="version" value="1"' in page
    with unscoped():
        PlanGoal.objects.filter(pk=goal.pk).update(status="in_progress", version=2)  # a colleague, meanwhile

    url = reverse("counselling:goal-status", kwargs={"public_id": goal.public_id})
    response = client.post(url, {"status": "dropped", "version": 1}, follow=True)

    assert "Someone else changed this goal" in response.content.decode()
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    response = client.post(url, {"status": "dropped", "version": 2}, follow=True)
    goal.refresh_from_db()
    assert goal.status == "dropped" and goal.version == 3


def test_case_view_is_audited(client, counsellor, case) -> None:
    client.force_login(counsellor.user)
    client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id}))
    assert_audited("counselling.case.viewed", target=case, actor=counsellor.user, client=case.client)


def test_colleague_sees_that_notes_exist_but_not_their_text(client, counsellor, case, centre_a) -> None:
    from portal.access import Role
    from tests.conftest import _member

    SessionFactory(case=case, counsellor=counsellor.user, confidential_notes="Very private words")
    colleague = _member(Role.COUNSELLOR, centre=centre_a)
    client.force_login(colleague.user)
    html = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert "Very private words" not in html
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert "Very private words" in html


INTAKE = {
    "given_name": "Muhammad",
    "family_name": "Benali",
    "name_native": "",
    "sex": "male",
    "birth_year": "1990",
    "phone": "",
    "preferred_channel": "phone",
    "target_group": "returnee_de",
    "consent_method": "signed",
}


def test_intake_shows_likely_match_first_then_registers_when_confirmed(client, counsellor) -> None:
    existing = ClientFactory(
        centre=counsellor.centre, given_name="Mohamed", family_name="Ben Ali", name_native="محمد بن علي"
    )
    CaseFactory(client=existing)
    client.force_login(counsellor.user)
    url = reverse("counselling:client-create")
    response = client.post(url, INTAKE)
    assert response.status_code == 200
    html = response.content.decode()
    assert existing.code in html
    with unscoped():
        assert Client.objects.count() == 1
    response = client.post(url, {**INTAKE, "confirm_new": "on"})
    assert response.status_code == 302
    with unscoped():
        assert Client.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_name", "<script>alert(1)</script>", "HTML"),
        ("family_name", "<img src=x onerror=alert(1)>", "HTML"),
        ("occupation", "Welder\u202egnp.exe", "direction"),
        ("given_name", "Ama\x07", "control characters"),
        ("given_name", "Ama\x00", "Null characters"),
        ("birth_year", "2999", "between 1900"),
        ("phone", "12", "not a valid phone number"),
    ],
)
def test_intake_bad_input_gets_an_error_and_keeps_the_rest(client, counsellor, field, value, message) -> None:
    client.force_login(counsellor.user)
    data = {**INTAKE, "occupation": "Mechanic", field: value}
    response = client.post(reverse("counselling:client-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Mechanic"' in html or field == "occupation"
    with unscoped():
        assert not Client.objects.exists()


def test_intake_error_is_translated_in_arabic(client, counsellor) -> None:
    client.force_login(counsellor.user)
    response = client.post("/ar/staff/clients/new/", {**INTAKE, "birth_date": "2999-01-01", "birth_year": ""})
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "The date of birth cannot be in the future." not in html
    assert "errorlist" in html


def test_future_date_of_birth_in_the_form(client, counsellor) -> None:
    client.force_login(counsellor.user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("counselling:client-create"), {**INTAKE, "birth_date": tomorrow, "birth_year": ""})
    assert "cannot be in the future" in response.content.decode()


def test_log_session_through_the_form(client, counsellor, case) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:session-create", kwargs={"public_id": case.public_id})
    assert client.get(url).status_code == 200
    held_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "held_at": held_at,
            "duration_minutes": "30",
            "mode": "phone",
            "kind": "individual",
            "topics": ["housing"],
            "summary": "Housing options",
        },
    )
    assert response.status_code == 302
    with unscoped():
        assert Session.objects.get(case=case).summary == "Housing options"


def test_session_on_closed_case_shows_error_and_keeps_input(client, counsellor) -> None:
    case = CaseFactory(
        client=ClientFactory(centre=counsellor.centre),
        status="closed",
        closed_on=timezone.localdate(),
        closure_reason="other",
    )
    client.force_login(counsellor.user)
    url = reverse("counselling:session-create", kwargs={"public_id": case.public_id})
    response = client.post(
        url,
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30",
            "mode": "phone",
            "kind": "individual",
            "topics": ["housing"],
            "summary": "Kept text",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This case is closed" in html
    assert "Kept text" in html


def test_stale_status_form_is_refused_with_message(client, counsellor, case) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:case-status", kwargs={"public_id": case.public_id})
    stale = case.version
    CaseFile.objects.visible_to(counsellor.user).filter(pk=case.pk).update(version=stale + 1)
    response = client.post(url, {"status": "on_hold", "version": stale})
    assert response.status_code == 200
    assert "Someone else changed this case" in response.content.decode()


def test_document_download_is_an_audited_attachment(client, counsellor, case) -> None:
    from tests.counselling.access_rows import document_kwargs

    class Request:
        @staticmethod
        def getfixturevalue(name):
            return {"centre_a": counsellor.centre, "counsellor": counsellor}[name]

    public_id = document_kwargs(Request())["public_id"]
    client.force_login(counsellor.user)
    response = client.get(reverse("counselling:document-download", kwargs={"public_id": public_id}))
    body = b"".join(response.streaming_content)  # consuming it closes the file
    assert body.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_audited("counselling.document.downloaded", count=None)


def test_upload_of_disguised_file_through_the_form(client, counsellor, case) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(counsellor.user)
    url = reverse("counselling:document-create", kwargs={"public_id": case.public_id})
    fake = SimpleUploadedFile("cv.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(url, {"kind": "cv", "upload": fake})
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()


def test_manager_decides_transfer_from_the_list(client, counsellor, outsider_manager, case, centre_b) -> None:
    transfer = Transfer.objects.create(
        case=case, from_centre=case.centre, to_centre=centre_b, reason="Moved", requested_by=counsellor.user
    )
    client.force_login(outsider_manager.user)
    assert case.client.code in client.get(reverse("counselling:transfer-list")).content.decode()
    response = client.post(
        reverse("counselling:transfer-decide", kwargs={"public_id": transfer.public_id}), {"decision": "accept"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.centre == centre_b


def test_follow_up_list_shows_overdue_first(client, counsellor, case) -> None:
    late = FollowUp.objects.create(
        case=case,
        title="Late call",
        due_on=timezone.localdate() - dt.timedelta(days=3),
        assigned_to=counsellor.user,
        created_by=counsellor.user,
    )
    FollowUp.objects.create(
        case=case,
        title="Future visit",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        assigned_to=counsellor.user,
        created_by=counsellor.user,
    )
    client.force_login(counsellor.user)
    html = client.get(reverse("counselling:follow-up-list")).content.decode()
    assert html.index("Late call") < html.index("Future visit")
    html = client.get(reverse("counselling:follow-up-list"), {"overdue": "1"}).content.decode()
    assert "Future visit" not in html and late.title in html


@pytest.mark.parametrize(
    ("url_name", "data", "model"),
    [
        (
            "counselling:session-create",
            {
                "duration_minutes": "30",
                "mode": "phone",
                "kind": "individual",
                "topics": ["housing"],
                "summary": "<script>alert(1)</script>",
            },
            Session,
        ),
        ("counselling:follow-up-create", {"title": "<b onmouseover=x>call</b>", "due_on": "2030-01-01"}, FollowUp),
        ("counselling:goal-create", {"title": "<iframe src=javascript:alert(1)>"}, PlanGoal),
        ("counselling:transfer-create", {"reason": "moved <script>x</script>"}, Transfer),
    ],
)
def test_markup_in_any_case_form_is_refused_and_nothing_saved(
    client, counsellor, case, centre_b, url_name, data, model
) -> None:
    client.force_login(counsellor.user)
    data = {**data, "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "to_centre": centre_b.pk}
    response = client.post(reverse(url_name, kwargs={"public_id": case.public_id}), data)
    assert response.status_code == 200
    assert "Remove the HTML or script code" in response.content.decode()
    with unscoped():
        assert not model.objects.exists()


def test_new_case_for_a_client_whose_cases_are_closed(client, counsellor) -> None:
    closed = CaseFactory(
        client=ClientFactory(centre=counsellor.centre),
        status="closed",
        closed_on=timezone.localdate(),
        closure_reason="other",
    )
    client.force_login(counsellor.user)
    url = reverse("counselling:case-open", kwargs={"public_id": closed.client.public_id})
    response = client.post(url)
    assert response.status_code == 302
    with unscoped():
        assert CaseFile.objects.filter(client=closed.client).exclude(status="closed").count() == 1
    response = client.post(url, follow=True)  # a second open case is refused with a message
    assert "already has an open case" in response.content.decode()
    with unscoped():
        assert CaseFile.objects.filter(client=closed.client).count() == 2


SEARCH_QUERIES = 6  # as the caseload: one query for the page's ids and one for its rows, instead of COUNT + page


def test_caseload_search_pages_without_counting(client, counsellor, django_assert_num_queries) -> None:
    """A search shows 25 matches and a link to the next ones, without a COUNT over every match (issue #9)."""
    client.force_login(counsellor.user)
    client.get(reverse("counselling:case-list"))
    url = reverse("counselling:case-list")
    for extra in (1, 30):
        for _ in range(extra):
            CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Muhammad", family_name="Mansour"))
        with django_assert_num_queries(SEARCH_QUERIES):
            response = client.get(url, {"q": "محمد منصور"})
        assert response.status_code == 200
    first = response.context["page"]
    assert len(first.object_list) == 25 and first.has_next and not first.has_previous
    assert "q=%D9%85%D8%AD%D9%85%D8%AF" in response.content.decode()  # the next-page link keeps the search
    second = client.get(url, {"q": "Mohamed Mansur", "page": "2"}).context["page"]
    assert len(second.object_list) == 6 and second.has_previous and not second.has_next
    shown = [case.pk for case in first.object_list] + [case.pk for case in second.object_list]
    with unscoped():
        expected = list(CaseFile.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True))
    assert shown == expected
    assert client.get(url, {"q": "Muhammad", "page": "x"}).context["page"].number == 1
