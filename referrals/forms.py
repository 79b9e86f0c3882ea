"""Forms of the referrals app: validation only; choices come from selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.forms import DATE, SPOKEN_LANGUAGES
from counselling.models import ConsentMethod, LegalBasis
from portal.forms_base import SafeTextMixin
from portal.geography import COUNTRIES
from portal.i18n_content import TranslationsFormMixin
from referrals.models import (
    Delivery,
    Location,
    Organization,
    Outcome,
    ReferralStatus,
    ServiceCategory,
    SharedField,
    Urgency,
)
from referrals.services import COMPLETED, ENROLLED, ConsentAnswer, CourseEvidence, certificate_link_problem


class ReferralForm(SafeTextMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=None)
    reason = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    shared_fields = forms.MultipleChoiceField(
        label=_("Share with the partner"),
        choices=SharedField.choices,
        initial=[SharedField.NAME, SharedField.PHONE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the partner needs. Nothing is shared without the client's consent."),
    )
    due_on = forms.DateField(
        label=_("Answer expected by"), required=False, widget=DATE, help_text=_("Seven days from today when empty.")
    )
    save_as_draft = forms.BooleanField(label=_("Keep as a draft, do not send yet"), required=False)
    # The client's answer when they have not yet agreed to share with the chosen organisation: recorded with
    # the referral, as the consent form records it (`referrals.services.ConsentAnswer`).
    consent_answer = forms.ChoiceField(
        label=_("Consent to share data with the organisation"),
        choices=[
            ("agrees", _("The client agrees to share the data ticked above with this organisation")),
            ("declines", _("The client does not agree")),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Only needed when the client has not yet agreed to share with the chosen service's organisation; "
            "services marked “consent on record” have it."
        ),
    )
    consent_legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.CONSENT, required=False
    )
    consent_method = forms.ChoiceField(
        label=_("How it was given"), choices=[("", "—"), *ConsentMethod.choices], required=False
    )
    consent_witness = forms.CharField(label=_("Witness"), max_length=200, required=False)

    def __init__(self, *args: Any, services: Any, consented: set[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        consented = consented or set()
        on_record = _("consent on record")

        def label(service: Any) -> str:
            text = f"{service.organization.name}: {service.name}"
            return f"{text} · {on_record}" if service.organization_id in consented else text

        self.fields["service"].label_from_instance = label

    def consent(self) -> ConsentAnswer | None:
        """The answer given in the form, or None when none was given (the service asks for one if needed)."""
        data = self.cleaned_data
        if not data.get("consent_answer"):
            return None
        return ConsentAnswer(
            agrees=data["consent_answer"] == "agrees",
            method=data.get("consent_method") or "",
            legal_basis=data.get("consent_legal_basis") or LegalBasis.CONSENT,
            witness=data.get("consent_witness") or "",
        )

    def clean_due_on(self) -> dt.date | None:
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The answer cannot be expected in the past."))
        return value


class PartnerAnswerForm(SafeTextMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
        help_text=_("Needed when the client completed the service."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you decline: say why."),
    )

    def __init__(self, *args: Any, moves: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(m, ReferralStatus(m).label) for m in moves]


class CourseEvidenceForm(SafeTextMixin, forms.Form):
    """Enrolment in or completion of an online course, with its evidence (`referrals.services.CourseEvidence`).

    The same form for the centre, the partner and the client (`for_client` words the steps for them); the rules
    (dates, certificate) are the service's, the link is checked here too so that its message shows on the field.
    """

    form = forms.CharField(widget=forms.HiddenInput, initial="course", required=False)
    step = forms.ChoiceField(label=_("What to record"), widget=forms.RadioSelect)
    on = forms.DateField(
        label=_("Date"), widget=DATE, help_text=_("The day of enrolment, or the date on the certificate.")
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    certificate_url = forms.CharField(
        label=_("Link to the certificate or Open Badge"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"dir": "ltr", "inputmode": "url"}),
        help_text=_("A web address that starts with https://. For completion, give the number, the link or both."),
    )

    def __init__(self, *args: Any, steps: list[str], for_client: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if for_client:
            labels = {ENROLLED: _("I have enrolled in the course"), COMPLETED: _("I have completed the course")}
        else:
            labels = {ENROLLED: _("Enrolled in the course"), COMPLETED: _("Completed the course")}
        # No step open (a closed or unaccepted referral, a stale page): both are taken, and the service says why
        # neither can be recorded.
        self.fields["step"].choices = [(step, labels[step]) for step in steps or (ENROLLED, COMPLETED)]
        if len(steps) == 1:
            self.fields["step"].initial = steps[0]

    def clean_certificate_url(self) -> str:
        value = self.cleaned_data.get("certificate_url", "").strip()
        if value:
            problem = certificate_link_problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value

    def evidence(self) -> CourseEvidence:
        data = self.cleaned_data
        return CourseEvidence(
            step=data["step"],
            on=data["on"],
            certificate_number=data.get("certificate_number") or "",
            certificate_url=data.get("certificate_url") or "",
        )


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Open referrals")), *ReferralStatus.choices], required=False
    )
    service = forms.UUIDField(required=False, widget=forms.HiddenInput)


def _countries() -> list[tuple[str, str]]:
    return [("", _("All countries")), *sorted(((c, str(f.name)) for c, f in COUNTRIES.items()), key=lambda x: x[1])]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *ServiceCategory.choices], required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", _("All")), *SPOKEN_LANGUAGES], required=False)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=[("", _("All")), *Delivery.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries()


class OrganizationForm(SafeTextMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "organization_type", "country", "description", "email", "website", "phone"]

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["website"].assume_scheme = "https"


class LocationForm(SafeTextMixin, forms.Form):
    name = forms.CharField(label=_("Name of the place"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    city = forms.CharField(label=_("City"), max_length=100)


class ServiceForm(TranslationsFormMixin, SafeTextMixin, forms.Form):
    """A service of the directory, with its name and description in every interface language."""

    translated_fields = ("name", "description")

    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ServiceCategory.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    eligibility = forms.CharField(
        label=_("Who can take part"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    min_age = forms.IntegerField(label=_("Minimum age"), required=False, min_value=0, max_value=120)
    max_age = forms.IntegerField(label=_("Maximum age"), required=False, min_value=0, max_value=120)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=SPOKEN_LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    cost = forms.CharField(label=_("Cost"), max_length=100, required=False, help_text=_("Leave empty when it is free."))
    capacity = forms.IntegerField(
        label=_("Seats"), required=False, min_value=1, help_text=_("Leave empty when there is no limit.")
    )
    schedule = forms.CharField(label=_("Schedule"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    application_deadline = forms.DateField(label=_("Application deadline"), required=False, widget=DATE)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    is_published = forms.BooleanField(label=_("Show on the public opportunities pages"), required=False)
    locations = forms.ModelMultipleChoiceField(
        label=_("Where"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["locations"].queryset = Location.objects.filter(organization__in=organizations).select_related(
            "organization"
        )
