"""`seed_demo` is idempotent and `demo_accounts --json` keeps its contract."""

from __future__ import annotations

import base64
import json
import uuid
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale

from cms.models import CentrePage, CountryPage
from cms.services import editor_group_name
from counselling.models import CaseEvent, Client, Session
from devtools.demo import cms as demo_cms
from devtools.demo import counselling as demo_counselling
from devtools.demo import jobfairs as demo_jobfairs
from jobfairs.models import JobFair
from portal.access import Role, unscoped
from portal.models import Centre, Country, Membership, User
from tests.conftest import rows_for_the_module

ROLES = {
    "counsellor",
    "centre_manager",
    "country_coordinator",
    "programme_analyst",
    "partner",
    "employer",
    "editor",
    "admin",
    "dpo",
    "returnee",
}


def _seed() -> list[dict]:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    with rows_for_the_module(django_db_blocker, tmp_path_factory, _seed) as accounts:
        yield accounts


@pytest.fixture
def seeded(_seeded_once, db) -> list[dict]:
    return _seeded_once


def test_seed_creates_countries_centres_and_clients_in_their_scripts(seeded) -> None:
    assert Country.objects.count() == 15
    per_country = defaultdict(int)
    for centre in Centre.objects.all():
        per_country[centre.country_id] += 1
    assert all(per_country[code] >= 2 for code in ("GH", "RS", "MA", "PK"))
    assert all(per_country[code] >= 1 for code in Country.objects.exclude(code="DE").values_list("code", flat=True))
    with unscoped():
        assert Client.objects.count() >= 300
        native = set(Client.objects.exclude(name_native="").values_list("name_native", flat=True))
    assert any("\u0600" <= ch <= "\u06ff" for name in native for ch in name)  # Arabic / Urdu script
    with unscoped():
        assert Client.objects.filter(family_name__in=["Jovanović", "Petrović", "Đorđević"]).exists()


def test_seed_is_idempotent(seeded) -> None:
    with unscoped():
        before = Client.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    with unscoped():
        assert Client.objects.count() == before
    assert "'users': 0" in out.getvalue()
    assert "'clients': 0" in out.getvalue()


def test_demo_accounts_json_has_two_of_every_role_in_different_places(seeded) -> None:
    by_role = defaultdict(list)
    for row in seeded:
        assert set(row) == {"email", "password", "role", "centre", "country", "organisation", "totp_secret"}
        assert row["role"] in ROLES
        by_role[row["role"]].append(row)
    assert set(by_role) == ROLES
    for role, rows in by_role.items():
        assert len(rows) >= 2, role
        places = {(r["centre"], r["country"], r["organisation"], r["email"]) for r in rows}
        assert len(places) == len(rows)
    assert len({r["centre"] for r in by_role["counsellor"]}) >= 2
    assert len({r["organisation"] for r in by_role["partner"]}) >= 2
    assert len({r["organisation"] for r in by_role["employer"]}) >= 2


def test_every_staff_demo_account_has_a_working_totp_secret(seeded, client) -> None:
    from allauth.mfa.totp.internal.auth import validate_totp_code

    from devtools.demo.portal import current_totp

    for row in seeded:
        if row["role"] == "returnee":
            assert row["totp_secret"] is None
            continue
        base64.b32decode(row["totp_secret"])
        assert validate_totp_code(row["totp_secret"], current_totp(row["totp_secret"]))


def test_demo_counsellor_can_sign_in_with_password_and_totp(seeded, client) -> None:
    from devtools.demo.portal import current_totp

    row = next(r for r in seeded if r["role"] == "counsellor")
    response = client.post("/en/accounts/login/", {"login": row["email"], "password": row["password"]})
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_totp(row["totp_secret"])})
    assert response.status_code == 302
    assert client.get("/en/staff/").status_code == 200


# --- Demo data that tells the truth (issue #19, point 12; issue #20: every partner country with a centre) ----


def test_every_session_line_of_the_timeline_says_the_session_s_own_length(seeded, client) -> None:
    with unscoped():
        lengths = dict(Session.objects.values_list("public_id", "duration_minutes"))
        lines = list(CaseEvent.objects.filter(kind="session.logged").values_list("params", flat=True))
        assert len(lines) == len(lengths) > 0
        assert {line["minutes"] for line in lines} == {30, 45, 60}
        assert all(line["minutes"] == lengths[uuid.UUID(line["session"])] for line in lines)
        session = Session.objects.filter(duration_minutes=30, case__centre__slug="gh-accra").order_by("pk").first()
        case = session.case
        counsellor = Membership.objects.get(role=Role.COUNSELLOR, centre=case.centre).user
        expected = Counter(case.sessions.values_list("duration_minutes", flat=True))
    client.force_login(counsellor)
    page = client.get(reverse("counselling:case-detail", args=[case.public_id])).content.decode()
    for minutes in (30, 45, 60):
        assert page.count(f"Session logged ({minutes} minutes)") == expected[minutes], minutes


def test_a_demo_seeded_before_the_fix_gets_its_session_lengths_back(seeded) -> None:
    with unscoped():
        session = Session.objects.filter(duration_minutes=60).order_by("pk").first()
        line = CaseEvent.objects.get(kind="session.logged", params__session=str(session.public_id))
        line.params = {"minutes": 45}  # what the old seed wrote
        line.save(update_fields=["params"])
        assert demo_counselling.seed() == {"clients": 0, "session_lines_repaired": 1}
        line.refresh_from_db()
        assert line.params == {"minutes": 60}
        assert demo_counselling.seed()["session_lines_repaired"] == 0


def test_every_country_with_a_centre_has_its_pages_in_its_languages_and_an_editor_group(seeded) -> None:
    with unscoped():
        centres = list(Centre.objects.select_related("country").order_by("pk"))
    countries = {centre.country for centre in centres}
    assert len(countries) == 14
    for country in countries:
        english = CountryPage.objects.get(country=country, locale__language_code="en")
        own = {centre.pk for centre in centres if centre.country == country}
        under = CentrePage.objects.child_of(english).filter(locale__language_code="en")
        assert {page.centre_id for page in under} == own, country.code
        languages = {language for centre in centres if centre.country == country for language in centre.languages}
        for language in languages - {"en"}:
            page = english.get_translation(Locale.objects.get(language_code=language))
            assert page.live and page.intro and page.intro != english.intro, (country.code, language)
        # The country's editors change its pages (in every language) and nothing else.
        group = Group.objects.get(name=editor_group_name(country))
        granted = {grant.page_id for grant in GroupPagePermission.objects.filter(group=group)}
        assert granted == set(CountryPage.objects.filter(country=country).values_list("pk", flat=True))
        editor = User.objects.get(email=f"editor.{country.code.lower()}@demo.example.org")
        assert list(editor.groups.filter(name__startswith="Editors ")) == [group]


def test_a_country_editor_edits_their_country_s_pages_and_not_another_s(seeded, client) -> None:
    egypt = CountryPage.objects.get(country_id="EG", locale__language_code="ar")
    cairo = CentrePage.objects.child_of(egypt).get()
    ghana = CountryPage.objects.get(country_id="GH", locale__language_code="en")
    client.force_login(User.objects.get(email="editor.eg@demo.example.org"))
    assert egypt.title == "مصر"
    assert client.get(f"/cms-admin/pages/{egypt.pk}/edit/").status_code == 200
    assert client.get(f"/cms-admin/pages/{cairo.pk}/edit/").status_code == 200
    assert client.get(f"/cms-admin/pages/{ghana.pk}/edit/").status_code in (302, 403)


def test_demo_fairs_have_their_title_and_description_in_every_language(seeded, client) -> None:
    fairs = list(JobFair.objects.order_by("pk"))
    assert fairs
    for fair in fairs:
        for language, _name in settings.LANGUAGES:
            if language == "en":
                continue
            texts = fair.translations[language]
            assert texts["title"] and texts["title"] != fair.title, (fair.title, language)
            assert texts["description"] and texts["description"] != fair.description, (fair.title, language)
    fair = next(fair for fair in fairs if fair.title == "Amman green jobs fair")
    with translation.override("ar"):
        page = client.get(reverse("jobfairs:fair-detail", args=[fair.public_id])).content.decode()
    assert "معرض الوظائف الخضراء عمّان" in page


def test_fairs_seeded_before_their_texts_were_translated_get_them_and_organisers_texts_stay(seeded) -> None:
    with unscoped():
        untranslated = JobFair.objects.get(title="Casablanca job fair")
        untranslated.translations = {}
        untranslated.save(update_fields=["translations"])
        edited = JobFair.objects.get(title="Hybrid job fair Accra")
        edited.description = "Bring your CV: twelve employers from Accra and Tema."
        edited.translations = {"fr": {"title": "Forum de l'emploi d'Accra"}}
        edited.save(update_fields=["description", "translations"])
        demo_jobfairs.seed()
        untranslated.refresh_from_db()
        edited.refresh_from_db()
    assert untranslated.translations["fr"]["title"] == "Salon de l'emploi Casablanca"
    assert untranslated.translations["ar"]["questions"] == ["ما نوع العمل الذي تبحث عنه؟"]
    assert edited.translations["fr"]["title"] == "Forum de l'emploi d'Accra"  # the organisers' own
    assert edited.translations["ar"]["title"] == "معرض التوظيف الهجين في أكرا"
    assert all("description" not in texts for texts in edited.translations.values())


def test_a_country_page_whose_slug_an_editor_changed_is_not_made_again(seeded) -> None:
    page = CountryPage.objects.get(country_id="EG", locale__language_code="en")
    page.slug = "misr"
    page.save_revision().publish()
    demo_cms.seed()
    assert list(CountryPage.objects.filter(country_id="EG", locale__language_code="en")) == [page]
