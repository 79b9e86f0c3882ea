"""Clients, consent, case files, sessions, follow-ups, documents, transfers."""

from __future__ import annotations

import uuid
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import CASEWORK_ROLES, Access, ScopedManager, ScopedQuerySet


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


class ClientQuerySet(ScopedQuerySet):
    def for_access(self, access: Access) -> Self:
        """Counsellors and managers see their centres' clients; coordinators their countries'."""
        return self.filter(access.centre_q(*CASEWORK_ROLES))


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
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=16, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)
    languages = ArrayField(
        models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True
    )
    portal_account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_record",
        verbose_name=_("portal account"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager.from_queryset(ClientQuerySet)()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.CheckConstraint(
                name="client_birth_year_plausible",
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year__gte=1900),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
