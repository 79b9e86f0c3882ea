"""Clients, consent, case files, sessions, follow-ups, documents, transfers, group sessions."""

from __future__ import annotations

import uuid
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.access import CASEWORK_ROLES, Access, Role, ScopedManager, ScopedQuerySet
from portal.crypto import EncryptedTextField

# --- Choices -------------------------------------------------------------------


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class TargetGroup(models.TextChoices):
    RETURNEE_GERMANY = "returnee_de", _("Returnee from Germany")
    RETURNEE_OTHER = "returnee_other", _("Returnee from another country")
    IDP = "idp", _("Internally displaced person")
    LOCAL = "local", _("Local population")
    POTENTIAL_MIGRANT = "potential_migrant", _("Potential migrant")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class Education(models.TextChoices):
    NONE = "none", _("No formal education")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational training")
    TERTIARY = "tertiary", _("University")


class Vulnerability(models.TextChoices):
    DISABILITY = "disability", _("Disability")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial distress")
    SINGLE_PARENT = "single_parent", _("Single parent")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    VICTIM_OF_TRAFFICKING = "trafficking", _("Survivor of trafficking")
    GBV = "gbv", _("Survivor of gender-based violence")
    NO_SHELTER = "no_shelter", _("Without safe shelter")


class ConsentPurpose(models.TextChoices):
    COUNSELLING_RECORD = "counselling_record", _("Keeping a counselling record")
    SENSITIVE_DATA = "sensitive_data", _("Recording vulnerabilities and health information")
    SHARE_WITH_PARTNER = "share_partner", _("Sharing with a named partner organisation")
    SHARE_WITH_EMPLOYERS = "share_employers", _("Sharing a profile with employers")
    FOLLOW_UP_CONTACT = "follow_up", _("Follow-up contact and surveys")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract or service request")
    VITAL_INTEREST = "vital_interest", _("Vital interest")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    PUBLIC_INTEREST = "public_interest", _("Public interest")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed form")
    ORAL_WITH_WITNESS = "oral_witness", _("Oral, with a witness")
    DIGITAL = "digital", _("Digital (portal or e-mail)")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    ACTIVE = "active", pgettext_lazy("case status", "Active")
    ON_HOLD = "on_hold", pgettext_lazy("case status", "On hold")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Goals achieved")
    CLIENT_REQUEST = "client_request", _("At the client's request")
    UNREACHABLE = "unreachable", _("Client cannot be reached")
    MOVED_AWAY = "moved_away", _("Client moved away")
    MIGRATED = "migrated", _("Client migrated")
    OTHER = "other", _("Other reason")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    MESSAGING = "messaging", _("Messaging")


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")


class Topic(models.TextChoices):
    LABOUR_MARKET = "labour_market", _("Labour market")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    EDUCATION = "education", _("Education")
    BUSINESS = "business", _("Business start-up")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    REGULAR_MIGRATION = "regular_migration", _("Regular migration pathways")
    IRREGULAR_MIGRATION_RISKS = "irregular_risks", _("Risks of irregular migration")
    REINTEGRATION = "reintegration", _("Reintegration support")
    DOCUMENTS = "documents", _("Documents and legal questions")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")


_TOPICS = frozenset(Topic.values)  # Topic.values builds a new list on every call


class DocumentKind(models.TextChoices):
    ID_DOCUMENT = "id", _("Identity document")
    CERTIFICATE = "certificate", _("Certificate")
    CV = "cv", _("CV")
    OTHER = "other", _("Other document")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving centre")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AppointmentChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("SMS or WhatsApp")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")


class AppointmentTopic(models.TextChoices):
    """The information site's topics (cms.models.Topic, same values) plus "other"."""

    REGULAR_MIGRATION = "regular_migration", _("Regular migration pathways")
    IRREGULAR_MIGRATION_RISKS = "irregular_migration_risks", _("Risks of irregular migration")
    RETURN_REINTEGRATION = "return_reintegration", _("Returning and reintegration")
    TRAINING_JOBS = "training_jobs", _("Training and jobs")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    OTHER = "other", pgettext_lazy("appointment topic", "Something else")


class AppointmentStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("appointment status", "New")
    CONTACTED = "contacted", pgettext_lazy("appointment status", "Contacted")
    SCHEDULED = "scheduled", pgettext_lazy("appointment status", "Scheduled")
    CLOSED = "closed", pgettext_lazy("appointment status", "Closed")


AGE_BANDS = ("under_18", "18_24", "25_34", "35_49", "50_plus")


# --- Scoping rules ------------------------------------------------------------------


class CentreScopedQuerySet(ScopedQuerySet):
    """Rows of a centre: counsellors and managers of that centre, coordinators of its country."""

    centre_path = ""

    def for_access(self, access: Access) -> Self:
        return self.filter(access.centre_q(*CASEWORK_ROLES, prefix=self.centre_path))


class ClientQuerySet(CentreScopedQuerySet):
    pass


class CaseFileQuerySet(CentreScopedQuerySet):
    pass


class CaseChildQuerySet(CentreScopedQuerySet):
    """Rows that belong to a case follow the case: a transferred case takes its history along."""

    centre_path = "case__"


class ConsentQuerySet(CentreScopedQuerySet):
    centre_path = "client__"


class TransferQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Both centres see a transfer: the sending one its request, the receiving one what to decide."""
        return self.filter(
            access.centre_q(*CASEWORK_ROLES, prefix="from_") | access.centre_q(*CASEWORK_ROLES, prefix="to_")
        )


class SessionQuerySet(CaseChildQuerySet):
    pass


class AppointmentRequestQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """The centre's counsellors and managers see its requests; a returnee sees their own."""
        own = Q(user_id=access.user_id) if access.user_id is not None else Q(pk__in=[])
        return self.filter(access.centre_q(*CASEWORK_ROLES) | own)


# --- Models ----------------------------------------------------------------------------


class Client(models.Model):
    """A person counselled at a centre."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="clients", verbose_name=_("centre")
    )
    code = models.CharField(_("client code"), max_length=20, unique=True)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    name_native = models.CharField(
        _("name in own script"),
        max_length=200,
        blank=True,
        help_text=_("The name as the client writes it, e.g. in Arabic, Urdu or Cyrillic script."),
    )
    name_transliterated = models.CharField(
        _("transliteration"),
        max_length=200,
        blank=True,
        help_text=_("Another Latin spelling the client uses, e.g. on a passport."),
    )
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    phone_alt = models.CharField(_("second phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    current_location = models.CharField(_("current location"), max_length=200, blank=True)
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True)
    vulnerabilities = ArrayField(
        models.CharField(max_length=32, choices=Vulnerability.choices),
        verbose_name=_("vulnerabilities"),
        default=list,
        blank=True,
    )
    portal_account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_record",
        verbose_name=_("portal account"),
    )
    # Derived search columns, written by the services from the names above.
    given_keys = ArrayField(models.CharField(max_length=40), default=list, editable=False)
    family_keys = ArrayField(models.CharField(max_length=40), default=list, editable=False)
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = ScopedManager.from_queryset(ClientQuerySet)()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.CheckConstraint(
                name="client_birth_year_plausible",
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
            ),
        ]
        indexes = [
            GinIndex(fields=["given_keys"], name="client_given_keys_gin"),
            GinIndex(fields=["family_keys"], name="client_family_keys_gin"),
            GinIndex(name="client_search_trgm", fields=["search_text"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["centre", "-created_at"], name="client_centre_created_idx"),
            # The search matches a typed client code case-insensitively; without this index that arm of the
            # OR makes PostgreSQL scan every client instead of combining the GIN indexes (issue #9, E3/E4).
            models.Index(Upper("code"), name="client_code_upper_idx"),
            # The search within a user's centres (E3/E4 of issue #9): the centre leads each GIN index (btree_gin),
            # so PostgreSQL reads only that centre's matches instead of every match in the programme.
            GinIndex(fields=["centre", "given_keys"], name="client_centre_given_gin"),
            GinIndex(fields=["centre", "family_keys"], name="client_centre_family_gin"),
            GinIndex(fields=["centre", "search_text"], opclasses=["", "gin_trgm_ops"], name="client_centre_trgm_gin"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def age_or_year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class Consent(models.Model):
    """A client's consent (or other legal basis) for one purpose; withdrawn, never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client"))
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey(
        "referrals.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("partner organisation"),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    method = models.CharField(_("how it was given"), max_length=32, choices=ConsentMethod.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    objects = ScopedManager.from_queryset(ConsentQuerySet)()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                name="consent_partner_needs_organisation",
                condition=(
                    Q(purpose="share_partner", organisation__isnull=False)
                    | (~Q(purpose="share_partner") & Q(organisation__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="consent_oral_needs_witness",
                condition=~Q(method="oral_witness") | ~Q(witness=""),
            ),
            models.UniqueConstraint(
                fields=["client", "purpose", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                nulls_distinct=False,
                name="consent_one_active_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class CaseFile(models.Model):
    """A client's case at a centre: status, plan, sessions and timeline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client"))
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="cases", verbose_name=_("centre")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
        verbose_name=_("counsellor"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closure_reason = models.CharField(_("reason for closing"), max_length=32, choices=ClosureReason.choices, blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    last_session_on = models.DateField(_("last session"), null=True, blank=True)
    # Optimistic locking: every change bumps it; a write based on an old version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedManager.from_queryset(CaseFileQuerySet)()

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_date_and_reason",
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
            ),
            models.UniqueConstraint(fields=["client"], condition=~Q(status="closed"), name="case_one_open_per_client"),
        ]
        indexes = [
            models.Index(fields=["centre", "status", "-updated_at"], name="case_centre_status_idx"),
            models.Index(fields=["counsellor", "status", "-updated_at"], name="case_counsellor_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} · {self.get_status_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class PlanGoal(models.Model):
    """One goal of a case's reintegration plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="goals", verbose_name=_("case file"))
    title = models.CharField(_("goal"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Optimistic locking, as on the case file: a change made from a page older than the goal is refused.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    objects = ScopedManager.from_queryset(CaseChildQuerySet)()

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One counselling session logged on a case."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("case file"))
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counsellor")
    )
    held_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    mode = models.CharField(_("mode"), max_length=16, choices=SessionMode.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices, default=SessionKind.INDIVIDUAL)
    topics = ArrayField(models.CharField(max_length=32, choices=Topic.choices), verbose_name=_("topics"))
    language = models.CharField(_("language used"), max_length=10, blank=True)
    interpreter = models.BooleanField(_("with an interpreter"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    confidential_notes = EncryptedTextField(
        _("confidential notes"),
        blank=True,
        help_text=_("Encrypted. Only you and your centre's manager can read them."),
    )
    next_steps = models.TextField(_("next steps"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager.from_queryset(SessionQuerySet)()

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        constraints = [
            models.CheckConstraint(
                name="session_duration_range", condition=Q(duration_minutes__gte=1, duration_minutes__lte=600)
            ),
            models.CheckConstraint(name="session_has_topic", condition=Q(topics__len__gte=1)),
        ]
        indexes = [models.Index(fields=["case", "-held_at"], name="session_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.held_at:%Y-%m-%d}"

    @property
    def topic_labels(self) -> list[str]:
        return [str(Topic(topic).label) for topic in self.topics if topic in _TOPICS]

    def notes_visible_to(self, access: Access) -> bool:
        """Confidential notes: their author, and the manager of the case's centre."""
        if self.counsellor_id == access.user_id:
            return True
        return self.case.centre_id in access.centre_ids(Role.CENTRE_MANAGER)


class FollowUp(models.Model):
    """A task on a case with a due date."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case file"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("assigned to"),
    )
    title = models.CharField(_("what to do"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager.from_queryset(CaseChildQuerySet)()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(
                fields=["assigned_to", "due_on"],
                condition=Q(done_at__isnull=True),
                name="followup_open_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class FollowUpReminder(models.Model):
    """One reminder e-mail per counsellor per day: the daily task is idempotent through it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    follow_up_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="followup_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.sent_on}"


def document_path(instance: Document, filename: str) -> str:
    # Never the uploaded name: a random name in a folder per centre, outside the web root.
    return f"case-documents/{instance.case.centre_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file on a case, checked by its content and served only through an access check."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case file"))
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ScopedManager.from_queryset(CaseChildQuerySet)()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class Transfer(models.Model):
    """A request to move a case to another centre; the receiving centre's manager decides."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("case file"))
    from_centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("from centre")
    )
    to_centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("to centre")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    objects = ScopedManager.from_queryset(TransferQuerySet)()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(name="transfer_to_another_centre", condition=~Q(from_centre=models.F("to_centre"))),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="transfer_one_pending_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_centre_id} → {self.to_centre_id}"


class CaseEvent(models.Model):
    """One line of a case's timeline, written by the services (and by other apps' services)."""

    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="events", verbose_name=_("case file"))
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=48)
    params = models.JSONField(default=dict, blank=True)

    objects = ScopedManager.from_queryset(CaseChildQuerySet)()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "-occurred_at"], name="caseevent_case_time_idx")]

    def __str__(self) -> str:
        return self.kind


class GroupSessionQuerySet(CentreScopedQuerySet):
    pass


class GroupSession(models.Model):
    """A group information session, counted by sex, age band and target group."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="group_sessions", verbose_name=_("centre")
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    topics = ArrayField(models.CharField(max_length=32, choices=Topic.choices), verbose_name=_("topics"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("facilitator")
    )
    participants = models.PositiveIntegerField(_("participants"))
    by_sex = models.JSONField(_("participants by sex"), default=dict)
    by_age_band = models.JSONField(_("participants by age band"), default=dict)
    by_target_group = models.JSONField(_("participants by target group"), default=dict)
    clients = models.ManyToManyField(Client, blank=True, related_name="group_sessions", verbose_name=_("clients"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager.from_queryset(GroupSessionQuerySet)()

    class Meta:
        verbose_name = _("group information session")
        verbose_name_plural = _("group information sessions")

    def __str__(self) -> str:
        return self.title


class AppointmentRequest(models.Model):
    """A visitor's "ask for an appointment" from a centre page, waiting in the centre's intake queue."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="appointment_requests", verbose_name=_("centre")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment_requests",
        verbose_name=_("portal account"),
    )
    name = models.CharField(_("name"), max_length=200)
    contact = EncryptedTextField(_("phone or e-mail"))
    preferred_channel = models.CharField(_("preferred channel"), max_length=16, choices=AppointmentChannel.choices)
    topic = models.CharField(_("topic"), max_length=32, choices=AppointmentTopic.choices)
    message = EncryptedTextField(_("message"), blank=True, default="")
    consent_given_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.NEW
    )
    scheduled_for = models.DateTimeField(_("appointment time"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment_requests",
        verbose_name=_("client"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager.from_queryset(AppointmentRequestQuerySet)()

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        indexes = [
            models.Index(fields=["centre", "status", "created_at"], name="appointment_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.get_status_display()}"
