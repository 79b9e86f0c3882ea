"""Survey free-text answers (issue #19, point 9): shown to a fair's organisers on its staff page, and on the
lessons-learned page by format to managers, coordinators and analysts, never with who answered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobfairs import selectors
from jobfairs.models import RegistrationStatus, SurveyResponse
from portal.access import get_access
from tests.factories import UserFactory
from tests.jobfairs.factories import RegistrationFactory, past_fair

LESSONS = reverse("jobfairs:lessons")


def _answer(fair, *, worked: str = "", improve: str = "", satisfaction: int = 4, name: str = "Ama Mensah"):
    """A candidate who attended and answered the survey (created directly: the service is tested elsewhere)."""
    user = UserFactory(full_name=name)
    registration = RegistrationFactory(fair=fair, user=user, status=RegistrationStatus.ATTENDED)
    SurveyResponse.objects.create(
        fair=fair, respondent=user, kind="candidate", satisfaction=satisfaction, what_worked=worked, to_improve=improve
    )
    return user, registration


def _fair(centre, fair_format: str = "virtual"):
    return past_fair(country=centre.country, centres=[centre], format=fair_format, title="Accra Jobs Day")


# --- The fair's staff page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "counsellor"])
def test_organisers_read_the_answers_on_the_fair_page_without_who_answered(client, request, persona, centre_a) -> None:
    fair = _fair(centre_a)
    user, registration = _answer(fair, worked="Short meetings with employers", improve="More Arabic interpreters")
    _answer(fair, satisfaction=2, name="Silent Person")  # no text: not listed
    client.force_login(request.getfixturevalue(persona).user)
    page = client.get(reverse("jobfairs:fair-manage", args=[fair.public_id])).content.decode()
    section = page[page.index('id="survey-answers"') : page.index('id="booths"')]
    assert "Short meetings with employers" in section and "More Arabic interpreters" in section
    assert "Satisfaction 4 / 5" in section and section.count('class="card"') == 1
    for identifier in (user.get_full_name(), user.email, str(registration.public_id), registration.check_in_code):
        assert identifier not in section


def test_a_coordinator_does_not_read_single_answers_on_a_fair_page(client, coordinator, centre_a) -> None:
    fair = _fair(centre_a)
    _answer(fair, worked="Short meetings with employers")
    client.force_login(coordinator.user)
    page = client.get(reverse("jobfairs:fair-manage", args=[fair.public_id])).content.decode()
    assert "Short meetings with employers" not in page and 'id="survey-answers"' not in page


def test_another_centres_manager_reads_no_answers(outsider_manager, centre_a) -> None:
    fair = _fair(centre_a)
    _answer(fair, worked="Short meetings with employers")
    assert selectors.list_survey_answers(access=get_access(outsider_manager.user), fair=fair) == []


# --- Lessons learned ---------------------------------------------------------------------------------------


def test_analyst_reads_lessons_by_format_suppressed_and_without_names(client, analyst, centre_a, centre_b) -> None:
    virtual = [_fair(centre_a), _fair(centre_b)]
    people = [_answer(virtual[i % 2], worked=f"Worked well {i}", name=f"Person Number{i}") for i in range(6)]
    hybrid = _fair(centre_a, "hybrid")
    few = [_answer(hybrid, improve=f"Change this {i}", name=f"Hybrid Person{i}") for i in range(2)]
    client.force_login(analyst.user)
    response = client.get(LESSONS)
    assert response.status_code == 200
    page = response.content.decode()
    for i in range(6):
        assert f"Worked well {i}" in page
    # Fewer than five surveys after hybrid fairs: their answers are not shown.
    assert "Change this 0" not in page and "Fewer than 5 people answered" in page
    for user, registration in people + few:
        assert user.get_full_name() not in page and user.email not in page
        assert str(registration.public_id) not in page and registration.check_in_code not in page
    # Aggregates only: no fair by fair table, no link to a fair's staff page; small counts suppressed.
    assert "Accra Jobs Day" not in page and str(hybrid.public_id) not in page
    assert "Per fair" not in page and "<td>&lt;5</td>" in page


def test_lessons_suppress_the_counts_of_small_formats(analyst) -> None:
    lessons = selectors.lessons_learned(access=get_access(analyst.user))
    assert lessons.suppressed and lessons.fairs == []
    assert lessons.shown_total is not None and lessons.shown_total["registrations"] == "0"


def test_suppressed_columns_follow_the_reports_rules() -> None:
    # One small cell in a shown total: the next smallest is hidden too; the others rounded to 5.
    assert selectors._suppress_column(38, [3, 12, 23]) == ("40", ["<5", "×", "25"])
    assert selectors._suppress_column(3, [3, 0, 0]) == ("<5", ["<5", "0", "0"])
    # Rates from exact counts, rounded to 5 %, hidden when a side is small.
    assert selectors._suppressed_rate(13, 21) == "60 %"  # 61.9 %
    assert selectors._suppressed_rate(13, 17) == "—", "4 did not come: a small number"
    assert selectors._suppressed_rate(2, 4) == "—"


def test_manager_reads_own_fairs_as_they_are(client, manager, centre_a, centre_b) -> None:
    mine = _fair(centre_a, "on_site")
    _answer(mine, worked="Good venue")
    other = _fair(centre_b, "on_site")
    _answer(other, worked="Other centre's answer")
    lessons = selectors.lessons_learned(access=get_access(manager.user))
    assert not lessons.suppressed and [fair for fair, _o in lessons.fairs] == [mine]
    on_site = next(group for group in lessons.answers if group.answers)
    assert [a.what_worked for a in on_site.answers] == ["Good venue"] and not on_site.hidden
    client.force_login(manager.user)
    page = client.get(LESSONS).content.decode()
    assert "Good venue" in page and "Other centre" not in page and "Per fair" in page


def test_coordinator_reads_the_country_suppressed_with_its_fairs(client, coordinator, centre_a, centre_b) -> None:
    mine = _fair(centre_a)
    for i in range(5):
        _answer(mine, worked=f"Answer {i}")
    _answer(_fair(centre_b), worked="Another country")
    lessons = selectors.lessons_learned(access=get_access(coordinator.user))
    assert lessons.suppressed and [fair for fair, _o in lessons.fairs] == [mine]
    assert lessons.shown_total is not None and lessons.shown_total["registrations"] == "5"
    client.force_login(coordinator.user)
    page = client.get(LESSONS).content.decode()
    assert "Answer 4" in page and "Another country" not in page


def test_lessons_query_count_is_flat_for_an_analyst(client, analyst, centre_a) -> None:
    client.force_login(analyst.user)
    client.get(LESSONS)
    counts = set()
    for extra in (1, 8):
        for index in range(extra):
            fair = _fair(centre_a, ["virtual", "hybrid", "on_site"][index % 3])
            _answer(fair, worked="Fine", name=f"Someone {extra} {index}")
        with CaptureQueriesContext(connection) as context:
            assert client.get(LESSONS).status_code == 200
        counts.add(len(context.captured_queries))
    assert len(counts) == 1, counts
