"""Help and emergency numbers in the public footer: the page's country, else every country to choose from."""

from __future__ import annotations

import pytest

from cms.models import CentrePage, CountryPage, HelpContact, InformationPage, Topic
from devtools.demo.cms import HELP_CONTACTS, seed_help_contacts
from tests.cms.conftest import LANGUAGE_CODES
from tests.factories import CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(locales):
    countries = {code: CountryFactory(code=code) for code in ("GH", "RS")}
    seed_help_contacts(countries=countries, locales=locales)
    return countries


@pytest.fixture
def ghana_tree(home, add_page, contacts, centre_a):
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=contacts["GH"])
    centre_a.country = contacts["GH"]
    centre_a.save()
    centre = add_page(country, CentrePage, title="Accra", slug="accra", centre=centre_a, body=[])
    info = add_page(country, InformationPage, title="Ghana info", slug="info", topic=Topic.TRAINING_JOBS, body=[])
    return country, centre, info


def _footer(client, path: str) -> str:
    body = client.get(path).content.decode()
    return body[body.index('<footer class="site-footer">') :]


def test_seed_covers_every_country_in_every_language_and_marks_demo_numbers(locales) -> None:
    countries = {code: CountryFactory(code=code) for code in HELP_CONTACTS}
    expected = sum(len(rows) for rows in HELP_CONTACTS.values()) * len(LANGUAGE_CODES)
    assert seed_help_contacts(countries=countries, locales=locales) == expected
    assert seed_help_contacts(countries=countries, locales=locales) == expected  # idempotent
    assert HelpContact.objects.count() == expected
    assert HelpContact.objects.filter(is_demo=True, label__contains="IOM", locale__language_code="en").count() == 15


@pytest.mark.parametrize("path", ["/en/ghana/", "/en/ghana/accra/", "/en/ghana/info/"])
def test_country_pages_and_below_show_their_country_numbers(client, ghana_tree, path) -> None:
    footer = _footer(client, path)
    assert "Help and emergency numbers in Ghana" in footer
    assert 'href="tel:+233302742930"' in footer and ">112<" in footer
    assert "+381" not in footer  # Serbia's numbers are not shown


def test_other_pages_list_every_country_in_details(client, ghana_tree) -> None:
    footer = _footer(client, "/en/")
    assert footer.count("<details><summary>") == 2
    assert "<summary><bdi>Ghana</bdi></summary>" in footer and "<summary><bdi>Serbia</bdi></summary>" in footer


def test_footer_is_in_the_page_language(client, ghana_tree, translate) -> None:
    country, _centre, _info = ghana_tree
    translate(country.get_parent(), ["fr"])
    translate(country, ["fr"])
    footer = _footer(client, "/fr/ghana/")
    assert '<html lang="fr"' in client.get("/fr/ghana/").content.decode()
    assert 'href="tel:+233302742930"' in footer


def test_staff_pages_do_not_load_the_contacts(client, counsellor, contacts) -> None:
    from django.urls import reverse

    client.force_login(counsellor.user)
    assert 'class="help-contacts"' not in client.get(reverse("counselling:case-list")).content.decode()


def test_footer_adds_a_constant_number_of_queries(client, home, add_page, contacts) -> None:
    """Two queries at most, whatever the number of contacts: the country of the page and the contacts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=contacts["GH"])
    client.get("/en/ghana/", {"warm": 1})
    with CaptureQueriesContext(connection) as before:
        client.get("/en/ghana/", {"a": 1})
    for position in range(20):
        HelpContact.objects.create(
            country=country.country, locale=home.locale, label=f"Line {position}", phone="+233 30 000 0000"
        )
    client.get("/en/ghana/", {"warm": 2})
    with CaptureQueriesContext(connection) as after:
        client.get("/en/ghana/", {"b": 1})
    assert len(before) == len(after)
    assert sum("cms_helpcontact" in q["sql"] for q in after.captured_queries) == 1
