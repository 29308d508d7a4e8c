"""A unit's budget chapter (LKjIP Bab III B and C) recomputed and checked, in one object."""

from __future__ import annotations

from decimal import Decimal

import attrs

from ..decimals import CONTEXT, round_shown
from ..diagnostics import Diagnostic, KinerjaError, raise_if_errors
from ..registry import CatalogueSet
from ..sources import PathLike
from .loader import load_budget
from .model import BudgetData
from .scores import ScorePolicy, ScoreResult, check_inputs, evaluate_scores
from .table import BudgetTables, Line, compute, findings


@attrs.frozen
class Change:
    """A jenis belanja's realisation percentage this year against the previous year."""

    key: str
    previous: Line
    current: Line
    #: In percentage points, as the policy says (from the shown or the exact percentages).
    points: Decimal | None


@attrs.frozen
class BudgetReport:
    budget: BudgetData
    policy: ScorePolicy
    tables: BudgetTables
    changes: tuple[Change, ...]
    scores: tuple[ScoreResult, ...]
    findings: tuple[Diagnostic, ...]
    sasaran_names: dict = attrs.field(factory=dict)

    def shown(self, value: Decimal | None) -> Decimal | None:
        """A percentage or score as shown: rounded by the score catalogue's policy."""
        if value is None:
            return None
        return round_shown(value, self.policy.decimals, self.policy.rounding)


def evaluate_budget_file(path: PathLike, catalogues: CatalogueSet) -> BudgetReport:
    """Load a budget file and recompute it; raise :class:`KinerjaError` on invalid input."""
    return evaluate_budget(load_budget(path), catalogues)


def evaluate_budget(budget: BudgetData, catalogues: CatalogueSet) -> BudgetReport:
    score_catalogue = catalogues.scores.get(budget.year)
    policy = score_catalogue.policy if score_catalogue is not None else ScorePolicy()
    if budget.scores and score_catalogue is None:
        first = next(iter(budget.scores.values()))
        raise KinerjaError(
            [
                Diagnostic(
                    "KR405",
                    f"no score catalogue for {budget.year}",
                    first.location,
                    f"add {budget.year}/anggaran.toml with --catalog DIR",
                )
            ]
        )
    scores: list[ScoreResult] = []
    score_findings: list[Diagnostic] = []
    if score_catalogue is not None and budget.scores:
        raise_if_errors(check_inputs(score_catalogue, budget.scores))
        scores, score_findings = evaluate_scores(score_catalogue, budget.scores)
    tables = compute(budget, policy.rounding)
    table_findings = findings(budget, tables, policy.rounding)
    catalogue = catalogues.get(budget.unit_type, budget.year)
    names = {s.id: s.name for s in catalogue.sasaran} if catalogue is not None else {}
    return BudgetReport(
        budget,
        policy,
        tables,
        tuple(_changes(tables, budget.year, policy)),
        tuple(scores),
        tuple(sorted(table_findings + score_findings, key=_position)),
        names,
    )


def _changes(tables: BudgetTables, year: int, policy: ScorePolicy) -> list[Change]:
    current = {line.key: line for line in tables.jenis_belanja.get(year, ())}
    previous = {line.key: line for line in tables.jenis_belanja.get(year - 1, ())}
    if year in tables.jenis_belanja_totals and year - 1 in tables.jenis_belanja_totals:
        current["total"] = tables.jenis_belanja_totals[year]
        previous["total"] = tables.jenis_belanja_totals[year - 1]
    changes = []
    for key, line in current.items():
        before = previous.get(key)
        if before is None:
            continue
        points = None
        if line.persen is not None and before.persen is not None:
            if policy.change_from == "shown":
                points = round_shown(line.persen, policy.decimals, policy.rounding) - round_shown(
                    before.persen, policy.decimals, policy.rounding
                )
            else:
                points = round_shown(
                    CONTEXT.subtract(line.persen, before.persen), policy.decimals, policy.rounding
                )
        changes.append(Change(key, before, line, points))
    return changes


def _position(diagnostic: Diagnostic) -> tuple:
    location = diagnostic.location
    return (location.file, location.line or 0, location.col or 0, diagnostic.code)
