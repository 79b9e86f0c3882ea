"""Forms of the returnee portal: validation only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from cms.returnees.models import TARGET_GROUP_CHOICES
from counselling.forms import SPOKEN_LANGUAGES
from counselling.models import ContactChannel, Education, Sex
from portal.forms_base import SafeTextMixin


class SignupForm(AllauthSignupForm):
    """Sign up with an e-mail address and a password, or with a phone number alone (then sign in by SMS code)."""

    field_order = ["phone", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Or leave it empty and use your phone number.")
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "Needed with an e-mail address. With a phone number you can leave it empty."
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        if not email and not phone and not self.errors.get("phone") and not self.errors.get("email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address."))
        if email and not cleaned.get("password1") and not self.errors.get("password1"):
            self.add_error("password1", _("Choose a password to sign in with your e-mail address."))
        return cleaned


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Ask for a sign-in code; staff get none by SMS (they sign in with e-mail, password and second factor)."""

    def clean_phone(self) -> str:
        phone = super().clean_phone()
        user = getattr(self, "_user", None)
        if phone and user is not None:
            from portal.access import get_access

            if get_access(user).requires_mfa:
                self._user = None  # answered like an unknown number: no code is sent
        return phone


class ProfileForm(SafeTextMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you can do, e.g. welding, driving, cooking, sales, computer skills."),
    )
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Education.choices], required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=SPOKEN_LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    contact_preference = forms.ChoiceField(
        label=_("How should we contact you?"), choices=[("", "—"), *ContactChannel.choices], required=False
    )
    sex = forms.ChoiceField(label=_("Sex (optional)"), choices=[("", "—"), *Sex.choices], required=False)
    birth_year = forms.IntegerField(label=_("Year of birth (optional)"), required=False)
    target_group = forms.ChoiceField(
        label=_("Your situation (optional)"), choices=[("", "—"), *TARGET_GROUP_CHOICES], required=False
    )
    cv = forms.FileField(
        label=_("CV"),
        required=False,
        help_text=_("PDF, Word (.docx) or OpenDocument (.odt), at most 5 MB. Only you can download it."),
    )

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and not (1900 <= year <= dt.date.today().year):
            raise forms.ValidationError(_("Enter a year between 1900 and this year."))
        return year


class LinkCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Link code"),
        max_length=20,
        help_text=_("The eight-character code the person sees on their profile page in the portal."),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "").upper()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "one-time-code"})
    )
