"""Clients and their consents: intake, changes to a client's details, consent recorded and withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.codes import format_client_code, parse_client_code, wrong_series_message
from counselling.consent import has_consent, require_consent
from counselling.models import CLIENT_FIELDS, CaseFile, CaseStatus, Client, Consent, ConsentPurpose
from counselling.names import name_keys, search_text
from counselling.services.common import StaleVersion, case_event, latest_case, require_centre
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre, User


def search_columns(client: Client) -> None:
    """Fill the client's derived search columns (name keys, search text) from the names; does not save.

    The services call it on every write of the names; the demo and scale seeds, which write clients
    without `register_client`, call it too.
    """
    native_tokens = client.name_native.split()
    client.given_keys = name_keys(client.given_name, *native_tokens[:1])
    client.family_keys = name_keys(client.family_name, client.name_transliterated, " ".join(native_tokens[1:]))
    # The caseload search matches each word typed against any name (a name may be typed family name first).
    client.search_keys = name_keys(
        client.given_name, client.family_name, client.name_transliterated, client.name_native
    )
    client.search_text = search_text(
        client.given_name, client.family_name, client.name_transliterated, client.name_native
    )


# How many numbers past the counter one query looks at when looking for a free one.
CODE_LOOKAHEAD = 20


def _next_client_code(centre: Centre) -> str:
    """The centre's next free client code; raises its counter to that number (under the centre's row lock).

    A number already taken (a code typed from an older paper file, or one a
    bug once let another centre take) is skipped, so no code in the table
    can make every later registration fail. One query in the usual case.
    """
    locked = Centre.objects.select_for_update().get(pk=centre.pk)
    number = locked.client_counter
    while True:
        candidates = {format_client_code(locked, n): n for n in range(number + 1, number + 1 + CODE_LOOKAHEAD)}
        with unscoped():
            taken = set(Client.objects.filter(code__in=list(candidates)).values_list("code", flat=True))
        free = next((code for code in candidates if code not in taken), None)
        if free is not None:
            break
        number += CODE_LOOKAHEAD
    locked.client_counter = candidates[free]
    locked.save(update_fields=["client_counter"])
    return free


def _check_birth(birth_date: dt.date | None, birth_year: int | None) -> None:
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise DomainError(_("The date of birth cannot be in the future."), field="birth_date")
    if birth_year and (birth_year > today.year or birth_year < 1900):
        raise DomainError(_("Enter a year of birth between 1900 and this year."), field="birth_year")


@transaction.atomic(durable=True)
def register_client(
    *,
    access: Access,
    actor: User,
    centre: Centre,
    consent_method: str,
    consent_witness: str = "",
    code: str = "",
    counsellor: User | None = None,
    **data: Any,
) -> CaseFile:
    """Take a new client in: the client, an open case file, and their consent to a counselling record.

    The duplicate check runs before (the view shows likely matches); this
    function trusts that the counsellor decided. A given `code` (from a paper
    file) must be in the centre's own series (`<country>-<centre>-NNNNNN`)
    and unused; otherwise the next free one is made from the centre's counter.
    """
    require_centre(access, centre.pk)
    _check_birth(data.get("birth_date"), data.get("birth_year"))
    # Another centre's prefix is refused: a code typed there would take a number of this series.
    manual_code = parse_client_code(code, centre=centre) if code.strip() else ""
    if manual_code is None:
        raise DomainError(wrong_series_message(centre), field="code")
    # The same intake sent twice (double click on "register anyway", a resend) registers one client:
    # registrations of a centre wait for each other on its row, then the identical client this counsellor
    # registered minutes ago is returned. A namesake registered by anyone else is still registered.
    Centre.objects.select_for_update().only("pk").get(pk=centre.pk)
    same = {
        k: data[k]
        for k in ("given_name", "family_name", "name_native", "birth_date", "birth_year", "phone")
        if k in data
    }
    with unscoped():
        twin = (
            CaseFile.objects.filter(
                client__centre=centre,
                client__created_at__gte=timezone.now() - dt.timedelta(minutes=10),
                events__kind="case.opened",
                events__actor=actor,
                **{f"client__{k}": v for k, v in same.items()},
            )
            .exclude(status=CaseStatus.CLOSED)
            .select_related("client")
            .order_by("pk")
            .first()
        )
    if twin is not None and manual_code in ("", twin.client.code):
        return twin
    client = Client(centre=centre, **{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    if client.birth_date and not client.birth_year:
        client.birth_year = client.birth_date.year
    search_columns(client)
    client.code = manual_code or _next_client_code(centre)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:
        raise DomainError(_("This client code is already in use."), field="code") from exc
    case = CaseFile.objects.create(client=client, centre=centre, counsellor=counsellor or actor)
    Consent.objects.create(
        client=client,
        purpose=ConsentPurpose.COUNSELLING_RECORD,
        method=consent_method,
        witness=consent_witness,
        recorded_by=actor,
    )
    case_event(case, actor, "case.opened")
    record_event(actor=actor, action=CounsellingAudit.CLIENT_REGISTERED, target=client, centre=centre)
    record_event(actor=actor, action=CounsellingAudit.CASE_OPENED, target=case, centre=centre)
    return case


@transaction.atomic(durable=True)
def update_client(
    *,
    access: Access,
    actor: User,
    client: Client,
    vulnerabilities: list[str],
    expected_version: int | None = None,
    **data: Any,
) -> Client:
    """Change a client's details. Vulnerabilities need the consent for sensitive information.

    `expected_version` is the version the form was shown with: if a colleague saved the client since, the
    edit is refused (as for case files) instead of silently overwriting theirs."""
    require_centre(access, client.centre_id)
    with unscoped():
        client = Client.objects.select_for_update().get(pk=client.pk)
    if expected_version is not None and client.version != expected_version:
        raise StaleVersion(
            _("Someone else changed this client's details while you were editing. Check them and try again.")
        )
    _check_birth(data.get("birth_date"), data.get("birth_year"))
    if vulnerabilities and set(vulnerabilities) != set(client.vulnerabilities):
        require_consent(client, ConsentPurpose.SENSITIVE_DATA)
    changed = sorted(k for k, v in data.items() if k in CLIENT_FIELDS and getattr(client, k) != v)
    for key in changed:
        setattr(client, key, data[key])
    client.vulnerabilities = vulnerabilities
    client.version += 1
    search_columns(client)
    client.save()
    record_event(actor=actor, action=CounsellingAudit.CLIENT_UPDATED, target=client, details={"fields": changed})
    return client


@transaction.atomic(durable=True)
def record_consent(
    *,
    access: Access,
    actor: User,
    client: Client,
    purpose: str,
    method: str,
    legal_basis: str = "consent",
    organisation: Model | None = None,
    witness: str = "",
    given_on: dt.date | None = None,
) -> Consent:
    """Record a consent for one purpose. One active consent per purpose (and organisation)."""
    return record_consent_within(
        access=access,
        actor=actor,
        client=client,
        purpose=purpose,
        method=method,
        legal_basis=legal_basis,
        organisation=organisation,
        witness=witness,
        given_on=given_on,
    )


@transaction.atomic  # not durable: a referral records the consent it needs in its own transaction
def record_consent_within(
    *,
    access: Access,
    actor: User,
    client: Client,
    purpose: str,
    method: str,
    legal_basis: str = "consent",
    organisation: Model | None = None,
    witness: str = "",
    given_on: dt.date | None = None,
) -> Consent:
    """`record_consent` inside the caller's transaction (the same checks, the same timeline line and audit)."""
    require_centre(access, client.centre_id)
    if purpose == ConsentPurpose.SHARE_WITH_PARTNER and organisation is None:
        raise DomainError(_("Choose the partner organisation this consent is for."), field="organisation")
    if purpose != ConsentPurpose.SHARE_WITH_PARTNER:
        organisation = None
    if method == "oral_witness" and not witness.strip():
        raise DomainError(_("Oral consent needs the name of a witness."), field="witness")
    if given_on and given_on > timezone.localdate():
        raise DomainError(_("Consent cannot be dated in the future."), field="given_on")
    if has_consent(client, purpose, organisation):
        raise DomainError(_("This consent is already recorded."), field="purpose")
    consent = Consent.objects.create(
        client=client,
        purpose=purpose,
        organisation=organisation,
        method=method,
        legal_basis=legal_basis,
        witness=witness.strip(),
        given_on=given_on or timezone.localdate(),
        recorded_by=actor,
    )
    case = latest_case(client)
    if case:
        case_event(case, actor, "consent.recorded", purpose=purpose)
    record_event(
        actor=actor,
        action=CounsellingAudit.CONSENT_RECORDED,
        target=consent,
        centre=client.centre_id,
        details={"purpose": purpose},
    )
    return consent


@transaction.atomic(durable=True)
def withdraw_consent(*, access: Access, actor: User, consent: Consent) -> Consent:
    """Withdraw a consent from now on. Sharing that depends on it stops at once."""
    client = consent.client
    require_centre(access, client.centre_id)
    if consent.withdrawn_at is not None:
        raise DomainError(_("This consent was already withdrawn."))
    if consent.purpose == ConsentPurpose.SENSITIVE_DATA:
        # Without the consent the sensitive data may not be kept.
        client.vulnerabilities = []
        client.save(update_fields=["vulnerabilities"])
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    case = latest_case(client)
    if case:
        case_event(case, actor, "consent.withdrawn", purpose=consent.purpose)
    record_event(
        actor=actor,
        action=CounsellingAudit.CONSENT_WITHDRAWN,
        target=consent,
        centre=client.centre_id,
        details={"purpose": consent.purpose},
    )
    return consent
