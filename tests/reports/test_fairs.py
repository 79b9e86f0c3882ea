"""Job-fair indicators by sex, age band and target group: client records first, then what returnees declared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from jobfairs.models import Application, Booking, Registration
from portal.access import unscoped
from reports.periods import Period
from reports.selectors import Scope, get_report
from reports.services import check_rollups, rebuild_rollups
from reports.suppression import SMALL
from tests.factories import ClientFactory, UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory, VacancyFactory
from tests.reports.builders import at

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
FAIR_PEOPLE = ("fair_registrations", "fair_attended", "fair_meetings", "fair_applications", "fair_hires")


@pytest.fixture
def fair_day(centre_a, country_a, employer_org):
    """One fair on 18 March 2026 with four candidates, each described in another way."""
    fair = FairFactory(
        country=country_a,
        centres=[centre_a],
        starts_at=at(dt.date(2026, 3, 18), 10),
        ends_at=at(dt.date(2026, 3, 18), 16),
        registration_opens_at=at(dt.date(2026, 2, 1)),
        registration_closes_at=at(dt.date(2026, 3, 18), 9),
    )
    client = ClientFactory(centre=centre_a, sex="female", birth_year=2000, birth_date=None, target_group="idp")
    by_client = RegistrationFactory(fair=fair, user=None, client=client, status="attended", consent_given_at=None)
    linked_user = UserFactory()
    ClientFactory(
        centre=centre_a,
        portal_account=linked_user,
        sex="male",
        birth_year=None,
        birth_date=dt.date(2010, 1, 1),
        target_group="local",
    )
    # The client record wins over what the returnee declared.
    linked = RegistrationFactory(fair=fair, user=linked_user, status="attended", declared_sex="female")
    declared = RegistrationFactory(
        fair=fair,
        status="no_show",
        declared_sex="male",
        declared_age_band="35_49",
        declared_target_group="returnee_de",
    )
    silent = RegistrationFactory(fair=fair, status="registered")
    RegistrationFactory(fair=fair, status="cancelled", declared_sex="female")
    booth = BoothFactory(fair=fair, employer=employer_org)
    Booking.objects.create(slot=SlotFactory(booth=booth), registration=declared)
    vacancy = VacancyFactory(employer=employer_org, fair=fair, country=country_a)
    Application.objects.create(
        vacancy=vacancy,
        applicant=declared.user,
        registration=declared,
        created_at=at(dt.date(2026, 3, 18)),
        status="hired",
        hired_at=at(dt.date(2026, 3, 25)),
    )
    Application.objects.create(vacancy=vacancy, applicant=UserFactory(), created_at=at(dt.date(2026, 3, 19)))
    return {"fair": fair, "registrations": [by_client, linked, declared, silent]}


def _numbers(scope: Scope) -> dict:
    report = get_report(scope=scope, periods=[Period(*MARCH, "")])
    out = {}
    for result in report.results:
        out[result.indicator.code] = result.total[0].display
        for breakdown in result.breakdowns:
            for row in breakdown.rows:
                out[(result.indicator.code, breakdown.dimension, row.key)] = row.cells[0].display
    return out


ALL = Scope("programme", "all", suppressed=False)


def test_fair_indicators_take_the_client_record_then_the_declared_values(fair_day) -> None:
    rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    n = _numbers(ALL)
    assert n["fair_registrations"] == "4"
    assert [n[("fair_registrations", "sex", v)] for v in ("female", "male", "unknown")] == ["1", "2", "1"]
    bands = ("under_18", "25_34", "35_49", "unknown")
    assert [n[("fair_registrations", "age_band", v)] for v in bands] == ["1", "1", "1", "1"]
    groups = ("idp", "local", "returnee_de", "unknown")
    assert [n[("fair_registrations", "target_group", v)] for v in groups] == ["1", "1", "1", "1"]
    assert n["fair_attended"] == "2"
    assert n[("fair_attended", "sex", "female")] == "1" and n[("fair_attended", "sex", "male")] == "1"
    assert n[("fair_attendance_rate", "sex", "female")] == "100 %"
    assert n[("fair_attendance_rate", "sex", "male")] == "50 %"
    assert n[("fair_attendance_rate", "sex", "unknown")] == "0 %"
    assert n[("fair_meetings", "age_band", "35_49")] == "1"
    assert n[("fair_applications", "sex", "male")] == "1" and n[("fair_applications", "sex", "unknown")] == "1"
    assert n[("fair_hires", "target_group", "returnee_de")] == "1"
    assert check_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))["ok"]


def test_fair_breakdowns_add_up_to_their_totals(fair_day) -> None:
    rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    report = get_report(scope=ALL, periods=[Period(*MARCH, "")])
    checked = 0
    for result in report.results:
        if result.indicator.code in FAIR_PEOPLE:
            assert [b.dimension for b in result.breakdowns] == ["sex", "age_band", "target_group"]
            for breakdown in result.breakdowns:
                assert sum(row.cells[0].count for row in breakdown.rows) == result.total[0].count
                checked += 1
    assert checked == 15


def test_fair_breakdowns_are_suppressed_outside_the_centre(fair_day, centre_a) -> None:
    rebuild_rollups(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    n = _numbers(Scope("country", "GH", suppressed=True, centre_ids=(centre_a.pk,)))
    assert n["fair_registrations"] == SMALL
    assert {n[("fair_registrations", "sex", v)] for v in ("female", "male", "unknown")} == {SMALL}
    assert n[("fair_attendance_rate", "sex", "male")] == SMALL


# --- The registration form ------------------------------------------------------------------------------


@pytest.fixture
def open_fair(centre_a):
    return FairFactory(country=centre_a.country, centres=[centre_a])


def _register(client, returnee, fair, **data):
    client.force_login(returnee.user)
    return client.post(reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id}), data)


def test_returnee_may_declare_sex_age_band_and_target_group(client, returnee, open_fair) -> None:
    page = client.get(reverse("jobfairs:registration-create", kwargs={"public_id": open_fair.public_id}))
    assert page.status_code == 302  # signed out: to the login
    client.force_login(returnee.user)
    form = client.get(reverse("jobfairs:registration-create", kwargs={"public_id": open_fair.public_id}))
    assert "Prefer not to say" in form.content.decode()
    response = _register(
        client,
        returnee,
        open_fair,
        declared_sex="female",
        declared_age_band="18_24",
        declared_target_group="returnee_other",
    )
    assert response.status_code == 302
    with unscoped():
        registration = Registration.objects.get(user=returnee.user)
    assert (registration.declared_sex, registration.declared_age_band, registration.declared_target_group) == (
        "female",
        "18_24",
        "returnee_other",
    )


def test_prefer_not_to_say_is_stored_blank_and_counted_as_unknown(client, returnee, open_fair) -> None:
    assert _register(client, returnee, open_fair, declared_sex="", declared_age_band="").status_code == 302
    with unscoped():
        registration = Registration.objects.get(user=returnee.user)
    assert registration.declared_sex == registration.declared_age_band == registration.declared_target_group == ""


def test_an_unknown_declared_value_is_refused_and_nothing_is_saved(client, returnee, open_fair) -> None:
    response = _register(client, returnee, open_fair, declared_sex="robot", declared_age_band="18_24")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    with unscoped():
        assert not Registration.objects.filter(user=returnee.user).exists()
