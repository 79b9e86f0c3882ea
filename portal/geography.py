"""The programme's countries: names (translated), languages, time zones, phone prefixes."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class CountryFacts(NamedTuple):
    name: object  # a lazy translated string
    languages: tuple[str, ...]
    timezone: str
    phone_prefix: str
    partner: bool = True


COUNTRIES: dict[str, CountryFacts] = {
    "EG": CountryFacts(_("Egypt"), ("ar", "en"), "Africa/Cairo", "+20"),
    "AL": CountryFacts(_("Albania"), ("sq", "en"), "Europe/Tirane", "+355"),
    "GM": CountryFacts(_("Gambia"), ("en",), "Africa/Banjul", "+220"),
    "GH": CountryFacts(_("Ghana"), ("en",), "Africa/Accra", "+233"),
    "IQ": CountryFacts(_("Iraq"), ("ar", "en"), "Asia/Baghdad", "+964"),
    "JO": CountryFacts(_("Jordan"), ("ar", "en"), "Asia/Amman", "+962"),
    "XK": CountryFacts(_("Kosovo"), ("sq", "sr-latn", "en"), "Europe/Belgrade", "+383"),
    "MA": CountryFacts(_("Morocco"), ("ar", "fr"), "Africa/Casablanca", "+212"),
    "NG": CountryFacts(_("Nigeria"), ("en",), "Africa/Lagos", "+234"),
    "PK": CountryFacts(_("Pakistan"), ("ur", "en"), "Asia/Karachi", "+92"),
    "SN": CountryFacts(_("Senegal"), ("fr",), "Africa/Dakar", "+221"),
    "RS": CountryFacts(_("Serbia"), ("sr-latn", "en"), "Europe/Belgrade", "+381"),
    "TN": CountryFacts(_("Tunisia"), ("ar", "fr"), "Africa/Tunis", "+216"),
    "ID": CountryFacts(_("Indonesia"), ("id", "en"), "Asia/Jakarta", "+62"),
    "DE": CountryFacts(_("Germany"), ("de", "en"), "Europe/Berlin", "+49", partner=False),
}


def country_name(code: str) -> str:
    facts = COUNTRIES.get(code)
    return str(facts.name) if facts else code
