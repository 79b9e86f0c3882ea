"""Random text thrown at the returnee portal's forms: never a server error, never stored markup."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given

from cms.returnees.models import ReturneeProfile
from portal.access import unscoped
from tests.factories import ClientFactory
from tests.test_fuzz_forms import FEW, NASTY, check_answer


@FEW
@given(full_name=NASTY, skills=NASTY, year=NASTY)
def test_profile_form_survives_any_text(client, returnee, full_name, skills, year) -> None:
    client.force_login(returnee.user)
    fuzzed = {"full_name": full_name, "skills": skills}
    check_answer(client.post(reverse("returnees:profile"), {**fuzzed, "birth_year": year}), fuzzed)
    with unscoped():
        for stored in ReturneeProfile.objects.filter(user=returnee.user).values_list("skills", flat=True):
            assert "<script" not in stored.lower() and "\u202e" not in stored


@FEW
@given(code=NASTY)
def test_link_form_survives_any_text(client, counsellor, code) -> None:
    client.force_login(counsellor.user)
    url = reverse("returnees:client-link", kwargs={"public_id": ClientFactory(centre=counsellor.centre).public_id})
    check_answer(client.post(url, {"code": code}), {}, saves=False)
