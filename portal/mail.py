"""Every e-mail leaves through the transactional outbox, never from inside a web request.

The default mailer (`MAILERS["default"]`, used by `send_mail`, `EmailMessage.send`, allauth's
verification, reset and sign-in code mails, Wagtail's notifications and `mail_admins`) is
`OutboxBackend`: it stores each rendered message, encrypted with the field keys, as an outbox row in
the caller's transaction, and `portal.tasks.send_email_task` hands it to the real mailer
(`MAILERS["delivery"]`: SMTP, or the console) on the `email` queue, with retries. An SMTP outage
therefore delays mail; it never breaks the page that sent it nor loses the message (the outbox
re-sends it until it goes out, see portal/outbox.py). The message is rendered where it is sent (in the
request's language); the worker only delivers it, once per outbox row.

`AdminErrorHandler` mails server errors to `ADMINS` through the same outbox: the type of the error,
where it happened and the request's method and path, never a variable, a form field or a header (the
e-mail leaves the centre's systems; the full report stays in the server's log).

No model is imported at module level: the logging configuration loads this module before the apps.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import logging
import traceback
import uuid
from collections.abc import Sequence
from email.message import MIMEPart
from email.utils import formatdate
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers, make_msgid
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.log import AdminEmailHandler

logger = logging.getLogger(__name__)

SEND_TASK = "portal.tasks.send_email_task"
DELIVERY_MAILER = "delivery"


def _attachment(attachment: Any) -> dict[str, Any]:
    if isinstance(attachment, MIMEPart):
        return {"mime": base64.b64encode(attachment.as_bytes()).decode()}
    filename, content, mimetype = attachment
    if isinstance(content, bytes):
        return {"filename": filename, "bytes": base64.b64encode(content).decode(), "mimetype": mimetype}
    return {"filename": filename, "text": content, "mimetype": mimetype}


def serialise(message: EmailMessage) -> str:
    """The message as JSON, with its Date and Message-ID fixed now (a re-sent copy is recognisably the same)."""
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    names = {name.lower() for name in headers}
    if "date" not in names:
        headers["Date"] = formatdate(localtime=False)
    if "message-id" not in names:
        headers["Message-ID"] = make_msgid()
    return json.dumps(
        {
            "subject": str(message.subject),
            "body": str(message.body),
            "from_email": str(message.from_email),
            "to": [str(a) for a in message.to],
            "cc": [str(a) for a in message.cc],
            "bcc": [str(a) for a in message.bcc],
            "reply_to": [str(a) for a in message.reply_to],
            "headers": headers,
            "content_subtype": message.content_subtype,
            "alternatives": [[str(a.content), a.mimetype] for a in getattr(message, "alternatives", [])],
            "attachments": [_attachment(a) for a in message.attachments],
        }
    )


def deserialise(data: str) -> EmailMultiAlternatives:
    fields = json.loads(data)
    message = EmailMultiAlternatives(
        fields["subject"],
        fields["body"],
        fields["from_email"],
        fields["to"],
        cc=fields["cc"],
        bcc=fields["bcc"],
        reply_to=fields["reply_to"],
        headers=fields["headers"],
        alternatives=[tuple(alternative) for alternative in fields["alternatives"]],
    )
    message.content_subtype = fields["content_subtype"]
    parser = email.parser.BytesParser(_class=MIMEPart, policy=email.policy.default)  # type: ignore[arg-type]
    for attachment in fields["attachments"]:
        if "mime" in attachment:
            message.attach(parser.parsebytes(base64.b64decode(attachment["mime"])))
        elif "bytes" in attachment:
            message.attach(attachment["filename"], base64.b64decode(attachment["bytes"]), attachment["mimetype"])
        else:
            message.attach(attachment["filename"], attachment["text"], attachment["mimetype"])
    return message


def queue_email(message: EmailMessage, *, mailer: str = DELIVERY_MAILER) -> None:
    """Store `message` in the outbox (in the current transaction); the worker delivers it after commit."""
    from portal import outbox
    from portal.crypto import encrypt

    outbox.enqueue(
        SEND_TASK,
        kwargs={"message": encrypt(serialise(message)), "mailer": mailer},
        key=f"email:{uuid.uuid4().hex}",  # every message is its own: sending the same text twice sends it twice
    )


def deliver_email(*, message: str, mailer: str = DELIVERY_MAILER) -> int:
    """Send one stored message through the real mailer; an SMTP error propagates (the task retries)."""
    from portal.crypto import decrypt

    return mailers[mailer].send_messages([deserialise(decrypt(message))])


class OutboxBackend(BaseEmailBackend):
    """The default mailer: queues messages in the outbox instead of talking to the mail server.

    OPTIONS: `deliver_with`, the MAILERS alias the worker sends through (default "delivery").
    """

    def __init__(self, *, deliver_with: str = DELIVERY_MAILER, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deliver_with = deliver_with

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        queued = 0
        for message in email_messages:
            if message.recipients():
                queue_email(message, mailer=self.deliver_with)
                queued += 1
        return queued


def _where(exc_info: tuple[Any, Any, Any]) -> str:
    """The traceback's frames (file, line, function, source line) and the error's type, not its message:
    messages of database and validation errors quote the data (an address, a name)."""
    exc_type, _value, tb = exc_info
    if tb is None:
        return ""
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(traceback.extract_tb(tb))]
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}\n")
    return "".join(lines)


class AdminErrorHandler(AdminEmailHandler):
    """Django's `mail_admins` handler, with a report that carries no personal data and never fails the request.

    The report names the error's type, the traceback's code positions, the method and path (no query
    string) and the time; the message, local variables, form data, cookies and headers stay in the log.
    """

    def emit(self, record: logging.LogRecord) -> None:
        from django.conf import settings
        from django.utils import timezone

        if not settings.ADMINS:
            return
        try:
            request = getattr(record, "request", None)
            where = f"{request.method} {request.path}" if request is not None else record.name
            status = getattr(record, "status_code", None)
            subject = self.format_subject(f"{record.levelname}: {status or ''} {where}".replace("  ", " "))
            body = [
                f"{record.levelname} at {timezone.now().isoformat(timespec='seconds')} in {where}",
                f"Logger: {record.name}",
                "",
                _where(record.exc_info) if record.exc_info else "",
                "The full report (the error's message and the request) is in the server's log at that time.",
            ]
            self.send_mail(subject, "\n".join(body))
        except Exception:  # the database may be what failed: the log still has the error
            self.handleError(record)
