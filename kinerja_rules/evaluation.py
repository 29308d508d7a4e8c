"""Evaluating a unit's data against its catalogue: realisasi, capaian, status, roll-ups.

The order of decisions for one indicator:

1. no data, or the data says it was not measured → N/A with that reason;
2. a realisasi reported directly is taken as is;
3. otherwise the catalogue's own rule (``[indicator.not_applicable]``), then the unit type's
   plugins (``kinerja_not_applicable``), may declare it N/A for these inputs;
4. otherwise the formula runs; a division by zero makes it N/A ("pembagian dengan nol");
5. capaian comes from the catalogue's capaian formula for the indicator's polarity, over the exact
   or the shown realisasi as the policy says, capped when the policy has a cap; no target, or a
   zero target, leaves capaian N/A.

Sasaran and overall capaian are means of the measurable indicators' exact capaian (or, under the
legacy ``not_applicable = "zero"`` policy, with N/A counted as 0). Rounding happens only for the
shown figures. Status is "tercapai" when the exact capaian is at least 100.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Optional

import attrs

from .data import DataEntry, UnitData
from .decimals import mean, round_shown
from .formula import NotMeasurable
from .model import Catalogue, Indicator, Policy
from .results import (
    Anggaran,
    Derivation,
    Figure,
    IndicatorResult,
    Report,
    SasaranResult,
    Status,
)

#: Decides N/A before a formula runs: (catalogue, indicator, inputs) -> reason or None.
NotApplicableRule = Callable[[Catalogue, Indicator, Mapping[str, Decimal]], Optional[str]]


def evaluate(catalogue: Catalogue, data: UnitData, not_applicable: NotApplicableRule) -> Report:
    """Evaluate every indicator of ``catalogue`` for ``data`` and roll the results up."""
    results = tuple(
        _with_anggaran(
            evaluate_indicator(
                catalogue, indicator, data.entries.get(indicator.id), not_applicable
            ),
            data.entries.get(indicator.id),
        )
        for indicator in catalogue.indicators
    )
    policy = catalogue.policy
    sasaran = []
    for item in catalogue.sasaran:
        own = [r for r in results if r.indicator.sasaran == item.id]
        capaian = _roll_up(own, policy)
        sasaran.append(
            SasaranResult(
                sasaran=item,
                capaian=capaian,
                measured=sum(1 for r in own if r.measured),
                total=len(own),
                status=_status(capaian),
            )
        )
    return Report(catalogue, data, results, tuple(sasaran), _roll_up(list(results), policy))


def evaluate_indicator(
    catalogue: Catalogue,
    indicator: Indicator,
    entry: DataEntry | None,
    not_applicable: NotApplicableRule,
) -> IndicatorResult:
    """One indicator's realisasi, capaian and status, with the derivation."""
    policy = catalogue.policy
    inputs = entry.inputs if entry is not None else {}

    def derivation(source: str, realisasi: Figure | None = None) -> Derivation:
        return Derivation(
            source, indicator.formula, dict(inputs), indicator.unit, policy.decimals, realisasi
        )

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
    return _with_capaian(catalogue, indicator, realisasi, derivation(source, realisasi))


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
    catalogue: Catalogue, indicator: Indicator, realisasi: Figure, derivation: Derivation
) -> IndicatorResult:
    policy = catalogue.policy
    target = indicator.target

    def not_measurable(reason: str) -> IndicatorResult:
        return IndicatorResult(
            indicator, target, realisasi, None, Status.TIDAK_DAPAT_DIUKUR, reason, derivation
        )

    if target is None:
        return not_measurable(f"tidak ada target untuk tahun {catalogue.year}")
    formula = policy.capaian_formula(indicator.polarity)
    values = {
        "R": realisasi.exact if policy.capaian_from == "exact" else realisasi.shown,
        "T": target,
    }
    try:
        exact = formula.evaluate(values)
    except NotMeasurable as error:
        return not_measurable(f"capaian tidak dapat dihitung: {error.reason}")
    capped = policy.capaian_cap is not None and exact > policy.capaian_cap
    if capped:
        exact = policy.capaian_cap
    capaian = _figure(exact, policy)
    derivation = attrs.evolve(
        derivation, capaian_formula=formula, capaian_inputs=values, capaian=capaian, capped=capped
    )
    status = Status.TERCAPAI if exact >= 100 else Status.TIDAK_TERCAPAI
    return IndicatorResult(indicator, target, realisasi, capaian, status, None, derivation)


def _roll_up(results: list[IndicatorResult], policy: Policy) -> Figure | None:
    values = [r.capaian.exact for r in results if r.capaian is not None]
    if policy.not_applicable == "zero":
        values += [Decimal(0) for r in results if r.capaian is None]
    if not values:
        return None
    return _figure(mean(values), policy)


def _figure(exact: Decimal, policy: Policy) -> Figure:
    return Figure(exact, round_shown(exact, policy.decimals, policy.rounding))


def _status(capaian: Figure | None) -> Status:
    if capaian is None:
        return Status.TIDAK_DAPAT_DIUKUR
    return Status.TERCAPAI if capaian.exact >= 100 else Status.TIDAK_TERCAPAI
