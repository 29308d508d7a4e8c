"""Budget data as loaded: realisation rows, jenis belanja, per-sasaran budget, score inputs.

Money is whole Rupiah (``int``) end to end. Figures a report *prints* (a row's sisa, its
percentage, a total) are kept apart from the values computations use, so every printed figure
can be checked against the arithmetic, located at its cell in the data file.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..diagnostics import Location


@attrs.frozen
class PrintedPercent:
    """A percentage as printed (``"95.54%"``, ``"(99,98%)"``, ``"100%"``): value and precision."""

    value: Decimal
    decimals: int
    text: str


@attrs.frozen
class Cell:
    """One printed money or percentage cell and where it is in the data file."""

    value: int | PrintedPercent
    location: Location


@attrs.frozen
class Amounts:
    """A printed line: a realisation-table row (``key`` is its budget code, ``5252.BDC.004`` with
    sub-row ``5252.BDC.004.005``), a jenis belanja or a sasaran, with its pagu and realisasi and,
    when printed, its sisa and percentage. A row with sub-rows is their sum, so its own printed
    pagu and realisasi are checked rather than used."""

    key: str
    name: str
    pagu: Cell
    realisasi: Cell
    sisa: Cell | None
    persen: Cell | None
    location: Location


@attrs.frozen
class Printed:
    """Printed totals of a table (the JUMLAH row): any of pagu, realisasi, sisa, persen."""

    pagu: Cell | None = None
    realisasi: Cell | None = None
    sisa: Cell | None = None
    persen: Cell | None = None


@attrs.frozen
class ScoreInputs:
    """What the data says about one composite score: component inputs, which components do
    not apply, the value the ministry's system published, and figures the report prints."""

    score_id: str
    values: Mapping[str, tuple[Decimal, Location]]
    not_applicable: frozenset[str]
    reported: tuple[Decimal, int, Location] | None  # value, printed decimals, where
    printed_total: tuple[Decimal, int, Location] | None
    printed_aspects: Mapping[str, tuple[Decimal, int, Location]]
    printed_weighted: Mapping[str, tuple[Decimal, int, Location]]
    location: Location


@attrs.frozen
class BudgetData:
    """One unit's budget figures for one year."""

    unit: str
    unit_type: str
    year: int
    file: str
    rows: tuple[Amounts, ...]
    total: Printed
    pk_pagu: Cell | None
    jenis_belanja: Mapping[int, tuple[Amounts, ...]]  # by year
    jenis_belanja_totals: Mapping[int, Printed]
    sasaran: tuple[Amounts, ...]
    sasaran_total: Printed
    scores: Mapping[str, ScoreInputs]
    source: str | None = None
