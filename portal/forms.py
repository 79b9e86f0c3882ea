"""Forms of the portal app: validation only; choices come from selectors."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from portal.access import Access
from portal.audit import action_choices
from portal.forms_base import SafeTextMixin
from portal.i18n_content import TranslationsFormMixin
from portal.selectors import (
    list_countries_to_set_up,
    list_invitable_centres,
    list_invitable_countries,
    list_invitable_employers,
    list_invitable_organisations,
    list_invitable_roles,
    list_manageable_countries,
)
from portal.services import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN


class InviteStaffForm(SafeTextMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=None, required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=None,
        required=False,
        help_text=_("For the partner organisation role only."),
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=None, required=False, help_text=_("For the employer role only.")
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list_invitable_roles(access=access)
        self.fields["centre"].queryset = list_invitable_centres(access=access)
        self.fields["country"].queryset = list_invitable_countries(access=access)
        self.fields["organisation"].queryset = list_invitable_organisations(access=access)
        self.fields["employer"].queryset = list_invitable_employers(access=access)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for e-mails and reminders"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times on pages, in e-mails and in PDFs are shown in this zone."),
    )

    def __init__(self, *args: Any, automatic_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_field_choices(automatic_zone)


def time_zone_field_choices(automatic_zone: str) -> list[tuple[str, str]]:
    """Every zone, after an empty choice that names the zone used without one (the centre's or browser's)."""
    automatic = _("Automatic: %(zone)s") % {"zone": automatic_zone.replace("_", " ")} if automatic_zone else "—"
    return [("", automatic), *time_zone_choices()]


class AuditSearchForm(forms.Form):
    client_code = forms.CharField(label=_("Client code"), required=False, max_length=20)
    # A code or the start of one ("counselling" finds every counselling line); the page offers the registered
    # codes with their labels (`action_choices`, a <datalist> named by the input's `list`).
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("E.g. counselling.case.viewed"),
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    # A date input shows and sends ISO dates whatever the language (the locale's first input format is not ISO
    # in German, French, Serbian and Indonesian).
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action_choices = action_choices()  # (code, translated label), from the apps' registered codes


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone by name (e.g. Africa/Accra), as the database of this machine knows them."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class CountryForm(SafeTextMixin, forms.Form):
    """A country's settings. `code` only when it is being set up: it never changes afterwards."""

    code = forms.ChoiceField(label=_("Country"))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Appointments and sessions are shown and entered in this time zone."),
        widget=forms.Select(attrs={"dir": "ltr"}),  # IANA names (Africa/Accra) read left to right
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    phone_prefix = forms.CharField(
        label=_("Phone prefix"), max_length=6, help_text=_("E.g. +233."), widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    retention_days = forms.IntegerField(
        label=_("Retention period (days)"),
        min_value=RETENTION_DAYS_MIN,
        max_value=RETENTION_DAYS_MAX,
        help_text=_("Closed case files are anonymised this many days after closing."),
    )
    is_partner_country = forms.BooleanField(label=_("Partner country"), required=False)

    def __init__(self, *args: Any, access: Access, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", "—"), *time_zone_choices()]
        if new:
            self.fields["code"].choices = [("", "—"), *list_countries_to_set_up(access=access)]
        else:
            del self.fields["code"]


class CentreForm(TranslationsFormMixin, SafeTextMixin, forms.Form):
    """A centre; its opening hours can be given in every interface language."""

    translated_fields = ("opening_hours",)

    country = forms.ModelChoiceField(label=_("Country"), queryset=None)
    code = forms.CharField(
        label=_("Short code"),
        max_length=5,
        help_text=_(
            "2 to 5 letters or digits, e.g. ACC. Every client code of the centre starts with it (GH-ACC-000042), "
            "so it cannot change once the centre has clients."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    city = forms.CharField(label=_("City"), max_length=100)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel", "dir": "ltr"})
    )
    email = forms.EmailField(label=_("E-mail address"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"}))
    reply_to_email = forms.EmailField(
        label=_("reply address for e-mails"),
        required=False,
        help_text=_("Replies to the portal's e-mails about this centre go here. Empty: the centre's e-mail address."),
        widget=forms.EmailInput(attrs={"dir": "ltr"}),
    )
    opening_hours = forms.CharField(label=_("Opening hours"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label=_("The centre is open"),
        required=False,
        help_text=_("A closed centre takes no appointment requests, transfers or new staff; its records stay."),
    )

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = list_manageable_countries(access=access)
