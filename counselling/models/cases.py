"""A case file and what hangs on it: plan goals, sessions, follow-ups and the timeline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.choices import CaseStatus, ClosureReason, GoalStatus, SessionKind, SessionMode, Topic
from counselling.models.clients import Client
from counselling.models.querysets import (
    CaseChildQuerySet,
    CaseFileQuerySet,
    SessionQuerySet,
    SessionRevisionQuerySet,
)
from portal.access import Access, Role, ScopedManager
from portal.crypto import EncryptedTextField

_TOPICS = frozenset(Topic.values)  # Topic.values builds a new list on every call


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
    # Raised by each correction (`counselling.services.correct_session`): a stale form cannot overwrite one.
    version = models.PositiveIntegerField(default=1, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)

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


class SessionRevision(models.Model):
    """A session as it stood before its author corrected it: the file keeps what changed, when, by whom and
    why. The previous values (summary and confidential notes among them) are kept encrypted, read only by
    those who may read the session's notes; erasure deletes them with the session's text."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(_("corrected"), default=timezone.now)
    reason = models.TextField(_("reason for the correction"), blank=True)
    changed = ArrayField(models.CharField(max_length=32), verbose_name=_("fields changed"), default=list)
    previous = EncryptedTextField(_("previous values"))  # JSON of the fields in `changed`, as they were

    objects = ScopedManager.from_queryset(SessionRevisionQuerySet)()

    class Meta:
        verbose_name = _("session correction")
        verbose_name_plural = _("session corrections")
        constraints = [models.UniqueConstraint(fields=["session", "version"], name="session_revision_unique")]

    def __str__(self) -> str:
        return f"{self.session_id} · v{self.version}"


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
