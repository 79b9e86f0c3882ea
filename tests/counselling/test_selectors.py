"""Reads: the cross-script duplicate check and the caseload search."""

from __future__ import annotations

import datetime as dt

import pytest

from counselling.names import skeleton
from counselling.selectors import CaseloadFilter, find_possible_duplicates, list_caseload
from portal.access import get_access
from tests.factories import CaseFactory, ClientFactory


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("محمد", "Mohamed"),
        ("محمد", "Muhammad"),
        ("Mohammed", "Muhammad"),
        ("أحمد", "Ahmed"),
        ("فاطمة", "Fatima"),
        ("يوسف", "Youssef"),
        ("خديجة", "Khadija"),
        ("Јовановић", "Jovanović"),
        ("Đorđević", "Djordjevic"),
        ("حسین", "Hussain"),
        ("Марко", "Marko"),
    ],
)
def test_spellings_across_scripts_share_a_skeleton(one: str, other: str) -> None:
    assert skeleton(one) == skeleton(other)


def test_different_names_do_not_share_a_skeleton() -> None:
    assert skeleton("Fatima") != skeleton("Khadija")
    assert skeleton("Youssef") != skeleton("Omar")


@pytest.fixture
def mohamed(counsellor):
    return ClientFactory(
        centre=counsellor.centre,
        given_name="Mohamed",
        family_name="Benali",
        name_native="محمد بن علي",
        phone="+212612345678",
        birth_date=dt.date(1990, 5, 1),
    )


def test_arabic_script_finds_latin_spelling(counsellor, mohamed) -> None:
    matches = find_possible_duplicates(access=get_access(counsellor.user), given_name="", name_native="محمد بنعلي")
    assert [m.client for m in matches] == [mohamed]
    assert "name" in matches[0].reasons


@pytest.mark.parametrize("given", ["Muhammad", "Mohammed", "MOHAMED", "محمد"])
def test_other_spellings_find_the_client(counsellor, mohamed, given: str) -> None:
    matches = find_possible_duplicates(access=get_access(counsellor.user), given_name=given, family_name="Ben Ali")
    assert mohamed in [m.client for m in matches]


def test_same_phone_finds_the_client_whatever_the_name(counsellor, mohamed) -> None:
    matches = find_possible_duplicates(
        access=get_access(counsellor.user),
        given_name="Someone",
        family_name="Else",
        phone="0612345678",
        country_code="MA",
    )
    assert [m.client for m in matches] == [mohamed]
    assert matches[0].reasons[0] == "phone"


def test_same_birth_date_ranks_first(counsellor, mohamed) -> None:
    twin = ClientFactory(
        centre=counsellor.centre, given_name="Muhammad", family_name="Benali", birth_date=dt.date(1985, 1, 1)
    )
    matches = find_possible_duplicates(
        access=get_access(counsellor.user), given_name="Mohammed", family_name="Benali", birth_date=dt.date(1990, 5, 1)
    )
    assert [m.client for m in matches][:2] == [mohamed, twin]
    assert "birth_date" in matches[0].reasons


def test_duplicate_check_stays_in_scope(outsider, mohamed) -> None:
    assert find_possible_duplicates(access=get_access(outsider.user), given_name="Mohamed", family_name="Benali") == []


def test_unrelated_names_are_not_matches(counsellor, mohamed) -> None:
    assert find_possible_duplicates(access=get_access(counsellor.user), given_name="Kwame", family_name="Owusu") == []


@pytest.mark.parametrize("query", ["محمد", "Muhammad", "benali", "MA-TST", "612345678"])
def test_caseload_search_by_any_script_code_or_phone(counsellor, mohamed, query: str) -> None:
    if query == "MA-TST":
        query = mohamed.code
    case = CaseFactory(client=mohamed)
    CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Kwame", family_name="Owusu"))
    found = list(list_caseload(access=get_access(counsellor.user), filters=CaseloadFilter(q=query)))
    assert found == [case]


def test_caseload_filters(counsellor) -> None:
    from django.utils import timezone

    due = CaseFactory(
        client=ClientFactory(centre=counsellor.centre, target_group="idp"),
        next_follow_up_on=timezone.localdate(),
        counsellor=counsellor.user,
    )
    CaseFactory(
        client=ClientFactory(centre=counsellor.centre, target_group="local"),
        status="closed",
        closed_on=timezone.localdate(),
        closure_reason="other",
    )
    access = get_access(counsellor.user)
    assert list(list_caseload(access=access, filters=CaseloadFilter())) == [due]
    assert list(list_caseload(access=access, filters=CaseloadFilter(follow_up_due=True, mine=True))) == [due]
    assert list(list_caseload(access=access, filters=CaseloadFilter(target_group="local"))) == []
    assert len(list(list_caseload(access=access, filters=CaseloadFilter(status="closed")))) == 1


def test_caseload_search_finds_an_old_case_whose_client_moved_on(counsellor, outsider_manager, centre_b) -> None:
    """The search reads clients by their centre (issue #9); a closed case left behind by a transfer is still found."""
    from django.utils import timezone

    from counselling import services
    from counselling.models import TransferStatus

    client = ClientFactory(centre=counsellor.centre, given_name="Youssef", family_name="Haddad")
    old = CaseFactory(client=client, status="closed", closed_on=timezone.localdate(), closure_reason="other")
    current = CaseFactory(client=client)
    transfer = services.request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=current, to_centre=centre_b, reason="moved"
    )
    services.decide_transfer(
        access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=True
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    access = get_access(counsellor.user)
    for query in ("Yusuf", "يوسف حداد"):
        assert list(list_caseload(access=access, filters=CaseloadFilter(status="closed", q=query))) == [old]
    assert list(list_caseload(access=access, filters=CaseloadFilter(q="Yusuf"))) == []  # the open case left


def test_caseload_search_stays_in_the_users_centres(counsellor, outsider, mohamed) -> None:
    CaseFactory(client=mohamed)
    theirs = CaseFactory(client=ClientFactory(centre=outsider.centre, given_name="Mohammed", family_name="Benali"))
    assert list(list_caseload(access=get_access(outsider.user), filters=CaseloadFilter(q="محمد"))) == [theirs]
