"""Phone numbers: validated and stored in international (E.164) format."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str, country_code: str = "") -> str | None:
    """`+233 24 123 4567`, `0241234567` (with the centre's country) -> `+233241234567`; None if invalid."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else (country_code or None))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """`+233241234567` -> `+233 24 123 4567`: a stored (E.164) number grouped for reading and dialling,
    in the international format (the reader may be in another country). Unparsable: as stored."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
