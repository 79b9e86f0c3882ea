"""A request to move a case to another centre."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.cases import CaseFile
from counselling.models.choices import TransferStatus
from counselling.models.querysets import TransferQuerySet
from portal.access import ScopedManager


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
