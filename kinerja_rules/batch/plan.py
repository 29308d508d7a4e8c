"""What the columnar path needs of a catalogue, resolved once and picklable (worker processes
receive it instead of an engine): formula trees, N/A rules with the plugins' batch forms, targets
per period, capaian rules, bands, roll-up weights — or why the catalogue goes per row."""

from __future__ import annotations

import ast
import decimal
from decimal import Decimal
from typing import Any

import attrs

from ..bands import Band
from ..decimals import CONTEXT, RESULT_LIMIT
from ..formula import BOOLEAN, compile_formula
from ..model import Catalogue, Indicator, Target
from ..periods import Period
from .rules import PER_ROW, NotApplicableWhen, batch_forms

#: Functions the columnar path evaluates itself; a plugin's function sends a catalogue per row.
COLUMNAR_FUNCTIONS = frozenset({"min", "max", "abs"})


@attrs.frozen
class Tree:
    """A checked formula as the columnar evaluator needs it: its tree and source text."""

    tree: Any = attrs.field(repr=False)
    source: str

    @classmethod
    def of(cls, formula) -> Tree:
        return cls(formula.tree, formula.source)


@attrs.frozen
class Rule:
    """An N/A rule: ``when`` (None: always) and the reason."""

    when: Tree | None
    reason: str


@attrs.frozen
class InputPlan:
    name: str
    kind: str
    description: str


@attrs.frozen
class IndicatorPlan:
    id: str
    sasaran: str
    unit: str
    inputs: tuple[InputPlan, ...]
    #: Inputs taken from other indicators' results: name -> (indicator id, part).
    derived: dict
    formula: Tree
    capaian: Tree
    polarity_lower: bool
    rule: Rule | None
    weight: Decimal
    floor: Decimal | None
    cap: Decimal | None
    zero: tuple[Decimal, Decimal] | None
    consolidation: str
    missing_periods: str
    #: Per requested period (index): the target in force and the plugins' rules, in order.
    targets: tuple[Target | None, ...]
    plugin_rules: tuple[tuple[Rule, ...], ...]


@attrs.frozen
class CataloguePlan:
    unit_type: str
    year: int
    decimals: int
    rounding: str
    capaian_from: str
    status_from: str
    not_applicable: str
    overall: str
    range_inside: Decimal
    bands: tuple[Band, ...]
    sasaran: tuple[str, ...]
    sasaran_weights: tuple[Decimal, ...]
    indicators: tuple[IndicatorPlan, ...]
    periods: tuple[Period | None, ...]
    #: Why the columnar path does not cover this catalogue (None: it does).
    per_row: str | None
    prec: int
    ambient: int
    limit: Decimal = RESULT_LIMIT

    @property
    def key(self) -> tuple[str, int]:
        return (self.unit_type, self.year)

    def index(self) -> dict[str, int]:
        return {ind.id: j for j, ind in enumerate(self.indicators)}


def for_period(indicator: Indicator, period: Period | None) -> Indicator:
    """The indicator with the target in force for the figure to date of ``period`` (the rule of
    :mod:`kinerja_rules.evaluation`: a target of that period, or of one that ends with it)."""
    if period is None or not indicator.period_targets:
        return indicator
    exact = indicator.period_targets.get(period)
    if exact is None:
        ending = [p for p in indicator.period_targets if p.last == period.last]
        exact = indicator.period_targets[min(ending)] if ending else None
    return indicator if exact is None else attrs.evolve(indicator, target=exact)


def _functions(tree) -> set[str]:
    return {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)}


def build_plans(engine, periods: tuple[Period | None, ...]) -> dict:
    """A plan for every catalogue of the engine, for these periods (None: the year)."""
    forms, why = batch_forms(engine)
    return {
        catalogue.key: build_plan(engine, catalogue, periods, forms, why)
        for catalogue in engine.catalogues
    }


def build_plan(engine, catalogue: Catalogue, periods, forms, why) -> CataloguePlan:
    policy = catalogue.policy
    per_row = why
    indicators = []
    for indicator in catalogue.indicators:
        capaian = indicator.capaian or policy.capaian_formula(indicator.polarity)
        derived = {s.name: s.source for s in indicator.inputs if s.source is not None}
        if derived and per_row is None:
            per_row = f"indicator {indicator.id!r} takes inputs from other indicators"
        used = _functions(indicator.formula.tree) | _functions(capaian.tree)
        if indicator.not_applicable is not None:
            used |= _functions(indicator.not_applicable.when.tree)
        if used - COLUMNAR_FUNCTIONS and per_row is None:
            per_row = f"indicator {indicator.id!r} calls {', '.join(sorted(used))}()"
        plugin_rules = []
        targets = []
        for period in periods:
            effective = for_period(indicator, period)
            targets.append(effective.target)
            rules = []
            for name, form in forms:
                try:
                    found = form(catalogue, effective)
                except Exception as error:  # a broken batch form: per row, never a crash
                    found = PER_ROW
                    per_row = per_row or f"plugin {name!r} batch form failed: {error!r}"
                if found is None:
                    continue
                if not isinstance(found, NotApplicableWhen):
                    per_row = per_row or f"plugin {name!r} asks for per-row evaluation"
                    continue
                when = None
                if found.when is not None:
                    names = {s.name for s in indicator.inputs}
                    try:
                        formula = compile_formula(found.when, names, engine.functions, BOOLEAN)
                    except Exception as error:
                        per_row = per_row or f"plugin {name!r} batch form: {error}"
                        continue
                    if _functions(formula.tree) - COLUMNAR_FUNCTIONS:
                        per_row = per_row or f"plugin {name!r} batch form calls functions"
                    when = Tree.of(formula)
                rules.append(Rule(when, found.reason))
            plugin_rules.append(tuple(rules))
        rule = None
        if indicator.not_applicable is not None:
            rule = Rule(Tree.of(indicator.not_applicable.when), indicator.not_applicable.reason)
        zero = indicator.zero_target or policy.zero_target
        indicators.append(
            IndicatorPlan(
                id=indicator.id,
                sasaran=indicator.sasaran,
                unit=indicator.unit,
                inputs=tuple(
                    InputPlan(s.name, s.kind, s.description) for s in indicator.data_inputs
                ),
                derived=derived,
                formula=Tree.of(indicator.formula),
                capaian=Tree.of(capaian),
                polarity_lower=indicator.polarity.value == "lower",
                rule=rule,
                weight=indicator.weight,
                floor=indicator.capaian_floor
                if indicator.capaian_floor is not None
                else policy.capaian_floor,
                cap=indicator.capaian_cap
                if indicator.capaian_cap is not None
                else policy.capaian_cap,
                zero=(zero.met, zero.missed) if zero is not None else None,
                consolidation=indicator.consolidation or policy.consolidation,
                missing_periods=indicator.missing_periods or policy.missing_periods,
                targets=tuple(targets),
                plugin_rules=tuple(plugin_rules),
            )
        )
    return CataloguePlan(
        unit_type=catalogue.unit_type,
        year=catalogue.year,
        decimals=policy.decimals,
        rounding=policy.rounding,
        capaian_from=policy.capaian_from,
        status_from=policy.status_from,
        not_applicable=policy.not_applicable,
        overall=policy.overall,
        range_inside=policy.range_inside,
        bands=tuple(catalogue.bands),
        sasaran=tuple(s.id for s in catalogue.sasaran),
        sasaran_weights=tuple(s.weight for s in catalogue.sasaran),
        indicators=tuple(indicators),
        periods=tuple(periods),
        per_row=per_row,
        prec=CONTEXT.prec,
        ambient=decimal.getcontext().prec,
    )
