"""Forms of the counselling app: validation only; choices come from selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from counselling.agebands import AgeBand
from counselling.codes import format_client_code, parse_client_code, wrong_series_message
from counselling.models import (
    CaseStatus,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    DocumentKind,
    Education,
    GoalStatus,
    LegalBasis,
    SessionKind,
    SessionMode,
    Sex,
    TargetGroup,
    Topic,
    Vulnerability,
)
from counselling.names import query_problem
from portal.forms_base import SafeTextMixin
from portal.geography import COUNTRIES
from portal.models import Centre, User
from portal.phones import normalise_phone

SPOKEN_LANGUAGES = [
    ("ar", _("Arabic")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("sq", _("Albanian")),
    ("sr", _("Serbian")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("ps", _("Pashto")),
    ("ku", _("Kurdish")),
    ("ber", _("Amazigh")),
    ("tw", _("Twi")),
    ("ha", _("Hausa")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("wo", _("Wolof")),
    ("id", _("Indonesian")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _country_choices() -> list[tuple[str, str]]:
    countries = sorted(((code, str(facts.name)) for code, facts in COUNTRIES.items()), key=lambda c: c[1])
    return [("", "—"), *countries]


class ClientForm(SafeTextMixin, forms.Form):
    """A client's details; used at intake and when editing."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    name_native = forms.CharField(
        label=_("Name in own script"),
        max_length=200,
        required=False,
        help_text=_("As the client writes it, e.g. in Arabic, Urdu or Cyrillic script."),
    )
    name_transliterated = forms.CharField(
        label=_("Other Latin spelling"),
        max_length=200,
        required=False,
        help_text=_("E.g. as written in a passport."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, help_text=_("When the exact date is not known.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    phone_alt = forms.CharField(label=_("Second phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_channel = forms.ChoiceField(label=_("Preferred channel"), choices=ContactChannel.choices)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    current_location = forms.CharField(label=_("Where the client lives now"), max_length=200, required=False)
    target_group = forms.ChoiceField(label=_("Target group"), choices=TargetGroup.choices)
    education = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Education.choices], required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=200, required=False)
    skills = forms.CharField(label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, country_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code = country_code
        self.fields["nationality"].choices = _country_choices()
        if country_code:
            # The example is isolated: "+233 …" inside an Arabic sentence would show as "… 233+".
            example = f"{COUNTRIES[country_code].phone_prefix} …" if country_code in COUNTRIES else "+…"
            self.fields["phone"].help_text = mark_safe(  # noqa: S308 - our translation; the example is escaped
                _("International format, e.g. %(example)s")
                % {"example": format_html('<bdi dir="ltr">{}</bdi>', example)}
            )

    def _clean_phone(self, name: str) -> str:
        raw = self.cleaned_data.get(name, "")
        if not raw:
            return ""
        normalised = normalise_phone(raw, self.country_code)
        if normalised is None:
            raise forms.ValidationError(
                _("This is not a valid phone number. Write it with the country code, e.g. +233 24 123 4567.")
            )
        return normalised

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_phone_alt(self) -> str:
        return self._clean_phone("phone_alt")

    def clean_birth_date(self) -> dt.date | None:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value and value.year < 1900:
            raise forms.ValidationError(_("Enter a year of birth between 1900 and this year."))
        return value

    def clean_birth_year(self) -> int | None:
        value = self.cleaned_data.get("birth_year")
        if value is not None and not 1900 <= value <= timezone.localdate().year:
            raise forms.ValidationError(_("Enter a year of birth between 1900 and this year."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        birth_date, birth_year = data.get("birth_date"), data.get("birth_year")
        if birth_date and birth_year and birth_date.year != birth_year:
            self.add_error("birth_year", _("The year does not match the date of birth."))
        return data


class IntakeForm(ClientForm):
    consent_method = forms.ChoiceField(
        label=_("How did the client agree to a counselling record?"), choices=ConsentMethod.choices
    )
    consent_witness = forms.CharField(label=_("Witness (for oral consent)"), max_length=200, required=False)
    code = forms.CharField(
        label=_("Client code"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to get a new code. Fill in only for a client of an older paper file."),
    )
    confirm_new = forms.BooleanField(label=_("None of these is the same person: register a new client"), required=False)

    def __init__(self, *args: Any, centre: Centre | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.centre = centre
        if centre is not None:
            self.fields["code"].widget.attrs.update(
                {"dir": "ltr", "placeholder": format_client_code(centre, 42), "autocomplete": "off"}
            )

    def clean_code(self) -> str:
        # The service checks this as well; here the counsellor sees it before the likely-match step.
        raw = self.cleaned_data.get("code", "")
        if not raw.strip() or self.centre is None:
            return raw.strip()
        code = parse_client_code(raw, centre=self.centre)
        if code is None:
            raise forms.ValidationError(wrong_series_message(self.centre))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("consent_method") == ConsentMethod.ORAL_WITH_WITNESS
            and not data.get("consent_witness", "").strip()
        ):
            self.add_error("consent_witness", _("Oral consent needs the name of a witness."))
        return data


class ClientEditForm(ClientForm):
    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only with the client's consent to record sensitive information."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionForm(SafeTextMixin, forms.Form):
    held_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600, initial=45)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=SessionMode.choices, initial=SessionMode.IN_PERSON, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SessionKind.choices, initial=SessionKind.INDIVIDUAL, widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language used"), choices=SPOKEN_LANGUAGES, required=False)
    interpreter = forms.BooleanField(label=_("With an interpreter"), required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confidential_notes = forms.CharField(
        label=_("Confidential notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Encrypted. Only you and your centre's manager can read them."),
    )
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DATE,
        help_text=_("Adds a follow-up for you on that day."),
    )

    def clean_held_at(self) -> dt.datetime:
        value = self.cleaned_data["held_at"]
        if value > timezone.now() + dt.timedelta(hours=1):
            raise forms.ValidationError(_("A session cannot be logged in the future."))
        return value


class SessionCorrectionForm(SessionForm):
    """The session form without the follow-up (it is added once, when the session is logged), with the
    session's version and the reason for the correction."""

    reason = forms.CharField(
        label=_("Why do you correct it?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a session logged more than a day ago. Colleagues see it in the session's history."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["follow_up_on"]
        del self.fields["kind"]


class FollowUpForm(SafeTextMixin, forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    assigned_to = forms.ModelChoiceField(label=_("Who"), queryset=None, required=False)

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = colleagues
        self.fields["assigned_to"].empty_label = _("Me")


class GoalForm(SafeTextMixin, forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    closure_reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", "—"), *ClosureReason.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == CaseStatus.CLOSED and not data.get("closure_reason"):
            self.add_error("closure_reason", _("Say why the case is closed."))
        return data


class ConsentForm(SafeTextMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=None,
        required=False,
        help_text=_("Only for sharing with a named partner organisation."),
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.CONSENT)
    method = forms.ChoiceField(label=_("How it was given"), choices=ConsentMethod.choices)
    witness = forms.CharField(label=_("Witness"), max_length=200, required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    upload = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or Word (.docx), at most 10 MB."))


class TransferForm(SafeTextMixin, forms.Form):
    to_centre = forms.ModelChoiceField(label=_("To centre"), queryset=None)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_centre"].queryset = centres


class CounsellorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email or str(obj.pk)


class TransferDecisionForm(SafeTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the case")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    counsellor = CounsellorChoiceField(
        label=_("Counsellor at your centre"),
        queryset=None,
        required=False,
        empty_label=_("Assign later"),
        help_text=_("The case's open follow-ups go to this counsellor, or to you until one is assigned."),
    )

    def __init__(self, *args: Any, caseworkers: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [user.pk for user in caseworkers or []]
        self.fields["counsellor"].queryset = User.objects.filter(pk__in=ids).order_by("full_name", "pk")


class AssignCounsellorForm(forms.Form):
    counsellor = CounsellorChoiceField(
        label=_("Counsellor"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet: the case waits for a counsellor"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, caseworkers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = User.objects.filter(pk__in=[user.pk for user in caseworkers]).order_by(
            "full_name", "pk"
        )


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name, code or phone"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Not closed")), *CaseStatus.choices], required=False)
    target_group = forms.ChoiceField(
        label=_("Target group"), choices=[("", _("All")), *TargetGroup.choices], required=False
    )
    follow_up_due = forms.BooleanField(label=_("Follow-up due"), required=False)
    mine = forms.BooleanField(label=_("Only my cases"), required=False)
    unassigned = forms.BooleanField(label=_("Waiting for a counsellor"), required=False)

    def clean_q(self) -> str:
        """A search that cannot be looked up says why, instead of listing everyone or failing (issue #18)."""
        query: str = self.cleaned_data["q"]
        problem = query_problem(query) if query.strip() else ""
        if problem == "article":
            raise forms.ValidationError(
                _("Type the name after the article too, for example “Al Zahrani” rather than “Al”."), code="article"
            )
        if problem == "empty":
            raise forms.ValidationError(
                _("Type at least one letter or digit: a name, a client code or a phone number."), code="empty"
            )
        return query


class GroupSessionForm(SafeTextMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=10000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Sex.choices:
            self.fields[f"sex_{value}"] = forms.IntegerField(label=label, min_value=0, required=False)
        for value, label in AgeBand.choices:
            self.fields[f"age_{value}"] = forms.IntegerField(label=label, min_value=0, required=False)
        for value, label in TargetGroup.choices:
            self.fields[f"group_{value}"] = forms.IntegerField(label=label, min_value=0, required=False)

    def breakdown(self, prefix: str) -> dict[str, int]:
        return {
            name.removeprefix(prefix): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and value
        }


LANGUAGE_NAMES = dict(settings.LANGUAGES)
