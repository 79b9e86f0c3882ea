"""Forms of the job fairs app: validation only; the services decide the rules."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from counselling.agebands import AgeBand
from counselling.models import TargetGroup
from jobfairs.models import (
    ApplicationStatus,
    EmploymentType,
    FairFormat,
    JobFair,
    Registration,
    SalaryUnit,
)
from jobfairs.services import DECLARED_FIELDS, SLOT_MINUTES
from portal.forms_base import SafeTextMixin
from portal.geography import COUNTRIES
from portal.i18n_content import Localized, TranslationsFormMixin, translated_list

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FairFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", _("All formats")), *FairFormat.choices])
    past = forms.BooleanField(label=_("Past fairs"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries"))] + [
            (code, facts.name) for code, facts in COUNTRIES.items()
        ]


def question_label(question: Localized) -> str:
    """A fair's question as a field label; one not translated says in which language it is."""
    if not question.is_fallback:
        return question.text
    return format_html(
        '<bdi lang="{}" dir="{}">{}</bdi> <small class="muted content-fallback">({})</small>',
        question.language,
        question.direction,
        question.text,
        question.note,
    )


class RegistrationForm(SafeTextMixin, forms.Form):
    """Registration of a returnee; one text field per question the fair asks."""

    share_profile = forms.BooleanField(
        # The wording CONSENT_WORDING records (jobfairs.models.candidates): change both together.
        label=_(
            "I agree that the employers of this fair may see my name, phone number, e-mail address, skills, "
            "languages and CV."
        ),
        help_text=_("Optional. Without it, employers only learn how many people registered. You can withdraw it."),
        required=False,
    )

    # Optional, for the programme's anonymous statistics only; "" is "prefer not to say".
    declared_sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", _("Prefer not to say")), *Registration._meta.get_field("declared_sex").choices],
        help_text=_("Optional. Only counted in anonymous statistics, never shown to employers."),
    )
    declared_age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("Prefer not to say")), *AgeBand.choices],
        help_text=_("Optional. Only counted in anonymous statistics, never shown to employers."),
    )
    declared_target_group = forms.ChoiceField(
        label=_("Which describes you best?"),
        required=False,
        choices=[("", _("Prefer not to say")), *TargetGroup.choices],
        help_text=_("Optional. Only counted in anonymous statistics, never shown to employers."),
    )

    def __init__(self, *args: Any, fair: JobFair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Answers are kept under the source question, whatever language the question was shown in.
        self.questions = list(fair.questions)
        for index, question in enumerate(translated_list(fair, "questions")):
            self.fields[f"q{index}"] = forms.CharField(
                label=question_label(question), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
            )
        # The fair's questions first; the optional questions for the statistics last.
        self.order_fields([f"q{index}" for index in range(len(self.questions))] + ["share_profile"])

    @property
    def answers(self) -> dict[str, str]:
        return {question: self.cleaned_data.get(f"q{index}", "") for index, question in enumerate(self.questions)}

    @property
    def declared(self) -> dict[str, str]:
        """The self-declared facts for the statistics ("" where the returnee preferred not to say)."""
        return {name: self.cleaned_data.get(name, "") for name in DECLARED_FIELDS}


class ClientRegistrationForm(SafeTextMixin, forms.Form):
    client_code = forms.CharField(label=_("Client code"), max_length=20)

    def __init__(self, *args: Any, fair: JobFair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Answers are kept under the source question, whatever language the question was shown in.
        self.questions = list(fair.questions)
        for index, question in enumerate(translated_list(fair, "questions")):
            self.fields[f"q{index}"] = forms.CharField(
                label=question_label(question), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
            )

    @property
    def answers(self) -> dict[str, str]:
        return {question: self.cleaned_data.get(f"q{index}", "") for index, question in enumerate(self.questions)}


class BoothForm(SafeTextMixin, forms.Form):
    description = forms.CharField(
        label=_("About us at this fair"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    meeting_url = forms.URLField(label=_("Video meeting link"), required=False, assume_scheme="https")
    documents = forms.CharField(
        label=_("Documents"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One https:// link per line, e.g. a company brochure."),
    )
    staff = forms.CharField(
        label=_("Staff at the booth"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Names and roles, one per line."),
    )


class SlotsForm(forms.Form):
    first_start = forms.DateTimeField(
        label=_("First slot starts at"),
        widget=DATETIME_INPUT,
        help_text=_("In the fair's time zone."),
    )
    minutes = forms.TypedChoiceField(
        label=_("Length of each slot"),
        coerce=int,
        choices=[(m, _("%(minutes)s minutes") % {"minutes": m}) for m in SLOT_MINUTES],
        initial=15,
    )
    count = forms.IntegerField(label=_("Number of slots"), min_value=1, max_value=60, initial=8)


class VacancyForm(TranslationsFormMixin, SafeTextMixin, forms.Form):
    translated_fields = ("title", "description")

    title = forms.CharField(label=_("Job title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    isco_code = forms.CharField(
        label=_("Occupation (ISCO-08 code)"),
        max_length=4,
        required=False,
        help_text=_("Optional, e.g. 7212 for welders."),
    )
    employment_type = forms.ChoiceField(label=_("Employment type"), choices=EmploymentType.choices)
    country = forms.ChoiceField(label=_("Country"))
    locality = forms.CharField(label=_("Town or city"), max_length=120, required=False)
    remote = forms.BooleanField(label=_("Remote work"), required=False)
    salary_min = forms.DecimalField(
        label=_("Salary from"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    salary_max = forms.DecimalField(
        label=_("Salary up to"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    salary_currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("e.g. GHS, RSD, MAD, EUR")
    )
    salary_unit = forms.ChoiceField(label=_("Salary per"), choices=[("", "—"), *SalaryUnit.choices], required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(label=_("Skills"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    valid_through = forms.DateField(
        label=_("Apply by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # ISO in every language
    )
    how_to_apply = forms.CharField(label=_("How to apply"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    fair = forms.ChoiceField(label=_("Shown at the job fair"), required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False)

    def __init__(self, *args: Any, fairs: list[JobFair], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fair_objects = {str(fair.public_id): fair for fair in fairs}
        self.fields["fair"].choices = [("", "—")] + [
            (key, fair.localized_title) for key, fair in self.fair_objects.items()
        ]
        self.fields["country"].choices = [(code, facts.name) for code, facts in COUNTRIES.items()]

    def clean_salary_currency(self) -> str:
        return self.cleaned_data["salary_currency"].upper()

    def service_data(self) -> dict[str, Any]:
        data = self.source_data()
        data["translations"] = self.translations()
        data["fair"] = self.fair_objects.get(data.get("fair") or "")
        data["country_id"] = data.pop("country")
        publish = data.pop("publish")
        return {"publish": publish, **data}


class ApplicationForm(SafeTextMixin, forms.Form):
    cover_note = forms.CharField(
        label=_("Message to the employer"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=3000
    )
    confirm = forms.BooleanField(
        label=_("I understand that the employer will see my name and e-mail address with this application.")
    )


class ApplicationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ApplicationStatus.choices)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12)


class SurveyForm(SafeTextMixin, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the fair?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4")),
            (3, _("3")),
            (2, _("2")),
            (1, _("1 – not satisfied at all")),
        ],
    )
    technical_problems = forms.BooleanField(label=_("I had technical problems"), required=False)
    what_worked = forms.CharField(
        label=_("What worked well?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    to_improve = forms.CharField(
        label=_("What should we change?"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FairForm(TranslationsFormMixin, SafeTextMixin, forms.Form):
    """A fair, with its title, description and registration questions in every interface language."""

    translated_fields = ("title", "description", "questions")
    list_fields = ("questions",)

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=FairFormat.choices)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, help_text=_("e.g. Africa/Accra, Europe/Belgrade"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_INPUT, help_text=_("In the fair's time zone."))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_INPUT)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    registration_opens_at = forms.DateTimeField(label=_("Registration opens"), widget=DATETIME_INPUT)
    registration_closes_at = forms.DateTimeField(label=_("Registration closes"), widget=DATETIME_INPUT)
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    waiting_list_size = forms.IntegerField(label=_("Places on the waiting list"), min_value=0, initial=50)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    questions = forms.CharField(
        label=_("Registration questions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One question per line."),
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(_("Choose a valid time zone, e.g. Africa/Accra.")) from exc
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if zone_name:
            # The times were typed in the fair's zone, not the viewer's.
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
                value = cleaned.get(name)
                if value is not None:
                    cleaned[name] = value.replace(tzinfo=None).replace(tzinfo=zone)
        cleaned["questions"] = [line.strip() for line in (cleaned.get("questions") or "").splitlines() if line.strip()]
        return cleaned


class FairEditForm(FairForm):
    """The fair form for a saved fair (the same inputs, its translations filled in by the view)."""

    def fair_data(self) -> dict[str, Any]:
        return self.source_data()
