"""Evaluating a unit's data against its catalogue: realisasi, capaian, status, roll-ups.

The order of decisions for one indicator:

0. indicators that take other indicators' results as inputs come after them; if a result they
   need cannot be measured, neither can they (with that reason);
1. no data, or the data says it was not measured → N/A with that reason;
2. a realisasi reported directly is taken as is;
3. otherwise the catalogue's own rule (``[indicator.not_applicable]``), then the unit type's
   plugins (``kinerja_not_applicable``), may declare it N/A for these inputs;
4. otherwise the formula runs; a division by zero makes it N/A ("pembagian dengan nol");
5. capaian comes from the indicator's rule (or the policy's for its polarity), over the exact or
   the shown realisasi as the policy says; a range target picks its bound (or ``range_inside``),
   a zero target means what ``zero_target`` declares (N/A without it), then floor and cap apply;
   no target leaves capaian N/A.

Sasaran and overall capaian are the one roll-up (:mod:`kinerja_rules.rollup`): the weighted mean
of the measurable indicators' exact capaian, re-normalised over those measured (or, under the
legacy ``not_applicable = "zero"`` policy, with N/A counted as 0). The overall figure rolls up
every indicator, or the sasaran (policy ``overall``). Rounding happens only for the shown
figures. Status is the catalogue's band holding the exact (or shown, policy ``status_from``)
capaian; by default "tercapai" from 100.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, localcontext

import attrs

from .bands import classify
from .consolidation import annual_disagreement, to_date
from .data import DataEntry, UnitData
from .data_checks import data_findings
from .decimals import CONTEXT, round_shown
from .diagnostics import Diagnostic, Severity
from .formula import Formula, NotMeasurable
from .model import Catalogue, Indicator, Polarity, Policy, evaluation_order
from .periods import YEAR, Period
from .plugin_rules import NotApplicableRule, chain_of
from .results import (
    Anggaran,
    Deferred,
    Derivation,
    Figure,
    IndicatorResult,
    Outcome,
    Report,
    SasaranResult,
    Status,
)
from .rollup import Part, is_unit_weight, plain_mean, weighted_mean

_new_tuple = tuple.__new__

#: One indicator's :func:`decide` for any entry, everything else looked up once (see
#: :func:`_decision`).
Decision = Callable[[DataEntry | None], Outcome]


def evaluate(
    catalogue: Catalogue,
    data: UnitData,
    not_applicable: NotApplicableRule,
    period: Period | None = None,
) -> Report:
    """Evaluate every indicator of ``catalogue`` for ``data`` and roll the results up.

    With ``period``, every figure is the figure to date — January to the end of that period —
    consolidated from the data's periods as each indicator declares, against the period's target
    (or the annual one); without, the year. Indicators that take other indicators' results as
    inputs are evaluated after them.

    Every figure is decided here, exactly; the result objects, shown figures, derivations and
    data findings are made when the report's ``indicators``, ``sasaran`` or ``findings`` are
    first looked at (a country's units are mostly read for a few columns).
    """
    plan = _plan_of(catalogue, not_applicable, period)
    shape = plan.shape
    consistency: list[Diagnostic] = []
    alone: dict[str, Decimal] = {}
    entries = data.entries
    # The formulas' native form (Python's operators) computes under the current context: make
    # it the engine's for the loop, and only the loop.
    with localcontext(CONTEXT):
        outcomes = _decide_all(catalogue, data, period, plan, consistency, alone)
    zero = shape.unmeasured

    def parts() -> list[Part]:
        """Each indicator's exact capaian and weight; N/A left out (None) or, legacy, 0."""
        return [
            _new_tuple(Part, (zero if o.capaian is None else o.capaian, o.indicator.weight, True))
            for o in outcomes
        ]

    def sasaran_values() -> list[Decimal | None]:
        every = parts()
        return [weighted_mean([every[i] for i in members]) for members in shape.sasaran_members]

    if shape.overall_of_sasaran:
        by_sasaran = sasaran_values()
        overall = weighted_mean(
            [Part(v, item.weight) for v, item in zip(by_sasaran, catalogue.sasaran)]
        )
    else:  # the sasaran figures are needed only when the sasaran are looked at
        by_sasaran = None
        overall = _overall_of_indicators(outcomes, plan.unit_weights, zero, parts)
    policy = catalogue.policy

    def indicators() -> Iterator[IndicatorResult]:
        for outcome in outcomes:
            key = outcome.indicator.id
            raw = entries.get(key) if period is None else None  # the budget is annual
            realised = alone.get(key)
            yield result_of(catalogue, outcome, raw, realised)

    def sasaran() -> Iterator[SasaranResult]:
        values = by_sasaran if by_sasaran is not None else sasaran_values()
        for item, value, members in zip(catalogue.sasaran, values, shape.sasaran_members):
            capaian = _figure(value, policy) if value is not None else None
            status, category = _status(catalogue, capaian)
            measured = sum(1 for i in members if outcomes[i].capaian is not None)
            yield SasaranResult(item, capaian, measured, len(members), status, category)

    def findings() -> Iterator[Diagnostic]:
        yield from data_findings(catalogue, entries, outcomes)
        yield from consistency

    return Report(
        catalogue,
        data,
        Deferred(indicators),
        Deferred(sasaran),
        _figure(overall, policy) if overall is not None else None,
        Deferred(findings),
        period,
    )


@attrs.frozen
class _Shape:
    """What evaluating any data with a catalogue needs to know of it, worked out once."""

    order: tuple[Indicator, ...]
    #: No indicator waits for another's result: the order is the catalogue's.
    in_catalogue_order: bool
    #: Per sasaran, the positions of its indicators in the catalogue.
    sasaran_members: tuple[tuple[int, ...], ...]
    #: The value an unmeasured indicator counts as in a roll-up (None: left out).
    unmeasured: Decimal | None
    overall_of_sasaran: bool


_SHAPES: dict[int, tuple[Catalogue, _Shape]] = {}


def _shape_of(catalogue: Catalogue) -> _Shape:
    known = _SHAPES.get(id(catalogue))
    if known is not None and known[0] is catalogue:
        return known[1]
    policy = catalogue.policy
    order = tuple(evaluation_order(catalogue.indicators))
    shape = _Shape(
        order,
        order == catalogue.indicators,
        tuple(
            tuple(i for i, ind in enumerate(catalogue.indicators) if ind.sasaran == item.id)
            for item in catalogue.sasaran
        ),
        Decimal(0) if policy.not_applicable == "zero" else None,
        policy.overall == "sasaran",
    )
    if len(_SHAPES) > 256:
        _SHAPES.clear()
    _SHAPES[id(catalogue)] = (catalogue, shape)
    return shape


def _overall_of_indicators(
    outcomes: tuple[Outcome, ...],
    unit_weights: bool,
    zero: Decimal | None,
    parts: Callable[[], list[Part]],
) -> Decimal | None:
    """The weighted mean of every indicator's capaian; a plain mean (the same figure, without a
    :class:`Part` per indicator) when every weight is exactly 1."""
    if not unit_weights:
        return weighted_mean(parts())
    if zero is None:
        values = [o.capaian for o in outcomes if o.capaian is not None]
    else:
        values = [zero if o.capaian is None else o.capaian for o in outcomes]
    return plain_mean(values)


@attrs.frozen
class _Plan:
    """Evaluating any data with one catalogue and one N/A rule, for one period or the year:
    what does not depend on the data, worked out once (a country's units evaluate the same
    few catalogues thousands of times)."""

    shape: _Shape
    #: In evaluation order: the indicator, the same with the period's target, whether it takes
    #: other indicators' results, the decision of the latter (its :func:`decide` with every
    #: lookup done) and of the former (for the realisasi of single periods).
    steps: tuple[tuple[Indicator, Indicator, bool, Decision, Decision], ...]
    #: When no indicator takes another's result: the year's steps, in catalogue order.
    yearly: tuple[tuple[Indicator, Decision], ...] | None
    #: Every indicator weighs exactly ``Decimal(1)``: the overall figure is a plain mean.
    unit_weights: bool


_PLANS: dict[tuple[int, NotApplicableRule, Period | None], tuple[Catalogue, _Plan]] = {}


def _plan_of(
    catalogue: Catalogue, not_applicable: NotApplicableRule, period: Period | None
) -> _Plan:
    """The plan for this catalogue, rule and period, made the first time it is asked for.

    Kept by the rule itself, not its id: ``engine.not_applicable`` is a new bound method at
    every look-up, equal to the last one. A rule that cannot be hashed gets a plan per call.
    """
    key = (id(catalogue), not_applicable, period)
    try:
        known = _PLANS.get(key)
    except TypeError:  # an unhashable rule
        return _make_plan(catalogue, not_applicable, period)
    if known is not None and known[0] is catalogue:
        return known[1]
    plan = _make_plan(catalogue, not_applicable, period)
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[key] = (catalogue, plan)  # the catalogue kept alive: its id stays its own
    return plan


def _make_plan(
    catalogue: Catalogue, not_applicable: NotApplicableRule, period: Period | None
) -> _Plan:
    shape = _shape_of(catalogue)
    steps = []
    for indicator in shape.order:
        for_period = indicator if period is None else _for_period(indicator, period)
        decision = _decision(catalogue, for_period, not_applicable)
        own = decision
        if for_period is not indicator:  # a period's own target: decide with the annual one too
            own = _decision(catalogue, indicator, not_applicable)
        steps.append((indicator, for_period, bool(indicator.uses), decision, own))
    yearly = None
    if period is None and shape.in_catalogue_order and not any(i.uses for i in shape.order):
        yearly = tuple((indicator, decision) for indicator, _, _, decision, _ in steps)
    unit_weights = all(is_unit_weight(i.weight) for i in catalogue.indicators)
    return _Plan(shape, tuple(steps), yearly, unit_weights)


def _decision(
    catalogue: Catalogue, indicator: Indicator, not_applicable: NotApplicableRule
) -> Decision:
    """``decide(catalogue, indicator, entry, not_applicable, native=True)`` for any entry.

    For an indicator with a single target, capaian over the exact realisasi and no zero-target
    rule to apply (nearly all of them), the common entry (inputs, no reported realisasi) takes
    a lean path: the compiled formulas, the N/A functions for the catalogue's unit type, the
    target, floor and cap are looked up here, once, instead of for every unit. Every other case
    is :func:`decide` itself.
    """

    def general(entry: DataEntry | None) -> Outcome:
        return decide(catalogue, indicator, entry, not_applicable, True)

    policy = catalogue.policy
    target = indicator.target
    if target is None or target.is_range or policy.capaian_from != "exact":
        return general
    bound = target.lower
    if bound == 0 and (indicator.zero_target or policy.zero_target) is not None:
        return general
    rate_formula = indicator.capaian or (
        policy.capaian_higher if indicator.polarity is Polarity.HIGHER else policy.capaian_lower
    )
    realise = indicator.formula.compiled(native=True)
    rate = rate_formula.compiled(native=True)
    rule = indicator.not_applicable
    rules = chain_of(not_applicable, catalogue.unit_type)
    floor = indicator.capaian_floor if indicator.capaian_floor is not None else policy.capaian_floor
    cap = indicator.capaian_cap if indicator.capaian_cap is not None else policy.capaian_cap

    def lean(entry: DataEntry | None) -> Outcome:
        if entry is None or entry.realisasi is not None or entry.not_measured is not None:
            return general(entry)
        inputs = entry.inputs
        reason = None if rule is None else catalogue_rule(indicator, inputs)
        if not reason:  # "" or None: the plugins decide, as decide's ``reason or …``
            reason = None
            for function in rules:
                reason = function(catalogue, indicator, inputs)
                if reason is not None:
                    break
        if reason is None:
            try:
                realisasi = realise(inputs)
            except NotMeasurable as error:
                reason = error.reason
        if reason is not None:
            fields = (indicator, "not_applicable", inputs, entry.origin, None, None, reason,
                      None, _NO_VALUES, False, False, None, None)  # fmt: skip
            return _new_tuple(Outcome, fields)
        values = {"R": realisasi, "T": bound}
        try:
            exact = rate(values)
        except NotMeasurable as error:
            reason = f"capaian tidak dapat dihitung: {error.reason}"
            fields = (indicator, "formula", inputs, entry.origin, realisasi, None, reason,
                      None, _NO_VALUES, False, False, None, None)  # fmt: skip
            return _new_tuple(Outcome, fields)
        if cap is not None and exact > cap:
            fields = (indicator, "formula", inputs, entry.origin, realisasi, cap, None,
                      rate_formula, values, True, False, exact, None)  # fmt: skip
        elif floor is not None and exact < floor:
            fields = (indicator, "formula", inputs, entry.origin, realisasi, floor, None,
                      rate_formula, values, False, True, exact, None)  # fmt: skip
        else:
            fields = (indicator, "formula", inputs, entry.origin, realisasi, exact, None,
                      rate_formula, values, False, False, None, None)  # fmt: skip
        return _new_tuple(Outcome, fields)

    return lean


#: Outcome's own default for ``capaian_inputs`` (the same object its constructor gives).
_NO_VALUES = Outcome._field_defaults["capaian_inputs"]


def _to_date(
    catalogue: Catalogue,
    indicator: Indicator,
    raw: DataEntry | None,
    period: Period | None,
    decision: Decision,
    consistency: list[Diagnostic],
    alone: dict[str, Decimal],
) -> DataEntry | None:
    """The entry for the figure to date of ``period`` (the year when None), consolidated from
    the data's periods; records a year that disagrees with its periods, and the realisasi of
    the period alone. ``decision``: the indicator's (with its annual target)."""

    def realisasi_of(entry: DataEntry) -> Decimal | None:
        return decision(entry).realisasi

    entry = to_date(indicator, catalogue.policy, raw, period or YEAR, realisasi_of)
    if raw is not None and period is None:
        disagreement = annual_disagreement(indicator, catalogue.policy, raw, realisasi_of)
        if disagreement is not None:
            consistency.append(_disagreement(indicator, raw, disagreement))
    if period is not None and raw is not None and period in raw.periods:
        realised = realisasi_of(raw.periods[period])
        if realised is not None:
            alone[indicator.id] = realised
    return entry


def _for_period(indicator: Indicator, period: Period | None) -> Indicator:
    """The indicator with the target that applies to the figure to date of ``period``.

    A target declared for that period (``period_targets``), or for one that ends with it
    (``Q2`` for June, ``S1`` for ``Q2``), applies; otherwise the annual target is applied to
    the year-to-date figure.
    """
    if period is None or not indicator.period_targets:
        return indicator
    exact = indicator.period_targets.get(period)
    if exact is None:
        ending = [p for p in indicator.period_targets if p.last == period.last]
        exact = indicator.period_targets[min(ending)] if ending else None
    return indicator if exact is None else attrs.evolve(indicator, target=exact)


def _disagreement(indicator: Indicator, entry: DataEntry, words: str) -> Diagnostic:
    return Diagnostic(
        "KR411",
        f"indicator '{indicator.id}': the annual figure and its periods disagree: {words}",
        entry.location,
        "correct the annual figure or the periods; the annual figure is the one evaluated for "
        "the year",
        Severity.WARNING,
    )


def _composed_entry(
    indicator: Indicator, entry: DataEntry | None, done: Mapping[str, Outcome]
) -> DataEntry | None | str:
    """The data entry with the inputs taken from other indicators' results added; a reason
    (str) when a result it needs cannot be measured. Data-only indicators pass unchanged."""
    derived = [spec for spec in indicator.inputs if spec.source is not None]
    if not derived:
        return entry
    if entry is not None and (entry.realisasi is not None or entry.not_measured is not None):
        return entry
    values = dict(entry.inputs) if entry is not None else {}
    for spec in derived:
        source_id, part = spec.source
        outcome = done[source_id]
        exact = outcome.realisasi if part == "realisasi" else outcome.capaian
        if exact is None:
            return f"{spec.name} ({part} {source_id}) tidak dapat diukur: {outcome.na_reason}"
        values[spec.name] = exact.normalize(CONTEXT)  # 90, not 90.00: same value
    if entry is None and indicator.data_inputs:
        return None  # the data says nothing of the inputs it must give
    location = entry.location if entry is not None else indicator.location
    return DataEntry(indicator.id, values, None, None, None, location)


def _unmeasured(indicator: Indicator, reason: str) -> Outcome:
    """An indicator whose composite inputs cannot be measured."""
    return Outcome(indicator, "not_applicable", {}, None, None, None, reason)


def evaluate_indicator(
    catalogue: Catalogue,
    indicator: Indicator,
    entry: DataEntry | None,
    not_applicable: NotApplicableRule,
) -> IndicatorResult:
    """One indicator's realisasi, capaian and status, with the derivation."""
    return result_of(catalogue, decide(catalogue, indicator, entry, not_applicable))


def _decide_all(
    catalogue: Catalogue,
    data: UnitData,
    period: Period | None,
    plan: _Plan,
    consistency: list[Diagnostic],
    alone: dict[str, Decimal],
) -> tuple[Outcome, ...]:
    """Every indicator's :func:`decide`, in dependency order; the outcomes in catalogue order."""
    entries = data.entries
    if plan.yearly is not None:  # the year, no composite indicator: one decision after another
        outcomes = []
        for indicator, decision in plan.yearly:
            raw = entries.get(indicator.id)
            if raw is not None and (raw.periods or not raw.annual):
                raw = _to_date(catalogue, indicator, raw, None, decision, consistency, alone)
            outcomes.append(decision(raw))
        return tuple(outcomes)
    done: dict[str, Outcome] = {}
    for indicator, for_period, composite, decision, own in plan.steps:
        raw = entries.get(indicator.id)
        if period is None and (raw is None or (raw.annual and not raw.periods)):
            entry = raw  # the common case: an annual figure, nothing to consolidate
        else:
            entry = _to_date(catalogue, indicator, raw, period, own, consistency, alone)
        if composite:
            composed = _composed_entry(for_period, entry, done)
            if isinstance(composed, str):
                done[indicator.id] = _unmeasured(for_period, composed)
                continue
            entry = composed
        done[indicator.id] = decision(entry)
    if plan.shape.in_catalogue_order:
        return tuple(done.values())
    return tuple(done[indicator.id] for indicator in catalogue.indicators)


def decide(
    catalogue: Catalogue,
    indicator: Indicator,
    entry: DataEntry | None,
    not_applicable: NotApplicableRule,
    native: bool = False,
) -> Outcome:
    """One indicator's exact realisasi and capaian, or why it cannot be measured.

    ``native``: the caller runs under ``localcontext(CONTEXT)``, so the formulas' native form
    may be used (the same figures, faster)."""
    if entry is None:
        return Outcome(indicator, "missing", {}, None, None, None, "tidak ada data realisasi")
    inputs, origin = entry.inputs, entry.origin
    if entry.not_measured is not None:
        return Outcome(indicator, "not_measured", inputs, origin, None, None, entry.not_measured)
    if entry.realisasi is not None:
        exact, source = entry.realisasi, "reported"
    else:
        reason = None if indicator.not_applicable is None else catalogue_rule(indicator, inputs)
        reason = reason or not_applicable(catalogue, indicator, inputs)
        if reason is not None:
            return Outcome(indicator, "not_applicable", inputs, origin, None, None, reason)
        try:
            formula = indicator.formula
            run = formula.native or formula.evaluator if native else formula.evaluator
            exact = run(inputs)  # Formula.evaluate, one call less
        except NotMeasurable as error:
            return Outcome(indicator, "not_applicable", inputs, origin, None, None, error.reason)
        source = "formula"
    return _with_capaian(catalogue, indicator, source, inputs, origin, exact, native)


def catalogue_rule(indicator: Indicator, inputs: Mapping[str, Decimal]) -> str | None:
    """The catalogue's own N/A rule (``[indicator.not_applicable]``) if it applies to ``inputs``."""
    rule = indicator.not_applicable
    if rule is None:
        return None
    try:
        return rule.reason if rule.when.evaluate(inputs) else None
    except NotMeasurable as error:
        return error.reason


def _with_capaian(
    catalogue: Catalogue,
    indicator: Indicator,
    source: str,
    inputs: Mapping[str, Decimal],
    origin: str | None,
    realisasi: Decimal,
    native: bool = False,
) -> Outcome:
    """Capaian by the indicator's rule (or the policy's for its polarity), against a single or a
    range target, with the declared meaning of a zero target, floored and capped."""
    policy = catalogue.policy
    target = indicator.target
    if target is None:
        reason = f"tidak ada target untuk tahun {catalogue.year}"
        return Outcome(indicator, source, inputs, origin, realisasi, None, reason)
    formula: Formula | None = indicator.capaian or (
        policy.capaian_higher if indicator.polarity is Polarity.HIGHER else policy.capaian_lower
    )  # Policy.capaian_formula, inline: once per indicator of a country
    r = realisasi
    if policy.capaian_from != "exact":
        r = round_shown(r, policy.decimals, policy.rounding)
    bound, branch = target.lower, None
    if bound != target.upper:  # a range (PermenPANRB): above it the upper bound, below the lower
        if r > target.upper:
            bound, branch = target.upper, "above"
        elif r < target.lower:
            bound, branch = target.lower, "below"
        else:
            formula, branch, exact = None, "inside", policy.range_inside
    values = {"R": r, "T": bound}
    if formula is not None and bound == 0:
        zero = indicator.zero_target or policy.zero_target
        if zero is not None:
            met = r <= 0 if indicator.polarity is Polarity.LOWER else r >= 0
            formula, branch = None, "zero_met" if met else "zero_missed"
            exact = zero.met if met else zero.missed
    if formula is not None:
        try:
            exact = (formula.native or formula.evaluator if native else formula.evaluator)(values)
        except NotMeasurable as error:
            reason = f"capaian tidak dapat dihitung: {error.reason}"
            return Outcome(indicator, source, inputs, origin, realisasi, None, reason)
    floor = indicator.capaian_floor if indicator.capaian_floor is not None else policy.capaian_floor
    cap = indicator.capaian_cap if indicator.capaian_cap is not None else policy.capaian_cap
    used = values if formula is not None else {}
    # Every field in Outcome's order, made without its constructor: the hot path of a country.
    if cap is not None and exact > cap:
        fields = (indicator, source, inputs, origin, realisasi, cap, None,
                  formula, used, True, False, exact, branch)  # fmt: skip
    elif floor is not None and exact < floor:
        fields = (indicator, source, inputs, origin, realisasi, floor, None,
                  formula, used, False, True, exact, branch)  # fmt: skip
    else:
        fields = (indicator, source, inputs, origin, realisasi, exact, None,
                  formula, used, False, False, None, branch)  # fmt: skip
    return _new_tuple(Outcome, fields)


def _derivation(
    policy: Policy, outcome: Outcome, realisasi: Figure | None, capaian: Figure | None
) -> Derivation:
    indicator = outcome.indicator
    return Derivation(
        outcome.source,
        indicator.formula,
        outcome.inputs,
        indicator.unit,
        policy.decimals,
        realisasi,
        capaian_formula=outcome.capaian_formula,
        capaian_inputs=dict(outcome.capaian_inputs),
        capaian=capaian,
        capped=outcome.capped,
        floored=outcome.floored,
        unbounded=outcome.unbounded,
        capaian_branch=outcome.capaian_branch,
        target=indicator.target if capaian is not None else None,
        origin=outcome.origin,
        input_units=indicator.input_units,
    )


def result_of(
    catalogue: Catalogue,
    outcome: Outcome,
    entry: DataEntry | None = None,
    period_realisasi: Decimal | None = None,
) -> IndicatorResult:
    """The result a reader sees of an outcome: shown figures, status, band and derivation; the
    PK's budget for the indicator and what ``entry`` says was realised of it."""
    policy = catalogue.policy
    indicator = outcome.indicator
    realisasi = _figure(outcome.realisasi, policy) if outcome.realisasi is not None else None
    capaian = _figure(outcome.capaian, policy) if outcome.capaian is not None else None
    derivation = functools.partial(_derivation, policy, outcome, realisasi, capaian)
    status, category = _status(catalogue, capaian)
    pagu = indicator.anggaran
    anggaran = None
    if pagu is not None:
        anggaran = Anggaran(pagu, entry.realisasi_anggaran if entry is not None else None)
    return IndicatorResult(
        indicator,
        indicator.target,
        realisasi,
        capaian,
        status,
        outcome.na_reason,
        derivation,
        anggaran,
        category,
        _figure(period_realisasi, policy) if period_realisasi is not None else None,
    )


def _figure(exact: Decimal, policy: Policy) -> Figure:
    return Figure(exact, round_shown(exact, policy.decimals, policy.rounding))


def _status(catalogue: Catalogue, capaian: Figure | None) -> tuple[Status, str | None]:
    """The status and the band (category) of a capaian, judged on its exact or shown value."""
    if capaian is None:
        return Status.TIDAK_DAPAT_DIUKUR, None
    value = capaian.exact if catalogue.policy.status_from == "exact" else capaian.shown
    band = classify(catalogue.bands, value)
    achieved = band.achieved if band is not None and band.achieved is not None else value >= 100
    return (Status.TERCAPAI if achieved else Status.TIDAK_TERCAPAI), (band and band.name)
