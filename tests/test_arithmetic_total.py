"""Inside the number domain, arithmetic cannot crash.

For any inputs, targets, caps, decimals and rounding the files may hold, evaluation, rounding and
every rendering (table, markdown, json, csv, explain) end in a figure or an N/A with a reason —
never an exception from ``decimal``, never ``NaN`` or ``Infinity``, and JSON is strict JSON.
The values are drawn from the domains' own edges (0, the smallest step, the largest value), so a
bound that is too loose for the arithmetic shows up here.
"""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from kinerja_rules import evaluation
from kinerja_rules.catalogue import load_catalogue_bytes
from kinerja_rules.data import build_data
from kinerja_rules.decimals import INPUT, QUANTITY, ROUNDING_MODES, Domain
from kinerja_rules.formula import default_functions
from kinerja_rules.registry import CatalogueSet
from kinerja_rules.render import explain, render
from kinerja_rules.tomlpos import parse_toml

#: Formulas that stress each operation: plain ratios, mean of ratios, a difference that goes
#: negative, a product that leaves every bound (10^12 to the 8th), min/max with a zero guard.
FORMULAS = {
    "rasio": ("%", "higher", "A / B * 100"),
    "rata": ("%", "higher", "(A / B + C / D) / 2 * 100"),
    "selisih": ("Orang", "lower", "A - B"),
    "ledakan": ("Unit", "higher", "A * A * A * A * B * B * B * B"),
    "batas": ("%", "higher", "min(A, B) / max(A, B, 1) * 100"),
    "kecil": ("%", "lower", "A / (B + C + D + 0.000000000001)"),
}


def edge_values(domain: Domain, places: int) -> st.SearchStrategy[Decimal]:
    """Values at and near the edges of ``domain``, and ordinary ones in between."""
    step = Decimal(1).scaleb(-places)
    return st.one_of(
        st.sampled_from([domain.minimum, step, domain.maximum, domain.maximum - step]),
        st.decimals(min_value=domain.minimum, max_value=domain.maximum, places=places),
    )


def toml_number(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def cases(draw):
    places = draw(st.integers(0, 6))
    policy = {
        "decimals": draw(st.integers(0, 6)),
        "rounding": draw(st.sampled_from(sorted(ROUNDING_MODES))),
        "capaian_from": draw(st.sampled_from(["exact", "shown"])),
    }
    cap = draw(st.none() | edge_values(QUANTITY, places))
    lines = ["year = 2024", 'unit_type = "uji"', 'title = "Uji"', "[policy]"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in policy.items()]
    if cap is not None:
        lines.append(f"capaian_cap = {toml_number(cap)}")
    lines += ["[[sasaran]]", 'id = "S1"', 'level = "kegiatan"', 'name = "Uji"']
    data = ['unit = "Uji"', 'unit_type = "uji"', "year = 2024"]
    for indicator_id, (unit, polarity, formula) in FORMULAS.items():
        target = draw(edge_values(QUANTITY, places))
        lines += [
            "[[indicator]]",
            f'id = "{indicator_id}"',
            'sasaran = "S1"',
            'level = "IKK"',
            f'name = "Indikator {indicator_id}"',
            f'unit = "{unit}"',
            f'polarity = "{polarity}"',
            f'formula = "{formula}"',
            f"target = {toml_number(target)}",
            "[indicator.inputs]",
        ]
        names = sorted({c for c in formula if c in "ABCD"})
        lines += [f'{name} = {{ description = "{name}", kind = "number" }}' for name in names]
        data.append(f"[indicators.{indicator_id}]")
        if draw(st.booleans()):
            data += [f"{n} = {toml_number(draw(edge_values(INPUT, places)))}" for n in names]
        else:
            data.append(f"realisasi = {toml_number(draw(edge_values(QUANTITY, places)))}")
    return "\n".join(lines) + "\n", "\n".join(data) + "\n"


def reject_constant(name: str):
    raise AssertionError(f"JSON holds {name}")


#: Found by the thorough profile: a product just under the result limit (29 digits) once
#: overflowed the default 28-digit context when shown as "… Unit".
NEAR_THE_LIMIT = (
    "\n".join(
        ["year = 2024", 'unit_type = "uji"', 'title = "Uji"', "[policy]", "decimals = 0"]
        + ["[[sasaran]]", 'id = "S1"', 'level = "kegiatan"', 'name = "Uji"', "[[indicator]]"]
        + ['id = "ledakan"', 'sasaran = "S1"', 'level = "IKK"', 'name = "Ledakan"']
        + ['unit = "Unit"', f'formula = "{FORMULAS["ledakan"][2]}"', "target = 1"]
        + ["[indicator.inputs]", 'A = "A"', 'B = "B"']
    )
    + "\n",
    'unit = "Uji"\nunit_type = "uji"\nyear = 2024\n[indicators.ledakan]\nA = 1442\nB = 6935\n',
)


@given(cases())
@example(NEAR_THE_LIMIT)
def test_any_figures_in_the_domain_evaluate_and_render(case):
    catalogue_text, data_text = case
    catalogue = load_catalogue_bytes(catalogue_text.encode(), "uji.toml", default_functions())
    catalogues = CatalogueSet({catalogue.key: catalogue}, {catalogue.key: "test"}, {})
    data = build_data(parse_toml(data_text), "data.toml", catalogues)
    report = evaluation.evaluate(catalogue, data, lambda *_: None)
    for result in report.indicators:
        # A figure, or N/A with a reason: never both missing.
        assert (result.capaian is not None) or result.na_reason, result
    for fmt in ("table", "markdown", "csv"):
        for lang in ("id", "en"):
            text = render(report, fmt, lang)
            assert "NaN" not in text and "Infinity" not in text
    parsed = json.loads(render(report, "json"), parse_constant=reject_constant)
    assert len(parsed["indicators"]) == len(catalogue.indicators)
    for result in report.indicators:
        text = explain(result)
        assert "NaN" not in text and "Infinity" not in text
        assert len(text) < 10_000  # output proportional to the input, never a 10^12-digit line
