"""The record of processing activities (GDPR art. 30), generated from the models.

Every model that holds personal data (every model with a `ScopedManager`, and
the accounts) declares why and how it is processed: in the `DECLARATIONS`
registry, which each app fills in its AppConfig.ready (`declare_processing`),
or in a ``class PrivacyMeta`` inside the model with the same attributes as
`Processing`. The categories of data are read from the model's
fields (their verbose names, and whether they are encrypted at rest), so the
record follows the schema. A test fails when a model with a `ScopedManager`
has no declaration: a new kind of personal data cannot land unrecorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.access import ScopedManager
from portal.crypto import EncryptedTextField

# The purposes, legal bases, subjects, recipients and measures the declarations share.
CLIENTS = _("clients of the centres (returnees, people thinking about migrating, displaced people)")
RETURNEES = _("returnees and visitors with a portal account")
STAFF = _("staff of the centres and the programme")
PARTNER_STAFF = _("staff of partner organisations and employers")
EMPLOYERS_WITH_CONSENT = _("employers at a job fair, only for candidates who consented")
PARTNERS_WITH_CONSENT = _("the partner organisation a client was referred to, only with the client's consent")
NO_RECIPIENT = _("nobody outside the centre")
CONSENT = _("consent (GDPR art. 6(1)(a))")
VITAL_OR_PUBLIC = _("consent, or a task in the public interest of the programme (GDPR art. 6(1)(a), (e))")
CONTRACT = _("taking part in a service the person asked for (GDPR art. 6(1)(b))")
LEGITIMATE = _("legitimate interest in running the programme securely (GDPR art. 6(1)(f))")
LEGAL_OBLIGATION = _("accountability and security of processing (GDPR art. 5(2), 32)")
BY_COUNTRY = None  # the retention period of the client's country (Country.retention_days)
BY_COUNTRY_TEXT = _("anonymised once every case of the client has been closed for the retention period of its country")

SECURITY_MEASURES = (
    _("access scoped to the centre, country or organisation (one door, 404 outside it)"),
    _("second factor required for every staff account"),
    _("every read and write of a case recorded in an append-only audit log"),
    _("TLS in transit; security headers and content security policy"),
)


@dataclass(frozen=True)
class Processing:
    """How one model's personal data is processed."""

    purpose: Promise | str
    legal_basis: Promise | str
    data_subjects: tuple[Promise | str, ...]
    recipients: tuple[Promise | str, ...] = (NO_RECIPIENT,)
    # None: anonymised after the country's retention period; otherwise how long it is kept.
    retention: Promise | str | None = BY_COUNTRY
    # Fields holding special categories of data (GDPR art. 9): health, psychosocial situation.
    special: tuple[str, ...] = ()
    extra_measures: tuple[Promise | str, ...] = ()
    # How a row leads to the client it is about: attribute names up to the client's primary key (e.g.
    # "case.client_id"). The audit log names that client on every line about the row (portal.audit).
    client: str | None = None


# The declarations, by model label: the portal's own below; every app adds its models' in its
# AppConfig.ready with `declare_processing` (e.g. counselling/dataprotection/declarations.py).
DECLARATIONS: dict[str, Processing] = {
    "portal.user": Processing(
        purpose=_("Signing in to the portal"),
        legal_basis=CONTRACT,
        data_subjects=(STAFF, PARTNER_STAFF, RETURNEES),
        retention=_("until the account is deleted"),
    ),
    "portal.membership": Processing(
        purpose=_("Who works where, in which role (it decides what they see)"),
        legal_basis=LEGITIMATE,
        data_subjects=(STAFF, PARTNER_STAFF),
        retention=_("while the person works with the programme"),
    ),
    "portal.auditevent": Processing(
        purpose=_("Accountability: who read or changed which personal data, and when"),
        legal_basis=LEGAL_OBLIGATION,
        data_subjects=(STAFF, CLIENTS),
        retention=_("kept; it holds identifiers only, never names, so it outlives anonymisation"),
        extra_measures=(_("the database refuses changes and deletions of the log"),),
    ),
}


def declare_processing(declarations: Mapping[str, Processing]) -> None:
    """Add an app's declarations to the record (called from its AppConfig.ready)."""
    DECLARATIONS.update(declarations)


# Fields that are not data about anyone: keys, counters, derived search columns.
_SKIPPED_FIELDS = ("id",)


def personal_data_models() -> list[type[models.Model]]:
    """Every model whose default manager is a `ScopedManager` (the mark of personal data)."""
    return [model for model in apps.get_models() if isinstance(model._default_manager, ScopedManager)]


def declaration_for(model: type[models.Model]) -> Processing | None:
    """The model's own ``PrivacyMeta`` when it has one, else its entry in `DECLARATIONS`."""
    meta = getattr(model, "PrivacyMeta", None)
    if meta is not None:
        return Processing(
            **{name: getattr(meta, name) for name in Processing.__dataclass_fields__ if hasattr(meta, name)}
        )
    return DECLARATIONS.get(model._meta.label_lower)


@dataclass(frozen=True)
class DataCategory:
    name: str
    encrypted: bool
    special: bool


@dataclass(frozen=True)
class Activity:
    """One line of the record: a model and how its data is processed."""

    label: str
    name: str
    processing: Processing
    categories: tuple[DataCategory, ...]

    @property
    def retention(self) -> Any:
        return BY_COUNTRY_TEXT if self.processing.retention is None else self.processing.retention

    @property
    def measures(self) -> tuple[Any, ...]:
        encrypted = (
            (_("encrypted at rest (Fernet, keys rotated)"),) if any(c.encrypted for c in self.categories) else ()
        )
        return (*SECURITY_MEASURES, *encrypted, *self.processing.extra_measures)


def _categories(model: type[models.Model], processing: Processing) -> tuple[DataCategory, ...]:
    categories = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) and not field.many_to_many:
            continue
        if field.name in _SKIPPED_FIELDS or not getattr(field, "editable", True) or field.auto_created:
            continue
        categories.append(
            DataCategory(
                name=str(field.verbose_name),
                encrypted=isinstance(field, EncryptedTextField),
                special=field.name in processing.special,
            )
        )
    return tuple(categories)


def record_of_processing() -> list[Activity]:
    """The record of processing activities: every declared model, in the active language."""
    candidates = {model._meta.label_lower: model for model in personal_data_models()}
    for label in DECLARATIONS:
        app_label, _dot, model_name = label.partition(".")
        try:
            candidates.setdefault(label, apps.get_model(app_label, model_name))
        except LookupError:
            continue  # a declaration for an app that is not installed
    activities = []
    for label, model in sorted(candidates.items()):
        processing = declaration_for(model)
        if processing is None:
            continue
        activities.append(
            Activity(
                label=label,
                name=str(model._meta.verbose_name_plural),
                processing=processing,
                categories=_categories(model, processing),
            )
        )
    return activities


def undeclared_models() -> list[str]:
    """Models with personal data (a `ScopedManager`) that nobody declared: the test keeps this empty."""
    return sorted(m._meta.label_lower for m in personal_data_models() if declaration_for(m) is None)


def csv_rows(activities: Iterable[Activity]) -> Iterable[list[str]]:
    """The record as CSV rows (header first), for download."""
    yield [
        str(_("Processing")),
        str(_("Purpose")),
        str(_("Legal basis")),
        str(_("Data subjects")),
        str(_("Categories of data")),
        str(_("Special categories")),
        str(_("Encrypted at rest")),
        str(_("Recipients")),
        str(_("Retention")),
        str(_("Security measures")),
    ]
    for activity in activities:
        processing = activity.processing
        yield [
            activity.name,
            str(processing.purpose),
            str(processing.legal_basis),
            "; ".join(str(s) for s in processing.data_subjects),
            "; ".join(c.name for c in activity.categories),
            "; ".join(c.name for c in activity.categories if c.special),
            "; ".join(c.name for c in activity.categories if c.encrypted),
            "; ".join(str(r) for r in processing.recipients),
            str(activity.retention),
            "; ".join(str(m) for m in activity.measures),
        ]
