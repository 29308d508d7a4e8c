"""Units of measure that ``validate`` proves: a hand-worked case for every rule of
``docs/catalogue-format.md`` (*Units of measure*), the bundled catalogues proved clean, and a
property: over random formulas of typed inputs the inferred dimension is what a tiny reference
evaluator over unit-tagged values computes, and the checker only ever answers with located
diagnostics."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules import hookimpl
from kinerja_rules.catalogue import load_catalogue_bytes
from kinerja_rules.dimension_check import Inference, check_dimensions
from kinerja_rules.dimensions import DEFAULT_VOCABULARY, base
from kinerja_rules.formula import compile_formula, default_functions
from kinerja_rules.validation import validate

from .conftest import EXAMPLES

HEADER = textwrap.dedent(
    """\
    format_version = 2
    year = 2024
    unit_type = "uji"
    title = "Uji"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"
    """
)

KLIEN = '{ description = "Jumlah klien", counts = "klien" }'
KLIEN_BEKERJA = '{ description = "Jumlah klien yang bekerja", counts = "klien" }'
RP = '{ description = "Biaya pembimbingan", measures = "Rp" }'
LAYANAN = '{ description = "Jumlah layanan", counts = "layanan" }'


def indicator(
    formula: str,
    unit: str = "%",
    target: str = "80",
    inputs: dict[str, str] | None = None,
    extra: str = "",
    indicator_id: str = "uji",
) -> str:
    inputs = inputs if inputs is not None else {"A": KLIEN_BEKERJA, "B": KLIEN}
    rows = "\n".join(f"{name} = {value}" for name, value in inputs.items())
    return (
        f'\n[[indicator]]\nid = "{indicator_id}"\nsasaran = "S1"\nlevel = "IKK"\n'
        f'name = "Indikator uji"\nunit = "{unit}"\nformula = "{formula}"\n'
        f"target = {target}\n{extra}[indicator.inputs]\n{rows}\n"
    )


def run(tmp_path: Path, *indicators: str, strict: bool = False, plugins=()):
    """(diagnostics of our units codes, the file's lines) for a catalogue of ``indicators``."""
    text = HEADER + "".join(indicators)
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    result = validate(
        [path], entry_points=False, invariants=None, strict=strict, plugins=list(plugins)
    )
    units = [d for d in result.diagnostics if d.code.startswith("KR8") or d.code == "KR214"]
    return units, text.splitlines()


def column_of(lines: list[str], line: int, text: str) -> int:
    """The 1-based column of ``text`` in ``line`` (1-based) of the file."""
    return lines[line - 1].index(text) + 1


# --- the formula against the unit ---------------------------------------------------------------


def test_a_percent_indicator_giving_a_ratio_is_an_error_with_the_times_100_hint(tmp_path):
    [error], lines = run(tmp_path, indicator("A / B"))
    assert (error.code, error.is_error) == ("KR802", True)
    assert "gives a ratio" in error.message and "'%'" in error.message
    assert "multiply by 100 (A / B * 100)" in error.hint
    # Located at the formula's first character, as the loader's formula diagnostics are.
    assert lines[error.location.line - 1] == 'formula = "A / B"'
    assert error.location.col == column_of(lines, error.location.line, "A / B")
    assert error.location.field == "indicator[0].formula"


def test_a_ratio_on_a_percent_indicator_is_found_without_declarations(tmp_path):
    plain = {
        "A": '{ description = "Jumlah klien yang bekerja" }',
        "B": '{ description = "Jumlah klien" }',
    }
    [error], _ = run(tmp_path, indicator("A / B", inputs=plain))
    assert error.code == "KR802"
    # Anything else about undeclared counts is not sure: a generic count is any count.
    assert run(tmp_path, indicator("A / B * 100", unit="Layanan", inputs=plain))[0] == []


def test_a_percentage_on_a_count_indicator_is_an_error(tmp_path):
    [error], lines = run(tmp_path, indicator("A / B * 100", unit="Dokumen"))
    assert error.code == "KR802"
    assert "gives a percent but the unit is 'Dokumen'" in error.message
    assert error.location.col == column_of(lines, error.location.line, "A / B * 100")


def test_the_literal_rule(tmp_path):
    # A bare 100 is the percent scale wherever it multiplies: 100 * A / B is (100 A) / B.
    assert run(tmp_path, indicator("100 * A / B"))[0] == []
    assert run(tmp_path, indicator("(A / B + A / B) / 2 * 100"))[0] == []
    # 100 - a percent: the literal takes the percent's dimension.
    assert run(tmp_path, indicator("100 - A / B * 100"))[0] == []
    # Any other literal is a dimensionless number: × 50 leaves a ratio.
    [error], _ = run(tmp_path, indicator("A / B * 50"))
    assert error.code == "KR802" and "gives a ratio" in error.message
    # A percent ÷ 100 is a ratio again.
    [error], _ = run(tmp_path, indicator("A / B * 100 / 100"))
    assert "gives a ratio" in error.message


def test_counts_of_people_are_kinds_of_orang(tmp_path):
    inputs = {"A": KLIEN_BEKERJA, "B": '{ description = "Jumlah orang", counts = "orang" }'}
    assert run(tmp_path, indicator("A / B * 100", inputs=inputs))[0] == []


def test_money_over_money_is_a_ratio(tmp_path):
    inputs = {"R": RP, "P": '{ description = "Pagu", measures = "Rp" }'}
    assert run(tmp_path, indicator("R / P * 100", inputs=inputs))[0] == []


def test_a_rate_on_a_percent_indicator_is_a_warning(tmp_path):
    [warning], _ = run(tmp_path, indicator("A / B * 100", inputs={"A": LAYANAN, "B": KLIEN}))
    assert (warning.code, warning.is_error) == ("KR804", False)
    assert "a rate (layanan per klien)" in warning.message


def test_an_average_per_counted_thing_keeps_its_unit(tmp_path):
    days = {
        "H": '{ description = "Jumlah hari penyelesaian", measures = "hari" }',
        "N": '{ description = "Jumlah usulan", counts = "dokumen" }',
    }
    assert run(tmp_path, indicator("H / N", unit="hari", target="14", inputs=days))[0] == []
    [error], _ = run(tmp_path, indicator("H / H", unit="hari", target="14", inputs=days))
    assert error.code == "KR802" and "gives a ratio but the unit is 'hari'" in error.message


# --- combining values ----------------------------------------------------------------------------


def test_klien_plus_rupiah_is_a_located_error(tmp_path):
    [error], lines = run(tmp_path, indicator("A + P", unit="Layanan", inputs={"A": KLIEN, "P": RP}))
    assert error.code == "KR803"
    assert error.message == "indicator 'uji': '+' adds a count of klien and Rp"
    # Located at the operator: formula = "A + P" has the '+' 3 characters into the value.
    assert error.location.col == column_of(lines, error.location.line, "+ P")


def test_comparisons_branches_and_min_max_are_of_one_dimension(tmp_path):
    inputs = {"A": KLIEN_BEKERJA, "B": KLIEN, "P": RP}
    [error], lines = run(tmp_path, indicator("A / B * 100 if A > P else 0", inputs=inputs))
    assert error.code == "KR803" and "'>' compares a count of klien and Rp" in error.message
    assert error.location.col == column_of(lines, error.location.line, "> P")
    [error], _ = run(tmp_path, indicator("A / B * 100 if B > 0 else A / B", inputs=inputs))
    assert "branches of 'x if c else y' give a percent and a ratio" in error.message
    [error], _ = run(tmp_path, indicator("min(A, P)", unit="Layanan", inputs=inputs))
    assert "min() mixes a count of klien and Rp" in error.message
    # abs keeps its argument's dimension; a generic count joins any count.
    assert run(tmp_path, indicator("abs(A - B) / B * 100", inputs=inputs))[0] == []
    assert run(tmp_path, indicator("(A + C) / B * 100", inputs={**inputs, "C": '"Lain"'}))[0] == []


def test_a_plugin_function_is_of_unknown_dimension(tmp_path):
    class Ratio:
        @hookimpl
        def kinerja_formula_functions(self):
            return {"rasio": lambda a, b: a / b}

    inputs = {"A": KLIEN, "P": RP}
    assert run(tmp_path, indicator("rasio(A, P)", inputs=inputs), plugins=[Ratio()])[0] == []


def test_a_composite_carries_its_sources_dimension(tmp_path):
    share = indicator("A / B * 100", indicator_id="share")
    # realisasi of a % indicator added to a count of layanan: a located error.
    layanan = {"N": LAYANAN, "K": '{ from = "share.realisasi" }'}
    [error], _ = run(
        tmp_path, share, indicator("N + K", "Layanan", inputs=layanan, indicator_id="total")
    )
    assert error.code == "KR803" and "adds a count of layanan and a percent" in error.message
    # capaian is always a percent: the mean of two capaian is a percent (or an index).
    capaian = {"K": '{ from = "share.capaian" }', "M": '{ from = "share.capaian" }'}
    mean = indicator("(K + M) / 2", "Indeks", "100", capaian, indicator_id="indeks")
    assert run(tmp_path, share, mean)[0] == []
    [error], _ = run(tmp_path, share, indicator("K", "Unit", inputs=capaian, indicator_id="u"))
    assert error.code == "KR802" and "gives a percent" in error.message


# --- declarations --------------------------------------------------------------------------------


def test_unknown_words_and_misplaced_kinds(tmp_path):
    typo = {"A": '{ description = "Jumlah klien", counts = "klein" }', "B": KLIEN}
    [error], _ = run(tmp_path, indicator("A / B * 100", inputs=typo))
    assert error.code == "KR801" and error.location.field == "indicator[0].inputs.A"
    assert "known: anak, dokumen" in error.hint
    money = {"A": '{ description = "Biaya", counts = "Rp" }', "B": KLIEN}
    [error], _ = run(tmp_path, indicator("A / B * 100", inputs=money))
    assert error.code == "KR801" and 'write measures = "Rp"' in error.hint


def test_strict_names_the_undeclared_inputs(tmp_path):
    plain = {"A": '{ description = "Jumlah klien yang bekerja" }', "B": KLIEN}
    assert run(tmp_path, indicator("A / B * 100", inputs=plain))[0] == []
    [warning], _ = run(tmp_path, indicator("A / B * 100", inputs=plain), strict=True)
    assert (warning.code, warning.is_error) == ("KR806", False)
    assert warning.location.field == "indicator[0].inputs.A"


@pytest.mark.parametrize(
    "inputs",
    [
        {"A": '{ description = "x", counts = "klien", measures = "Rp" }'},
        {"A": '{ from = "lain.capaian", counts = "klien" }'},
    ],
)
def test_an_input_declares_one_unit_and_none_when_taken_from_another(tmp_path, inputs):
    text = HEADER + indicator("A", unit="Layanan", inputs=inputs)
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    result = validate([path], entry_points=False, invariants=None)
    assert "KR204" in {d.code for d in result.diagnostics}


# --- targets -------------------------------------------------------------------------------------


def test_a_percent_target_above_100_is_an_error_unless_declared(tmp_path):
    [error], lines = run(tmp_path, indicator("A / B * 100", target="800"))
    assert (error.code, error.is_error) == ("KR214", True)
    assert "a % target of 800 is above 100" in error.message
    assert lines[error.location.line - 1] == "target = 800"
    assert (
        run(tmp_path, indicator("A / B * 100", target="180", extra="above_100 = true\n"))[0] == []
    )
    # Renstra values too, at their own key.
    renstra = "renstra = { 2024 = 80, 2025 = 150 }\n"
    [error], _ = run(tmp_path, indicator("A / B * 100", extra=renstra))
    assert error.code == "KR214" and error.location.field == "indicator[0].renstra.2025"
    assert "Renstra 2025 target of 150" in error.message


def test_an_index_target_lies_within_its_scale(tmp_path):
    score = {"N": '{ description = "Nilai", measures = "indeks", kind = "number" }'}
    scaled = "scale = [1, 4]\n"
    [error], _ = run(tmp_path, indicator("N", "Indeks", "5", score, scaled))
    assert error.code == "KR805"
    assert "the target 5 is outside the index's scale 1–4" in error.message
    assert run(tmp_path, indicator("N", "Indeks", "3.5", score, scaled))[0] == []
    [error], _ = run(tmp_path, indicator("N", "Indeks", '"3-5"', score, scaled))
    assert "3-5" in error.message
    # scale must go up.
    text = HEADER + indicator("N", "Indeks", "3", score, "scale = [4, 1]\n")
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    result = validate([path], entry_points=False, invariants=None)
    assert [d.code for d in result.diagnostics] == ["KR204"]


# --- bundled catalogues --------------------------------------------------------------------------


def test_the_bundled_catalogues_are_proved_with_no_new_warning():
    result = validate(entry_points=False, invariants=None, strict=True)
    assert result.errors == 0
    # The one warning before units were declared: a Renstra value the PK changed.
    assert [d.code for d in result.diagnostics] == ["KR211"]
    tutorial = validate(
        [EXAMPLES / "tutorial" / "katalog"], entry_points=False, invariants=None, strict=True
    )
    assert tutorial.diagnostics == ()


# --- the property --------------------------------------------------------------------------------

#: Typed inputs of distinct, unrelated kinds: the reference needs no compatibility rules.
TYPED = {"K": "klien", "L": "layanan", "P": "Rp"}
MISMATCH = "mismatch"


def leaves():
    return st.sampled_from(sorted(TYPED)) | st.sampled_from(["2", "3", "100"])


def trees():
    def extend(children):
        binary = st.tuples(st.sampled_from("+-*/"), children, children).map(
            lambda t: f"({t[1]} {t[0]} {t[2]})"
        )
        branch = st.tuples(
            children, st.sampled_from(["<", "==", ">="]), children, children, children
        )
        return binary | branch.map(lambda t: f"({t[3]} if {t[0]} {t[1]} {t[2]} else {t[4]})")

    return st.recursive(leaves(), extend, max_leaves=8)


class Reference:
    """Evaluates a formula over unit-tagged values: a value is (exponents of base units,
    with "%" for each factor 100 of the percent scale; whether it is made of literals only)."""

    def __init__(self) -> None:
        self.mismatches = 0

    def value(self, text: str):
        return self.eval(ast.parse(text, mode="eval").body)

    def eval(self, node):
        if isinstance(node, ast.Name):
            return ({TYPED[node.id]: 1}, False)
        if isinstance(node, ast.Constant):
            return ({"%": 1} if node.value == 100 else {}, True)
        if isinstance(node, ast.IfExp):
            self.join(self.eval(node.test.left), self.eval(node.test.comparators[0]))
            return self.join(self.eval(node.body), self.eval(node.orelse))
        left, right = self.eval(node.left), self.eval(node.right)
        if isinstance(node.op, ast.Add | ast.Sub):
            return self.join(left, right)
        if left == MISMATCH or right == MISMATCH:
            return MISMATCH
        sign = 1 if isinstance(node.op, ast.Mult) else -1
        powers = dict(left[0])
        for name, power in right[0].items():
            powers[name] = powers.get(name, 0) + sign * power
        return ({k: v for k, v in powers.items() if v}, left[1] and right[1])

    def join(self, left, right):
        if left == MISMATCH or right == MISMATCH:
            return MISMATCH
        if left[1]:
            return right
        if right[1]:
            return left
        if left[0] != right[0]:
            self.mismatches += 1
            return MISMATCH
        return left


def exponents(dimension) -> dict[str, int]:
    found = dict(dimension.bases)
    if dimension.hundred:
        found["%"] = dimension.hundred
    return found


@given(trees())
def test_inferred_dimension_is_the_reference_evaluators(text):
    names = {name: base(word) for name, word in TYPED.items()}
    formula = compile_formula(text, frozenset(TYPED), default_functions())
    inference = Inference(names, DEFAULT_VOCABULARY, formula.source)
    got = inference.infer(formula.tree)
    reference = Reference()
    expected = reference.value(text)
    assert bool(inference.problems) == (reference.mismatches > 0)
    if expected == MISMATCH:
        assert not got.known
    else:
        assert got.known and exponents(got) == expected[0] and got.literal == expected[1]
    for offset, message in inference.problems:
        assert 0 <= offset < len(formula.source) and message


@given(trees(), st.sampled_from(["%", "Layanan", "Rp", "Indeks", "hari", "Bintang"]))
def test_the_checker_answers_only_with_located_diagnostics(text, unit):
    inputs = {"K": KLIEN, "L": LAYANAN, "P": RP}
    raw = (HEADER + indicator(text, unit=unit, inputs=inputs)).encode()
    catalogue = load_catalogue_bytes(raw, "uji.toml", default_functions())
    for diagnostic in check_dimensions(catalogue, DEFAULT_VOCABULARY, strict=True):
        assert diagnostic.code in {"KR802", "KR803", "KR804"}
        assert diagnostic.location.line is not None
        assert diagnostic.location.field == "indicator[0].formula"


def test_a_hand_worked_product():
    # (K × 100) ÷ K: klien¹ × 100 ÷ klien¹ = a percent; K × L: klien·layanan, no name but known.
    names = {name: base(word) for name, word in TYPED.items()}
    for text, expected in (("K * 100 / K", {"%": 1}), ("K * L", {"klien": 1, "layanan": 1})):
        formula = compile_formula(text, frozenset(TYPED), default_functions())
        assert exponents(Inference(names, DEFAULT_VOCABULARY).infer(formula.tree)) == expected


# --- units in what people read ---------------------------------------------------------------


def test_units_are_written_after_the_values_people_read():
    from kinerja_rules import Engine
    from kinerja_rules.manual import manual
    from kinerja_rules.render import to_json
    from kinerja_rules.results import with_unit

    from .conftest import EXAMPLES

    # Indonesian reports write Rupiah before the number, other units after it.
    assert with_unit("5.069.030.000", "Rp") == "Rp5.069.030.000"
    assert with_unit("629", "klien") == "629 klien" and with_unit("629", None) == "629"
    engine = Engine.create(entry_points=False)
    report = engine.evaluate_file(EXAMPLES / "2023" / "bapas-lahat.toml")
    # The seed: 629 of 1 277 klien of working age found work (Bapas Lahat 2023).
    lines = report.indicator("klien_bekerja").derivation.lines()
    assert lines[0] == "Realisasi: A / B × 100% = 629 klien / 1277 klien × 100% = 49,26%"
    first = to_json(report)["indicators"][0]
    assert (first["unit"], first["dimension"]) == ("%", "a percent")
    assert first["input_units"] == {"A": "klien", "B": "klien"}
    text = manual(engine.catalogue("bapas", 2023))
    assert "[satuan: klien]" in text


def test_plugins_command_prints_the_vocabulary_in_force(capsys):
    from kinerja_rules.cli import main

    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    vocabulary = out[out.index("Units of measure") :]
    # every built-in word, with what it is a kind of
    assert "  klien (count, a kind of orang): klien pemasyarakatan (Bapas)" in vocabulary
    assert "  Rp (money): Rupiah" in vocabulary


def test_plugin_functions_declare_their_result():
    from kinerja_rules.dimensions import returns

    @returns("ratio")
    def share(part, whole):
        return part / whole

    @returns("same")
    def median(*values):
        return sorted(values)[len(values) // 2]

    def undeclared(value):
        return value

    functions = dict(default_functions(), share=share, median=median, undeclared=undeclared)
    inputs = {"K": KLIEN, "L": LAYANAN, "P": RP}

    def codes(formula: str, unit: str = "%") -> list[str]:
        raw = (HEADER + indicator(formula, unit=unit, inputs=inputs)).encode()
        catalogue = load_catalogue_bytes(raw, "uji.toml", functions)
        return [d.code for d in check_dimensions(catalogue, DEFAULT_VOCABULARY)]

    assert codes("share(K, K)") == ["KR802"]  # a ratio on a % indicator: the × 100 is missing
    assert codes("share(K, K) * 100") == []
    assert codes("median(K, P)", unit="Layanan") == ["KR803"]  # klien and Rp mixed
    assert codes("median(L, L)", unit="Layanan") == []
    assert codes("undeclared(K)") == []  # unknown: never an error


def test_the_json_schema_lists_the_vocabulary():
    import json

    text = (Path(__file__).parent.parent / "schema" / "catalogue.schema.json").read_text()
    words = set()

    def walk(node):
        if isinstance(node, dict):
            words.update(w for w in node.get("examples", []) if isinstance(w, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    assert {"klien", "anak", "tahanan", "narapidana", "pegawai", "dokumen", "Rp", "hari"} <= words


def test_period_targets_and_national_standards_lie_in_the_units_range(tmp_path):
    found, _ = run(
        tmp_path,
        indicator(
            "A / B * 100",
            extra="period_targets = { Q1 = 20, Q2 = 120 }\nnational_standard = 150\n",
        ),
    )
    messages = [(d.code, d.message) for d in found]
    assert ("KR214", "indicator 'uji': a % Q2 target of 120 is above 100") in messages
    assert ("KR214", "indicator 'uji': a % national standard of 150 is above 100") in messages
    assert len(found) == 2  # Q1 = 20 is a share: no finding
