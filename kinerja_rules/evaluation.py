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

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Optional

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
from .results import (
    Anggaran,
    Derivation,
    Figure,
    IndicatorResult,
    Report,
    SasaranResult,
    Status,
)
from .rollup import Part, weighted_mean

#: Decides N/A before a formula runs: (catalogue, indicator, inputs) -> reason or None.
NotApplicableRule = Callable[[Catalogue, Indicator, Mapping[str, Decimal]], Optional[str]]


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
    """
    done: dict[str, IndicatorResult] = {}
    consistency: list[Diagnostic] = []
    for indicator in evaluation_order(catalogue.indicators):
        raw = data.entries.get(indicator.id)

        def realisasi_of(entry: DataEntry, indicator: Indicator = indicator) -> Decimal | None:
            figure = evaluate_indicator(catalogue, indicator, entry, not_applicable).realisasi
            return figure.exact if figure is not None else None

        entry = to_date(indicator, catalogue.policy, raw, period or YEAR, realisasi_of)
        if raw is not None and period is None:
            disagreement = annual_disagreement(indicator, catalogue.policy, raw, realisasi_of)
            if disagreement is not None:
                consistency.append(_disagreement(indicator, raw, disagreement))
        for_period = _for_period(indicator, period)
        composed = _composed_entry(for_period, entry, done)
        if isinstance(composed, str):
            result = _unmeasured(catalogue, for_period, composed)
        else:
            result = evaluate_indicator(catalogue, for_period, composed, not_applicable)
        if period is not None and raw is not None and period in raw.periods:
            alone = realisasi_of(raw.periods[period])
            if alone is not None:
                result = attrs.evolve(result, period_realisasi=_figure(alone, catalogue.policy))
        # The budget realised is an annual figure: shown for the year, not for a period to date.
        done[indicator.id] = _with_anggaran(result, raw if period is None else None)
    results = tuple(done[indicator.id] for indicator in catalogue.indicators)
    policy = catalogue.policy
    sasaran = []
    for item in catalogue.sasaran:
        own = [r for r in results if r.indicator.sasaran == item.id]
        capaian = _roll_up([_part(r, policy) for r in own], policy)
        status, category = _status(catalogue, capaian)
        sasaran.append(
            SasaranResult(
                sasaran=item,
                capaian=capaian,
                measured=sum(1 for r in own if r.measured),
                total=len(own),
                status=status,
                category=category,
            )
        )
    if policy.overall == "sasaran":
        parts = [Part(s.capaian.exact if s.capaian else None, s.sasaran.weight) for s in sasaran]
    else:
        parts = [_part(r, policy) for r in results]
    findings = (*data_findings(catalogue, data.entries, results), *consistency)
    overall = _roll_up(parts, policy)
    return Report(catalogue, data, results, tuple(sasaran), overall, findings, period)


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
    indicator: Indicator, entry: DataEntry | None, done: Mapping[str, IndicatorResult]
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
        result = done[source_id]
        figure = result.realisasi if part == "realisasi" else result.capaian
        if figure is None:
            return f"{spec.name} ({part} {source_id}) tidak dapat diukur: {result.na_reason}"
        values[spec.name] = figure.exact.normalize(CONTEXT)  # 90, not 90.00: same value
    if entry is None and indicator.data_inputs:
        return None  # the data says nothing of the inputs it must give
    location = entry.location if entry is not None else indicator.location
    return DataEntry(indicator.id, values, None, None, None, location)


def _unmeasured(catalogue: Catalogue, indicator: Indicator, reason: str) -> IndicatorResult:
    derivation = Derivation(
        "not_applicable", indicator.formula, {}, indicator.unit, catalogue.policy.decimals
    )
    return IndicatorResult(
        indicator, indicator.target, None, None, Status.TIDAK_DAPAT_DIUKUR, reason, derivation
    )


def _part(result: IndicatorResult, policy: Policy) -> Part:
    """An indicator in a roll-up: its exact capaian and weight; N/A is left out, or counts as 0
    under the legacy ``not_applicable = "zero"`` policy."""
    if result.capaian is not None:
        return Part(result.capaian.exact, result.indicator.weight)
    zero = Decimal(0) if policy.not_applicable == "zero" else None
    return Part(zero, result.indicator.weight)


def evaluate_indicator(
    catalogue: Catalogue,
    indicator: Indicator,
    entry: DataEntry | None,
    not_applicable: NotApplicableRule,
) -> IndicatorResult:
    """One indicator's realisasi, capaian and status, with the derivation."""
    policy = catalogue.policy
    inputs = entry.inputs if entry is not None else {}

    origin = entry.origin if entry is not None else None

    def derivation(source: str, realisasi: Figure | None = None) -> Derivation:
        return Derivation(
            source, indicator.formula, inputs, indicator.unit, policy.decimals, realisasi,
            origin=origin,
        )  # fmt: skip

    def not_measurable(reason: str, source: str) -> IndicatorResult:
        return IndicatorResult(
            indicator,
            indicator.target,
            None,
            None,
            Status.TIDAK_DAPAT_DIUKUR,
            reason,
            derivation(source),
        )

    if entry is None:
        return not_measurable("tidak ada data realisasi", "missing")
    if entry.not_measured is not None:
        return not_measurable(entry.not_measured, "not_measured")
    if entry.realisasi is not None:
        exact, source = entry.realisasi, "reported"
    else:
        reason = catalogue_rule(indicator, entry.inputs) or not_applicable(
            catalogue, indicator, entry.inputs
        )
        if reason is not None:
            return not_measurable(reason, "not_applicable")
        try:
            exact = indicator.formula.evaluate(entry.inputs)
        except NotMeasurable as error:
            return not_measurable(error.reason, "not_applicable")
        source = "formula"
    realisasi = _figure(exact, policy)
    base = (source, indicator.formula, inputs, indicator.unit, policy.decimals, realisasi, origin)
    return _with_capaian(catalogue, indicator, realisasi, base)


def _with_anggaran(result: IndicatorResult, entry: DataEntry | None) -> IndicatorResult:
    """Attach the PK's budget for the indicator and, when the data gives it, its realisation."""
    pagu = result.indicator.anggaran
    if pagu is None:
        return result
    spent = entry.realisasi_anggaran if entry is not None else None
    return attrs.evolve(result, anggaran=Anggaran(pagu, spent))


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
    catalogue: Catalogue, indicator: Indicator, realisasi: Figure, base: tuple
) -> IndicatorResult:
    """Capaian by the indicator's rule (or the policy's for its polarity), against a single or a
    range target, with the declared meaning of a zero target, floored and capped.

    ``base`` holds the realisasi's derivation fields; the derivation is built once, at the end.
    """
    policy = catalogue.policy
    target = indicator.target

    def not_measurable(reason: str) -> IndicatorResult:
        derivation = Derivation(*base[:6], origin=base[6])
        return IndicatorResult(
            indicator, target, realisasi, None, Status.TIDAK_DAPAT_DIUKUR, reason, derivation
        )

    if target is None:
        return not_measurable(f"tidak ada target untuk tahun {catalogue.year}")
    formula: Formula | None = indicator.capaian or policy.capaian_formula(indicator.polarity)
    r = realisasi.exact if policy.capaian_from == "exact" else realisasi.shown
    bound, branch = target.value, None
    if target.is_range:  # PermenPANRB: the upper bound above the range, the lower one below
        if r > target.upper:
            bound, branch = target.upper, "above"
        elif r < target.lower:
            bound, branch = target.lower, "below"
        else:
            formula, branch, exact = None, "inside", policy.range_inside
    values = {"R": r, "T": bound}
    zero = indicator.zero_target or policy.zero_target
    if formula is not None and bound == 0 and zero is not None:
        met = r <= 0 if indicator.polarity is Polarity.LOWER else r >= 0
        formula, branch = None, "zero_met" if met else "zero_missed"
        exact = zero.met if met else zero.missed
    if formula is not None:
        try:
            exact = formula.evaluate(values)
        except NotMeasurable as error:
            return not_measurable(f"capaian tidak dapat dihitung: {error.reason}")
    floor = indicator.capaian_floor if indicator.capaian_floor is not None else policy.capaian_floor
    cap = indicator.capaian_cap if indicator.capaian_cap is not None else policy.capaian_cap
    capped = cap is not None and exact > cap
    floored = floor is not None and exact < floor
    unbounded = exact if capped or floored else None
    if capped:
        exact = cap
    elif floored:
        exact = floor
    capaian = _figure(exact, policy)
    derivation = Derivation(
        *base[:6],
        origin=base[6],
        capaian_formula=formula,
        capaian_inputs=values if formula is not None else {},
        capaian=capaian,
        capped=capped,
        floored=floored,
        unbounded=unbounded,
        capaian_branch=branch,
        target=target,
    )
    status, category = _status(catalogue, capaian)
    return IndicatorResult(
        indicator, target, realisasi, capaian, status, None, derivation, category=category
    )


def _roll_up(parts: list[Part], policy: Policy) -> Figure | None:
    value = weighted_mean(parts)
    return _figure(value, policy) if value is not None else None


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
