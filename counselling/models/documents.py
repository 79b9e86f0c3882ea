"""Documents kept on a case: checked by their content, stored under a random name."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counselling.models.cases import CaseFile
from counselling.models.choices import DocumentKind
from counselling.models.querysets import CaseChildQuerySet
from portal.access import ScopedManager


def document_path(instance: Document, filename: str) -> str:
    # Never the uploaded name: a random name in a folder per centre, outside the web root.
    return f"case-documents/{instance.case.centre_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file on a case, checked by its content and served only through an access check."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case file"))
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ScopedManager.from_queryset(CaseChildQuerySet)()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name
