"""A visitor's request for an appointment, waiting in the centre's intake queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.choices import AppointmentChannel, AppointmentStatus, AppointmentTopic
from counselling.models.clients import Client
from counselling.models.querysets import AppointmentRequestQuerySet
from portal.access import ScopedManager
from portal.crypto import EncryptedTextField


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
