"""Writes that set the programme up: countries and centres, by administrators."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.access import Access, Role
from portal.audit import PortalAudit, record_event
from portal.errors import DomainError, NotAllowed
from portal.geography import COUNTRIES
from portal.i18n_content import clean_translations
from portal.models import Centre, Country, User

# --- Countries and centres ----------------------------------------------------------------------------
# Administrators set them up in the portal (portal.views.country_list and the forms it links to).

# A centre's short code: it is part of every client code of the centre (`<country>-<centre>-NNNNNN`).
CENTRE_CODE = re.compile(r"[A-Z0-9]{2,5}")
# The centre's texts that can be given in every interface language.
CENTRE_TRANSLATED_FIELDS = ("opening_hours",)
PHONE_PREFIX = re.compile(r"\+[1-9][0-9]{0,3}")
# Closed case files are anonymised this many days after closing: at least a month, at most thirty years.
RETENTION_DAYS_MIN, RETENTION_DAYS_MAX = 30, 30 * 365

# Who stores codes made from a centre's country and code (counselling: its clients' codes). An app above the
# foundation registers a function in its AppConfig.ready that says whether the centre has any.
_centre_code_users: list[Callable[[Centre], bool]] = []


def register_centre_code_user(in_use: Callable[[Centre], bool]) -> None:
    """Let an app that stores codes made from a centre's code keep that code (and country) from changing."""
    if in_use not in _centre_code_users:
        _centre_code_users.append(in_use)


def centre_code_in_use(centre: Centre) -> bool:
    """Whether codes made from the centre's country and code exist: its counter moved, or an app holds some
    (a code typed from a paper file does not move the counter)."""
    return centre.client_counter > 0 or any(in_use(centre) for in_use in _centre_code_users)


def _require_admin(access: Access) -> None:
    if not access.has_role(Role.ADMIN):
        raise NotAllowed(_("Only administrators set up countries and centres."))


def _languages(chosen: Iterable[str]) -> list[str]:
    """The chosen interface languages in the portal's own order; anything else is refused."""
    chosen = set(chosen)
    offered = [code for code, _name in settings.LANGUAGES]
    if chosen - set(offered):
        raise DomainError(_("Choose languages from the list."), field="languages")
    return [code for code in offered if code in chosen]


def _country_facts(
    *, time_zone: str, languages: Iterable[str], phone_prefix: str, retention_days: int
) -> dict[str, object]:
    """A country's settings checked and as stored; DomainError names the field that is wrong."""
    if time_zone not in zoneinfo.available_timezones():
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    ordered = _languages(languages)
    if not ordered:
        raise DomainError(_("Choose at least one language."), field="languages")
    phone_prefix = phone_prefix.strip()
    if not PHONE_PREFIX.fullmatch(phone_prefix):
        raise DomainError(
            _("Write the phone prefix as a plus sign and one to four digits, e.g. +233."), field="phone_prefix"
        )
    if not RETENTION_DAYS_MIN <= retention_days <= RETENTION_DAYS_MAX:
        raise DomainError(
            _("The retention period must be between %(min)s and %(max)s days.")
            % {"min": RETENTION_DAYS_MIN, "max": RETENTION_DAYS_MAX},
            field="retention_days",
        )
    return {"timezone": time_zone, "languages": ordered, "phone_prefix": phone_prefix, "retention_days": retention_days}


@transaction.atomic(durable=True)
def create_country(
    *,
    access: Access,
    actor: User,
    code: str,
    time_zone: str,
    languages: Iterable[str],
    phone_prefix: str,
    retention_days: int,
    is_partner_country: bool = True,
) -> Country:
    """Set up one of the programme's countries (`portal.geography.COUNTRIES`, which names it in every language).

    Administrators only (NotAllowed otherwise). The time zone must be a real one (IANA), the languages the
    portal's, the retention period within bounds. Audited with the settings chosen.
    """
    _require_admin(access)
    code = code.strip().upper()
    if code not in COUNTRIES:
        raise DomainError(_("Choose a country from the list."), field="code")
    facts = _country_facts(
        time_zone=time_zone, languages=languages, phone_prefix=phone_prefix, retention_days=retention_days
    )
    if Country.objects.filter(pk=code).exists():
        raise DomainError(_("This country is set up already."), field="code")
    country = Country.objects.create(code=code, is_partner_country=is_partner_country, **facts)
    record_event(
        actor=actor,
        action=PortalAudit.COUNTRY_CREATED,
        target=country,
        details={"timezone": country.timezone, "languages": country.languages, "retention_days": retention_days},
    )
    return country


@transaction.atomic(durable=True)
def update_country(
    *,
    access: Access,
    actor: User,
    country: Country,
    time_zone: str,
    languages: Iterable[str],
    phone_prefix: str,
    retention_days: int,
    is_partner_country: bool,
) -> Country:
    """Change a country's time zone, languages, phone prefix, retention period or partner flag.

    Administrators only. The code never changes (client codes and every row of the country hold it). A
    shorter retention period makes closed case files due for anonymisation sooner: the audit line keeps the
    old and the new value of every setting that changed. Nothing changed writes nothing.
    """
    _require_admin(access)
    facts = _country_facts(
        time_zone=time_zone, languages=languages, phone_prefix=phone_prefix, retention_days=retention_days
    )
    facts["is_partner_country"] = is_partner_country
    country = Country.objects.select_for_update().get(pk=country.pk)
    changed = {
        name: [getattr(country, name), value] for name, value in facts.items() if getattr(country, name) != value
    }
    if not changed:
        return country
    for name, (_old, new) in changed.items():
        setattr(country, name, new)
    country.save(update_fields=list(changed))
    record_event(actor=actor, action=PortalAudit.COUNTRY_UPDATED, target=country, details={"changed": changed})
    return country


def _centre_code(code: str, *, other_than: Centre | None = None) -> str:
    """The code as stored (upper case), refused when malformed or another centre's."""
    code = code.strip().upper()
    if not CENTRE_CODE.fullmatch(code):
        raise DomainError(_("Write the code as 2 to 5 letters (A to Z) or digits, e.g. ACC."), field="code")
    others = Centre.objects.filter(code__iexact=code)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    if others.exists():
        raise DomainError(_("Another centre uses this code already."), field="code")
    return code


def _free_slug(country: Country, code: str) -> str:
    base = f"{country.code}-{code}".lower()
    slug, number = base, 1
    while Centre.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic(durable=True)
def create_centre(
    *,
    access: Access,
    actor: User,
    country: Country,
    code: str,
    name: str,
    city: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    translations: dict[str, dict[str, str]] | None = None,
    languages: Iterable[str] = (),
    is_active: bool = True,
    reply_to_email: str = "",
) -> Centre:
    """Open a centre in a country. Administrators only. `translations`: its opening hours in other languages
    (`portal.i18n_content`).

    The code (2 to 5 capitals or digits, unique) starts every client code of the centre; it cannot change
    once the centre has clients (`update_centre`). Audited, with the country and code.
    """
    _require_admin(access)
    code = _centre_code(code)
    centre = Centre(
        country=country,
        code=code,
        slug=_free_slug(country, code),
        name=name.strip(),
        city=city.strip(),
        address=address.strip(),
        phone=phone.strip(),
        email=email.strip().lower(),
        reply_to_email=reply_to_email.strip().lower(),
        opening_hours=opening_hours.strip(),
        translations=clean_translations(translations, CENTRE_TRANSLATED_FIELDS),
        languages=_languages(languages),
        is_active=is_active,
    )
    try:
        with transaction.atomic():
            centre.save()
    except IntegrityError as exc:  # the same code typed at the same moment by another administrator
        raise DomainError(_("Another centre uses this code already."), field="code") from exc
    record_event(
        actor=actor,
        action=PortalAudit.CENTRE_CREATED,
        target=centre,
        centre=centre,
        details={"country": country.code, "code": code},
    )
    return centre


@transaction.atomic(durable=True)
def update_centre(
    *,
    access: Access,
    actor: User,
    centre: Centre,
    country: Country,
    code: str,
    name: str,
    city: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    translations: dict[str, dict[str, str]] | None = None,
    languages: Iterable[str] = (),
    is_active: bool = True,
    reply_to_email: str = "",
) -> Centre:
    """Change a centre's details, or close it to new work (`is_active`). Administrators only. `translations`:
    its opening hours in other languages (None leaves them as they are).

    Its country and code are part of every client code it has given: once it has clients
    (`centre_code_in_use`) they are refused with a message. The centre's row is locked, as registering a
    client locks it, so no client can be registered between that check and the change. Audited with the
    names of the fields that changed (old and new values for the codes and the active flag).
    """
    _require_admin(access)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    code = code.strip().upper()
    if (code != centre.code or country.pk != centre.country_id) and centre_code_in_use(centre):
        raise DomainError(
            _("The country and the code cannot change once the centre has clients: both are in their client codes."),
            field="code" if code != centre.code else "country",
        )
    if code != centre.code:
        code = _centre_code(code, other_than=centre)
    wanted = {
        "country_id": country.pk,
        "code": code,
        "name": name.strip(),
        "city": city.strip(),
        "address": address.strip(),
        "phone": phone.strip(),
        "email": email.strip().lower(),
        "reply_to_email": reply_to_email.strip().lower(),
        "opening_hours": opening_hours.strip(),
        "languages": _languages(languages),
        "is_active": is_active,
    }
    if translations is not None:
        wanted["translations"] = clean_translations(translations, CENTRE_TRANSLATED_FIELDS)
    changed = [field for field, value in wanted.items() if getattr(centre, field) != value]
    if not changed:
        return centre
    details: dict[str, object] = {"changed": [field.removesuffix("_id") for field in changed]}
    for field in ("country_id", "code", "is_active"):
        if field in changed:
            details[field.removesuffix("_id")] = [getattr(centre, field), wanted[field]]
    for field in changed:
        setattr(centre, field, wanted[field])
    try:
        with transaction.atomic():
            centre.save(update_fields=changed)
    except IntegrityError as exc:
        raise DomainError(_("Another centre uses this code already."), field="code") from exc
    record_event(actor=actor, action=PortalAudit.CENTRE_UPDATED, target=centre, centre=centre, details=details)
    return centre
