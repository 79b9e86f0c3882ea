"""Group information sessions, counted by sex, age band and target group."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.choices import Topic
from counselling.models.clients import Client
from counselling.models.querysets import GroupSessionQuerySet
from portal.access import ScopedManager


class GroupSession(models.Model):
    """A group information session, counted by sex, age band and target group."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="group_sessions", verbose_name=_("centre")
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    topics = ArrayField(models.CharField(max_length=32, choices=Topic.choices), verbose_name=_("topics"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("facilitator")
    )
    participants = models.PositiveIntegerField(_("participants"))
    by_sex = models.JSONField(_("participants by sex"), default=dict)
    by_age_band = models.JSONField(_("participants by age band"), default=dict)
    by_target_group = models.JSONField(_("participants by target group"), default=dict)
    clients = models.ManyToManyField(Client, blank=True, related_name="group_sessions", verbose_name=_("clients"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager.from_queryset(GroupSessionQuerySet)()

    class Meta:
        verbose_name = _("group information session")
        verbose_name_plural = _("group information sessions")

    def __str__(self) -> str:
        return self.title
