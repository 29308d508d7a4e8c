"""Made-up catalogues and data aimed at the boundaries, shared by the tests that compare two
ways of evaluating the same data (the batch path and the per-row engine, the evaluation's plans
and :func:`kinerja_rules.evaluation.decide`).

The catalogues cover ranges, zero targets, floor and cap, bands, weights, lower is better,
shown-realisasi capaian, every rounding mode, periods with sum, last, mean and max, missing
periods and period targets; the data, rounding boundaries (x.xx5), ties, zero denominators and
huge and tiny counts.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import attrs
from hypothesis import strategies as st

from kinerja_rules.data import DataEntry, UnitData
from kinerja_rules.diagnostics import Location
from kinerja_rules.periods import period_of_key

CATALOGUE_A = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji A"
    [policy]
    decimals = 2
    rounding = "half_up"
    capaian_cap = 120
    capaian_floor = 0
    zero_target = { met = 100, missed = 0 }
    missing_periods = "skip_if_all"
    [[band]]
    name = "merah"
    to = 70
    achieved = false
    [[band]]
    name = "kuning"
    from = 70
    to = 90
    to_inclusive = true
    achieved = false
    [[band]]
    name = "hijau"
    from = 90
    from_inclusive = false
    achieved = true
    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Satu"
    [[sasaran]]
    id = "S2"
    level = "kegiatan"
    name = "Dua"
    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Rasio"
    unit = "%"
    formula = "A / B * 100"
    target = 80
    period_targets = { Q1 = 20, S1 = 45 }
    [indicator.inputs]
    A = "a"
    B = "b"
    [indicator.not_applicable]
    when = "B == 0"
    reason = "tidak ada b"
    [[indicator]]
    id = "turun"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase menurunnya"
    unit = "%"
    polarity = "lower"
    formula = "(B - A) / B * 100"
    target = "10-20"
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "kejadian"
    sasaran = "S2"
    level = "IKK"
    name = "Jumlah kejadian"
    unit = "Kejadian"
    polarity = "lower"
    formula = "N"
    target = 0
    consolidation = "last"
    [indicator.inputs]
    N = "n"
    [[indicator]]
    id = "dua"
    sasaran = "S2"
    level = "IKK"
    name = "Dua rasio"
    unit = "%"
    formula = "(A/B + C/D) / 2 * 100 if B > 0 and D > 0 else (A/B * 100 if B > 0 else C/D * 100)"
    target = 75
    weight = 2
    [indicator.inputs]
    A = "a"
    B = "b"
    C = "c"
    D = "d"
    [[indicator]]
    id = "aneh"
    sasaran = "S2"
    level = "IKK"
    name = "Aneh"
    unit = "%"
    formula = "min(A, B) / max(A, B, 1) * 100 - abs(A - B) / 3"
    capaian = "T / R * 100"
    target = 50
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "indeks"
    sasaran = "S1"
    level = "IKK"
    name = "Indeks"
    unit = "Indeks"
    formula = "X"
    target = 82.5
    capaian_cap = 110
    consolidation = "mean"
    [indicator.inputs]
    X = { description = "x", kind = "number" }
    [[indicator]]
    id = "pertiga"
    sasaran = "S1"
    level = "IKK"
    name = "Per tiga"
    unit = "Unit"
    formula = "A / 3"
    target = 0.5
    weight = 0.5
    [indicator.inputs]
    A = "a"
    """
)

CATALOGUE_B = textwrap.dedent(
    """\
    year = 2024
    unit_type = "ujib"
    title = "Uji B"
    [policy]
    decimals = 0
    rounding = "half_even"
    capaian_from = "shown"
    status_from = "shown"
    not_applicable = "zero"
    overall = "sasaran"
    missing_periods = "never"
    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Satu"
    weight = 3
    [[sasaran]]
    id = "S2"
    level = "kegiatan"
    name = "Dua"
    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Rasio"
    unit = "%"
    formula = "A / B * 100"
    target = 85
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "kali"
    sasaran = "S1"
    level = "IKK"
    name = "Kali"
    unit = "%"
    formula = "A * 100 / B"
    target = 90
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "selisih"
    sasaran = "S2"
    level = "IKK"
    name = "Selisih"
    unit = "Unit"
    formula = "A - B"
    target = 10
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "geser"
    sasaran = "S2"
    level = "IKK"
    name = "Geser"
    unit = "%"
    formula = "(A + 1) / (B + 2) * 100"
    target = 0
    [indicator.inputs]
    A = "a"
    B = "b"
    """
)

CATALOGUE_C = textwrap.dedent(
    """\
    year = 2024
    unit_type = "ujic"
    title = "Uji C"
    [policy]
    decimals = 1
    rounding = "down"
    capaian_lower = "T / R * 100"
    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Satu"
    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Rasio"
    unit = "%"
    formula = "A / B * 100"
    target = 33.3
    [indicator.inputs]
    A = "a"
    B = "b"
    [[indicator]]
    id = "hunian"
    sasaran = "S1"
    level = "IKK"
    name = "Tingkat hunian"
    unit = "%"
    polarity = "lower"
    above_100 = true
    formula = "A / B * 100"
    target = 100
    consolidation = "max"
    [indicator.inputs]
    A = "a"
    B = "b"
    """
)

CATALOGUES = {"uji": CATALOGUE_A, "ujib": CATALOGUE_B, "ujic": CATALOGUE_C}

# --- data aimed at the boundaries -------------------------------------------------------------

SPECIAL = [0, 1, 2, 3, 5, 7, 8, 16, 25, 40, 64, 80, 125, 200, 400, 625, 1000, 1024, 10**12]
counts = st.one_of(st.sampled_from(SPECIAL), st.integers(0, 2500))
numbers = st.one_of(
    st.sampled_from(["0", "82.5", "0.125", "99.995", "100", "82.49", "0.000001"]),
    st.decimals(0, 1000, places=3, allow_nan=False, allow_infinity=False).map(str),
)
MONTHS = [f"{m:02d}" for m in range(1, 13)]


@st.composite
def entries(draw, indicator):
    """One indicator's data: annual inputs, a realisasi, not_measured, or periods (some gaps)."""
    names = [s.name for s in indicator.data_inputs]
    kinds = {s.name: s.kind for s in indicator.data_inputs}

    def inputs():
        return {n: draw(numbers if kinds[n] == "number" else counts) for n in names}

    mode = draw(st.sampled_from(["inputs", "inputs", "periods", "periods", "real", "nm", "none"]))
    if mode == "none":
        return None
    if mode == "inputs":
        return {"": inputs()}
    if mode == "real":
        return {"": {"realisasi": draw(st.sampled_from(["0", "12.5", "80", "99.995", "1000"]))}}
    if mode == "nm":
        return {"": {"not_measured": draw(st.sampled_from(["tidak ada", "libur"]))}}
    keys = draw(st.sampled_from([MONTHS, ["Q1", "Q2", "Q3", "Q4"], ["S1", "S2"]]))
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    out = {}
    for key in chosen:
        kind = draw(st.sampled_from(["inputs", "inputs", "inputs", "real", "nm"]))
        if kind == "inputs":
            out[key] = inputs()
        elif kind == "real":
            out[key] = {"realisasi": draw(st.sampled_from(["3", "12.5", "40"]))}
        else:
            out[key] = {"not_measured": "belum"}
    return out


@st.composite
def data_sets(draw, engine):
    units = []
    for number in range(draw(st.integers(1, 5))):
        unit_type = draw(st.sampled_from(sorted(CATALOGUES)))
        catalogue = engine.catalogue(unit_type, 2024)
        found = {}
        for indicator in catalogue.indicators:
            entry = draw(entries(indicator))
            if entry is not None:
                found[indicator.id] = entry
        if not found:  # a data set is its rows: one without any is not in a long table
            found[catalogue.indicators[0].id] = {"": {"not_measured": "kosong"}}
        units.append((f"unit {number}", unit_type, found))
    return units


def unit_data(units, year=2024):
    """The same data as the per-row engine's UnitData, built without the batch path."""
    out = []
    location = Location("test")
    for unit, unit_type, found in units:
        entries = {}
        for indicator, parts in found.items():
            built = {}
            for key, values in parts.items():
                if "realisasi" in values:
                    built[key] = DataEntry(
                        indicator, {}, Decimal(values["realisasi"]), None, None, location
                    )
                elif "not_measured" in values:
                    built[key] = DataEntry(
                        indicator, {}, None, values["not_measured"], None, location
                    )
                else:
                    inputs = {n: Decimal(str(v)) for n, v in values.items()}
                    built[key] = DataEntry(indicator, inputs, None, None, None, location)
            periods = dict(sorted((period_of_key(k), e) for k, e in built.items() if k))
            if "" in built:
                entries[indicator] = attrs.evolve(built[""], periods=periods)
            else:
                entries[indicator] = DataEntry(
                    indicator, {}, None, None, None, location, periods=periods, annual=False
                )
        out.append(UnitData(unit, unit_type, year, entries, "test"))
    return out
