"""Issue #19, point 8: employers can act on a candidate.

The employer's candidate list shows what each candidate agreed to share (a readable label, never "None";
phone and e-mail as far as the consent's wording went; skills, languages; a CV download), a pseudonymous
code and nothing else for the others. The CV is served only to the employer of an approved booth at the
candidate's fair while the consent runs, audited. A phone-only returnee who books a meeting gets the
confirmation by SMS, in their language, and the page does not promise an e-mail.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cms.returnees.models import ReturneeProfile
from jobfairs import selectors
from jobfairs.models import Booking, BoothStatus
from portal import sms
from portal.access import get_access, unscoped
from portal.models import AuditEvent, User
from tests.factories import ClientFactory, EmployerFactory, MembershipFactory, UserFactory, with_totp
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory

PHONE = "+233241234567"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def phone_only_user(phone: str = PHONE, **kwargs) -> User:
    return User.objects.create(email=None, phone=phone, phone_verified=True, **kwargs)


def with_profile(user: User, *, cv: bool = True, skills: str = "Welding, forklift licence") -> ReturneeProfile:
    with unscoped():
        profile = ReturneeProfile.objects.create(user=user, skills=skills, languages=["ar", "en"])
    if cv:
        profile.cv.save("cv", ContentFile(PDF), save=False)
        profile.cv_name, profile.cv_content_type, profile.cv_size = "my-cv.pdf", "application/pdf", len(PDF)
        profile.save()
    return profile


def audited(**filters) -> bool:
    with unscoped():
        return AuditEvent.objects.filter(**filters).exists()


def code_of(booth, registration) -> str:
    return selectors.candidate_code(booth=booth, registration_public_id=registration.public_id)


def _list(client, employer, booth) -> str:
    client.force_login(employer.user)
    response = client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}))
    assert response.status_code == 200
    return response.content.decode()


def _cv_url(booth, registration) -> str:
    return reverse(
        "jobfairs:candidate-cv", kwargs={"public_id": booth.public_id, "registration_id": registration.public_id}
    )


@pytest.fixture
def other_employer(country_a):
    user = with_totp(UserFactory())
    membership = MembershipFactory(user=user, role="employer", employer=EmployerFactory(country=country_a))
    return user, membership.employer


# --- The candidate list -------------------------------------------------------------------------------------


def test_phone_only_candidate_shows_a_label_the_phone_skills_languages_and_cv(client, employer, booth, fair) -> None:
    user = phone_only_user()
    with_profile(user)
    registration = RegistrationFactory(fair=fair, user=user)

    body = _list(client, employer, booth)

    assert "None" not in body
    assert f"Candidate {code_of(booth, registration)}" in body
    assert f'href="tel:{PHONE}"' in body and "+233 24 123 4567" in body
    assert "mailto:" not in body  # the account has no e-mail: none is offered
    assert "Welding, forklift licence" in body
    assert "Arabic" in body and "English" in body
    assert _cv_url(booth, registration) in body
    assert audited(action="jobfairs.candidate.viewed", target_id=str(registration.public_id), actor=employer.user)


def test_candidate_with_a_name_and_e_mail_shows_both_with_the_phone(client, employer, booth, fair) -> None:
    user = UserFactory(full_name="Ama Mensah", phone=PHONE, phone_verified=True)
    with_profile(user, cv=False)
    RegistrationFactory(fair=fair, user=user)

    body = _list(client, employer, booth)

    assert "Ama Mensah" in body and f'href="mailto:{user.email}"' in body and "+233 24 123 4567" in body
    assert "No CV" in body


def test_candidate_without_consent_shows_only_the_code(client, employer, booth, fair) -> None:
    user = UserFactory(full_name="Kofi Private", phone=PHONE, phone_verified=True)
    with_profile(user, skills="Secret skill")
    registration = RegistrationFactory(fair=fair, user=user, consent_given_at=None)

    body = _list(client, employer, booth)

    assert f"Candidate {code_of(booth, registration)}" in body
    assert "Did not agree to share a profile." in body
    for personal in ("Kofi Private", str(user.email), "233 24", PHONE, "Secret skill", "/cv/"):
        assert personal not in body, personal
    assert not audited(action="jobfairs.candidate.viewed")


def test_a_consent_given_under_the_old_wording_shares_no_phone(client, employer, booth, fair) -> None:
    """Consents given before the wording named the phone number ("name, e-mail and profile") keep to that."""
    user = UserFactory(full_name="Yaw Earlier", phone=PHONE, phone_verified=True)
    RegistrationFactory(fair=fair, user=user, consent_wording=1)

    body = _list(client, employer, booth)

    assert "Yaw Earlier" in body and str(user.email) in body
    assert "233 24" not in body and PHONE not in body


def test_phone_only_candidate_under_the_old_wording_is_told_apart_without_contact(
    client, employer, booth, fair
) -> None:
    registration = RegistrationFactory(fair=fair, user=phone_only_user(), consent_wording=1)
    body = _list(client, employer, booth)
    assert f"Candidate {code_of(booth, registration)}" in body
    assert "Meet the candidate at your booth" in body and PHONE not in body and "None" not in body


def test_client_registered_by_a_counsellor_shares_by_the_case_files_consent(
    client, employer, booth, fair, counsellor
) -> None:
    from counselling.models import Consent, ConsentPurpose

    person = ClientFactory(
        centre=counsellor.centre,
        given_name="Efua",
        family_name="Boateng",
        email="",
        phone="+233201234567",
        skills="Tailoring",
        languages=["fr"],
    )
    Consent.objects.create(
        client=person, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, method="signed", recorded_by=counsellor.user
    )
    RegistrationFactory(fair=fair, user=None, client=person, consent_given_at=None)

    body = _list(client, employer, booth)

    assert "Efua Boateng" in body and "Tailoring" in body and "French" in body
    assert 'href="tel:+233201234567"' in body and "No CV" in body


def test_codes_differ_from_booth_to_booth(fair, booth) -> None:
    registration = RegistrationFactory(fair=fair)
    other_booth = BoothFactory(fair=fair)
    assert code_of(booth, registration) != code_of(other_booth, registration)
    assert code_of(booth, registration) == code_of(booth, registration)


def test_a_pending_booth_sees_no_candidate_and_no_code(client, employer, booth, fair) -> None:
    registration = RegistrationFactory(fair=fair, user=phone_only_user())
    booth.status = BoothStatus.PENDING
    booth.save()
    body = _list(client, employer, booth)
    assert code_of(booth, registration) not in body and PHONE not in body
    assert "1 candidates registered; 0 agreed" in body


CANDIDATE_LIST_QUERIES = 8  # session, user, memberships, the booth, every candidate (codes), the sharing ones, audit


def test_candidate_list_query_count_is_flat(
    client, employer, booth, fair, counsellor, django_assert_num_queries
) -> None:
    from counselling.models import Consent, ConsentPurpose

    fair.capacity = 100
    fair.save()
    url = reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id})
    client.force_login(employer.user)
    client.get(url)  # the first request after sign-in also saves the session
    for extra in (1, 8):
        for index in range(extra):
            sharing = phone_only_user(phone=f"+2332412{extra:02d}{index:03d}")
            with_profile(sharing)
            RegistrationFactory(fair=fair, user=sharing)
            RegistrationFactory(fair=fair, user=UserFactory(), consent_given_at=None)
            person = ClientFactory(centre=counsellor.centre)
            Consent.objects.create(
                client=person, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, method="signed", recorded_by=counsellor.user
            )
            RegistrationFactory(fair=fair, user=None, client=person, consent_given_at=None)
        with django_assert_num_queries(CANDIDATE_LIST_QUERIES):
            response = client.get(url)
        assert response.content.decode().count("Download the CV") >= extra


# --- The CV download ----------------------------------------------------------------------------------------


def test_employer_downloads_a_sharing_candidates_cv_and_it_is_audited(client, employer, booth, fair) -> None:
    user = phone_only_user()
    with_profile(user)
    registration = RegistrationFactory(fair=fair, user=user)
    client.force_login(employer.user)

    response = client.get(_cv_url(booth, registration))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert audited(
        action="jobfairs.candidate.cv_downloaded", target_id=str(registration.public_id), actor=employer.user
    )


def test_cv_is_refused_without_consent_after_withdrawal_and_to_other_employers(
    client, employer, booth, fair, other_employer, returnee
) -> None:
    other_user, other_org = other_employer
    shy = UserFactory()
    with_profile(shy)
    not_sharing = RegistrationFactory(fair=fair, user=shy, consent_given_at=None)
    with_profile(returnee.user)
    sharing = RegistrationFactory(fair=fair, user=returnee.user)
    elsewhere = BoothFactory(fair=FairFactory(country=fair.country), employer=other_org)
    BoothFactory(fair=fair, employer=other_org)  # the other employer is at this fair too, with its own booth

    client.force_login(employer.user)
    assert client.get(_cv_url(booth, not_sharing)).status_code == 404
    assert client.post(_cv_url(booth, sharing)).status_code == 405

    client.force_login(other_user)
    assert client.get(_cv_url(booth, sharing)).status_code == 404  # not its booth
    assert client.get(_cv_url(elsewhere, sharing)).status_code == 404  # its booth, at another fair

    # The candidate withdraws on "My job fairs": the next request is refused.
    client.force_login(returnee.user)
    client.post(reverse("jobfairs:registration-consent", kwargs={"public_id": sharing.public_id}), {"share": "0"})
    client.force_login(employer.user)
    assert client.get(_cv_url(booth, sharing)).status_code == 404
    assert returnee.user.full_name not in _list(client, employer, booth)

    assert not audited(action="jobfairs.candidate.cv_downloaded")


def test_cv_is_refused_to_a_declined_booth_and_when_there_is_none(client, employer, booth, fair) -> None:
    with_profile(without_cv := UserFactory(), cv=False)
    registration = RegistrationFactory(fair=fair, user=without_cv)
    client.force_login(employer.user)
    assert client.get(_cv_url(booth, registration)).status_code == 404
    user = UserFactory()
    with_profile(user)
    with_cv = RegistrationFactory(fair=fair, user=user)
    response = client.get(_cv_url(booth, with_cv))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    booth.status = BoothStatus.DECLINED
    booth.save()
    assert client.get(_cv_url(booth, with_cv)).status_code == 404


# --- The booking confirmation -------------------------------------------------------------------------------


def _book(client, user, booth, fair, django_capture_on_commit_callbacks):
    slot = SlotFactory(booth=booth, starts_at=fair.starts_at + dt.timedelta(hours=1))
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobfairs:slot-book", kwargs={"public_id": slot.public_id}), follow=True)
    assert response.status_code == 200
    with unscoped():
        assert Booking.objects.filter(slot=slot, registration__user=user, status="active").exists()
    return response.content.decode()


def test_phone_only_returnee_gets_the_booking_confirmation_by_sms_in_their_language(
    client, booth, fair, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    user = phone_only_user(preferred_language="fr", full_name="Abena Owusu")
    RegistrationFactory(fair=fair, user=user)
    mail.outbox.clear()

    page = _book(client, user, booth, fair, django_capture_on_commit_callbacks)

    assert [m.to for m in sms_outbox] == [PHONE]
    body = sms_outbox[0].body
    assert "rendez-vous" in body and "/me/jobfairs/" in body
    assert str(fair.starts_at.astimezone(fair.zone).year) in body
    assert "Abena" not in body and booth.employer.name not in body
    assert not mail.outbox
    assert "We sent you a confirmation with a calendar file." not in page
    assert "We sent you a text message (SMS)." in page


def test_returnee_with_an_e_mail_keeps_the_e_mail(
    client, returnee, booth, fair, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    returnee.user.phone, returnee.user.phone_verified = PHONE, True
    returnee.user.save()
    RegistrationFactory(fair=fair, user=returnee.user)
    mail.outbox.clear()

    page = _book(client, returnee.user, booth, fair, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[returnee.user.email]]
    assert not sms_outbox
    assert "We sent you a confirmation with a calendar file." in page


def test_returnee_with_neither_is_pointed_to_the_page(
    client, booth, fair, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    user = phone_only_user()
    user.phone_verified = False
    user.save()
    RegistrationFactory(fair=fair, user=user)
    page = _book(client, user, booth, fair, django_capture_on_commit_callbacks)
    assert not sms_outbox and "You find it and its calendar file on this page." in page


def test_consent_given_on_my_job_fairs_records_the_current_wording(client, returnee, fair) -> None:
    registration = RegistrationFactory(fair=fair, user=returnee.user, consent_given_at=None, consent_wording=1)
    client.force_login(returnee.user)
    page = client.get(reverse("jobfairs:registration-list")).content.decode()
    assert "If you share, the employers of this fair see your name, phone number" in page
    client.post(reverse("jobfairs:registration-consent", kwargs={"public_id": registration.public_id}), {"share": "1"})
    with unscoped():
        registration.refresh_from_db()
    assert registration.consent_wording == 2 and registration.shares_phone
    assert registration.consent_given_at is not None and registration.consent_given_at <= timezone.now()
    assert get_access(returnee.user).is_authenticated


def test_employer_dashboard_names_a_phone_only_booking_by_its_code(client, employer, booth, fair) -> None:
    user = phone_only_user()
    registration = RegistrationFactory(fair=fair, user=user)
    Booking.objects.create(slot=SlotFactory(booth=booth), registration=registration)
    shy = RegistrationFactory(fair=fair, user=UserFactory(full_name="Kofi Private"), consent_given_at=None)
    Booking.objects.create(
        slot=SlotFactory(booth=booth, starts_at=fair.starts_at + dt.timedelta(hours=2)), registration=shy
    )
    client.force_login(employer.user)

    body = client.get(reverse("jobfairs:employer-dashboard")).content.decode()

    assert f"Candidate {code_of(booth, registration)}" in body and f"Candidate {code_of(booth, shy)}" in body
    assert f"#{str(user.public_id)[:8]}" not in body and "None" not in body and "Kofi Private" not in body
