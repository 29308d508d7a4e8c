"""Budget realisation: sums, sisa and percentages recomputed, every printed figure checked.

The realisation table is a hierarchy of numbers whose only free values are the pagu and
realisasi of rows without sub-rows. Everything else — a parent row's pagu and realisasi, every
sisa (pagu - realisasi), every percentage (realisasi / pagu), the JUMLAH row, the agreement with
the PK's budget and with the jenis-belanja and per-sasaran breakdowns — is derived, and each
printed derived figure is compared with its derivation: money exactly, percentages at the
precision they were printed with.

When one cell explains several disagreements (the LPKA 2023 table prints a pagu 9.000 short,
which shows up in two sisa cells, the JUMLAH row and the PK comparison), :func:`explain` finds
it and the value that would make them all agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

import attrs

from ..decimals import CONTEXT, round_shown
from ..diagnostics import Diagnostic, Location, Severity
from ..formatting import format_decimal, format_rupiah
from .loader import parent_code
from .model import Amounts, BudgetData, Cell, PrintedPercent

CellKey = tuple
Values = Mapping[CellKey, object]


@attrs.frozen
class Line:
    """A recomputed line: exact money, and the percentage rounded by the budget policy."""

    key: str
    name: str
    pagu: int
    realisasi: int
    depth: int = 0

    @property
    def sisa(self) -> int:
        return self.pagu - self.realisasi

    @property
    def persen(self) -> Decimal | None:
        return percent(self.realisasi, self.pagu)


@attrs.frozen
class Disagreement:
    """A printed cell that the arithmetic does not support."""

    cell: CellKey
    code: str
    what: str  # "sisa of 5252.BDC.004"
    printed: object
    computed: object
    location: Location
    #: For money relations: which input cells feed the computed side, and how (+1 / -1).
    feeds: tuple[tuple[CellKey, int], ...] = ()

    @property
    def delta(self) -> int | None:
        if isinstance(self.printed, int) and isinstance(self.computed, int):
            return self.printed - self.computed
        return None


def percent(realisasi: int, pagu: int) -> Decimal | None:
    if pagu == 0:
        return None
    return CONTEXT.divide(Decimal(realisasi) * 100, Decimal(pagu))


@attrs.frozen
class BudgetTables:
    """Everything recomputed from a budget file."""

    rows: tuple[Line, ...]
    total: Line | None
    jenis_belanja: Mapping[int, tuple[Line, ...]]
    jenis_belanja_totals: Mapping[int, Line]
    sasaran: tuple[Line, ...]
    sasaran_total: Line | None
    disagreements: tuple[Disagreement, ...]


def input_values(budget: BudgetData) -> dict[CellKey, tuple[object, Location]]:
    """Every cell of the file, by key: the inputs and the printed figures alike."""
    cells: dict[CellKey, tuple[object, Location]] = {}

    def put(key: CellKey, cell: Cell | None) -> None:
        if cell is not None:
            cells[key] = (cell.value, cell.location)

    for row in budget.rows:
        for column in ("pagu", "realisasi", "sisa", "persen"):
            put(("row", row.key, column), getattr(row, column))
    for column in ("pagu", "realisasi", "sisa", "persen"):
        put(("total", column), getattr(budget.total, column))
        put(("sasaran_total", column), getattr(budget.sasaran_total, column))
        for year, printed in budget.jenis_belanja_totals.items():
            put(("jenis_total", year, column), getattr(printed, column))
    put(("pk", "pagu"), budget.pk_pagu)
    for year, lines in budget.jenis_belanja.items():
        for line in lines:
            for column in ("pagu", "realisasi", "sisa", "persen"):
                put(("jenis", year, line.key, column), getattr(line, column))
    for line in budget.sasaran:
        for column in ("pagu", "realisasi", "sisa", "persen"):
            put(("sasaran", line.key, column), getattr(line, column))
    return cells


def compute(
    budget: BudgetData, rounding: str = "half_up", values: Values | None = None
) -> BudgetTables:
    """Recompute every table of ``budget`` (with ``values`` overriding cells, for what-ifs)."""
    cells = input_values(budget)
    value = (lambda key: values[key]) if values is not None else (lambda key: cells[key][0])
    location = {key: where for key, (_, where) in cells.items()}
    found: list[Disagreement] = []
    check = _Checker(value, location, rounding, found)

    codes = {row.key for row in budget.rows}
    children: dict[str, list[str]] = {code: [] for code in codes}
    parents = {row.key: parent_code(row.key, codes) for row in budget.rows}
    for code, parent in parents.items():
        if parent is not None:
            children[parent].append(code)
    names = {row.key: row.name for row in budget.rows}

    def leaves(code: str) -> list[str]:
        return (
            [code]
            if not children[code]
            else [leaf for child in children[code] for leaf in leaves(child)]
        )

    def depth(code: str) -> int:
        parent = parents[code]
        return 0 if parent is None else depth(parent) + 1

    lines: dict[str, Line] = {}
    for code in sorted(codes, key=depth, reverse=True):  # sub-rows before their parents
        if children[code]:
            pagu = sum(lines[child].pagu for child in children[code])
            realisasi = sum(lines[child].realisasi for child in children[code])
            feeds = tuple(("row", leaf, "pagu") for leaf in leaves(code))
            check.money(("row", code, "pagu"), f"pagu of {code}", pagu, "KR601", feeds)
            feeds = tuple(("row", leaf, "realisasi") for leaf in leaves(code))
            check.money(
                ("row", code, "realisasi"), f"realisasi of {code}", realisasi, "KR601", feeds
            )
        else:
            pagu, realisasi = value(("row", code, "pagu")), value(("row", code, "realisasi"))
        lines[code] = Line(code, names[code], pagu, realisasi, depth(code))
        check.line(("row", code), code, lines[code], leaves(code), "row")
    ordered = tuple(lines[row.key] for row in budget.rows)

    total = None
    if budget.rows:
        top = [code for code in codes if parents[code] is None]
        total = Line(
            "JUMLAH",
            "Jumlah",
            sum(lines[c].pagu for c in top),
            sum(lines[c].realisasi for c in top),
        )
        all_leaves = [leaf for code in top for leaf in leaves(code)]
        check.total(("total",), "JUMLAH", total, all_leaves, "row", "KR604")
        pk_feeds = tuple(("row", leaf, "pagu") for leaf in all_leaves)
        check.money(
            ("pk", "pagu"),
            "the PK's budget",
            total.pagu,
            "KR605",
            pk_feeds,
            printed_is_reference=True,
        )

    jenis: dict[int, tuple[Line, ...]] = {}
    jenis_totals: dict[int, Line] = {}
    for year, amounts in budget.jenis_belanja.items():
        jenis[year] = tuple(_line(value, ("jenis", year, a.key), a) for a in amounts)
        for a, line in zip(amounts, jenis[year]):
            check.line(("jenis", year, a.key), f"belanja {a.key} {year}", line, None, "jenis")
        jenis_totals[year] = _sum_line("JUMLAH", jenis[year])
        keys = [("jenis", year, a.key) for a in amounts]
        check.total(
            ("jenis_total", year),
            f"jenis belanja {year}",
            jenis_totals[year],
            keys,
            "jenis",
            "KR604",
        )
        if year == budget.year and total is not None and jenis[year]:
            check.breakdown(
                f"jenis belanja {year}",
                jenis_totals[year],
                total,
                keys,
                ("jenis_total", year),
                all_leaves,
            )

    sasaran = tuple(_line(value, ("sasaran", a.key), a) for a in budget.sasaran)
    for a, line in zip(budget.sasaran, sasaran):
        check.line(("sasaran", a.key), f"sasaran {a.key}", line, None, "sasaran")
    sasaran_total = None
    if sasaran:
        sasaran_total = _sum_line("JUMLAH", sasaran)
        keys = [("sasaran", a.key) for a in budget.sasaran]
        check.total(
            ("sasaran_total",), "per-sasaran total", sasaran_total, keys, "sasaran", "KR604"
        )
        if total is not None:
            check.breakdown(
                "the per-sasaran budget", sasaran_total, total, keys, ("sasaran_total",), all_leaves
            )
        elif budget.pk_pagu is not None:
            feeds = tuple((*key, "pagu") for key in keys)
            check.money(
                ("pk", "pagu"),
                "the PK's budget",
                sasaran_total.pagu,
                "KR605",
                feeds,
                printed_is_reference=True,
            )

    return BudgetTables(ordered, total, jenis, jenis_totals, sasaran, sasaran_total, tuple(found))


def _line(value: Callable, key: CellKey, amounts: Amounts) -> Line:
    return Line(amounts.key, amounts.name, value((*key, "pagu")), value((*key, "realisasi")))


def _sum_line(name: str, lines: Iterable[Line]) -> Line:
    lines = list(lines)
    return Line(name, name, sum(line.pagu for line in lines), sum(line.realisasi for line in lines))


class _Checker:
    """Compares printed cells with computed values, collecting :class:`Disagreement`s."""

    def __init__(self, value: Callable, location: Mapping, rounding: str, found: list):
        self.value = value
        self.location = location
        self.rounding = rounding
        self.found = found

    def printed(self, key: CellKey) -> object | None:
        return self.value(key) if key in self.location else None

    def money(
        self,
        key: CellKey,
        what: str,
        computed: int,
        code: str,
        feeds: tuple,
        printed_is_reference: bool = False,
    ) -> None:
        printed = self.printed(key)
        if printed is not None and printed != computed:
            # A PK figure is the reference the rows must meet: solving for the rows uses +delta.
            self.found.append(
                Disagreement(
                    key,
                    code,
                    what,
                    printed,
                    computed,
                    self.location[key],
                    tuple((f, 1) for f in feeds),
                )
            )

    def line(
        self, key: CellKey, what: str, line: Line, leaves: list[str] | None, kind: str
    ) -> None:
        """A line's printed sisa and percentage against its (computed) pagu and realisasi."""
        if leaves is not None:
            pagu_cells = [("row", leaf, "pagu") for leaf in leaves]
            realisasi_cells = [("row", leaf, "realisasi") for leaf in leaves]
        else:
            pagu_cells, realisasi_cells = [(*key, "pagu")], [(*key, "realisasi")]
        self.sisa_and_percent(key, what, line, pagu_cells, realisasi_cells)

    def sisa_and_percent(
        self, key: CellKey, what: str, line: Line, pagu_cells: list, realisasi_cells: list
    ) -> None:
        """Printed sisa (settled by raising a pagu or lowering a realisasi) and percentage."""
        sisa = self.printed((*key, "sisa"))
        if sisa is not None and sisa != line.sisa:
            feeds = tuple((c, 1) for c in pagu_cells) + tuple((c, -1) for c in realisasi_cells)
            where = self.location[(*key, "sisa")]
            self.found.append(
                Disagreement(
                    (*key, "sisa"), "KR602", f"sisa of {what}", sisa, line.sisa, where, feeds
                )
            )
        self.percent((*key, "persen"), f"percentage of {what}", line)

    def percent(self, key: CellKey, what: str, line: Line) -> None:
        printed = self.printed(key)
        if printed is None:
            return
        assert isinstance(printed, PrintedPercent)
        exact = line.persen
        shown = round_shown(exact, printed.decimals, self.rounding) if exact is not None else None
        if shown != printed.value:
            self.found.append(Disagreement(key, "KR603", what, printed, shown, self.location[key]))

    def total(self, key: CellKey, what: str, line: Line, parts: list, kind: str, code: str) -> None:
        if kind == "row":
            pagu_cells = [("row", leaf, "pagu") for leaf in parts]
            realisasi_cells = [("row", leaf, "realisasi") for leaf in parts]
        else:
            pagu_cells = [(*part, "pagu") for part in parts]
            realisasi_cells = [(*part, "realisasi") for part in parts]
        self.money((*key, "pagu"), f"pagu of {what}", line.pagu, code, tuple(pagu_cells))
        self.money(
            (*key, "realisasi"),
            f"realisasi of {what}",
            line.realisasi,
            code,
            tuple(realisasi_cells),
        )
        self.sisa_and_percent(key, what, line, pagu_cells, realisasi_cells)

    def breakdown(
        self, what: str, line: Line, total: Line, keys: list, where: CellKey, table_leaves: list
    ) -> None:
        """A breakdown (jenis belanja, sasaran) must add up to the realisation table's total."""
        for column in ("pagu", "realisasi"):
            mine, theirs = getattr(line, column), getattr(total, column)
            if mine != theirs:
                anchor = (
                    (*where, column) if (*where, column) in self.location else (*keys[0], column)
                )
                # Settled by lowering a breakdown line, or raising a row of the table.
                feeds = tuple(((*k, column), -1) for k in keys) + tuple(
                    (("row", leaf, column), 1) for leaf in table_leaves
                )
                self.found.append(
                    Disagreement(
                        ("breakdown", what, column),
                        "KR607",
                        f"{column} of {what}",
                        mine,
                        theirs,
                        self.location[anchor],
                        feeds,
                    )
                )


# --- explaining several disagreements by one cell ---------------------------------------------


@attrs.frozen
class Explanation:
    cell: CellKey
    old: int
    new: int
    resolves: tuple[Disagreement, ...]
    introduces: tuple[Disagreement, ...]
    location: Location


#: What-if recomputations the search may spend, counted in rows recomputed (one trial on a file
#: of 34 rows costs 34). The LPKA seed needs 748; a file with thousands of disagreeing
#: rows would need billions, so the search stops at this bound and says so.
EXPLAIN_BUDGET = 20_000


def explain(
    budget: BudgetData, tables: BudgetTables, rounding: str = "half_up"
) -> tuple[list[Explanation], bool]:
    """Single cells whose correction would resolve two or more disagreements at once, and
    whether the search was complete.

    Each money disagreement proposes, for every input cell that feeds it, the value that would
    settle it; only a cell feeding two or more disagreements can settle two, so only those
    proposals are tried, each once, on the whole file. A proposal that settles several
    disagreements is an explanation. Greedy: the best explanation first, then the best for what
    is left. The trials stop after :data:`EXPLAIN_BUDGET` recomputed rows.
    """
    cells = input_values(budget)
    base = {key: value for key, (value, _) in cells.items()}
    original = _all(tables)
    remaining = {d.cell: d for d in tables.disagreements}
    trials: dict[tuple[CellKey, int], set] = {}
    cost = max(len(budget.rows), 1)
    spent = 0
    complete = True
    explanations: list[Explanation] = []
    while True:
        fed = Counter(feed for d in remaining.values() for feed, _ in d.feeds)
        best = None
        for disagreement in list(remaining.values()):
            if disagreement.delta is None:
                continue
            for feed, sign in disagreement.feeds:
                if fed[feed] < 2 or feed not in base or not isinstance(base[feed], int):
                    continue
                candidate = base[feed] + sign * disagreement.delta
                if candidate < 0:
                    continue
                after = trials.get((feed, candidate))
                if after is None:
                    if spent + cost > EXPLAIN_BUDGET:
                        complete = False
                        continue
                    spent += cost
                    trial = dict(base)
                    trial[feed] = candidate
                    after = {d.cell for d in compute(budget, rounding, trial).disagreements}
                    trials[(feed, candidate)] = after
                resolved = tuple(d for key, d in remaining.items() if key not in after)
                introduced = _new_cells(after, remaining, original)
                score = (len(resolved), -len(introduced))
                if len(resolved) >= 2 and (best is None or score > best[0]):
                    best = (score, (feed, candidate, resolved))
        if best is None:
            return explanations, complete
        feed, candidate, resolved = best[1]
        trial = dict(base)
        trial[feed] = candidate
        after_all = {d.cell: d for d in compute(budget, rounding, trial).disagreements}
        introduced = tuple(
            d for key, d in after_all.items() if key not in remaining and key not in original
        )
        explanations.append(
            Explanation(feed, base[feed], candidate, resolved, introduced, cells[feed][1])
        )
        for disagreement in resolved:
            remaining.pop(disagreement.cell, None)


def _new_cells(after: set, remaining: Mapping, original: set) -> tuple:
    """Disagreements a trial creates that were not there before (cells only: for scoring)."""
    return tuple(key for key in after if key not in remaining and key not in original)


def _all(tables: BudgetTables) -> set:
    return {d.cell for d in tables.disagreements}


def findings(
    budget: BudgetData, tables: BudgetTables, rounding: str = "half_up"
) -> list[Diagnostic]:
    """Every disagreement as a located warning, then the cells that explain several of them."""
    out = [_diagnostic(d) for d in tables.disagreements]
    explanations, complete = explain(budget, tables, rounding)
    if not complete:
        out.append(
            Diagnostic(
                "KR612",
                f"{len(tables.disagreements)} disagreements are too many to search for single "
                "cells that explain several; the search stopped at its bound",
                Location(budget.file, 1, 1),
                "correct the disagreements listed, then run again",
                Severity.WARNING,
            )
        )
    for explanation in explanations:
        what = ", ".join(d.what for d in explanation.resolves)
        side = ""
        if explanation.introduces:
            side = (
                "; it would leave "
                + ", ".join(
                    f"{d.what} (printed {_show(d.printed)})" for d in explanation.introduces
                )
                + " to correct as well"
            )
        out.append(
            Diagnostic(
                "KR606",
                f"one cell explains {len(explanation.resolves)} disagreements: "
                f"{_cell_name(explanation.cell)} is {format_rupiah(explanation.old)}; "
                f"with {format_rupiah(explanation.new)} these agree: {what}",
                explanation.location,
                f"check {_cell_name(explanation.cell)} against the source (SAKTI/OM-SPAN){side}",
                Severity.WARNING,
            )
        )
    return out


def _diagnostic(d: Disagreement) -> Diagnostic:
    if d.code == "KR603":
        computed = (
            "cannot be computed (pagu 0)"
            if d.computed is None
            else f"{format_decimal(d.computed)}%"
        )
        message = f"{d.what} is printed {d.printed.text}, but realisasi / pagu gives {computed}"
        hint = f"at the printed precision ({d.printed.decimals} decimals, rounded half up)"
    elif d.code == "KR605":
        message = (
            f"{d.what} is {_show(d.printed)}, but the budget lines add up to {_show(d.computed)}"
        )
        hint = f"difference {_show(d.delta)}"
    elif d.code == "KR607":
        message = (
            f"{d.what} adds up to {_show(d.printed)}, "
            f"but the realisation table to {_show(d.computed)}"
        )
        hint = f"difference {_show(d.printed - d.computed)}"
    else:
        relation = {
            "KR601": "its sub-rows add up to",
            "KR602": "pagu - realisasi is",
            "KR604": "its rows add up to",
        }
        message = (
            f"{d.what} is printed {_show(d.printed)}, but {relation[d.code]} {_show(d.computed)}"
        )
        hint = f"difference {_show(d.delta)}" if d.delta is not None else None
    return Diagnostic(d.code, message, d.location, hint, Severity.WARNING)


def _show(value: object) -> str:
    return format_rupiah(value) if isinstance(value, int) else str(value)


def _cell_name(cell: CellKey) -> str:
    if cell[0] == "row":
        return f"the {cell[2]} of {cell[1]}"
    if cell[0] in ("jenis", "sasaran"):
        return f"the {cell[-1]} of {' '.join(str(part) for part in cell[:-1])}"
    return "the " + " ".join(str(part) for part in reversed(cell))
