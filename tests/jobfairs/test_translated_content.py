"""Fairs and vacancies in every language: what visitors see, what staff type, and bad input (issue #18, 6)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from jobfairs.models import JobFair, Registration, Vacancy
from portal.access import get_access, unscoped
from tests.jobfairs.factories import FairFactory, VacancyFactory

TRANSLATIONS = {
    "ar": {"title": "معرض الربيع", "description": "قابل أصحاب العمل.", "questions": ["ما العمل الذي تبحث عنه؟"]},
    "fr": {"title": "Salon du printemps"},
}


def _fair(centre, **kwargs) -> JobFair:
    defaults = {
        "title": "Spring job fair",
        "description": "Meet employers.",
        "questions": ["Which work do you look for?"],
        "translations": TRANSLATIONS,
        "languages": ["sr-latn", "en"],
    }
    return FairFactory(country=centre.country, centres=[centre], **{**defaults, **kwargs})


FALLBACK = '<bdi lang="en" dir="ltr">{}</bdi> <small class="muted content-fallback">({})'
FALLBACK_BLOCK = '<div lang="en" dir="ltr"><p>{}</p></div><p class="muted content-fallback"><small>({})'


def test_fair_page_shows_the_viewers_language(client, centre_a) -> None:
    fair = _fair(centre_a)
    html = client.get(f"/ar/jobfairs/{fair.public_id}/").content.decode()
    assert "<h1><bdi>معرض الربيع</bdi></h1>" in html
    assert "قابل أصحاب العمل." in html and "Meet employers." not in html
    assert "<title>معرض الربيع" in html
    assert "srpski (latinica), English" in html and "sr-latn, en" not in html
    html = client.get(f"/fr/jobfairs/{fair.public_id}/").content.decode()
    assert "<h1><bdi>Salon du printemps</bdi></h1>" in html


def test_fair_without_a_translation_falls_back_with_a_note_and_its_language(client, centre_a) -> None:
    fair = _fair(centre_a)
    html = client.get(f"/ur/jobfairs/{fair.public_id}/").content.decode()
    assert (
        '<h1><bdi lang="en" dir="ltr">Spring job fair</bdi> <small class="muted content-fallback">(انگریزی میں)' in html
    )
    assert '<div lang="en" dir="ltr"><p>Meet employers.</p></div>' in html
    html = client.get(f"/fr/jobfairs/{fair.public_id}/").content.decode()  # title in French, description not
    assert (
        '<div lang="en" dir="ltr"><p>Meet employers.</p></div><p class="muted content-fallback"><small>(en anglais)'
        in html
    )
    listing = client.get("/ur/jobfairs/").content.decode()
    assert '<bdi lang="en" dir="ltr">Spring job fair</bdi>' in listing


def test_registration_asks_the_question_in_the_viewers_language_and_keeps_the_answer_under_the_original(
    client, returnee, centre_a
) -> None:
    fair = _fair(centre_a)
    client.force_login(returnee.user)
    url = reverse("jobfairs:registration-create", kwargs={"public_id": fair.public_id}).replace("/en/", "/ar/", 1)
    assert "ما العمل الذي تبحث عنه؟" in client.get(url).content.decode()
    html = client.get(url.replace("/ar/", "/ur/", 1)).content.decode()
    assert '<bdi lang="en" dir="ltr">Which work do you look for?</bdi>' in html  # not translated into Urdu
    response = client.post(url, {"q0": "اللحام", "share_profile": "on"})
    assert response.status_code == 302
    with unscoped():
        assert Registration.objects.get(fair=fair).answers == {"Which work do you look for?": "اللحام"}


def _edit_data(client, fair: JobFair) -> dict:
    form = client.get(reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id})).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        data[name] = form.initial[name].strftime("%Y-%m-%dT%H:%M")
    data["languages"] = form.initial.get("languages") or []
    return data


def test_manager_saves_title_description_and_questions_per_language(client, manager, centre_a) -> None:
    fair = _fair(centre_a, translations={}, questions=["Which work?", "Since when?"])
    client.force_login(manager.user)
    data = _edit_data(client, fair)
    assert data["questions"] == "Which work?\nSince when?"
    data.update(
        {
            "title_ur": "بہار کا میلہ",
            "description_ur": "آجروں سے ملیں۔",
            "questions_ur": "کون سا کام؟\nکب سے؟",
            "questions_sq": "\nQë kur?",  # the first question left in English
            "title_sr-latn": "Prolećni sajam",
        }
    )
    response = client.post(reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    fair.refresh_from_db()
    assert fair.translations == {
        "ur": {"title": "بہار کا میلہ", "description": "آجروں سے ملیں۔", "questions": ["کون سا کام؟", "کب سے؟"]},
        "sq": {"questions": ["", "Që kur?"]},
        "sr-latn": {"title": "Prolećni sajam"},
    }
    assert fair.questions == ["Which work?", "Since when?"]
    html = client.get(reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id})).content.decode()
    assert 'name="title_ur"' in html and 'lang="ur" dir="rtl"' in html and 'value="بہار کا میلہ"' in html


def test_over_long_translation_gets_a_translated_error_and_nothing_typed_is_lost(client, manager, centre_a) -> None:
    fair = _fair(centre_a)
    client.force_login(manager.user)
    data = _edit_data(client, fair)
    data.update({"title": "Renamed", "title_ur": "م" * 201, "description_ar": "وصف جديد", "questions_ar": "١\n٢"})
    url = reverse("jobfairs:fair-edit", kwargs={"public_id": fair.public_id}).replace("/en/", "/ur/", 1)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("ur"):
        too_long = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            200,
        ) % {"limit_value": 200, "show_value": 201}
        too_many_lines = escape(
            translation.gettext("There are more lines here than in the original: give one line for each line.")
        )
    assert "Ensure this value" not in too_long
    assert escape(too_long) in html and too_many_lines in html
    assert "<details open>" in html  # the language with the error is opened
    assert "م" * 201 in html and "وصف جديد" in html and 'value="Renamed"' in html
    fair.refresh_from_db()
    assert fair.title == "Spring job fair" and fair.translations == TRANSLATIONS


def test_vacancy_title_and_description_per_language(client, employer, employer_org, country_a) -> None:
    from jobfairs import services

    with unscoped():
        vacancy = VacancyFactory(employer=employer_org, country=country_a, title="Welder", description="Welding.")
    services.save_vacancy(
        access=get_access(employer.user),
        actor=employer.user,
        employer=employer_org,
        vacancy=vacancy,
        publish=True,
        translations={"ar": {"title": "لحّام", "description": "أعمال اللحام."}, "xx": {"title": "dropped"}},
        title="Welder",
        description="Welding.",
        employment_type=vacancy.employment_type,
        country_id=country_a.code,
        locality="Tema",
        valid_through=vacancy.valid_through,
    )
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    assert vacancy.translations == {"ar": {"title": "لحّام", "description": "أعمال اللحام."}}
    html = client.get(f"/ar/jobfairs/vacancies/{vacancy.public_id}/").content.decode()
    assert "<h1><bdi>لحّام</bdi></h1>" in html and "أعمال اللحام." in html
    html = client.get(f"/de/jobfairs/vacancies/{vacancy.public_id}/").content.decode()
    assert "<h1>" + FALLBACK.format("Welder", "auf Englisch") in html


def test_employer_form_saves_vacancy_translations(client, employer, employer_org) -> None:
    import datetime as dt

    from django.utils import timezone

    client.force_login(employer.user)
    response = client.post(
        reverse("jobfairs:vacancy-create"),
        {
            "title": "Welder",
            "description": "Welding jobs",
            "title_fr": "Soudeur",
            "description_fr": "Travaux de soudure",
            "employment_type": "FULL_TIME",
            "country": "GH",
            "locality": "Tema",
            "valid_through": (timezone.localdate() + dt.timedelta(days=9)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with unscoped():
        assert Vacancy.objects.get().translations == {"fr": {"title": "Soudeur", "description": "Travaux de soudure"}}
