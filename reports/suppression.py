"""Small-cell suppression: what a table shows to eyes outside the centre, so nobody can be singled out."""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
ROUNDING = 5


@dataclass(frozen=True)
class Cell:
    """A number as shown: ``display`` is the number, "<5" (small) or "×" (hidden so "<5" cannot be derived)."""

    count: int | None
    display: str
    hidden: bool = False
    # The true count behind a shown cell, never displayed: rates are computed from it (13 of 17 is 76 %,
    # not 100 % from the rounded 15 of 15) and then rounded themselves (`reports.selectors.tables.share_of`).
    exact: int | None = None

    @classmethod
    def shown(cls, count: int) -> Cell:
        return cls(count, str(count), exact=count)

    @classmethod
    def rounded(cls, count: int) -> Cell:
        """Aggregate views round every shown count to the nearest 5, so that tables of different
        scopes or overlapping periods cannot be subtracted to an exact small number."""
        value = ROUNDING * ((count + ROUNDING // 2) // ROUNDING)
        return cls(value, str(value), exact=count)


SMALL = "<5"
COMPLEMENTARY = "×"


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress(total: int, counts: list[int]) -> tuple[Cell, list[Cell]]:
    """Suppress the small cells of one table (cells that add up to ``total``).

    Any count from 1 to 4 is shown as "<5". When exactly one cell of the table is small and the total
    is shown, the next smallest non-zero cell is hidden too ("×"), so the small one cannot be worked
    out as the total minus the others. A total from 1 to 4 is itself "<5" (then every non-zero cell
    is small). Zeros stay visible: they reveal nobody. Every other count, the total included, is
    rounded to the nearest 5: that defeats subtraction across tables (a country's total minus its
    other centres, one range minus an overlapping one), which suppression within one table cannot.
    """
    total_cell = Cell(None, SMALL, True) if is_small(total) else Cell.rounded(total)
    hidden = [is_small(n) for n in counts]
    if not total_cell.hidden and sum(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if others:
            hidden[min(others)[1]] = True
    cells = []
    for n, hide in zip(counts, hidden, strict=True):
        if not hide:
            cells.append(Cell.rounded(n))
        else:
            cells.append(Cell(None, SMALL if is_small(n) else COMPLEMENTARY, True))
    return total_cell, cells
