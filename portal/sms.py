"""Text messages (SMS) through a pluggable backend.

The one entry point is ``send_sms(to=..., body=...)``. The backend is named by
``settings.SMS_BACKEND`` (a dotted path to a class with ``send(*, to, body)``):

- ``portal.sms.ConsoleBackend`` (the default) writes the message to the log,
  for a demo or a development machine;
- ``portal.sms.LocmemBackend`` keeps messages in ``portal.sms.outbox``, for tests;
- a real provider is one small class. For example, a gateway that takes a JSON POST::

      # myproject/sms_gateway.py
      import json, os, urllib.request

      class GatewayBackend(portal.sms.BaseBackend):
          def send(self, *, to: str, body: str) -> None:
              request = urllib.request.Request(
                  os.environ["SMS_GATEWAY_URL"],
                  data=json.dumps({"to": to, "text": body}).encode(),
                  headers={"Authorization": f"Bearer {os.environ['SMS_GATEWAY_TOKEN']}",
                           "Content-Type": "application/json"},
              )
              with urllib.request.urlopen(request, timeout=10) as response:
                  if response.status >= 300:
                      raise SMSError(f"gateway answered {response.status}")

  and ``SMS_BACKEND=myproject.sms_gateway.GatewayBackend`` in the environment.

Messages carry no personal data beyond what they must (a sign-in code): the
number and the text pass through the provider's systems.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")

# Messages "sent" through the LocmemBackend, oldest first (tests read and clear it).
outbox: list[SMS] = []


class SMSError(RuntimeError):
    """The provider refused or could not take the message."""


class SMS:
    __slots__ = ("body", "to")

    def __init__(self, *, to: str, body: str) -> None:
        self.to = to
        self.body = body

    def __repr__(self) -> str:
        return f"SMS(to={self.to!r}, body={self.body!r})"


class BaseBackend:
    def send(self, *, to: str, body: str) -> None:  # pragma: no cover - every backend overrides
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes the message to the log (the demo and development default)."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


class LocmemBackend(BaseBackend):
    """Keeps messages in ``portal.sms.outbox`` (tests)."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append(SMS(to=to, body=body))


@cache
def _backend_class(path: str) -> type[BaseBackend]:
    return import_string(path)


def get_backend() -> BaseBackend:
    path = getattr(settings, "SMS_BACKEND", "") or "portal.sms.ConsoleBackend"
    return _backend_class(path)()


def send_sms(*, to: str, body: str) -> None:
    """Send one text message to an E.164 number through the configured backend."""
    get_backend().send(to=to, body=body)
