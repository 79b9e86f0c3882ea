"""The one table of how dates and times read in each of the portal's eight languages.

Every page, e-mail, PDF, export and calendar file is checked against it (tests/portal/test_date_formats.py).
The choices behind it are in portal/formats/__init__.py: day before month everywhere, the 24-hour clock
everywhere, Western digits, the month written out in long dates, a range as two short dates joined by " – ".
Django's own formats are kept for German, French and Serbian (Latin); English, Arabic, Urdu, Albanian and
Indonesian are set in portal/formats/.

The moment is 7 December 2026, 14:30 in Accra (UTC+0, so 14:30 UTC too); the range runs from 1 to 7 December.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

MOMENT = dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC)
DAY = MOMENT.date()
RANGE_START = dt.date(2026, 12, 1)

# Format name in Django's terms -> rendering of MOMENT (or DAY); "range" is RANGE_START – DAY.
EXPECTED: dict[str, dict[str, str]] = {
    "en": {
        "SHORT_DATE_FORMAT": "07/12/2026",
        "DATE_FORMAT": "7 December 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7 December 2026, 14:30",
        "SHORT_DATETIME_FORMAT": "07/12/2026 14:30",
        "MONTH_DAY_FORMAT": "7 December",
        "range": "01/12/2026 – 07/12/2026",
    },
    "de": {
        "SHORT_DATE_FORMAT": "07.12.2026",
        "DATE_FORMAT": "7. Dezember 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7. Dezember 2026 14:30",
        "SHORT_DATETIME_FORMAT": "07.12.2026 14:30",
        "MONTH_DAY_FORMAT": "7. Dezember",
        "range": "01.12.2026 – 07.12.2026",
    },
    "fr": {
        "SHORT_DATE_FORMAT": "07/12/2026",
        "DATE_FORMAT": "7 décembre 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7 décembre 2026 14:30",
        "SHORT_DATETIME_FORMAT": "07/12/2026 14:30",
        "MONTH_DAY_FORMAT": "7 décembre",
        "range": "01/12/2026 – 07/12/2026",
    },
    "ar": {
        "SHORT_DATE_FORMAT": "07/12/2026",
        "DATE_FORMAT": "7 ديسمبر 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7 ديسمبر 2026، 14:30",
        "SHORT_DATETIME_FORMAT": "07/12/2026 14:30",
        "MONTH_DAY_FORMAT": "7 ديسمبر",
        "range": "01/12/2026 – 07/12/2026",
    },
    "sq": {
        "SHORT_DATE_FORMAT": "07.12.2026",
        "DATE_FORMAT": "7 Dhjetor 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7 Dhjetor 2026, 14:30",
        "SHORT_DATETIME_FORMAT": "07.12.2026 14:30",
        "MONTH_DAY_FORMAT": "7 Dhjetor",
        "range": "01.12.2026 – 07.12.2026",
    },
    "sr-latn": {
        "SHORT_DATE_FORMAT": "7.12.2026.",
        "DATE_FORMAT": "7. decembar 2026.",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7. decembar 2026. 14:30",
        "SHORT_DATETIME_FORMAT": "7.12.2026. 14:30",
        "MONTH_DAY_FORMAT": "7. decembar",
        "range": "1.12.2026. – 7.12.2026.",
    },
    "ur": {
        "SHORT_DATE_FORMAT": "07/12/2026",
        "DATE_FORMAT": "7 دسمبر 2026",
        "TIME_FORMAT": "14:30",
        "DATETIME_FORMAT": "7 دسمبر 2026، 14:30",
        "SHORT_DATETIME_FORMAT": "07/12/2026 14:30",
        "MONTH_DAY_FORMAT": "7 دسمبر",
        "range": "01/12/2026 – 07/12/2026",
    },
    "id": {
        "SHORT_DATE_FORMAT": "07-12-2026",
        "DATE_FORMAT": "7 Desember 2026",
        "TIME_FORMAT": "14.30",
        "DATETIME_FORMAT": "7 Desember 2026, 14.30",
        "SHORT_DATETIME_FORMAT": "07-12-2026 14.30",
        "MONTH_DAY_FORMAT": "7 Desember",
        "range": "01-12-2026 – 07-12-2026",
    },
}

# What the portal showed before (issue #18) and must never show again for this moment, in any language:
# month first, English "a.m."/"p.m.", Albanian "2.30.PM", ISO dates in running text.
NEVER = ("12/07/2026", "2:30 p.m.", "2.30.PM", "Dec. 7", "2026-12-07", "ديسمبر 7,", "دسمبر 7,", "2:30 م", "2:30 شام")


_BLOCKS = frozenset({"p", "div", "li", "td", "th", "tr", "dt", "dd", "br", "h1", "h2", "h3", "h4", "section", "option"})


class _Text(HTMLParser):
    """The text a reader sees: no tags, no attributes (a <time datetime="2026-12-07T…"> is for machines);
    inline elements (<bdi>, <time>, <span>) do not break the text, block elements do."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
