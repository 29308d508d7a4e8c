"""A report's printed figures as loaded: each figure as printed, where the report prints it, and
where it is written in the printed-figure file.

Nothing here is computed: the audit (:mod:`kinerja_rules.audit.check`) recomputes every figure
from the counts and compares.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..diagnostics import Location

#: Status words as printed, reduced to what they claim.
ACHIEVED = "achieved"
NOT_ACHIEVED = "not achieved"
NOT_MEASURABLE = "not measurable"

#: The figure columns a row may print, by the kind of row.
COLUMNS = {
    "indicator": ("target", "realisasi", "capaian", "renstra", "status"),
    "sasaran": ("capaian", "status", "indicators"),
    "overall": ("capaian", "status"),
}


@attrs.frozen
class PrintedValue:
    """A figure as printed: ``"82,09%"`` is 82.09 at 2 decimals in %, ``"1 Layanan"`` 1 at 0
    decimals in Layanan, ``96`` (a TOML number) 96 at 0 decimals, ``"-"`` nothing printed.
    A range (``"80-90%"``) has an ``upper`` bound."""

    text: str
    value: Decimal | None  # None: "-" (the report prints no figure)
    decimals: int = 0
    unit: str | None = None  # "%", a unit word as printed ("Layanan", "unit"), or None
    upper: Decimal | None = None

    @property
    def dash(self) -> bool:
        return self.value is None


@attrs.frozen
class Cell:
    """One printed figure of a row: its column, value and where it is written in the file."""

    column: str  # target, realisasi, capaian, renstra, status, indicators
    value: PrintedValue | str | int  # status: ACHIEVED / NOT_ACHIEVED / NOT_MEASURABLE
    location: Location
    #: For a Renstra cell: the Renstra year it is printed under.
    renstra_year: int | None = None
    #: The status words as printed (for a status cell).
    text: str = ""


@attrs.frozen
class Row:
    """One printed row: an indicator's, a sasaran's or the overall figure's, in one table (or
    one sentence of the text) for one year."""

    index: int
    kind: str  # "indicator", "sasaran", "overall"
    subject: str | None  # the indicator or sasaran id; None for the overall figure
    year: int
    year_given: bool
    where: str
    text: str | None
    label: str | None
    cells: tuple[Cell, ...]
    location: Location
    subject_location: Location
    year_location: Location
    label_location: Location | None = None

    @property
    def is_text(self) -> bool:
        return self.text is not None


@attrs.frozen
class WeightsRow:
    """Component weights of a composite score as a report prints them (``[[weights]]``)."""

    index: int
    score: str
    where: str
    text: str | None
    weights: tuple[tuple[str, PrintedValue, Location], ...]
    location: Location
    score_location: Location


@attrs.frozen
class PrintedFile:
    """One report's printed figures, with the data files that hold the counts behind them."""

    unit: str
    unit_type: str
    year: int
    file: str
    data: str  # resolved paths
    previous: tuple[str, ...]
    budget: str | None
    rows: tuple[Row, ...]
    weights: tuple[WeightsRow, ...]
    #: Where ``data``, each ``previous`` entry and ``budget`` are written.
    link_locations: dict = attrs.field(factory=dict)
    source: str | None = None
