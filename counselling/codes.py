"""Client codes: `<country>-<centre>-<number>`, numbered per centre (e.g. GH-ACC-000042).

A centre's codes belong to that centre alone. A code typed at intake (from
an older paper file) must be in the series of the centre the client is
registered in, so nobody outside a centre can take one of its numbers; the
counter skips numbers already taken, so even a code typed ahead of it never
blocks the next registration.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from portal.models import Centre

NUMBER_DIGITS = 6
_NUMBER = re.compile(rf"\d{{1,{NUMBER_DIGITS}}}")


def client_code_prefix(centre: Centre) -> str:
    """The part every client code of this centre starts with, e.g. `GH-ACC-`."""
    return f"{centre.country_id}-{centre.code}-".upper()


def format_client_code(centre: Centre, number: int) -> str:
    return f"{client_code_prefix(centre)}{number:0{NUMBER_DIGITS}d}"


def parse_client_code(raw: str, *, centre: Centre) -> str | None:
    """A typed code of this centre's series, written the one way we store it; None when it is not one.

    Case, surrounding spaces and missing leading zeros do not matter
    (`gh-acc-42` is `GH-ACC-000042`); another centre's prefix, another
    shape or the number 0 give None.
    """
    value = raw.strip().upper()
    prefix = client_code_prefix(centre)
    if not value.startswith(prefix):
        return None
    digits = value[len(prefix) :]
    if not _NUMBER.fullmatch(digits) or int(digits) == 0:
        return None
    return format_client_code(centre, int(digits))


def wrong_series_message(centre: Centre) -> str:
    """What a counsellor reads when a typed code is not of their centre's series."""
    return _(
        "A client code of this centre starts with %(prefix)s followed by up to six digits, for example %(example)s."
    ) % {"prefix": client_code_prefix(centre), "example": format_client_code(centre, 42)}


def centre_has_client_codes(centre: Centre) -> bool:
    """Whether any client holds a code of the centre's series (registered there, or moved elsewhere since):
    then the centre's country and code must stay as they are (registered with
    `portal.services.register_centre_code_user`)."""
    from counselling.models import Client
    from portal.access import unscoped

    with unscoped():
        return Client.objects.filter(code__startswith=client_code_prefix(centre)).exists()
