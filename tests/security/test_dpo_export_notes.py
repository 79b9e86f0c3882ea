"""Issue #15, finding 16: the data-subject export, produced by the data-protection officer, held a
confidential session note, though SECURITY.md says that role never reads notes.

The attack, replayed through the views: the data-protection officer finds the client on the data-subject
screen, types the password again and downloads the export as JSON (and as PDF): the counsellor's
confidential note was in it. Now the officer's export leaves every confidential note's text out, says how
many there are and how the person gets them (through the centre's manager), and the audit line says how
many were withheld. The centre's manager, who may read the centre's notes, still gets them; a counsellor
(even the note's author) produces no export at all.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.audit import assert_audited
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, SessionFactory

NOTE = "Fears her husband will find her in Accra"


@pytest.fixture
def amina(counsellor):
    client = ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Haddad")
    case = CaseFactory(client=client, counsellor=counsellor.user)
    SessionFactory(case=case, counsellor=counsellor.user, summary="Talked about a welding course")
    SessionFactory(case=case, counsellor=counsellor.user, summary="Second talk", confidential_notes=NOTE)
    return client


def _export(browser, persona, client, name: str = "counselling:dsr-export-json", **query: str):
    """Download the export as `persona` does: the screen, the password again, the file."""
    url = reverse(name, kwargs={"public_id": client.public_id})
    browser.force_login(persona.user)
    response = browser.get(url)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    browser.post(response["Location"], {"password": TEST_PASSWORD})
    return browser.get(url, query)


def test_dpo_export_withholds_confidential_notes_and_says_so(client, dpo, amina) -> None:
    response = _export(client, dpo, amina)
    assert response.status_code == 200
    body = response.content.decode()
    assert NOTE not in body
    data = json.loads(body)
    assert "Second talk" in body  # the rest of the case file is the person's, and is there
    assert data["confidential_notes_withheld"]["count"] == 1
    assert "centre's manager" in data["confidential_notes_withheld"]["notice"]
    sessions = data["cases"][0]["sessions"]
    assert [s["confidential_notes_withheld"] for s in sessions] == [False, True]
    assert_audited("counselling.client.exported", actor=dpo.user, client=amina, details={"notes_withheld": 1})


def test_dpo_detail_page_says_exports_leave_notes_out(client, dpo, amina) -> None:
    client.force_login(dpo.user)
    page = client.get(reverse("counselling:dsr-detail", kwargs={"public_id": amina.public_id}))
    assert page.status_code == 200
    assert "leave out confidential session notes" in page.content.decode()
    assert NOTE not in page.content.decode()


def test_manager_export_holds_the_notes_of_the_centre(client, manager, amina) -> None:
    response = _export(client, manager, amina)
    assert response.status_code == 200 and NOTE in response.content.decode()
    assert "confidential_notes_withheld" not in response.json()
    assert_audited("counselling.client.exported", actor=manager.user, details={"notes_withheld": 0})


def test_counsellor_who_wrote_the_note_cannot_export(client, counsellor, amina) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:dsr-export-json", kwargs={"public_id": amina.public_id})
    assert client.get(url).status_code == 404
    assert_audited("counselling.client.exported", actor=counsellor.user, count=0)


def test_dpo_pdf_export_withholds_the_note_too(client, dpo, amina, tmp_path) -> None:
    from tests.reports.test_builds import pdf_text

    response = _export(client, dpo, amina, "counselling:dsr-export-pdf", lang="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = " ".join(pdf_text(path).split())
    assert "Amina" in text and "welding course" in text
    assert "Fears her husband" not in text
    assert "left out of this copy" in text
    (event,) = assert_audited("counselling.client.exported", actor=dpo.user)
    assert event.details == {"format": "pdf", "lang": "en", "notes_withheld": 1, "client": amina.pk}
