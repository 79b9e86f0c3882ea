"""A client and their consents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.choices import (
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    Education,
    LegalBasis,
    Sex,
    TargetGroup,
    Vulnerability,
)
from counselling.models.querysets import ClientQuerySet, ConsentQuerySet
from portal.access import ScopedManager

# The client's own details, as a counsellor enters them at intake and edits them later: the services
# write exactly these from the forms (the derived search columns and the vulnerabilities have rules).
CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "name_native",
    "name_transliterated",
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "phone_alt",
    "email",
    "preferred_channel",
    "nationality",
    "current_location",
    "target_group",
    "education",
    "occupation",
    "skills",
    "languages",
)


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
    # Every key of every name (counselling/names.py): what the caseload search looks words up in (issue #18).
    search_keys = ArrayField(models.CharField(max_length=40), default=list, editable=False)
    search_text = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Raised by each edit of the details (`counselling.services.update_client`): a stale form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

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
            GinIndex(fields=["search_keys"], name="client_search_keys_gin"),
            models.Index(fields=["centre", "-created_at"], name="client_centre_created_idx"),
            # The search matches a typed client code case-insensitively; without this index that arm of the
            # OR makes PostgreSQL scan every client instead of combining the GIN indexes (issue #9, E3/E4).
            models.Index(Upper("code"), name="client_code_upper_idx"),
            # The search within a user's centres (E3/E4 of issues #9 and #18): the centre leads the GIN index
            # (btree_gin), so PostgreSQL reads only that centre's matches instead of every match in the programme.
            GinIndex(fields=["centre", "search_keys"], name="client_centre_keys_gin"),
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
