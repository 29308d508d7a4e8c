"""Formulas: the allow-list, exactness, N/A on division by zero, hostile input refused at load."""

from __future__ import annotations

import textwrap
import time
from decimal import Decimal

import pytest

from kinerja_rules import Engine, FormulaError, KinerjaError, NotMeasurable, compile_formula
from kinerja_rules.formula import default_functions

D = Decimal
FUNCTIONS = default_functions()


def compile_(text, names=("A", "B", "C", "D"), kind="number"):
    return compile_formula(text, frozenset(names), FUNCTIONS, kind)


def test_ratio_is_exact_decimal():
    formula = compile_("A / B * 100")
    value = formula.evaluate({"A": D(629), "B": D(1277)})
    assert isinstance(value, Decimal)
    # 629/1277 x 100 = 49.2560689115113547… (long division by hand of 62900/1277)
    assert str(value).startswith("49.25606891151135473766640")


def test_literals_are_exact_not_binary_floats():
    formula = compile_("A * 0.435")
    # 0.435 as a float is 0.43499999999999999778; as written it is exactly 435/1000.
    assert formula.evaluate({"A": D(1000)}) == D("435.000")
    assert compile_("0.1 + 0.2 + A").evaluate({"A": D(0)}) == D("0.3")


def test_conditionals_comparisons_and_functions():
    formula = compile_("min(A, B) / max(A, B) * 100 if B > 0 and A > 0 else abs(-1)")
    assert formula.evaluate({"A": D(1), "B": D(4)}) == D(25)
    assert formula.evaluate({"A": D(0), "B": D(4)}) == D(1)


def test_division_by_zero_is_not_measurable_with_the_denominator_named():
    formula = compile_("(A / B + C / D) / 2 * 100")
    with pytest.raises(NotMeasurable, match=r"pembagian dengan nol \(D = 0\)"):
        formula.evaluate({"A": D(1), "B": D(1), "C": D(0), "D": D(0)})
    # Guarded division is the author's explicit choice and is allowed.
    guarded = compile_("A / B * 100 if B > 0 else 100")
    assert guarded.evaluate({"A": D(0), "B": D(0)}) == D(100)


def test_names_functions_and_denominators_are_recorded():
    formula = compile_("(A / B + C / (D + 1)) / 2 * 100")
    assert formula.names == {"A", "B", "C", "D"}
    assert formula.denominators == ("B", "D + 1", "2")
    assert formula.denominator_names == {"B", "D"}


@pytest.mark.parametrize(
    "text, code, fragment",
    [
        ("A / C", "KR303", "'C' is not a declared input"),
        ("sqrt(A)", "KR304", "function 'sqrt' is not registered"),
        ("A ** 2", "KR302", "'**'"),
        ("A // B", "KR302", "'//'"),
        ("A % B", "KR302", "'%'"),
        ("A.real", "KR302", "attribute access"),
        ("A[0]", "KR302", "subscripts"),
        ("'x'", "KR302", "strings"),
        ("f'{A}'", "KR302", "f-strings"),
        ("[a for a in B]", "KR302", "comprehensions"),
        ("lambda: A", "KR302", "lambda"),
        ("(B := 1)", "KR302", "assignment"),
        ("A = 1", "KR302", "assignment"),
        ("import os", "KR302", "import"),
        ("A; B", "KR301", "more than one expression"),
        ("A +", "KR301", "syntax error"),
        ("", "KR301", "empty"),
        ("A > B", "KR306", "boolean but a number"),
        ("A if B else 1", "KR306", "must be a condition"),
        ("max(A, key=B)", "KR302", "keyword arguments"),
        ("True", "KR302", "bool"),
        ("None", "KR302", "NoneType"),
    ],
)
def test_refused_constructs(text, code, fragment):
    with pytest.raises(FormulaError) as caught:
        compile_(text, names=("A", "B"))
    assert caught.value.code == code
    assert fragment in caught.value.message


def test_error_offset_points_at_the_offending_node():
    with pytest.raises(FormulaError) as caught:
        compile_("A / B * X", names=("A", "B"))
    assert caught.value.offset == 8  # "A / B * " is 8 characters


def test_boolean_formulas_for_conditions():
    condition = compile_("0 <= A <= B", kind="boolean")
    assert condition.evaluate({"A": D(1), "B": D(2)}) is True
    assert condition.evaluate({"A": D(3), "B": D(2)}) is False


# --- hostile formulas in a catalogue -------------------------------------------------------------

CATALOGUE = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"

    [[indicator]]
    id = "jahat"
    sasaran = "S1"
    level = "IKK"
    name = "Indikator jahat"
    unit = "%"
    formula = {formula}
    target = 1
    [indicator.inputs]
    A = "a"
    B = "b"
    """
)

HOSTILE = [
    "__import__('os')",
    "().__class__.__bases__",
    "A.__class__",
    "9**9**9",
    "'a'*10**9",
    "f'{A:>999999999}'",
    "(" * 100_000 + "A" + ")" * 100_000,  # 200 KB: under the file cap, far over the depth limit
    "lambda: A",
    "(lambda: 0)()",
    "open('/etc/passwd')",
    "A if (__import__('os').system('true')) else B",
    # Numbers that would overflow or print a billion digits, refused as literals.
    "1e308 * 10",
    "A * 1e999",
    "A / B * 1e-999999999",
    "A * 10000000000000",  # 10^13: past the largest number a formula may write
    # Calls that would fail in the middle of an evaluation, refused by their signature.
    "max(A)",
    "min(A)",
    "abs(A, B)",
    "min(*[A, B])",
    "max(A, B, key=A)",
    "getattr(A, 'real')",
    "A.real",
    "[A][0]",
    "{A: B}",
    "A @ B",
    "A // B",
    "A % B",
    "A << 9999999",
    "~A",
    "A if B else A",  # a number as a condition
]


@pytest.mark.parametrize("formula", HOSTILE, ids=lambda f: f[:30])
def test_hostile_formulas_are_refused_when_the_catalogue_loads(tmp_path, formula):
    path = tmp_path / "uji.toml"
    # A TOML literal string needs no escaping of backslashes or double quotes.
    path.write_text(CATALOGUE.format(formula="'''" + formula + "'''"), encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(KinerjaError) as caught:
        Engine.create([tmp_path], entry_points=False, lazy=False)
    elapsed = time.perf_counter() - started
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.location.file == str(path)
    assert diagnostic.location.field == "indicator[0].formula"
    assert diagnostic.location.line == 16  # the formula's line in CATALOGUE
    assert diagnostic.code in {"KR213", "KR302", "KR304", "KR305", "KR306"}
    assert diagnostic.message.startswith("indicator 'jahat': ")
    assert elapsed < 5  # refused, not evaluated: never a hang (generous bound for slow CI)


def test_formula_error_column_points_into_the_formula(tmp_path):
    (tmp_path / "uji.toml").write_text(CATALOGUE.format(formula='"A / B * X"'), encoding="utf-8")
    with pytest.raises(KinerjaError) as caught:
        Engine.create([tmp_path], entry_points=False, lazy=False)
    [diagnostic] = caught.value.diagnostics
    # line 16 is `formula = "A / B * X"`: the quote is column 11, A column 12, X 8 further on.
    assert (diagnostic.location.line, diagnostic.location.col) == (16, 20)
    assert diagnostic.code == "KR303"
    assert "declare X under [indicator.inputs]" in diagnostic.hint


def test_formulas_are_parsed_once_at_load_never_during_evaluation(engine, monkeypatch):
    import simpleeval

    from .conftest import EXAMPLES

    def refuse(expr):
        raise AssertionError(f"formula parsed again during evaluation: {expr}")

    monkeypatch.setattr(simpleeval.SimpleEval, "parse", staticmethod(refuse))
    for name in ("bapas-lahat.toml", "lpka-pangkalpinang.toml"):
        report = engine.evaluate_file(EXAMPLES / "2023" / name)
        assert any(r.capaian for r in report.indicators)
