"""The evaluation's plans decide exactly as :func:`kinerja_rules.evaluation.decide` does.

``evaluate`` works out once per catalogue, N/A rule and period what each indicator's decision
needs (its compiled formulas, the plugins' N/A functions for the unit type, the target, floor
and cap) and takes a lean path for the common entry. Every outcome must be ``decide``'s, field
for field and digit for digit, for every kind of entry, catalogue, rule and period; and the
plain mean behind the overall figure must be ``weighted_mean``'s.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules import Engine
from kinerja_rules.data import DataEntry
from kinerja_rules.decimals import CONTEXT
from kinerja_rules.diagnostics import Location
from kinerja_rules.evaluation import _plan_of, decide
from kinerja_rules.periods import month, quarter, semester
from kinerja_rules.plugin_rules import PluginRules
from kinerja_rules.rollup import Part, is_unit_weight, plain_mean, weighted_mean

from .made_up import CATALOGUES, counts, numbers

PERIODS = [None, month(3), quarter(2), semester(1), month(9), month(12)]
_ENGINES: dict = {}


@pytest.fixture(scope="module", autouse=True)
def engines(tmp_path_factory):
    """The made-up catalogues (every capaian rule and policy) and the bundled ones."""
    folder = tmp_path_factory.mktemp("plans") / "katalog"
    folder.mkdir()
    for name, text in CATALOGUES.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    made_up = Engine.create([folder], entry_points=False)
    bundled = Engine.create(entry_points=False)
    _ENGINES["catalogues"] = [made_up.catalogue(t, 2024) for t in sorted(CATALOGUES)] + sorted(
        bundled.catalogues, key=lambda c: c.key
    )
    _ENGINES["rules"] = [
        bundled._rule(),  # the plugins' rules, called directly by the plans
        bundled.not_applicable,  # any other callable: called as it is
        lambda catalogue, indicator, inputs: "kecil" if inputs.get("B") == 1 else None,
        lambda catalogue, indicator, inputs: "",  # a reason that is empty is still a reason
    ]


@st.composite
def entries(draw, indicator):
    """An entry as the data (or the consolidation to date) gives it, or none."""
    location = Location("test")
    mode = draw(st.sampled_from(["inputs", "inputs", "inputs", "real", "nm", "none"]))
    if mode == "none":
        return None
    if mode == "real":
        value = Decimal(draw(st.sampled_from(["0", "12.5", "80", "99.995", "1000"])))
        return DataEntry(indicator.id, {}, value, None, None, location)
    if mode == "nm":
        return DataEntry(indicator.id, {}, None, "tidak ada", None, location)
    inputs = {
        spec.name: Decimal(str(draw(numbers if spec.kind == "number" else counts)))
        for spec in indicator.inputs
    }
    origin = draw(st.sampled_from([None, "jumlah Januari–Maret"]))
    return DataEntry(indicator.id, inputs, None, None, None, location, origin=origin)


@given(st.data())
def test_every_planned_decision_is_decide(data):
    rule = data.draw(st.sampled_from(_ENGINES["rules"]))
    period = data.draw(st.sampled_from(PERIODS))
    for catalogue in _ENGINES["catalogues"]:
        for indicator, for_period, _, decision, own in _plan_of(catalogue, rule, period).steps:
            entry = data.draw(entries(for_period))
            for made, which in ((decision, for_period), (own, indicator)):
                with localcontext(CONTEXT):  # as evaluate runs them
                    got = made(entry)
                    expected = decide(catalogue, which, entry, rule, True)
                exact = decide(catalogue, which, entry, rule)
                assert repr(got) == repr(expected) == repr(exact)  # every digit and exponent
                assert got == expected


def test_a_plan_is_made_once_per_catalogue_rule_and_period():
    engine = Engine.create(entry_points=False)
    catalogue = engine.catalogue("lpka", 2023)
    rule = engine._rule()
    assert isinstance(rule, PluginRules)
    assert _plan_of(catalogue, rule, None) is _plan_of(catalogue, rule, None)
    # A bound method is new at every look-up, and equal to the last: the same plan.
    assert _plan_of(catalogue, engine.not_applicable, None) is _plan_of(
        catalogue, engine.not_applicable, None
    )
    assert _plan_of(catalogue, rule, month(3)) is not _plan_of(catalogue, rule, None)


quotients = st.builds(
    lambda a, b: CONTEXT.divide(Decimal(a), Decimal(b)),
    st.integers(0, 10**12),
    st.integers(1, 10**6),
)
values = st.one_of(
    quotients,
    st.decimals(0, 10**6, places=6, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0"), Decimal("0.00"), Decimal("1E+2"), Decimal("100.0")]),
)


@given(st.lists(values, max_size=40))
def test_plain_mean_is_weighted_mean_of_unit_weights(listed):
    expected = weighted_mean([Part(value) for value in listed])
    assert repr(plain_mean(listed)) == repr(expected)


def test_only_a_weight_of_exactly_one_is_a_unit_weight():
    assert is_unit_weight(Decimal(1)) and is_unit_weight(Decimal("1E0"))
    for other in ("1.0", "-1", "2", "0", "0.5", "10E-1"):
        assert not is_unit_weight(Decimal(other)), other
    # why 1.0 is not: the weighted mean divides by a sum of weights with its exponent
    parts = [Part(Decimal(80), Decimal("1.0")), Part(Decimal(80), Decimal("1.0"))]
    assert str(weighted_mean(parts)) == "8E+1" != str(plain_mean([Decimal(80)] * 2))
