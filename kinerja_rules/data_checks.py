"""The catalogue's own promises, checked against the data being evaluated.

A catalogue says what its inputs can be (``assume = ["A <= B"]``, an input's ``max``) and what
its results must satisfy (``invariants = ["0 <= value <= 100"]``). ``validate`` proves the
formulas keep those promises for every input; this module checks that the *data* keeps them:
A = 50 of B = 42 is a typing slip that a ratio would silently print as 119%. Each breach is a
located warning (an error under ``--strict``); the indicator is still computed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .diagnostics import Diagnostic, Severity
from .formatting import format_decimal
from .formula import NotMeasurable
from .model import Catalogue
from .results import Outcome


def data_findings(catalogue: Catalogue, entries, results: Sequence[Outcome]) -> list[Diagnostic]:
    """Every breach of an assumption, an input maximum or an invariant by the data."""
    found: list[Diagnostic] = []
    for result in results:
        entry = entries.get(result.indicator.id)
        if entry is not None:
            found += _breaches(catalogue, result, entry)
            # Each month's counts keep the promises too (March: A = 50 of B = 42), located at
            # the period; the invariants speak of the result, which is checked to date above.
            for period_entry in entry.periods.values():
                found += [
                    d for d in _breaches(catalogue, result, period_entry) if d.code != "KR410"
                ]
    return found


def _values(names) -> str:
    return ", ".join(f"{name} = {format_decimal(value, 'en')}" for name, value in names.items())


def _breaches(catalogue: Catalogue, result: Outcome, entry) -> Iterator[Diagnostic]:
    indicator = result.indicator
    inputs = dict(entry.inputs)
    for spec in indicator.data_inputs:
        value = inputs.get(spec.name)
        if value is not None and spec.maximum is not None and value > spec.maximum:
            yield Diagnostic(
                "KR409",
                f"indicator '{indicator.id}': {spec.name} = {format_decimal(value, 'en')} is "
                f"above the largest value the catalogue allows ({format_decimal(spec.maximum)})",
                entry.location,
                f"check the count: {spec.name} is {spec.description}",
                Severity.WARNING,
            )
    if inputs and len(inputs) == len(indicator.inputs):
        for condition in indicator.assumptions:
            try:
                holds = condition.evaluate(inputs)
            except NotMeasurable:
                continue
            if not holds:
                yield Diagnostic(
                    "KR408",
                    f"indicator '{indicator.id}': the data breaks assume {condition.text!r} "
                    f"({_values(inputs)})",
                    entry.location,
                    "check the counts against their source; the indicator is still computed",
                    Severity.WARNING,
                )
    if result.realisasi is None:
        return
    names = dict(inputs, value=result.realisasi)
    if indicator.target is not None:
        names["target"] = indicator.target.value
    if result.capaian is not None:
        names["capaian"] = result.capaian
    for invariant in indicator.invariants:
        if not invariant.formula.names <= set(names):
            continue  # speaks of inputs a reported realisasi does not give
        try:
            holds = invariant.formula.evaluate(names)
        except NotMeasurable:
            continue
        if not holds:
            shown = {k: v for k, v in names.items() if k in invariant.formula.names}
            yield Diagnostic(
                "KR410",
                f"indicator '{indicator.id}': the result breaks invariant "
                f"{invariant.formula.text!r} ({_values(shown)})",
                entry.location,
                "check the data (or the reported realisasi); the catalogue says this cannot be",
                Severity.WARNING,
            )
