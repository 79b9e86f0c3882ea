"""The job fairs demo data: fairs in four countries, past and upcoming; seeding twice changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from devtools.demo import jobfairs as demo
from jobfairs.models import Application, JobFair, SurveyResponse
from portal.access import unscoped


def test_seed_is_idempotent_and_covers_four_countries(db) -> None:
    call_command("seed_demo", stdout=StringIO())
    assert set(JobFair.objects.values_list("country_id", flat=True)) >= {"RS", "GH", "MA", "JO"}
    assert any(fair.is_past for fair in JobFair.objects.all())
    assert any(not fair.is_past for fair in JobFair.objects.all())
    with unscoped():
        assert Application.objects.filter(status="hired").exists()
        assert SurveyResponse.objects.exists()
    again = demo.seed()
    assert again["registrations_created"] == again["bookings"] == again["applications"] == again["surveys"] == 0
