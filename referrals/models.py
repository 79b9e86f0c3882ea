"""Service directory (after Open Referral HSDS) and closed-loop referrals."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


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
