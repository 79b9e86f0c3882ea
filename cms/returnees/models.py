"""The returnee's own portal data: profile and CV, consents with their history, saved opportunities.

All of it belongs to one account and is read only by its owner (`for_access`
gives a user their own rows and nothing else). Counsellors see none of it:
the link to a client record (`counselling.Client.portal_account`) lets the
returnee see the status of their referrals, not the other way round.
"""

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

from counselling.models import ContactChannel, Education, Sex, TargetGroup
from portal.access import Access, ScopedManager, ScopedQuerySet

UNDISCLOSED = "undisclosed"
TARGET_GROUP_CHOICES = [(UNDISCLOSED, pgettext_lazy("target group", "Prefer not to say")), *TargetGroup.choices]
LINK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from a phone


def new_link_code() -> str:
    return "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(8))


def cv_path(instance: ReturneeProfile, filename: str) -> str:
    # A random name: the original file name is kept in the row, never in the path.
    return f"returnees/cv/{instance.public_id}/{uuid.uuid4().hex}"


class OwnRowsQuerySet(ScopedQuerySet):
    """Rows of one account: their owner sees them, nobody else."""

    def for_access(self, access: Access) -> Self:
        return self.filter(user_id=access.user_id)


class ConsentPurpose(models.TextChoices):
    SHARE_WITH_EMPLOYERS = "share_with_employers", _("Share my profile with employers at job fairs")
    FOLLOW_UP = "follow_up", _("The centre may contact me to follow up")


class ReturneeProfile(models.Model):
    """What a returnee tells about themselves: skills, education, languages, CV, how to reach them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="returnee_profile", verbose_name=_("account")
    )
    skills = models.TextField(_("skills"), blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    languages = ArrayField(
        models.CharField(max_length=10), verbose_name=_("languages spoken"), default=list, blank=True
    )
    contact_preference = models.CharField(
        _("how we should contact you"), max_length=16, choices=ContactChannel.choices, blank=True
    )
    # Optional, self-declared, for the programme's (anonymous) reporting.
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    target_group = models.CharField(_("your situation"), max_length=32, choices=TARGET_GROUP_CHOICES, blank=True)
    cv = models.FileField(_("CV"), upload_to=cv_path, blank=True)
    cv_name = models.CharField(_("CV file name"), max_length=200, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    cv_size = models.PositiveIntegerField(null=True, blank=True)
    cv_uploaded_at = models.DateTimeField(_("CV uploaded"), null=True, blank=True)
    # A short one-time code the returnee gives a counsellor to link the account to their client record.
    link_code = models.CharField(max_length=8, blank=True, db_index=True)
    link_code_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedManager.from_queryset(OwnRowsQuerySet)()

    class Meta:
        verbose_name = _("returnee profile")
        verbose_name_plural = _("returnee profiles")
        constraints = [
            models.CheckConstraint(
                name="returnee_birth_year_plausible",
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900),
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def link_code_valid(self) -> bool:
        return (
            bool(self.link_code)
            and self.link_code_expires_at is not None
            and self.link_code_expires_at > timezone.now()
        )


class ReturneeConsent(models.Model):
    """One consent for one purpose, given at a time and perhaps withdrawn later; kept while the account lives."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="returnee_consents", verbose_name=_("account")
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ScopedManager.from_queryset(OwnRowsQuerySet)()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"], condition=Q(withdrawn_at__isnull=True), name="returnee_consent_one_active"
            ),
            models.CheckConstraint(
                name="returnee_consent_withdrawn_after_given",
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SavedOpportunity(models.Model):
    """A service, a job fair or a vacancy the returnee keeps for later: exactly one of the three."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_opportunities",
        verbose_name=_("account"),
    )
    service = models.ForeignKey(
        "referrals.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service"),
    )
    fair = models.ForeignKey(
        "jobfairs.JobFair",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("job fair"),
    )
    vacancy = models.ForeignKey(
        "jobfairs.Vacancy", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("vacancy")
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = ScopedManager.from_queryset(OwnRowsQuerySet)()

    class Meta:
        verbose_name = _("saved opportunity")
        verbose_name_plural = _("saved opportunities")
        constraints = [
            models.CheckConstraint(
                name="saved_opportunity_exactly_one",
                condition=Q(service__isnull=False, fair__isnull=True, vacancy__isnull=True)
                | Q(service__isnull=True, fair__isnull=False, vacancy__isnull=True)
                | Q(service__isnull=True, fair__isnull=True, vacancy__isnull=False),
            ),
            models.UniqueConstraint(fields=["user", "service"], name="saved_service_once"),
            models.UniqueConstraint(fields=["user", "fair"], name="saved_fair_once"),
            models.UniqueConstraint(fields=["user", "vacancy"], name="saved_vacancy_once"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="saved_user_created_idx")]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def kind(self) -> str:
        return "service" if self.service_id else "fair" if self.fair_id else "vacancy"
