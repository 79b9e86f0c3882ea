"""Services in every language: the directory and the returnee's pages show the viewer's language (issue #18, 6)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from referrals.models import Service


def test_manager_saves_a_service_name_and_description_per_language(client, manager, service) -> None:
    client.force_login(manager.user)
    url = reverse("referrals:service-edit", kwargs={"public_id": service.public_id})
    response = client.post(
        url,
        {
            "organization": service.organization_id,
            "name": "Welding course",
            "category": service.category,
            "delivery": service.delivery,
            "description": "Six months, with a certificate.",
            "name_ar": "دورة اللحام",
            "description_ar": "ستة أشهر مع شهادة.",
            "name_sq": "Kurs saldimi",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(pk=service.pk)
    assert service.translations == {
        "ar": {"name": "دورة اللحام", "description": "ستة أشهر مع شهادة."},
        "sq": {"name": "Kurs saldimi"},
    }
    directory = reverse("referrals:service-list")
    html = client.get(directory.replace("/en/", "/ar/", 1)).content.decode()
    assert "<h2><bdi>دورة اللحام</bdi></h2>" in html and "ستة أشهر مع شهادة." in html
    html = client.get(directory.replace("/en/", "/ur/", 1)).content.decode()
    assert (
        '<h2><bdi lang="en" dir="ltr">Welding course</bdi> <small class="muted content-fallback">(انگریزی میں)' in html
    )
    form_html = client.get(url.replace("/en/", "/ar/", 1)).content.decode()
    assert 'value="دورة اللحام"' in form_html  # shown again to edit


def test_over_long_service_name_in_a_language_is_refused_and_kept(client, manager, service) -> None:
    client.force_login(manager.user)
    url = reverse("referrals:service-edit", kwargs={"public_id": service.public_id}).replace("/en/", "/ar/", 1)
    response = client.post(
        url,
        {
            "organization": service.organization_id,
            "name": "Welding course",
            "category": service.category,
            "delivery": service.delivery,
            "name_ar": "د" * 201,
            "name_fr": "Cours de soudure",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("ar"):
        error = translation.ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            200,
        ) % {"limit_value": 200, "show_value": 201}
    assert error in html and "د" * 201 in html and 'value="Cours de soudure"' in html
    assert Service.objects.get(pk=service.pk).translations == {}
