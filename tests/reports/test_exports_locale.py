"""Exports read right in every language: a right-to-left sheet for Arabic and Urdu, ";" in CSV where "," is the
decimal mark (issue #18)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

MARCH_Q = {"period": "month", "year": "2026", "month": "3"}
COMMA_DECIMALS = ("de", "fr", "sq", "sr-latn", "id")


def _rebuild() -> None:
    from reports.services import rebuild_rollups

    rebuild_rollups(start=dt.date(2025, 1, 1), end=dt.date(2026, 6, 30))


def _export(client, centre, fmt: str, language: str):
    with translation.override(language):
        url = reverse("reports:centre-export", kwargs={"public_id": centre.public_id, "fmt": fmt})
    assert url.startswith(f"/{language}/")
    response = client.get(url, MARCH_Q)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("language", "right_to_left"), [("ar", True), ("ur", True), ("en", False), ("fr", False)])
def test_xlsx_sheets_read_from_the_right_in_arabic_and_urdu(
    client, manager, march, centre_a, language: str, right_to_left: bool
) -> None:
    _rebuild()
    client.force_login(manager.user)
    workbook = load_workbook(io.BytesIO(_export(client, centre_a, "xlsx", language).content))
    assert workbook.worksheets  # the indicators, and the comparison where there is one
    for sheet in workbook.worksheets:
        assert bool(sheet.sheet_view.rightToLeft) is right_to_left, sheet.title


@pytest.mark.parametrize("language", ["en", "de", "fr", "ar", "sq", "sr-latn", "ur", "id"])
def test_csv_is_separated_by_semicolons_where_the_decimal_mark_is_a_comma(
    client, manager, march, centre_a, language: str
) -> None:
    _rebuild()
    client.force_login(manager.user)
    text = _export(client, centre_a, "csv", language).content.decode("utf-8-sig")
    with translation.override(language):
        comma_decimals = formats.get_format("DECIMAL_SEPARATOR") == ","
        total = gettext("Total")
    if language in COMMA_DECIMALS:
        assert comma_decimals  # the five languages of the issue write 1,5
    if language == "en":
        assert not comma_decimals
    delimiter = ";" if comma_decimals else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    # Every row splits into its columns: code, indicator, table, row and the periods' values.
    assert len(rows) > 3 and all(len(row) >= 5 for row in rows[:2])
    totals = {row[0]: row[4] for row in rows[2:] if len(row) > 4 and row[2] == total}
    assert totals["people_counselled"] == "2" and totals["sessions_held"] == "3"
