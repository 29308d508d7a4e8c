"""Proving what a catalogue says its indicators compute: worked examples and invariants.

A maintainer writes, next to an indicator::

    invariants = ["0 <= value <= 100"]      # must hold for every input the domain allows
    assume = ["A <= B"]                     # the domain: non-negative counts with A <= B
    [[indicator.examples]]
    inputs = { A = 629, B = 1277 }
    realisasi = 49.26                       # at the catalogue's rounding
    capaian = 82.09

Examples are evaluated exactly as ``evaluate`` would (plugins' N/A rules included) and compared
with the stated figures at the catalogue's rounding. Invariants are checked with hypothesis over
the declared input domains (non-negative whole numbers for counts, up to ``max`` or 10**6;
decimals with two places for ``kind = "number"``), filtered by ``assume``. Runs are reproducible:
the seed is fixed (and printed by ``validate``), no example database is used, and the number of
examples is bounded. A failure names the shrunk counterexample, located at the invariant.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from .data import DataEntry
from .diagnostics import Diagnostic, Severity
from .evaluation import NotApplicableRule, evaluate_indicator
from .formatting import format_decimal
from .formula import NotMeasurable
from .model import Catalogue, Example, Indicator, InputSpec, Invariant

DEFAULT_MAXIMUM = 10**6


def check_examples(catalogue: Catalogue, not_applicable: NotApplicableRule) -> list[Diagnostic]:
    """KR501 for every example whose figures the indicator does not reproduce."""
    found = []
    for indicator in catalogue.indicators:
        for example in indicator.examples:
            problem = _example_problem(catalogue, indicator, example, not_applicable)
            if problem:
                found.append(
                    Diagnostic(
                        "KR501",
                        f"indicator '{indicator.id}': example {_inputs(example.inputs)}: {problem}",
                        example.location,
                        "fix the formula, or the expected figures if they were copied wrongly",
                    )
                )
    return found


def _example_problem(
    catalogue: Catalogue, indicator: Indicator, example: Example, rule: NotApplicableRule
) -> str | None:
    entry = DataEntry(indicator.id, dict(example.inputs), None, None, None, example.location)
    result = evaluate_indicator(catalogue, indicator, entry, rule)
    if example.not_applicable is not None:
        if result.realisasi is not None and result.na_reason is None:
            return f"expected not applicable, got realisasi {_shown(result.realisasi.shown)}"
        expected = example.not_applicable
        if isinstance(expected, str) and expected not in (result.na_reason or ""):
            return f"expected N/A reason containing {expected!r}, got {result.na_reason!r}"
        return None
    if result.realisasi is None:
        return f"expected realisasi {_shown(example.realisasi)}, got N/A ({result.na_reason})"
    problems = []
    if example.realisasi is not None and result.realisasi.shown != example.realisasi:
        problems.append(
            f"realisasi is {_shown(result.realisasi.shown)}, the catalogue states "
            f"{_shown(example.realisasi)}"
        )
    if example.capaian is not None:
        got = result.capaian.shown if result.capaian else None
        if got != example.capaian:
            problems.append(
                f"capaian is {_shown(got) if got is not None else 'N/A'}, the catalogue states "
                f"{_shown(example.capaian)}"
            )
    return "; ".join(problems) or None


#: Examples one catalogue's invariants may use in all: about 4 s of hypothesis at most (the
#: bundled LPKA 2023 catalogue, the largest, uses 1 300).
DEFAULT_EXAMPLE_BUDGET = 1_500
#: Fewest examples an invariant is checked with when a catalogue's invariants share the budget.
MIN_EXAMPLES = 20


@attrs.frozen
class InvariantRun:
    """How invariants are checked: how many examples per invariant, from which seed, and how
    many examples one catalogue's invariants may use in all.

    The budget keeps ``validate`` to seconds whatever a file holds (a 256 KiB catalogue can hold
    1 800 invariants; checking each with 100 examples would take minutes). Within it every
    invariant gets ``max_examples``; past it they share it, with at least :data:`MIN_EXAMPLES`
    each, and the ones beyond are reported as not checked (KR504), never silently skipped.
    """

    max_examples: int = 100
    seed: int = 0
    budget: int = DEFAULT_EXAMPLE_BUDGET

    def examples_each(self, invariants: int) -> int:
        if invariants * self.max_examples <= self.budget:
            return self.max_examples
        return min(self.max_examples, max(MIN_EXAMPLES, self.budget // invariants))


def check_invariants(
    catalogue: Catalogue, not_applicable: NotApplicableRule, run: InvariantRun
) -> list[Diagnostic]:
    """KR502 for every invariant hypothesis can break, KR503 when its domain is empty, KR504
    for the invariants the budget leaves unchecked."""
    found = []
    pairs = [(ind, inv) for ind in catalogue.indicators for inv in ind.invariants]
    each = run.examples_each(len(pairs))
    checkable = max(run.budget // each, 1)
    shared = attrs.evolve(run, max_examples=each)
    for indicator, invariant in pairs[:checkable]:
        diagnostic = _check_invariant(catalogue, indicator, invariant, not_applicable, shared)
        if diagnostic is not None:
            found.append(diagnostic)
    if len(pairs) > checkable:
        indicator, invariant = pairs[checkable]
        found.append(
            Diagnostic(
                "KR504",
                f"{len(pairs) - checkable} of {len(pairs)} invariants not checked, from "
                f"indicator '{indicator.id}' on: the budget of {run.budget} examples is spent "
                f"({each} per invariant)",
                invariant.location,
                "raise --example-budget, or validate the catalogue in smaller files",
                Severity.WARNING,
            )
        )
    return found


class _Violated(Exception):
    pass


def _check_invariant(
    catalogue: Catalogue,
    indicator: Indicator,
    invariant: Invariant,
    rule: NotApplicableRule,
    run: InvariantRun,
) -> Diagnostic | None:
    # hypothesis is imported here: evaluating data never needs it.
    from hypothesis import HealthCheck, Phase, assume, given, seed, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable

    strategy = st.fixed_dictionaries({spec.name: _domain(spec, st) for spec in indicator.inputs})
    counterexample: dict[str, Mapping[str, Decimal]] = {}

    @seed(run.seed)
    @settings(
        max_examples=run.max_examples,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.generate, Phase.shrink),
    )
    @given(strategy)
    def holds(inputs: dict[str, Decimal]) -> None:
        for condition in indicator.assumptions:
            try:
                assume(condition.evaluate(inputs))
            except NotMeasurable:
                assume(False)
        entry = DataEntry(indicator.id, inputs, None, None, None, invariant.location)
        result = evaluate_indicator(catalogue, indicator, entry, rule)
        if result.realisasi is None:
            return  # not measurable for these inputs: nothing to hold
        names = dict(inputs, value=result.realisasi.exact)
        if indicator.target is not None:
            names["target"] = indicator.target.value
        if result.capaian is not None:
            names["capaian"] = result.capaian.exact
        elif "capaian" in invariant.formula.names:
            return
        try:
            ok = invariant.formula.evaluate(names)
        except NotMeasurable:
            ok = False
        if not ok:
            counterexample["inputs"] = dict(inputs)
            counterexample["results"] = {k: v for k, v in names.items() if k not in inputs}
            raise _Violated

    try:
        holds()
    except _Violated:
        given_text = _inputs(counterexample["inputs"])
        results = ", ".join(
            f"{name} = {format_decimal(_short(value), 'en')}"
            for name, value in counterexample["results"].items()
        )
        return Diagnostic(
            "KR502",
            f"indicator '{indicator.id}': invariant {invariant.formula.text!r} fails for "
            f"{given_text} ({results}); shrunk counterexample, seed {run.seed}",
            invariant.location,
            "fix the formula, or tighten assume = [...] if those inputs cannot occur",
        )
    except Unsatisfiable:
        return Diagnostic(
            "KR503",
            f"indicator '{indicator.id}': no inputs satisfy assume = "
            f"{[f.text for f in indicator.assumptions]} (seed {run.seed})",
            invariant.location,
            "loosen the assumptions, or raise the inputs' max",
        )
    return None


def _domain(spec: InputSpec, st):
    maximum = spec.maximum if spec.maximum is not None else Decimal(DEFAULT_MAXIMUM)
    if spec.kind == "count":
        return st.integers(min_value=0, max_value=int(maximum)).map(Decimal)
    return st.decimals(
        min_value=0, max_value=maximum, places=2, allow_nan=False, allow_infinity=False
    )


def _inputs(values: Mapping[str, Decimal]) -> str:
    return "{ " + ", ".join(f"{k} = {format_decimal(v, 'en')}" for k, v in values.items()) + " }"


def _shown(value: Decimal | None) -> str:
    return format_decimal(value, "en") if value is not None else "N/A"


def _short(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001")) if value.as_tuple().exponent < -4 else value
