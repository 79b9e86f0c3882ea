"""Forms of the portal app: validation only; choices come from selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from portal.access import Access
from portal.forms_base import SafeTextMixin
from portal.selectors import list_invitable_centres, list_invitable_countries, list_invitable_roles


class InviteStaffForm(SafeTextMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=None, required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list_invitable_roles(access=access)
        self.fields["centre"].queryset = list_invitable_centres(access=access)
        self.fields["country"].queryset = list_invitable_countries(access=access)


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


class AuditSearchForm(forms.Form):
    client_code = forms.CharField(label=_("Client code"), required=False, max_length=20)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=80, help_text=_("E.g. counselling.case.viewed")
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
