"""Every figure a report prints, recomputed from its counts and compared at its printed precision.

For each printed figure the audit takes the figure the catalogue of that year computes from the
counts (the realisasi, the capaian, a sasaran's or the overall mean, the PK's target, the
Renstra's), rounds it to the decimals the report printed it with (by the catalogue's rounding,
``half_up`` for every bundled catalogue), and compares. A disagreement is a located warning
naming the report's table, the printed and the computed figure, and the most likely cause
(:mod:`kinerja_rules.audit.causes`): the smallest set of known slips that reproduces the printed
figure (truncation, the rounded realisasi, an inverted formula, another year's target), else a
coincidence (another column's or another row's figure, the same figure printed otherwise
elsewhere), else "unexplained". Figures that agree give nothing.

Where one cause explains several printed figures (the Bapas 111,63% printed in eight places),
one more finding (KR709) says so, as ``budget`` does for one cell (KR606).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

import attrs

from ..budget.loader import parent_code
from ..budget.report import BudgetReport
from ..data import DataEntry
from ..decimals import CONTEXT, round_shown
from ..diagnostics import Diagnostic, Location, Severity
from ..engine import Engine
from ..evaluation import evaluate, evaluate_indicator
from ..formatting import format_decimal, format_percent
from ..model import Catalogue, Indicator, Target
from ..results import IndicatorResult, Report, Status
from ..rollup import Part, weighted_mean
from . import causes
from .model import ACHIEVED, NOT_ACHIEVED, NOT_MEASURABLE, Cell, PrintedFile, PrintedValue, Row

#: The finding's code for each column an indicator row prints.
CODE = {
    "realisasi": "KR701",
    "capaian": "KR702",
    "target": "KR703",
    "renstra": "KR704",
    "status": "KR706",
}
HUNDRED = Decimal(100)
#: Causes that are a way of working, not one slip: one KR709 gathers every figure they explain.
#: Other causes are gathered only for one figure printed alike in several places.
SYSTEMIC = frozenset(
    {
        "rounded_realisasi",
        "truncated",
        "zero_over_zero",
        "inverted",
        "na_as_zero",
        "other_column",
        "weights",
    }
)


@attrs.frozen
class Finding:
    """A printed figure the arithmetic does not support (or a budget finding), with its cause."""

    diagnostic: Diagnostic
    cause: str | None = None
    table: str | None = None
    subject: str | None = None
    year: int | None = None
    column: str | None = None
    printed: str | None = None
    computed: str | None = None
    #: "printed" (this file's figures) or "budget" (the budget file's findings).
    source: str = "printed"

    def to_dict(self) -> dict:
        return {
            **self.diagnostic.to_dict(),
            "source": self.source,
            "cause": self.cause,
            "cause_title": causes.title(self.cause) if self.cause else None,
            "table": self.table,
            "subject": self.subject,
            "year": self.year,
            "column": self.column,
            "printed": self.printed,
            "computed": self.computed,
        }


@attrs.frozen
class _Verdict:
    """Why a printed figure disagrees: the cause, and words saying how."""

    cause: str
    detail: str = ""


def _agrees(printed: PrintedValue, exact: Decimal, rounding: str) -> bool:
    """``exact`` rounded to the printed decimals (by ``rounding``) is the printed value."""
    if printed.value is None or printed.upper is not None:  # "-", or a range: not one figure
        return False
    return round_shown(exact, printed.decimals, rounding) == printed.value


def _unit_ok(printed: PrintedValue, unit: str) -> bool:
    return printed.unit is None or printed.unit.casefold() == unit.casefold()


def _show(exact: Decimal, decimals: int, unit: str, rounding: str) -> str:
    value = round_shown(exact, decimals, rounding)
    if unit == "%":
        return format_percent(value)
    if value == value.to_integral_value():
        value = value.to_integral_value()
    return f"{format_decimal(value)} {unit}"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


class Audit:
    """One audit: the printed file, the reports of every year it prints, the budget report."""

    def __init__(
        self,
        engine: Engine,
        printed: PrintedFile,
        reports: Mapping[int, Report],
        budget: BudgetReport | None,
    ):
        self.engine = engine
        self.printed = printed
        self.reports = reports
        self.budget = budget
        self.checked = 0
        self._zero_reports: dict[int, Report] = {}
        #: Every printed figure by what it is: (kind, subject, year, column, renstra year).
        self.index: dict[tuple, list[tuple[Row, Cell]]] = {}
        #: The rows of each printed table: (where, year) → rows.
        self.tables: dict[tuple, list[Row]] = {}
        for row in printed.rows:
            for cell in row.cells:
                self.index.setdefault(self._key(row, cell), []).append((row, cell))
            self.tables.setdefault((row.where, row.year), []).append(row)

    # --- entry point ---------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        for row in self.printed.rows:
            for cell in row.cells:
                self.checked += 1
                finding = self.check(row, cell)
                if finding is not None:
                    found.append(finding)
            if row.label is not None and row.kind == "indicator":
                finding = self.check_label(row)
                if finding is not None:
                    found.append(finding)
        for weights in self.printed.weights:
            self.checked += len(weights.weights)
            found.extend(self.check_weights(weights))
        found.extend(_grouped(found))
        found.sort(key=lambda f: _position(f.diagnostic))
        if self.budget is not None:
            found.extend(self.budget_findings())
        return found

    # --- one cell ------------------------------------------------------------------------------

    @staticmethod
    def _key(row: Row, cell: Cell) -> tuple:
        return (row.kind, row.subject, row.year, cell.column, cell.renstra_year)

    def check(self, row: Row, cell: Cell) -> Finding | None:
        if row.kind == "indicator":
            if cell.column in ("realisasi", "capaian"):
                return self.check_value(row, cell)
            if cell.column == "target":
                return self.check_target(row, cell)
            if cell.column == "renstra":
                return self.check_renstra(row, cell)
            return self.check_status(row, cell)
        return self.check_rollup(row, cell)

    def report(self, row: Row) -> Report:
        return self.reports[row.year]

    def result(self, row: Row) -> IndicatorResult | None:
        report = self.report(row)
        if report.catalogue.indicator(row.subject) is None:
            return None
        return report.indicator(row.subject)

    def rounding(self, row: Row) -> str:
        return self.report(row).catalogue.policy.rounding

    def indicator_anywhere(self, indicator_id: str, year: int) -> Indicator | None:
        """The indicator in the catalogue of ``year``, else of the report's year, else any."""
        unit_type = self.printed.unit_type
        for y in (year, self.printed.year, *sorted(self.reports)):
            catalogue = self.engine.catalogue(unit_type, y)
            if catalogue is not None and catalogue.indicator(indicator_id) is not None:
                return catalogue.indicator(indicator_id)
        return None

    def finding(
        self,
        row: Row,
        cell: Cell | None,
        code: str,
        message: str,
        verdict: _Verdict,
        computed: str | None,
        location: Location | None = None,
    ) -> Finding:
        context = self.elsewhere(row, cell) if cell is not None else ""
        hint = f"likely cause: {causes.title(verdict.cause)}"
        if verdict.detail:
            hint += f" ({verdict.detail})"
        if context:
            hint += f"; {context}"
        printed = row.label
        if cell is not None:
            printed = cell.text if cell.column == "status" else _text(cell.value)
        return Finding(
            Diagnostic(
                code,
                f"{row.where}: {message}",
                location or (cell.location if cell is not None else row.location),
                hint,
                Severity.WARNING,
            ),
            verdict.cause,
            row.where,
            row.subject,
            row.year,
            cell.column if cell is not None else "label",
            printed,
            computed,
        )

    def what(self, row: Row, cell: Cell) -> str:
        subject = row.subject if row.kind != "overall" else "the overall mean"
        if cell.column == "renstra":
            return f"the Renstra {cell.renstra_year} target of {subject}"
        if row.kind == "indicator":
            return f"the {cell.column} of {subject} {row.year}"
        if cell.column == "indicators":
            return f"the number of indicators of {subject}"
        if row.kind == "sasaran":
            return f"the {cell.column} of sasaran {subject} {row.year}"
        return f"the overall mean {row.year}"

    # --- realisasi and capaian -----------------------------------------------------------------

    def check_value(self, row: Row, cell: Cell) -> Finding | None:
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        code = CODE[cell.column]
        result = self.result(row)
        if result is None:
            if printed.dash:
                return None
            message = (
                f"{self.what(row, cell)} is printed {printed.text}, but {row.subject} is not an "
                f"indicator of the {row.year} PK"
            )
            return self.finding(row, cell, code, message, _Verdict("unexplained"), None)
        indicator = result.indicator
        unit = "%" if cell.column == "capaian" else indicator.unit
        figure = result.realisasi if cell.column == "realisasi" else result.capaian
        rounding = self.rounding(row)
        if figure is None:
            if printed.dash:
                return None
            computed = f"tidak dapat diukur ({result.na_reason})"
            message = (
                f"{self.what(row, cell)} is printed {printed.text}, but it cannot be measured: "
                f"{result.na_reason}"
            )
            if printed.value == 0:
                verdict = _Verdict("zero_over_zero", result.na_reason or "")
            else:
                verdict = self.coincidence(row, cell, None) or _Verdict("unexplained")
            return self.finding(row, cell, code, message, verdict, computed)
        if (
            not printed.dash
            and _unit_ok(printed, unit)
            and _agrees(printed, figure.exact, rounding)
        ):
            return None
        decimals = (
            printed.decimals if not printed.dash else self.report(row).catalogue.policy.decimals
        )
        computed = _show(figure.exact, decimals, unit, rounding)
        if printed.dash:
            message = f"{self.what(row, cell)} is printed '-', but the counts give {computed}"
            return self.finding(row, cell, code, message, _Verdict("unexplained"), computed)
        message = (
            f"{self.what(row, cell)} is printed {printed.text}, but the counts give {computed}"
        )
        verdict = (
            self.slips(row, cell, result)
            or self.coincidence(row, cell, result)
            or _Verdict("unexplained")
        )
        return self.finding(row, cell, code, message, verdict, computed)

    def slips(self, row: Row, cell: Cell, result: IndicatorResult) -> _Verdict | None:
        """The smallest set of known slips that reproduces the printed figure, if any."""
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        unit = "%" if cell.column == "capaian" else result.indicator.unit
        if not _unit_ok(printed, unit):
            return None
        best: tuple | None = None
        for slips, exact, rounding, words in self.variants(row, cell, result):
            if exact is None or not _agrees(printed, exact, rounding):
                continue
            rank = (len(slips), sorted(causes.SLIP_ORDER.index(s) for s in slips))
            if best is None or rank < best[0]:
                best = (rank, slips, words)
        if best is None or not best[1]:
            return None
        slips = sorted(best[1], key=causes.SLIP_ORDER.index)
        detail = "; ".join(best[2][s] for s in slips)
        return _Verdict(slips[0], detail)

    def variants(
        self, row: Row, cell: Cell, result: IndicatorResult
    ) -> Iterator[tuple[frozenset, Decimal | None, str, dict]]:
        """(slips, exact figure, rounding, words per slip) for every combination tried."""
        report = self.report(row)
        catalogue = report.catalogue
        policy = catalogue.policy
        indicator = result.indicator
        realisasi = result.realisasi
        assert realisasi is not None
        roundings = [(frozenset(), policy.rounding)]
        if policy.rounding != "down":
            roundings.append((frozenset({"truncated"}), "down"))
        truncated = "cut, not rounded, at the printed decimals"
        invertible = indicator.is_percentage and 0 <= realisasi.exact <= HUNDRED
        complement = CONTEXT.subtract(HUNDRED, realisasi.exact)
        inverted_words = (
            f"{format_decimal(round_shown(complement, 2, 'half_up'))}% is 100% minus the "
            f"realisasi {format_decimal(round_shown(realisasi.exact, 2, 'half_up'))}%: "
            "what the name says is the other part"
        )
        values = [(frozenset(), realisasi.exact)]
        if invertible:
            values.append((frozenset({"inverted"}), complement))
        if cell.column == "realisasi":
            for value_slips, value in values:
                for rounding_slips, rounding in roundings:
                    words = {"truncated": truncated, "inverted": inverted_words}
                    yield value_slips | rounding_slips, value, rounding, words
            return
        targets = [(frozenset(), indicator.target, "")]
        for value, label in self.other_targets(row, indicator):
            targets.append((frozenset({"target"}), Target.of(value), label))
        other_from = "shown" if policy.capaian_from == "exact" else "exact"
        froms = [(frozenset(), policy.capaian_from), (frozenset({"rounded_realisasi"}), other_from)]
        combinations = itertools.product(values, targets, froms, roundings)
        for (v_slips, value), (t_slips, target, t_words), (f_slips, from_), (
            r_slips,
            rounding,
        ) in combinations:
            variant_policy = attrs.evolve(policy, capaian_from=from_, rounding=rounding)
            variant = attrs.evolve(catalogue, policy=variant_policy)
            entry = DataEntry(indicator.id, {}, value, None, None, row.location)
            outcome = evaluate_indicator(
                variant, attrs.evolve(indicator, target=target), entry, self.engine.not_applicable
            )
            if outcome.capaian is None or outcome.realisasi is None:
                continue
            r = outcome.realisasi.shown if from_ == "shown" else outcome.realisasi.exact
            quotient = format_decimal(round_shown(outcome.capaian.exact, 2, "half_up"))
            words = {
                "truncated": truncated,
                "inverted": inverted_words,
                "target": t_words,
                "rounded_realisasi": (
                    f"{format_decimal(r)} / {format_decimal(target.value)} × 100 = {quotient}; "
                    f"the catalogue divides the {policy.capaian_from} realisasi"
                ),
            }
            yield v_slips | t_slips | f_slips | r_slips, outcome.capaian.exact, rounding, words

    def other_targets(self, row: Row, indicator: Indicator) -> list[tuple[Decimal, str]]:
        """Targets a report may have used by mistake: other years' Renstra values and PKs."""
        own = indicator.target
        seen: set[Decimal] = set() if own is None or own.is_range else {own.value}
        found = []
        for year, target in sorted(indicator.renstra.items()):
            if year != row.year and not target.is_range and target.value not in seen:
                seen.add(target.value)
                found.append(
                    (target.value, f"against {_num(target.value)}, the Renstra {year} value")
                )
        for catalogue in self.engine.catalogues:
            if catalogue.unit_type != self.printed.unit_type or catalogue.year == row.year:
                continue
            other = catalogue.indicator(indicator.id)
            if other is None or other.target is None or other.target.is_range:
                continue
            if other.target.value not in seen:
                seen.add(other.target.value)
                found.append(
                    (
                        other.target.value,
                        f"against {_num(other.target.value)}, the PK {catalogue.year} target",
                    )
                )
        if own is not None:
            found = [(v, w + f", not the PK's {_num(own.value)}") for v, w in found]
        return found

    def coincidence(self, row: Row, cell: Cell, result: IndicatorResult | None) -> _Verdict | None:
        """Another column's or another row's figure, or the same figure printed otherwise
        elsewhere in agreement with the counts."""
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        if printed.dash:
            return None
        rounding = self.rounding(row)
        if result is not None:
            for column, figure, unit in self.other_columns(cell.column, result):
                if (
                    figure is not None
                    and _unit_ok(printed, unit)
                    and _agrees(printed, figure, rounding)
                ):
                    return _Verdict("other_column", f"{printed.text} is the {column}")
            swapped = self.other_row(row, cell)
            if swapped is not None:
                return swapped
        for other_row, other in self.index.get(self._key(row, cell), []):
            if other_row is row or _same(other.value, printed):
                continue
            if self.value_agrees(other_row, other):
                kind = "the text" if row.is_text else "this table"
                return _Verdict(
                    "text_table",
                    f"{kind} prints {printed.text}, {other_row.where} prints "
                    f"{_text(other.value)}, which the counts give",
                )
        return None

    def other_columns(
        self, column: str, result: IndicatorResult
    ) -> list[tuple[str, Decimal | None, str]]:
        indicator = result.indicator
        target = result.target.value if result.target is not None else None
        realisasi = result.realisasi.exact if result.realisasi is not None else None
        capaian = result.capaian.exact if result.capaian is not None else None
        if column == "realisasi":
            return [("capaian", capaian, "%"), ("target", target, indicator.unit)]
        return [("realisasi", realisasi, indicator.unit), ("target", target, indicator.unit)]

    def other_row(self, row: Row, cell: Cell) -> _Verdict | None:
        """This column's figure of another indicator of the same table: rows swapped, or a
        figure copied from another row."""
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        report = self.report(row)
        rounding = self.rounding(row)
        own = self.result(row)
        for other_row in self.tables[(row.where, row.year)]:
            if (
                other_row.kind != "indicator"
                or other_row.subject == row.subject
                or report.catalogue.indicator(other_row.subject) is None
            ):
                continue
            other = report.indicator(other_row.subject)
            figure = other.realisasi if cell.column == "realisasi" else other.capaian
            unit = "%" if cell.column == "capaian" else other.indicator.unit
            if figure is None or not _unit_ok(printed, unit):
                continue
            if not _agrees(printed, figure.exact, rounding):
                continue
            mine = None
            if own is not None:
                mine = own.realisasi if cell.column == "realisasi" else own.capaian
            theirs = next((c for c in other_row.cells if c.column == cell.column), None)
            if (
                mine is not None
                and theirs is not None
                and isinstance(theirs.value, PrintedValue)
                and not theirs.value.dash
                and _agrees(theirs.value, mine.exact, rounding)
            ):
                return _Verdict(
                    "swapped",
                    f"swapped with {other_row.subject}: {printed.text} is its {cell.column}, "
                    f"its {_text(theirs.value)} is this one's",
                )
            return _Verdict(
                "swapped",
                f"{printed.text} is the {cell.column} of {other_row.subject}, the row printed "
                "with it",
            )
        return None

    def value_agrees(self, row: Row, cell: Cell) -> bool:
        """Whether another printed cell of the same figure agrees with the counts."""
        printed = cell.value
        if not isinstance(printed, PrintedValue) or printed.dash:
            return False
        if row.kind != "indicator" or cell.column not in ("realisasi", "capaian", "target"):
            return False
        result = self.result(row)
        if result is None:
            return False
        if cell.column == "target":
            return result.target is not None and self.target_agrees(
                printed, result.target, result.indicator.unit, self.rounding(row)
            )
        figure = result.realisasi if cell.column == "realisasi" else result.capaian
        unit = "%" if cell.column == "capaian" else result.indicator.unit
        return (
            figure is not None
            and _unit_ok(printed, unit)
            and _agrees(printed, figure.exact, self.rounding(row))
        )

    def elsewhere(self, row: Row, cell: Cell) -> str:
        """The same figure printed otherwise in other places, for the hint."""
        others = []
        for other_row, other in self.index.get(self._key(row, cell), []):
            if other_row is row or _same(other.value, cell.value):
                continue
            text = other.text if other.column == "status" else _text(other.value)
            others.append(f"{text} in {other_row.where}")
        if not others:
            return ""
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        return "printed " + "; ".join(others[:3]) + more

    # --- targets, Renstra, status, labels ------------------------------------------------------

    @staticmethod
    def target_agrees(printed: PrintedValue, target: Target, unit: str, rounding: str) -> bool:
        if printed.dash or not _unit_ok(printed, unit):
            return False
        if target.is_range:
            if printed.upper is None:
                return False
            lower = PrintedValue(printed.text, printed.value, printed.decimals, printed.unit)
            upper = PrintedValue(printed.text, printed.upper, printed.decimals, printed.unit)
            return _agrees(lower, target.lower, rounding) and _agrees(upper, target.upper, rounding)
        return printed.upper is None and _agrees(printed, target.value, rounding)

    def check_target(self, row: Row, cell: Cell) -> Finding | None:
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        result = self.result(row)
        target = result.target if result is not None else None
        if target is None:
            if printed.dash:
                return None
            why = (
                f"{row.subject} is not an indicator of the {row.year} PK"
                if result is None
                else f"the {row.year} PK sets no target for it"
            )
            message = f"{self.what(row, cell)} is printed {printed.text}, but {why}"
            return self.finding(row, cell, "KR703", message, _Verdict("target"), None)
        indicator = result.indicator
        rounding = self.rounding(row)
        if self.target_agrees(printed, target, indicator.unit, rounding):
            return None
        computed = _target_text(target, indicator.unit)
        message = f"{self.what(row, cell)} is printed {printed.text}, but the PK signs {computed}"
        detail = self.target_coincidence(row, printed, indicator)
        return self.finding(row, cell, "KR703", message, _Verdict("target", detail), computed)

    def target_coincidence(self, row: Row, printed: PrintedValue, indicator: Indicator) -> str:
        if printed.dash:
            return ""
        for value, words in self.other_targets(row, indicator):
            if _unit_ok(printed, indicator.unit) and _agrees(printed, value, "half_up"):
                return words.replace("against ", "", 1)
        return ""

    def check_renstra(self, row: Row, cell: Cell) -> Finding | None:
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        year = cell.renstra_year
        assert year is not None
        indicator = self.indicator_anywhere(row.subject, row.year)
        assert indicator is not None
        rounding = self.rounding(row)
        expected = indicator.renstra.get(year)
        problems = []
        computed = _target_text(expected, indicator.unit) if expected is not None else "-"
        if expected is None and not printed.dash:
            problems.append(f"the Renstra has no {year} target for it")
        elif expected is not None and not self.target_agrees(
            printed, expected, indicator.unit, rounding
        ):
            problems.append(f"the Renstra's {year} target is {computed}")
        pk_catalogue = self.engine.catalogue(self.printed.unit_type, year)
        pk = pk_catalogue.indicator(row.subject) if pk_catalogue is not None else None
        if (
            not problems
            and not printed.dash
            and pk is not None
            and pk.target is not None
            and not self.target_agrees(printed, pk.target, indicator.unit, rounding)
        ):
            computed = _target_text(pk.target, indicator.unit)
            problems.append(f"the PK {year} signs {computed}")
        if not problems:
            return None
        message = f"{self.what(row, cell)} is printed {printed.text}, but " + "; ".join(problems)
        detail = ""
        if not printed.dash and _unit_ok(printed, indicator.unit):
            for value, words in self.renstra_candidates(indicator, year):
                if _agrees(printed, value, "half_up"):
                    detail = f"{printed.text} is {words}"
                    break
        return self.finding(row, cell, "KR704", message, _Verdict("target", detail), computed)

    def renstra_candidates(self, indicator: Indicator, year: int) -> list[tuple[Decimal, str]]:
        """Targets a Renstra cell of ``year`` may have been copied from: the Renstra's other
        years, and the PK of every year."""
        found = [
            (target.value, f"the Renstra {y} value")
            for y, target in sorted(indicator.renstra.items())
            if y != year and not target.is_range
        ]
        for catalogue in self.engine.catalogues:
            if catalogue.unit_type != self.printed.unit_type or catalogue.year == year:
                continue
            other = catalogue.indicator(indicator.id)
            if other is not None and other.target is not None and not other.target.is_range:
                found.append((other.target.value, f"the PK {catalogue.year} target"))
        return found

    def check_status(self, row: Row, cell: Cell) -> Finding | None:
        result = self.result(row)
        if result is None:
            return None
        return self.status_finding(row, cell, result.status, result.na_reason)

    def status_finding(
        self, row: Row, cell: Cell, status: Status, reason: str | None
    ) -> Finding | None:
        computed = {
            Status.TERCAPAI: ACHIEVED,
            Status.TIDAK_TERCAPAI: NOT_ACHIEVED,
            Status.TIDAK_DAPAT_DIUKUR: NOT_MEASURABLE,
        }[status]
        if cell.value == computed:
            return None
        message = (
            f"{self.what(row, cell)} is printed '{cell.text}' ({cell.value}), but the counts give "
            f"{status.value}"
        )
        if computed == NOT_MEASURABLE:
            verdict = _Verdict("zero_over_zero", reason or "")
        else:
            verdict = _Verdict("unexplained")
        return self.finding(row, cell, "KR706", message, verdict, status.value)

    def check_label(self, row: Row) -> Finding | None:
        assert row.label is not None
        catalogue = self.report(row).catalogue
        own = self.indicator_anywhere(row.subject, row.year)
        label = _norm(row.label)
        if own is None or label == _norm(own.name):
            return None
        own_ratio = difflib.SequenceMatcher(None, label, _norm(own.name)).ratio()
        for other in catalogue.indicators:
            if other.id == row.subject:
                continue
            ratio = difflib.SequenceMatcher(None, label, _norm(other.name)).ratio()
            if ratio >= 0.95 and ratio > own_ratio:
                message = (
                    f"the row of {row.subject} is labelled '{row.label}', the name of {other.id}"
                )
                verdict = _Verdict("swapped", f"the label of the {other.id} row")
                return self.finding(
                    row, None, "KR707", message, verdict, own.name, row.label_location
                )
        return None

    # --- sasaran and overall -------------------------------------------------------------------

    def check_rollup(self, row: Row, cell: Cell) -> Finding | None:
        report = self.report(row)
        if row.kind == "sasaran":
            sasaran = next(s for s in report.sasaran if s.sasaran.id == row.subject)
            if cell.column == "status":
                return self.status_finding(row, cell, sasaran.status, None)
            if cell.column == "indicators":
                if cell.value == sasaran.total:
                    return None
                message = (
                    f"{self.what(row, cell)} is printed {cell.value}, but the catalogue has "
                    f"{sasaran.total}"
                )
                return Finding(
                    Diagnostic(
                        "KR705",
                        f"{row.where}: {message}",
                        cell.location,
                        f"likely cause: {causes.title('unexplained')}",
                        Severity.WARNING,
                    ),
                    "unexplained",
                    row.where,
                    row.subject,
                    row.year,
                    cell.column,
                    str(cell.value),
                    str(sasaran.total),
                )
            figure = sasaran.capaian
        else:
            figure = report.overall
        printed = cell.value
        assert isinstance(printed, PrintedValue)
        rounding = report.catalogue.policy.rounding
        if figure is None:
            if printed.dash:
                return None
            message = f"{self.what(row, cell)} is printed {printed.text}, but none is measured"
            verdict = _Verdict("zero_over_zero" if printed.value == 0 else "unexplained")
            return self.finding(row, cell, "KR705", message, verdict, "tidak dapat diukur")
        if not printed.dash and _unit_ok(printed, "%") and _agrees(printed, figure.exact, rounding):
            return None
        decimals = printed.decimals if not printed.dash else report.catalogue.policy.decimals
        computed = _show(figure.exact, decimals, "%", rounding)
        message = (
            f"{self.what(row, cell)} is printed {printed.text}, but its indicators give {computed}"
        )
        verdict = self.rollup_slips(row, printed) or _Verdict("unexplained")
        return self.finding(row, cell, "KR705", message, verdict, computed)

    def rollup_slips(self, row: Row, printed: PrintedValue) -> _Verdict | None:
        if printed.dash or not _unit_ok(printed, "%"):
            return None
        report = self.report(row)
        zero = self.zero_report(row.year)
        candidates = []
        for slips, source in ((frozenset(), report), (frozenset({"na_as_zero"}), zero)):
            if row.kind == "sasaran":
                figure = next(s for s in source.sasaran if s.sasaran.id == row.subject).capaian
            else:
                figure = source.overall
            if figure is None:
                continue
            candidates.append((slips, figure.exact, report.catalogue.policy.rounding))
            candidates.append((slips | {"truncated"}, figure.exact, "down"))
        matches = [c for c in candidates if c[0] and _agrees(printed, c[1], c[2])]
        if not matches:
            return None
        slips = min(matches, key=lambda c: len(c[0]))[0]
        cause = "na_as_zero" if "na_as_zero" in slips else "truncated"
        unmeasured = [
            r.indicator.id
            for r in report.indicators
            if not r.measured and (row.kind == "overall" or r.indicator.sasaran == row.subject)
        ]
        detail = ""
        if "na_as_zero" in slips:
            detail = "counted as 0: " + ", ".join(unmeasured)
        if "truncated" in slips:
            detail += ("; " if detail else "") + "cut, not rounded, at the printed decimals"
        return _Verdict(cause, detail)

    def zero_report(self, year: int) -> Report:
        """The year evaluated as a legacy report would: N/A counted as 0 in the means."""
        if year not in self._zero_reports:
            report = self.reports[year]
            policy = attrs.evolve(report.catalogue.policy, not_applicable="zero")
            catalogue: Catalogue = attrs.evolve(report.catalogue, policy=policy)
            self._zero_reports[year] = evaluate(catalogue, report.data, self.engine.not_applicable)
        return self._zero_reports[year]

    # --- weights -------------------------------------------------------------------------------

    def check_weights(self, row) -> list[Finding]:
        catalogue = self.engine.catalogues.scores.get(self.printed.year)
        assert catalogue is not None
        score = catalogue.score(row.score)
        assert score is not None
        weights = {c.id: c.weight for c in score.components}
        values = self.component_values(row.score)
        printed_weights = {component: printed for component, printed, _ in row.weights}
        misplaced = sorted(
            round_shown(weights[c], p.decimals, "half_up") for c, p in printed_weights.items()
        ) == sorted(p.value for p in printed_weights.values())
        found = []
        attribution = ""
        if values and all(c in values for c in weights) and set(printed_weights) == set(weights):
            with_printed = weighted_mean(Part(values[c], printed_weights[c].value) for c in weights)
            proper = weighted_mean(Part(values[c], weights[c]) for c in weights)
            if with_printed is not None and proper is not None:
                attribution = (
                    f"; with the weights as printed the score would be "
                    f"{format_decimal(round_shown(with_printed, 2, 'half_up'))}, not "
                    f"{format_decimal(round_shown(proper, 2, 'half_up'))}"
                )
        for component, printed, location in row.weights:
            weight = weights[component]
            if _unit_ok(printed, "%") and _agrees(printed, weight, "half_up"):
                continue
            owner = [
                c
                for c, w in weights.items()
                if round_shown(w, printed.decimals, "half_up") == printed.value
            ]
            value_of = next(
                (name for name, value in values.items() if _agrees(printed, value, "half_up")),
                None,
            )
            if value_of is not None:
                verdict = _Verdict(
                    "other_column", f"{printed.text} is the value of {value_of}, not a weight"
                )
            elif misplaced and owner:
                verdict = _Verdict(
                    "weights", f"{printed.text} is the weight of {owner[0]}" + attribution
                )
            else:
                verdict = _Verdict("unexplained")
            message = (
                f"the weight of {component} in {row.score} is printed {printed.text}, but the "
                f"{self.printed.year} score catalogue gives {format_decimal(weight)}"
            )
            hint = f"likely cause: {causes.title(verdict.cause)}"
            if verdict.detail:
                hint += f" ({verdict.detail})"
            found.append(
                Finding(
                    Diagnostic(
                        "KR708", f"{row.where}: {message}", location, hint, Severity.WARNING
                    ),
                    verdict.cause,
                    row.where,
                    f"{row.score}.{component}",
                    self.printed.year,
                    "weight",
                    printed.text,
                    format_decimal(weight),
                )
            )
        return found

    def component_values(self, score_id: str) -> dict[str, Decimal]:
        if self.budget is None:
            return {}
        result = next((s for s in self.budget.scores if s.score.id == score_id), None)
        if result is None:
            return {}
        values = {c.component.id: c.value for c in result.components if c.value is not None}
        inputs = self.budget.budget.scores.get(score_id)
        if inputs is not None:  # a component's own inputs (efisiensi for nilai_efisiensi)
            for name, (value, _) in inputs.values.items():
                values.setdefault(name, value)
        return values

    # --- the budget file -----------------------------------------------------------------------

    def budget_findings(self) -> list[Finding]:
        """The budget command's findings, each with its cause where one is known."""
        assert self.budget is not None
        tables = self.budget.tables
        by_location = {d.location: d for d in tables.disagreements}
        lines = {line.key: line for line in tables.rows}
        codes = set(lines)
        found = []
        for diagnostic in self.budget.findings:
            cause = None
            if diagnostic.code == "KR608":
                cause = "composite"
            elif diagnostic.code == "KR603":
                disagreement = by_location.get(diagnostic.location)
                if disagreement is not None and disagreement.cell[0] == "row":
                    parent = parent_code(disagreement.cell[1], codes)
                    persen = lines[parent].persen if parent is not None else None
                    printed = disagreement.printed
                    if (
                        persen is not None
                        and round_shown(persen, printed.decimals, self.budget.policy.rounding)
                        == printed.value
                    ):
                        cause = "parent_copied"
                        diagnostic = attrs.evolve(
                            diagnostic,
                            hint=f"{diagnostic.hint}; likely cause: {causes.title(cause)} "
                            f"({printed.text} is the percentage of {parent})",
                        )
            if cause == "composite":
                diagnostic = attrs.evolve(
                    diagnostic, hint=f"{diagnostic.hint}; likely cause: {causes.title(cause)}"
                )
            found.append(Finding(diagnostic, cause, source="budget"))
        return found


def _grouped(found: Iterable[Finding]) -> list[Finding]:
    """KR709: one per cause shared by two or more printed figures."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in found:
        if finding.cause is None or finding.cause == "unexplained":
            continue
        key: tuple = (finding.cause,)
        if finding.cause not in SYSTEMIC:
            key += (finding.subject, finding.column, finding.year, finding.printed)
        groups.setdefault(key, []).append(finding)
    out = []
    for (cause, *_), members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda f: _position(f.diagnostic))
        figures = Counter((f.subject, f.column, f.year, f.printed) for f in members)
        if len(figures) == 1:
            (subject, column, year, printed), count = next(iter(figures.items()))
            tables = list(dict.fromkeys(f.table for f in members))
            shown = ", ".join(tables[:4]) + (
                f" and {len(tables) - 4} more" if len(tables) > 4 else ""
            )
            summary = (
                f"the {column} of {subject} {year} is printed {printed} in {count} places "
                f"({shown}); the counts give {members[0].computed}"
            )
        else:
            subjects = Counter(f.subject for f in members)
            summary = ", ".join(f"{subject} ({n})" for subject, n in subjects.items())
        out.append(
            Finding(
                Diagnostic(
                    "KR709",
                    f"one cause explains {len(members)} printed figures: "
                    f"{causes.title(cause)}: {summary}",
                    members[0].diagnostic.location,
                    causes.fix(cause),
                    Severity.WARNING,
                ),
                cause,
                members[0].table,
            )
        )
    return out


def _position(diagnostic: Diagnostic) -> tuple:
    location = diagnostic.location
    return (location.file, location.line or 0, location.col or 0, diagnostic.code)


def _same(one, other) -> bool:
    """Two printed cells saying the same (``0%`` and ``0 persen``; ``1 Layanan``, ``1 layanan``)."""
    if isinstance(one, PrintedValue) and isinstance(other, PrintedValue):

        def unit(value: PrintedValue) -> str | None:
            return value.unit.casefold().replace(" ", "") if value.unit else None

        return (one.value, one.upper, unit(one)) == (other.value, other.upper, unit(other))
    return one == other


def _text(value) -> str:
    return value.text if isinstance(value, PrintedValue) else str(value)


def _num(value: Decimal) -> str:
    return format_decimal(value.normalize(CONTEXT) if value == value.to_integral_value() else value)


def _target_text(target: Target, unit: str) -> str:
    def one(value: Decimal) -> str:
        text = _num(value)
        return f"{text}%" if unit == "%" else f"{text} {unit}"

    if target.is_range:
        return f"{_num(target.lower)}–{one(target.upper)}"
    return one(target.value)
