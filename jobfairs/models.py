"""Employers, job fairs, booths, vacancies, registrations and meeting slots."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class VettingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class Employer(models.Model):
    """An employer taking part in job fairs; only verified employers appear publicly."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="employers", verbose_name=_("country")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    vetting_status = models.CharField(
        _("vetting status"), max_length=16, choices=VettingStatus.choices, default=VettingStatus.PENDING
    )
    vetting_note = models.TextField(_("vetting note"), blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
