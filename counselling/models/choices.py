"""The choices of the counselling app: statuses, purposes, topics and the categories reports count by."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
