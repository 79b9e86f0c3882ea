"""Finding 9: a counsellor of another centre could block a centre's intake by taking its next client code.

The attack: a counsellor in centre B (Serbia, RS-BBB) registers a client of
their own centre with the code centre A (Ghana, GH-AAA) would give next,
GH-AAA-000001. Every later registration in centre A then failed on the
taken code, because the counter's increment rolled back with the failed
insert. Now a typed code must be in the typist's own centre series, and
the counter skips numbers already taken, so even a collision left in the
database from before cannot block intake.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from counselling.models import Client
from portal.access import unscoped
from tests.factories import CaseFactory, ClientFactory

INTAKE = {
    "given_name": "Jovana",
    "family_name": "Petrović",
    "name_native": "",
    "sex": "female",
    "birth_year": "1988",
    "phone": "",
    "preferred_channel": "phone",
    "target_group": "returnee_de",
    "consent_method": "signed",
    "occupation": "Nurse",
    "confirm_new": "on",
}


def _intake_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("counselling:client-create")


def test_outsider_cannot_take_another_centres_next_code_through_intake(client, outsider, counsellor) -> None:
    client.force_login(outsider.user)
    response = client.post(_intake_url(), {**INTAKE, "code": "GH-AAA-000001"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "A client code of this centre starts with RS-BBB-" in html
    assert 'value="Nurse"' in html and 'value="GH-AAA-000001"' in html  # the typed values are kept
    with unscoped():
        assert not Client.objects.exists()

    # Centre A's intake is untouched: its next client gets the code the attacker aimed at.
    client.force_login(counsellor.user)
    response = client.post(_intake_url(), {**INTAKE, "given_name": "Ama", "family_name": "Mensah"})
    assert response.status_code == 302
    with unscoped():
        assert Client.objects.get().code == "GH-AAA-000001"


def test_the_refusal_is_translated(client, outsider) -> None:
    client.force_login(outsider.user)
    response = client.post(_intake_url("sr-latn"), {**INTAKE, "code": "gh-aaa-2"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Šifra klijenta ovog centra počinje sa RS-BBB-" in html
    assert "A client code of this centre" not in html
    with unscoped():
        assert not Client.objects.exists()


def test_own_centre_code_from_a_paper_file_is_still_accepted_and_normalised(client, outsider) -> None:
    client.force_login(outsider.user)
    response = client.post(_intake_url(), {**INTAKE, "code": " rs-bbb-42 "})

    assert response.status_code == 302
    with unscoped():
        assert Client.objects.get().code == "RS-BBB-000042"


def test_a_collision_left_from_before_does_not_block_the_next_registration(
    client, counsellor, centre_b, centre_a
) -> None:
    # What the attack left behind before the fix: a centre-B client holding centre A's next two codes.
    with unscoped():
        for number in (1, 2):
            CaseFactory(client=ClientFactory(centre=centre_b, code=f"GH-AAA-{number:06d}"))
    client.force_login(counsellor.user)

    first = client.post(_intake_url(), {**INTAKE, "given_name": "Ama", "family_name": "Mensah"})
    second = client.post(_intake_url(), {**INTAKE, "given_name": "Kofi", "family_name": "Boateng"})

    assert first.status_code == second.status_code == 302
    with unscoped():
        codes = set(Client.objects.filter(centre=centre_a).values_list("code", flat=True))
    assert codes == {"GH-AAA-000003", "GH-AAA-000004"}
    centre_a.refresh_from_db()
    assert centre_a.client_counter == 4
