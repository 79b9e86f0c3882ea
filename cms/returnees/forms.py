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
from portal.forms import time_zone_field_choices
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

    def validate_unique_email(self, value: str) -> str:
        """A registered address is answered like a new one: the usual "confirm your address" page, and the
        address's owner gets a mail that an account exists (allauth's enumeration prevention, which it
        applies by itself only when every account must verify an e-mail address)."""
        try:
            return super().validate_unique_email(value)
        except forms.ValidationError as error:
            if error.code != "email_taken":
                raise
            self.account_already_exists = True
            return value


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Ask for a sign-in code; staff get none, by SMS or e-mail (they sign in with e-mail, password and second
    factor). The asker sees the same answer as for an unknown number or address."""

    def clean_phone(self) -> str:
        phone = super().clean_phone()
        self._no_code_for_staff()
        return phone

    def clean_email(self) -> str:
        email = super().clean_email()
        self._no_code_for_staff()
        user = getattr(self, "_user", None)
        if email and user is not None and not user.emailaddress_set.filter(email__iexact=email, verified=True).exists():
            # An address the account never proved may be someone else's, typed in: a code mailed to it would
            # sign that someone in to this account and prove the address for it (issue #15).
            self._user = None
        return email

    def _no_code_for_staff(self) -> None:
        from portal.adapters import may_sign_in_by_code

        user = getattr(self, "_user", None)
        if user is not None and not may_sign_in_by_code(user):
            self._user = None  # answered like an unknown account: no code is sent


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
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times on pages, in e-mails and in PDFs are shown in this zone."),
    )

    def __init__(self, *args: Any, automatic_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = time_zone_field_choices(automatic_zone)

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
