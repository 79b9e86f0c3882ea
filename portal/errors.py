"""Domain errors: services raise them with a translated message; views show it."""

from __future__ import annotations

from django import forms
from django.http import Http404


class DomainError(Exception):
    """A rule of the domain refused the action. `str(error)` is the translated message."""

    def __init__(self, message: object, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(DomainError):
    """The acting user may not do this here."""


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on the field it concerns, or on top of the form.

    `NotAllowed` answers 404: outside the user's scope looks like unknown, never like forbidden.
    """
    if isinstance(error, NotAllowed):
        raise Http404
    form.add_error(error.field if error.field in form.fields else None, str(error))
