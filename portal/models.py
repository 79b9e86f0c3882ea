"""Countries, centres, people, memberships and the audit log."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import (
    CENTRE_ROLES,
    COUNTRY_ROLES,
    GLOBAL_ROLES,
    Access,
    Role,
    ScopedManager,
    ScopedQuerySet,
)
from portal.geography import country_name

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class Country(models.Model):
    """A partner country (or Germany, the programme's home)."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list)
    timezone = models.CharField(_("time zone"), max_length=64)
    phone_prefix = models.CharField(_("phone prefix"), max_length=6)
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=5 * 365,
        help_text=_("Closed case files are anonymised this many days after closing."),
    )
    is_partner_country = models.BooleanField(_("partner country"), default=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        return country_name(self.code)


class Centre(models.Model):
    """A counselling centre for jobs, migration and reintegration."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="centres", verbose_name=_("country"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    code = models.CharField(_("short code"), max_length=5, unique=True, help_text=_("Used in client codes, e.g. ACC."))
    city = models.CharField(_("city"), max_length=100)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Where replies to the portal's mails about this centre go (portal/emails.py); empty: `email`.
    reply_to_email = models.EmailField(
        _("reply address for e-mails"),
        blank=True,
        help_text=_("Replies to the portal's e-mails about this centre go here. Empty: the centre's e-mail address."),
    )
    opening_hours = models.TextField(_("opening hours"), blank=True)
    # Opening hours in other languages (`portal.i18n_content`): {"fr": {"opening_hours": ...}}.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # The last number used in this centre's client codes; raised under a row lock.
    client_counter = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["country_id", "name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: staff (with memberships) or a returnee (without)."""

    username = None
    first_name = None
    last_name = None
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty (NULL) for a returnee who signed up with a phone number only.
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    # E.164 (e.g. +233241234567); unique when set. Returnees may sign in with it by SMS code.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_verified = models.BooleanField(_("phone number verified"), default=False)
    # An IANA zone name (Africa/Accra). Empty: the zone of the user's centre or country, or the browser's
    # (portal.timezones.zone_name_for).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_phone_unique_when_set"),
        ]

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        # Never the phone number: this name is shown to others (e.g. employers at a fair).
        return self.full_name or self.email or f"#{str(self.public_id)[:8]}"

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.get_full_name()


class MembershipQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Managers see their centre's staff, coordinators their country's, admins everyone."""
        if access.has_role(Role.ADMIN):
            return self.all()
        q = Q(user_id=access.user_id)
        managed = access.centre_ids(Role.CENTRE_MANAGER)
        if managed:
            q |= Q(centre_id__in=managed)
        countries = access.country_codes(Role.COUNTRY_COORDINATOR)
        if countries:
            q |= Q(centre__country_id__in=countries) | Q(country_id__in=countries)
        return self.filter(q)


class Membership(models.Model):
    """A user's role at a centre, in a country, at an organisation or an employer."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    centre = models.ForeignKey(
        Centre,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("centre"),
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("country"),
    )
    organisation = models.ForeignKey(
        "referrals.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("partner organisation"),
    )
    employer = models.ForeignKey(
        "jobfairs.Employer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("employer"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set when a manager, coordinator or administrator ends the role (`portal.services.end_membership`);
    # the row stays, inactive, so that the team list and the audit trail keep who held it.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = ScopedManager.from_queryset(MembershipQuerySet)()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Each role hangs on exactly the object its scope is made of.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=sorted(CENTRE_ROLES),
                        centre__isnull=False,
                        country__isnull=True,
                        organisation__isnull=True,
                        employer__isnull=True,
                    )
                    | Q(
                        role__in=sorted(COUNTRY_ROLES),
                        centre__isnull=True,
                        country__isnull=False,
                        organisation__isnull=True,
                        employer__isnull=True,
                    )
                    | Q(
                        role__in=sorted(GLOBAL_ROLES),
                        centre__isnull=True,
                        country__isnull=True,
                        organisation__isnull=True,
                        employer__isnull=True,
                    )
                    | Q(
                        # Per country, or programme-wide without one.
                        role=Role.DATA_PROTECTION_OFFICER,
                        centre__isnull=True,
                        organisation__isnull=True,
                        employer__isnull=True,
                    )
                    | Q(
                        role=Role.PARTNER,
                        centre__isnull=True,
                        country__isnull=True,
                        organisation__isnull=False,
                        employer__isnull=True,
                    )
                    | Q(
                        role=Role.EMPLOYER,
                        centre__isnull=True,
                        country__isnull=True,
                        organisation__isnull=True,
                        employer__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "centre", "country", "organisation", "employer"],
                nulls_distinct=False,
                name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = self.centre or self.country or self.organisation or self.employer
        return str(target) if target else str(_("whole programme"))


class StaffInvitation(models.Model):
    """An invitation to join as staff; staff never sign up on their own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="invitation", verbose_name=_("membership")
    )
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self) -> str:
        return self.email


class AuditEventQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Centre managers read their centres' log, coordinators and data-protection officers their countries'."""
        if not access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER):
            return self.none()
        q = access.centre_q(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
        if access.has_role(Role.DATA_PROTECTION_OFFICER):
            q |= access.dpo_q()
        return self.filter(q)


class AuditEvent(models.Model):
    """One append-only line of the audit log. The database refuses UPDATE and DELETE.

    It holds identifiers, never names or free text about a person, so that it
    can outlive the anonymisation of the case it speaks of.
    """

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No database-level FK: the log must outlive the rows it names, and a
    # cascading SET NULL would be an UPDATE, which the log refuses.
    actor = models.ForeignKey(
        User,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True)
    centre = models.ForeignKey(
        Centre,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("centre"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = ScopedManager.from_queryset(AuditEventQuerySet)()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["centre", "-occurred_at"], name="audit_centre_time_idx"),
            # "Who saw or changed this client?" (portal.selectors.list_audit_events) asks for
            # details -> 'client' = pk OR target_id IN (...): one index per arm lets PostgreSQL combine them.
            models.Index(KeyTransform("client", "details"), name="audit_client_idx"),
            models.Index(fields=["target_id"], name="audit_target_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Audit events are append-only")


class OutboxMessage(models.Model):
    """A task that must not be lost: written in the business transaction, dispatched to the broker after commit.

    `dispatched_at` is set when the broker took it, `completed_at` when the task succeeded; the
    `dispatch_outbox` beat task re-sends rows never dispatched (broker down) or dispatched long ago and
    not completed (a worker died). `key` makes enqueueing the same work twice a no-op.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    queue = models.CharField(_("queue"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["dispatched_at"], condition=Q(completed_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """The last time a worker consuming `queue` ran the heartbeat task; /healthz reports a stale one."""

    queue = models.CharField(_("queue"), max_length=50, unique=True)
    seen_at = models.DateTimeField(_("seen"))
    hostname = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.queue} {self.seen_at:%Y-%m-%d %H:%M:%S}"
