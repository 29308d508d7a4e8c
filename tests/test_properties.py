"""Invariants of every bundled formula and of the capaian policies, checked with hypothesis.

Reference values are computed independently with :class:`fractions.Fraction` (exact rationals),
never with the code under test.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kinerja_rules import Status
from kinerja_rules.catalogue import DEFAULT_CAPAIAN_HIGHER, DEFAULT_CAPAIAN_LOWER
from kinerja_rules.data import DataEntry, UnitData
from kinerja_rules.decimals import ROUNDING_MODES, round_shown
from kinerja_rules.diagnostics import Location
from kinerja_rules.evaluation import evaluate
from kinerja_rules.formula import compile_formula, default_functions

COUNTS = st.integers(min_value=0, max_value=10**9)
POSITIVE = st.integers(min_value=1, max_value=10**9)


def bundled_indicators(engine):
    return [(c, i) for c in engine.catalogues for i in c.indicators]


@pytest.fixture(scope="module")
def ratio_indicators(engine):
    """Every bundled indicator whose formula divides: the ratios."""
    found = [(c, i) for c, i in bundled_indicators(engine) if i.formula.denominators]
    assert len(found) >= 20  # both units, both years
    return found


def as_inputs(indicator, values):
    return {spec.name: Decimal(v) for spec, v in zip(indicator.inputs, values)}


def draw_parts_of_wholes(data, ratio_indicators):
    """A ratio indicator and counts for it: inputs come in (part, whole) pairs, part <= whole."""
    _, indicator = data.draw(st.sampled_from(ratio_indicators))
    values = []
    for _ in range(len(indicator.inputs) // 2):
        whole = data.draw(POSITIVE)
        values += [data.draw(st.integers(0, whole)), whole]
    return indicator, values


@given(data=st.data())
def test_ratios_of_part_to_whole_lie_in_0_100(ratio_indicators, data):
    """A / B x 100 with 0 <= A <= B and B > 0 lies in [0, 100] (for every pair of each formula)."""
    indicator, values = draw_parts_of_wholes(data, ratio_indicators)
    value = indicator.formula.evaluate(as_inputs(indicator, values))
    assert 0 <= value <= 100


@given(data=st.data(), factor=st.integers(min_value=2, max_value=10**6))
def test_scaling_all_counts_leaves_a_ratio_unchanged(ratio_indicators, data, factor):
    indicator, values = draw_parts_of_wholes(data, ratio_indicators)
    original = indicator.formula.evaluate(as_inputs(indicator, values))
    scaled = indicator.formula.evaluate(as_inputs(indicator, [v * factor for v in values]))
    # Equal to 50 significant digits: the 60-digit quotients may differ only in the last digits.
    assert abs(original - scaled) <= Decimal("1e-48")


def test_a_over_b_matches_exact_rational(engine):
    formula = engine.catalogue("bapas", 2023).indicator("klien_bekerja").formula
    value = formula.evaluate({"A": Decimal(629), "B": Decimal(1277)})
    assert abs(Fraction(value) - Fraction(62900, 1277)) < Fraction(1, 10**55)


CAPAIAN = {
    "higher": compile_formula(DEFAULT_CAPAIAN_HIGHER, frozenset("RT"), default_functions()),
    "lower": compile_formula(DEFAULT_CAPAIAN_LOWER, frozenset("RT"), default_functions()),
    "lower_inverse": compile_formula("T / R * 100", frozenset("RT"), default_functions()),
}
PERCENT = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)
TARGET = st.decimals(
    min_value=Decimal("0.01"), max_value=1000, places=2, allow_nan=False, allow_infinity=False
)


@given(r1=PERCENT, r2=PERCENT, target=TARGET)
def test_capaian_is_non_decreasing_in_realisasi_when_higher_is_better(r1, r2, target):
    low, high = sorted((r1, r2))
    capaian = CAPAIAN["higher"]
    assert capaian.evaluate({"R": low, "T": target}) <= capaian.evaluate({"R": high, "T": target})


@given(r1=PERCENT, r2=PERCENT, target=TARGET, policy=st.sampled_from(["lower", "lower_inverse"]))
def test_capaian_is_non_increasing_in_realisasi_when_lower_is_better(r1, r2, target, policy):
    low, high = sorted((r1, r2))
    assume(policy != "lower_inverse" or low > 0)
    capaian = CAPAIAN[policy]
    assert capaian.evaluate({"R": low, "T": target}) >= capaian.evaluate({"R": high, "T": target})


@given(r=PERCENT, target=TARGET)
def test_capaian_is_100_exactly_at_target_for_every_policy(r, target):
    for capaian in CAPAIAN.values():
        assert capaian.evaluate({"R": target, "T": target}) == 100


def reference_round(value: Fraction, places: int, mode: str) -> Fraction:
    """Textbook rounding of an exact rational, written independently of kinerja_rules."""
    scaled = value * 10**places
    sign = -1 if scaled < 0 else 1
    whole = math.floor(abs(scaled))
    rest = abs(scaled) - whole
    half = Fraction(1, 2)
    bump = {
        "down": False,
        "up": rest > 0,
        "half_up": rest >= half,
        "half_even": rest > half or (rest == half and whole % 2 == 1),
    }[mode]
    return Fraction(sign * (whole + bump), 10**places)


@given(
    a=COUNTS,
    b=POSITIVE,
    places=st.integers(min_value=0, max_value=4),
    mode=st.sampled_from(sorted(ROUNDING_MODES)),
)
def test_shown_value_is_the_exact_value_rounded_by_the_rule(a, b, places, mode):
    formula = compile_formula("A / B * 100", frozenset("AB"), default_functions())
    exact = formula.evaluate({"A": Decimal(a), "B": Decimal(b)})
    shown = round_shown(exact, places, mode)
    assert Fraction(shown) == reference_round(Fraction(100 * a, b), places, mode)


@given(a=COUNTS, b=COUNTS, c=COUNTS, d=COUNTS)
def test_not_applicable_never_becomes_a_number(engine, a, b, c, d):
    """However the counts fall, an indicator is either measured or N/A with a reason — never 0
    for "cannot be measured" — and the roll-ups only average the measured ones."""
    catalogue = engine.catalogue("lpka", 2023)
    hiv = {"A": min(a, b), "B": b, "C": min(c, d), "D": d}
    entries = {
        "penanganan_hiv_tb": hiv,
        "layanan_makanan": {"A": min(a, b), "B": b},
        "gangguan_mental_tertangani": {"A": min(c, d), "B": d},
    }
    data = UnitData(
        "uji",
        "lpka",
        2023,
        {
            key: DataEntry(
                key, {k: Decimal(v) for k, v in inputs.items()}, None, None, None, Location("uji")
            )
            for key, inputs in entries.items()
        },
        "uji.toml",
    )
    report = evaluate(catalogue, data, engine.not_applicable)
    for result in report.indicators:
        if result.status is Status.TIDAK_DAPAT_DIUKUR:
            assert result.capaian is None and result.na_reason
        else:
            assert result.capaian is not None and result.na_reason is None
    sk1 = report.sasaran[0]
    measured = [
        r.capaian.exact for r in report.indicators if r.indicator.sasaran == "SK1" and r.capaian
    ]
    if measured:
        expected = sum(Fraction(value) for value in measured) / len(measured)
        assert abs(Fraction(sk1.capaian.exact) - expected) < Fraction(1, 10**40)
    else:
        assert sk1.capaian is None and sk1.status is Status.TIDAK_DAPAT_DIUKUR
    if b == 0:
        assert report.indicator("layanan_makanan").status is Status.TIDAK_DAPAT_DIUKUR
    if b == 0 and d == 0:
        assert (
            report.indicator("penanganan_hiv_tb").na_reason == "tidak ada populasi (B = 0, D = 0)"
        )
