"""Service directory (after Open Referral HSDS 3.0) and closed-loop referrals."""

from __future__ import annotations

import secrets
import uuid
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import CASEWORK_ROLES, Access, Role, ScopedManager, ScopedQuerySet


class OrganizationType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NGO = "ngo", _("Non-governmental organisation")
    PRIVATE = "private", _("Private company")
    INTERNATIONAL = "international", _("International organisation")
    TRAINING_PROVIDER = "training_provider", _("Training provider")


class Organization(models.Model):
    """A partner organisation (HSDS `organization`) that receives referrals."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    organization_type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="organizations", verbose_name=_("country")
    )
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.TextChoices):
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational qualification")
    ONLINE_COURSE = "online_course", _("Online course")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    BUSINESS = "business", _("Business start-up support")
    LANGUAGE = "language", _("Language course")
    OTHER = "other", _("Other service")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Service(models.Model):
    """A service an organisation offers (HSDS `service`), in one country and optionally online beyond it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=32, choices=ServiceCategory.choices)
    description = models.TextField(_("description"), blank=True)
    # Name and description in other languages (`portal.i18n_content`): {"fr": {"name": ..., "description": ...}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.IN_PERSON)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="services", verbose_name=_("country")
    )
    areas_served = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("also serves these countries"),
        default=list,
        blank=True,
        help_text=_("ISO codes of further countries whose clients may take part (e.g. for online courses)."),
    )
    eligibility = models.TextField(_("who can take part"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=100, blank=True, help_text=_("Leave empty when it is free."))
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty when there is no limit.")
    )
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    url = models.URLField(_("web page"), blank=True)
    locations = models.ManyToManyField(
        "Location", through="ServiceAtLocation", related_name="services", verbose_name=_("locations"), blank=True
    )
    is_published = models.BooleanField(_("show on the public opportunities pages"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="service_age_range",
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=models.F("max_age")),
            )
        ]
        indexes = [models.Index(fields=["country", "category", "is_active"], name="service_country_cat_idx")]

    def __str__(self) -> str:
        return self.name

    def serves_country(self, code: str) -> bool:
        return code == self.country_id or code in self.areas_served


class Location(models.Model):
    """A place where an organisation delivers services (HSDS `location`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class ServiceAtLocation(models.Model):
    """A service delivered at a location (HSDS `service_at_location`)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_unique")]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    WAITLISTED = "waitlisted", pgettext_lazy("referral status", "On the waiting list")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    ENROLLED = "enrolled", pgettext_lazy("referral status", "Enrolled / in progress")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    DROPPED_OUT = "dropped_out", pgettext_lazy("referral status", "Dropped out")
    CANCELLED = "cancelled", pgettext_lazy("referral status", "Cancelled")


FINAL_STATUSES = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.DROPPED_OUT, ReferralStatus.CANCELLED}
)
# Statuses that hold a seat of the service.
SEAT_STATUSES = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED})
AWAITING_ANSWER = frozenset({ReferralStatus.SENT, ReferralStatus.WAITLISTED})
# Statuses in which the referral has a partner link (and so a slip): sent and not closed. A draft has not
# left the centre; a closed referral's link is dead.
LINKED_STATUSES = frozenset(
    {ReferralStatus.SENT, ReferralStatus.WAITLISTED, ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED}
)


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within two weeks")
    URGENT = "urgent", _("Urgent")


class Outcome(models.TextChoices):
    CERTIFICATE = "certificate", _("Certificate obtained")
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    FURTHER_REFERRAL = "further_referral", _("Referred further")
    IMPROVED_WELLBEING = "wellbeing", _("Improved well-being")
    NO_RESULT = "no_result", _("No result")


class SharedField(models.TextChoices):
    """What of the client a referral shows the partner (within the client's consent)."""

    NAME = "name", _("Name")
    PHONE = "phone", _("Phone")
    BIRTH_YEAR = "birth_year", _("Year of birth")
    SEX = "sex", _("Sex")
    EDUCATION = "education", _("Education")
    LANGUAGES = "languages", _("Languages")
    OCCUPATION = "occupation", _("Occupation and skills")


class ReferralQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The sending centre's staff, and the users of the receiving organisation."""
        q = access.centre_q(*CASEWORK_ROLES)
        organisations = access.organisation_ids()
        if organisations:
            q |= Q(organization_id__in=organisations)
        return self.filter(q)

    def overdue(self, today: object = None) -> Self:
        return self.filter(status__in=AWAITING_ANSWER, due_on__lt=today or timezone.localdate())


def new_link_nonce() -> str:
    return secrets.token_hex(8)


def new_referral_code() -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud on the phone
    raw = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"R-{raw[:4]}-{raw[4:]}"


class Referral(models.Model):
    """A referral of a case's client to a service, followed until it closes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("referral code"), max_length=12, unique=True, default=new_referral_code)
    case = models.ForeignKey(
        "counselling.CaseFile", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case file")
    )
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("centre")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    reason = models.TextField(_("reason"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    shared_fields = ArrayField(
        models.CharField(max_length=16, choices=SharedField.choices),
        verbose_name=_("shared with the partner"),
        default=list,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    due_on = models.DateField(_("answer expected by"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Online courses: the evidence of enrolment and completion, entered by the centre, the partner or the
    # returnee (`services.record_course_evidence_as_*`). The link is a web address only (http or https).
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certificate_url = models.URLField(_("certificate or Open Badge link"), max_length=500, blank=True)
    # Changing the nonce kills every link sent before (a link is single-purpose and can be revoked).
    link_nonce = models.CharField(max_length=16, default=new_link_nonce, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedManager.from_queryset(ReferralQuerySet)()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            # One open referral of a case to a service: a double submission cannot make two.
            models.UniqueConstraint(
                fields=["case", "service"],
                condition=~Q(status__in=["declined", "completed", "dropped_out", "cancelled"]),
                name="referral_one_open_per_case_and_service",
            ),
            models.CheckConstraint(
                name="referral_completed_has_outcome", condition=~Q(status="completed") | ~Q(outcome="")
            ),
            # A certificate link is a web page, never a javascript:, data: or file: address.
            models.CheckConstraint(
                name="referral_certificate_url_is_web",
                condition=Q(certificate_url="") | Q(certificate_url__regex=r"^https?://[^[:space:]]+$"),
            ),
        ]
        # The board and the inbox read one status at a time in (due_on, id) order and merge them (keyset pages,
        # see referrals/selectors.py): the id closes each index so that no branch needs a sort.
        indexes = [
            models.Index(fields=["centre", "status", "due_on", "id"], name="referral_board_keyset_idx"),
            models.Index(fields=["organization", "status", "due_on", "id"], name="referral_inbox_keyset_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status in AWAITING_ANSWER and self.due_on < timezone.localdate()

    @property
    def has_course_evidence(self) -> bool:
        return bool(self.enrolled_on or self.completed_on or self.certificate_number or self.certificate_url)


class ReferralEventQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        q = access.centre_q(*CASEWORK_ROLES, prefix="referral__")
        organisations = access.organisation_ids()
        if organisations:
            q |= Q(referral__organization_id__in=organisations)
        return self.filter(q)


class Channel(models.TextChoices):
    STAFF = "staff", _("Centre staff")
    PARTNER_ACCOUNT = "partner_account", _("Partner, signed in")
    PARTNER_LINK = "partner_link", _("Partner, through the e-mailed link")
    RETURNEE = "returnee", _("The client, on their own page")
    SYSTEM = "system", _("Automatic")


class ReferralEvent(models.Model):
    """One change of a referral: who, when, from which status to which, with a note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral"))
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ReferralStatus.choices)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager.from_queryset(ReferralEventQuerySet)()

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class ReferralReminder(models.Model):
    """One reminder per referral, kind and day: the reminder task is idempotent through it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind", "sent_on"], name="referral_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind} {self.sent_on}"


MANAGING_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
