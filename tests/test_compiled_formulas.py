"""Compiled formulas (compiled.py) give exactly what the checked tree walked by simpleeval gives:
the same Decimal, digit for digit, or the same NotMeasurable reason — on random formulas over
random inputs, zero denominators, huge and tiny values and boolean conditions included."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules.formula import (
    BOOLEAN,
    NUMBER,
    NotMeasurable,
    SimpleEvalEvaluator,
    compile_formula,
    default_functions,
)

NAMES = ("A", "B", "C")
LITERALS = ("0", "1", "2", "100", "0.5", "3.14159", "1000000", "0.000001")


def numbers(depth: int):
    leaf = st.sampled_from(NAMES + LITERALS)
    if depth == 0:
        return leaf
    inner = numbers(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"-{x}"),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        inner.map(lambda x: f"abs({x})"),
        st.tuples(conditions(depth - 1), inner, inner).map(
            lambda t: f"({t[1]} if {t[0]} else {t[2]})"
        ),
    )


def conditions(depth: int):
    side = numbers(max(depth - 1, 0)) if depth else st.sampled_from(NAMES + LITERALS)
    compare = st.tuples(side, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), side).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}"
    )
    if depth == 0:
        return compare
    return st.one_of(
        compare,
        st.tuples(compare, st.sampled_from(["and", "or"]), compare).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        compare.map(lambda c: f"not ({c})"),
    )


VALUES = st.one_of(
    st.sampled_from([Decimal(0), Decimal(1), Decimal(10) ** 12, Decimal("0.000001")]),
    st.integers(0, 10**6).map(Decimal),
    st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False, allow_infinity=False),
)


def outcome(evaluator, values):
    try:
        return ("value", evaluator(values))
    except NotMeasurable as error:
        return ("not measurable", error.reason)


@given(
    st.one_of(numbers(3).map(lambda t: (t, NUMBER)), conditions(2).map(lambda t: (t, BOOLEAN))),
    st.fixed_dictionaries({name: VALUES for name in NAMES}),
)
def test_compiled_and_walked_agree(formula_and_kind, values):
    text, kind = formula_and_kind
    functions = default_functions()
    formula = compile_formula(text, set(NAMES), functions, kind)
    walked = SimpleEvalEvaluator(formula.tree, formula.source, formula.function_table)
    compiled = outcome(formula.evaluate, values)
    expected = outcome(walked, values)
    assert compiled == expected
    if compiled[0] == "value" and isinstance(compiled[1], Decimal):
        assert str(compiled[1]) == str(expected[1])  # the same digits and exponent


@given(
    st.one_of(numbers(3).map(lambda t: (t, NUMBER)), conditions(2).map(lambda t: (t, BOOLEAN))),
    st.fixed_dictionaries({name: VALUES for name in NAMES}),
)
def test_the_native_form_under_the_engines_context_agrees(formula_and_kind, values):
    """Formula.native (Python's operators, run by the engine's loop under its context) gives the
    exact path's value or reason, digit for digit, division by zero included."""
    from decimal import localcontext

    from kinerja_rules.decimals import CONTEXT

    text, kind = formula_and_kind
    formula = compile_formula(text, set(NAMES), default_functions(), kind)
    expected = outcome(formula.evaluate, values)
    with localcontext(CONTEXT):
        native = outcome(formula.native, values)
    assert native == expected
    if native[0] == "value" and isinstance(native[1], Decimal):
        assert str(native[1]) == str(expected[1])


def test_a_plugin_function_computes_under_the_engines_context_whoever_calls():
    from decimal import localcontext

    def third(x):
        return x / 3  # native division: the current context's precision

    formula = compile_formula("third(A)", {"A"}, {**default_functions(), "third": third}, NUMBER)
    with localcontext() as loose:
        loose.prec = 5
        value = formula.evaluate({"A": Decimal(1)})
    assert str(value) == "0." + "3" * 60  # the engine's 60 digits, not the caller's 5
