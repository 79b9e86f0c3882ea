"""Mail off the request (issue #17): every e-mail is queued in the outbox and sent by the worker.

With the mail server down, password reset answered 500 and the message was lost. Now the default
mailer queues each rendered message (portal/mail.py); the `send_email_task` delivers it through the
"delivery" mailer with retries, and the outbox sends it again until it goes out, once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse

from portal import outbox
from portal.mail import SEND_TASK, deserialise, serialise
from portal.models import OutboxMessage
from portal.tasks import send_email_task

pytestmark = pytest.mark.django_db

# Django's SMTP backend against a port where nothing listens: "connection refused", as with a mail server down.
SMTP_DOWN = {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {"host": "127.0.0.1", "port": 1, "use_tls": False, "timeout": 2},
}
WORKING = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def _mailers(delivery: dict) -> dict:
    """The mailers of portal/settings.py (the test runner made every one a local one), with this delivery."""
    from portal import settings as configured

    assert configured.MAILERS["default"]["BACKEND"] == "portal.mail.OutboxBackend"
    return {**configured.MAILERS, "delivery": delivery}


def _deliver_pending() -> int:
    return outbox.dispatch_pending(grace=dt.timedelta(0))


def test_password_reset_answers_normally_with_smtp_down_and_the_mail_goes_out_once_when_it_is_back(
    settings, client, returnee, django_capture_on_commit_callbacks
) -> None:
    settings.MAILERS = _mailers(SMTP_DOWN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": returnee.user.email})

    assert response.status_code == 302  # the same answer as with a working mail server
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox == []
    queued = OutboxMessage.objects.get(task=SEND_TASK)
    assert queued.completed_at is None
    assert "ConnectionRefusedError" in queued.last_error
    # The stored message (it holds the reset link) is encrypted with the field keys.
    assert queued.kwargs["message"].startswith("enc:v1:")
    assert returnee.user.email not in str(queued.kwargs)

    assert _deliver_pending() == 0  # still down: kept for the next run
    assert OutboxMessage.objects.get(pk=queued.pk).completed_at is None

    settings.MAILERS = _mailers(WORKING)
    assert _deliver_pending() == 1
    assert _deliver_pending() == 0
    # A copy of the task arriving again (broker redelivery) sends nothing more.
    send_email_task.apply_async(kwargs=queued.kwargs, headers={outbox.HEADER: queued.pk})

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [returnee.user.email]
    assert "/accounts/password/reset/key/" in sent.body
    assert OutboxMessage.objects.get(pk=queued.pk).completed_at is not None


def test_account_mail_is_rendered_in_the_reader_s_saved_language_where_it_is_sent(
    settings, client, returnee, django_capture_on_commit_callbacks
) -> None:
    """Rendered in the request (the worker only delivers), in the account's saved language, not the page's."""
    settings.MAILERS = _mailers(WORKING)
    returnee.user.preferred_language = "fr"
    returnee.user.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/de/accounts/password/reset/", {"email": returnee.user.email})
    [message] = mail.outbox
    assert message.subject.endswith("E-mail de réinitialisation de mot de passe")


def test_a_mail_sent_in_a_request_is_not_sent_when_its_transaction_rolls_back(
    settings, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    settings.MAILERS = _mailers(WORKING)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        EmailMultiAlternatives("Subject", "Body", None, ["someone@example.org"]).send()
        transaction.set_rollback(True)
    assert mail.outbox == []
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()


def test_a_message_comes_out_of_the_outbox_as_it_went_in() -> None:
    message = EmailMultiAlternatives(
        "Réunion", "Corps", "Portal <no-reply@example.org>", ["a@example.org"], cc=["b@example.org"],
        bcc=["c@example.org"], reply_to=["d@example.org"], headers={"X-Portal": "1"},
    )  # fmt: skip
    message.attach_alternative("<p>Corps</p>", "text/html")
    message.attach("meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("leaflet.pdf", b"%PDF-1.7 \x00\xff", "application/pdf")

    copy = deserialise(serialise(message))

    assert (copy.subject, copy.body, copy.from_email) == ("Réunion", "Corps", "Portal <no-reply@example.org>")
    assert [copy.to, copy.cc, copy.bcc, copy.reply_to] == [[f"{x}@example.org"] for x in "abcd"]
    assert copy.extra_headers["X-Portal"] == "1"
    assert {"Date", "Message-ID"} <= set(copy.extra_headers)  # fixed when queued: a re-sent copy is the same mail
    assert list(copy.alternatives) == [("<p>Corps</p>", "text/html")]
    assert [tuple(a) for a in copy.attachments] == [
        ("meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("leaflet.pdf", b"%PDF-1.7 \x00\xff", "application/pdf"),
    ]
    assert serialise(copy) == serialise(deserialise(serialise(copy)))


# --- Server errors reach the administrators -------------------------------------------------------------------


def _fails(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"could not save the note of {request.POST.get('client_name')}")


def _urls() -> list:
    from portal.urls import urlpatterns

    return [path("boom/", _fails), *urlpatterns]


urlpatterns = _urls()


def test_a_server_error_is_mailed_to_the_administrators_without_personal_data(
    settings, django_capture_on_commit_callbacks
) -> None:
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ADMINS = ["ops@example.org"]
    settings.MAILERS = _mailers(SMTP_DOWN)
    client = Client(raise_request_exception=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/boom/?client=Amina", {"client_name": "Amina Mensah"})

    assert response.status_code == 500  # the error page, not a second failure while mailing about the first
    assert OutboxMessage.objects.filter(task=SEND_TASK, completed_at__isnull=True).count() == 1

    settings.MAILERS = _mailers(WORKING)
    assert _deliver_pending() == 1
    [report] = mail.outbox
    assert report.to == ["ops@example.org"]
    assert report.subject == "[portal] ERROR: 500 POST /boom/"
    assert "builtins.ValueError" in report.body
    assert "in _fails" in report.body  # where it happened
    assert "Amina" not in report.subject + report.body  # neither the error's message, the form nor the query


def test_no_administrator_mail_without_admins(settings, django_capture_on_commit_callbacks) -> None:
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    settings.ADMINS = []
    settings.MAILERS = _mailers(WORKING)
    with django_capture_on_commit_callbacks(execute=True):
        assert Client(raise_request_exception=False).post("/boom/").status_code == 500
    assert not OutboxMessage.objects.filter(task=SEND_TASK).exists()
