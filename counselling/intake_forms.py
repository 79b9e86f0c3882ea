"""Forms of appointment requests: the public "ask for an appointment" form and the intake queue's actions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models import AppointmentChannel, AppointmentStatus, AppointmentTopic
from portal.forms_base import SafeTextMixin
from portal.phones import normalise_phone

# The honeypot's name looks like a field a bot would fill; people never see it (hidden by CSS class).
HONEYPOT_FIELD = "website"


class AppointmentRequestForm(SafeTextMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    contact = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=200,
        help_text=_("Write the phone number with the country code, e.g. +233 24 123 4567."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("How should we contact you?"), choices=AppointmentChannel.choices, widget=forms.RadioSelect
    )
    # Starts empty: a preselected topic was sent unchanged by nearly everyone and counted as what they asked.
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        choices=[("", _("Choose a topic")), *AppointmentTopic.choices],
        error_messages={"required": _("Choose what you would like to talk about.")},
    )
    message = forms.CharField(
        label=_("Short message (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_("I agree that the centre stores these details to contact me about an appointment."),
        help_text=_("Only the centre's counsellors see them. You can ask the centre to delete them at any time."),
        error_messages={"required": _("Please agree so that the centre may keep your details and contact you.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, country_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code = country_code

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def clean_contact(self) -> str:
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValidationError(_("This e-mail address does not look right. Please check it.")) from error
            return value
        phone = normalise_phone(value, self.country_code)
        if phone is None:
            raise ValidationError(
                _("Enter a phone number (with the country code, e.g. +233 24 123 4567) or an e-mail address.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("preferred_channel") == AppointmentChannel.EMAIL and "@" not in data.get("contact", "@"):
            self.add_error("contact", _("You chose e-mail: please give an e-mail address."))
        if data.get("preferred_channel") in (AppointmentChannel.PHONE, AppointmentChannel.MESSAGE) and "@" in data.get(
            "contact", ""
        ):
            self.add_error("contact", _("You chose phone or messages: please give a phone number."))
        return data


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *AppointmentStatus.choices], required=False)


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Appointment (centre's local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, timezone_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(timezone_name)

    def clean_scheduled_for(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["scheduled_for"]
        # The field made it aware in the server's zone; the counsellor meant the centre's wall clock.
        local = timezone.make_naive(value) if timezone.is_aware(value) else value
        aware = local.replace(tzinfo=self.zone)
        if aware <= timezone.now():
            raise ValidationError(_("The appointment cannot be in the past."))
        return aware


class CloseForm(SafeTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why is the request closed?"), max_length=300)
