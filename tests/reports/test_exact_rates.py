"""Outcomes people can read (issue #19, point 9): rates come from exact counts, then the rate itself is rounded
where cells are suppressed; a median too small to show reads "hidden", not "<5"."""

from __future__ import annotations

from django.utils import translation

from reports.selectors.tables import Histogram, median_cell, share_of
from reports.suppression import SMALL, Cell, suppress


def test_a_rate_is_worked_out_from_the_exact_counts_not_the_rounded_ones() -> None:
    """Accra's fair in the issue: 13 of 17 registered people came; rounded, both counts show 15 and the
    coordinator read 100 %. Four who did not come is a small number: outside the centre the rate is hidden.
    With 13 of 19, the rounded cells (15 of 20) would say 75 %; the exact 68 % is shown as 70 %."""
    total, (attended,) = suppress(17, [13])
    assert (attended.display, total.display) == ("15", "15")
    assert share_of(attended, total, suppressed=True).hidden

    total, (attended,) = suppress(19, [13])
    assert (attended.display, total.display) == ("15", "20")
    assert share_of(attended, total, suppressed=True).display == "70 %"
    assert share_of(Cell.shown(13), Cell.shown(17), suppressed=False).display == "76 %"  # the centre's own view


def test_a_rate_whose_difference_is_small_stays_hidden() -> None:
    total, (attended,) = suppress(17, [15])
    assert share_of(attended, total, suppressed=True).hidden


def test_a_hidden_median_says_hidden_in_the_readers_language() -> None:
    few = Histogram({12: 2, 30: 1})
    assert median_cell(few, suppressed=True).display == "hidden"
    assert median_cell(few, suppressed=True).display != SMALL
    with translation.override("fr"):
        assert median_cell(few, suppressed=True).display == "masqué"
    assert median_cell(few, suppressed=False).display == "12"
