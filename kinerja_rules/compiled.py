"""Checked formulas compiled once to Python code: the same exact arithmetic, without a tree walk.

:mod:`kinerja_rules.formula` parses a formula and checks every node against an allow-list
(numbers, declared names, ``+ - * /``, comparisons, ``and``/``or``/``not``, ``x if c else y``,
registered functions). Only such a checked tree reaches this module, which rewrites it into one
Python function: a name becomes a lookup in the values, a literal a pre-built ``Decimal``, an
operator a call of the 60-digit context's own method (``CONTEXT.add`` …), a division a call that
turns a zero denominator into :class:`NotMeasurable` naming it, a function call one that checks
what the plugin returns. The generated code has no builtins and can reach nothing but those
helpers, so it can do no more than the tree walker — it only does it without walking: the
simpleeval evaluator built per call was a third of the engine's time.

The results are the tree walker's, operation for operation (same context, same order, same
errors); ``tests/test_compiled_formulas.py`` proves it with hypothesis on random formulas.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation, localcontext

import simpleeval

from .decimals import CONTEXT, RESULT_LIMIT
from .diagnostics import NotMeasurable, PluginError

_BINARY = {ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul"}
_UNARY = {ast.USub: "_neg", ast.UAdd: "_pos"}


def checked_call(name: str, function, *args) -> Decimal:
    """Call a plugin's formula function; a failure or a non-number names the function.

    The one place that guards plugin functions: the tree walker in :mod:`.formula` uses it too.
    """
    try:
        if function in BUILT_IN:
            result = function(*args)
        else:  # a plugin's: under the engine's context, whatever the caller's (see the hook)
            with localcontext(CONTEXT):
                result = function(*args)
    except (NotMeasurable, ArithmeticError):
        raise
    except Exception as error:  # a bug in a plugin's function: say whose
        raise PluginError(
            f"formula function {name}() failed: {type(error).__name__}: {error}"
        ) from error
    if isinstance(result, bool) or not isinstance(result, (int, Decimal)):
        raise PluginError(
            f"formula function {name}() returned {type(result).__name__}, not a Decimal"
        )
    return Decimal(result)


#: The built-in formula functions (min, max, abs): they need no context of their own.
#: :mod:`kinerja_rules.formula` defines them and adds them here.
BUILT_IN: set = set()


def _divider(denominator: str):
    """A division that names its denominator when it is zero ("B = 0")."""
    message = f"pembagian dengan nol ({denominator} = 0)"

    def divide(left: Decimal, right: Decimal) -> Decimal:
        if right == 0:
            raise NotMeasurable(message)
        return CONTEXT.divide(left, right)

    return divide


_COMPARISONS = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
}  # fmt: skip


class _Translator:
    """Writes a checked formula tree as the Python expression of ``def _formula(n)``.

    Source text, not an AST: compiling a short string is several times faster than building,
    locating and compiling a tree, and catalogues hold hundreds of formulas. Every piece comes
    from the checked tree: a name becomes ``n['A']`` (the checker allowed only identifiers), a
    literal, a function and a division's guard become bound names ``_vN``, an operator a call of
    a fixed helper; nothing of the formula's own text is written into the code.
    """

    def __init__(self, source: str, functions: Mapping):
        self.source = source
        self.functions = functions
        self.namespace: dict = {
            "__builtins__": {},
            "_add": CONTEXT.add,
            "_sub": CONTEXT.subtract,
            "_mul": CONTEXT.multiply,
            "_neg": CONTEXT.minus,
            "_pos": CONTEXT.plus,
            "_call": checked_call,
        }
        self.count = 0

    def bind(self, value) -> str:
        self.count += 1
        name = f"_v{self.count}"
        self.namespace[name] = value
        return name

    def node(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return self.bind(node.value)  # already the literal's exact Decimal (formula.py)
        if isinstance(node, ast.Name):
            if not node.id.isidentifier():  # the checker allows nothing else: never reached
                raise TypeError(f"not a checked name: {node.id!r}")
            return f"n[{node.id!r}]"
        if isinstance(node, ast.BinOp):
            left, right = self.node(node.left), self.node(node.right)
            if isinstance(node.op, ast.Div):
                denominator = ast.get_source_segment(self.source, node.right) or "penyebut"
                return f"{self.bind(_divider(denominator))}({left}, {right})"
            return f"{_BINARY[type(node.op)]}({left}, {right})"
        if isinstance(node, ast.UnaryOp):
            operand = self.node(node.operand)
            if isinstance(node.op, ast.Not):
                return f"(not {operand})"
            return f"{_UNARY[type(node.op)]}({operand})"
        if isinstance(node, ast.Compare):
            parts = [self.node(node.left)]
            for op, comparator in zip(node.ops, node.comparators):
                parts += [_COMPARISONS[type(op)], self.node(comparator)]
            return f"({' '.join(parts)})"
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            return f"({word.join(self.node(v) for v in node.values)})"
        if isinstance(node, ast.IfExp):
            body, test, orelse = (self.node(n) for n in (node.body, node.test, node.orelse))
            return f"({body} if {test} else {orelse})"
        if isinstance(node, ast.Call):
            name = node.func.id
            arguments = [self.bind(name), self.bind(self.functions[name])]
            arguments += [self.node(arg) for arg in node.args]
            return f"_call({', '.join(arguments)})"
        raise TypeError(f"not a checked formula node: {type(node).__name__}")


#: The function every formula becomes: its expression in place of ``0``, then the guards the
#: tree walker has (an unknown name, an overflow of the context, a result out of range).
_TEMPLATE = """
def _formula(n):
    try:
        result = 0
    except _KeyError as error:
        raise _undefined(error.args[0], _source) from None
    except _ArithmeticError as error:
        raise _NotMeasurable(_failed(error)) from None
    if result.__class__ is _Decimal and (result > _limit or result < _floor):
        raise _NotMeasurable(_out_of_range)
    return result
"""


class _NativeTranslator(_Translator):
    """The same expression with Python's own operators on the decimals (``a / b * 100``): under
    a current context equal to :data:`CONTEXT` they compute exactly what the context's methods
    do, without a Python call per operation. Used only where that context is current
    (:func:`kinerja_rules.evaluation.evaluate`); a division by zero anywhere sends the values to
    the exact path, which names the denominator as always."""

    _OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

    def node(self, node: ast.expr) -> str:
        if isinstance(node, ast.BinOp):
            left, right = self.node(node.left), self.node(node.right)
            return f"({left} {self._OPERATORS[type(node.op)]} {right})"
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return f"({sign}{self.node(node.operand)})"
        return super().node(node)


#: The native form's template: a division by zero (and 0/0, which decimal signals as an invalid
#: operation) hands the values to the exact path, for its message.
_NATIVE_TEMPLATE = _TEMPLATE.replace(
    "    except _KeyError",
    "    except _ZeroDivisionError:\n        return _exact(n)\n    except _KeyError",
    1,
)


def _failed(error: ArithmeticError) -> str:
    return f"nilai tidak dapat dihitung ({type(error).__name__})"


def compile_tree(
    tree: ast.expr,
    source: str,
    functions: Mapping[str, Callable[..., Decimal]],
    exact: Callable[[Mapping[str, Decimal]], Decimal | bool] | None = None,
) -> Callable[[Mapping[str, Decimal]], Decimal | bool]:
    """The Python function computing a checked tree over a mapping of values, with the results
    and errors of the tree walker (:class:`kinerja_rules.formula.SimpleEvalEvaluator`).

    With ``exact`` (the formula's own evaluator), the native form: Python's operators, correct
    only while the current decimal context is a copy of :data:`CONTEXT`; on any division by
    zero (or 0/0) it returns what ``exact`` does for the same values, message and all.
    """
    translator = (_Translator if exact is None else _NativeTranslator)(source, functions)
    template = _TEMPLATE if exact is None else _NATIVE_TEMPLATE
    text = template.replace("result = 0", f"result = {translator.node(tree)}", 1)
    code = compile(text, "<formula>", "exec")
    translator.namespace.update(
        _ZeroDivisionError=(ZeroDivisionError, InvalidOperation),
        _exact=exact,
        _KeyError=KeyError,
        _ArithmeticError=ArithmeticError,
        _undefined=simpleeval.NameNotDefined,
        _source=source,
        _NotMeasurable=NotMeasurable,
        _failed=_failed,
        _Decimal=Decimal,
        _limit=RESULT_LIMIT,
        _floor=-RESULT_LIMIT,
        _out_of_range="nilai di luar rentang yang dapat dihitung (lebih dari 10^30)",
    )
    exec(code, translator.namespace)  # noqa: S102 — generated from a checked tree, no builtins
    return translator.namespace["_formula"]
