"""Safe formulas: parsed and checked once when a catalogue loads, evaluated many times.

A catalogue maintainer writes ``formula = "A / B * 100"``. That text comes from a file we do not
control, so it is treated as hostile:

* its length and nesting are bounded *before* parsing (a 10 MB string or 200 000 parentheses never
  reach the parser);
* it is parsed with simpleeval's parser, then every node is checked against an allow-list:
  numbers, declared input names, ``+ - * /``, unary ``-``/``+``, comparisons, ``and``/``or``/
  ``not``, ``x if c else y`` and calls to registered functions. There is no ``**`` (``9**9**9``),
  no strings (``'a'*10**9``, f-strings), no attribute access, subscripts, comprehensions, lambdas
  or assignment, so a formula cannot reach Python internals, the file system or unbounded memory;
* numeric literals become exact :class:`~decimal.Decimal` values taken from their source text
  (``0.435`` is 435/1000, not the nearest float) and must lie in the ``LITERAL`` number domain
  (``1e308`` is refused), so with inputs in their domains no value is ever non-finite; a result
  beyond :data:`~kinerja_rules.decimals.RESULT_LIMIT` (many multiplications) is not measurable;
* a static type check separates numbers from booleans, so ``A > B`` cannot be a realisasi.

Evaluation goes through the small :class:`Evaluator` protocol. The implementation here walks the
parsed tree with :class:`simpleeval.SimpleEval` (``previously_parsed``), so the same formula is
never parsed twice; a compiled fast path can replace it without touching callers.

A division by zero never yields 0 and never crashes: it raises :class:`NotMeasurable`, which the
engine turns into an N/A result with the reason.
"""

from __future__ import annotations

import ast
import inspect
import operator
import warnings
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Protocol

import attrs
import simpleeval

from .compiled import BUILT_IN, checked_call, compile_tree
from .decimals import CONTEXT, LITERAL, RESULT_LIMIT
from .diagnostics import NotMeasurable

#: Longest formula accepted (characters). Real indicator formulas are well under 200.
MAX_FORMULA_LENGTH = 2000
#: Deepest expression tree accepted.
MAX_DEPTH = 100

NUMBER = "number"
BOOLEAN = "boolean"

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}

#: Why each common disallowed construct is refused, for messages that teach.
_REFUSED = {
    ast.Attribute: "attribute access (x.y) is not allowed",
    ast.Subscript: "subscripts (x[i]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.Starred: "*args are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}


DEFAULT_HINTS = {
    "KR301": 'write an arithmetic expression over the inputs, e.g. "A / B * 100"',
    "KR302": "formulas may use numbers, input names, + - * /, comparisons, and/or/not, "
    "'x if c else y' and registered functions (min, max, abs, and plugins' ones)",
    "KR303": "declare the name under [indicator.inputs] or fix the spelling",
    "KR304": "plugins register extra functions through the kinerja_formula_functions hook",
    "KR305": "simplify the expression, or split it into several indicators",
    "KR306": "a realisasi formula computes a number; conditions (A > B) belong in 'x if c "
    "else y', not_applicable.when, invariants and assume",
}


@attrs.frozen
class FormulaError(Exception):
    """A formula refused at load time. ``offset`` is the 0-based character offset in the text."""

    code: str
    message: str
    offset: int = 0
    hint: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.hint is None:  # every refusal teaches what is allowed
            object.__setattr__(self, "hint", DEFAULT_HINTS.get(self.code))

    def __str__(self) -> str:
        return self.message


FormulaFunction = Callable[..., Decimal]


class Evaluator(Protocol):
    """Evaluates an already-checked formula for one set of input values."""

    def __call__(self, values: Mapping[str, Decimal]) -> Decimal | bool: ...


@attrs.frozen(eq=False)
class Formula:
    """A checked formula: its text, what it refers to, and how to evaluate it."""

    text: str
    kind: str  # NUMBER or BOOLEAN
    names: frozenset[str]
    functions: frozenset[str]
    #: Source text of the right operand of every division, in order (e.g. ``("B", "D")``).
    denominators: tuple[str, ...]
    #: Input names appearing in any denominator: the "population" of a ratio.
    denominator_names: frozenset[str]
    tree: ast.expr = attrs.field(repr=False)
    evaluator: Evaluator = attrs.field(repr=False)
    #: The text the tree's offsets refer to (one line, stripped).
    source: str = attrs.field(repr=False, default="")
    #: The functions this formula calls, by name.
    function_table: Mapping[str, FormulaFunction] = attrs.field(repr=False, factory=dict)
    #: The same formula with Python's operators, for code that runs under
    #: ``decimal.localcontext(CONTEXT)`` (the engine's evaluation loop); identical results.
    native: Evaluator | None = attrs.field(repr=False, default=None)

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal | bool:
        """Evaluate with exact decimals; raises :class:`NotMeasurable` on a division by zero."""
        return self.evaluator(values)

    def compiled(self, native: bool = False) -> Callable[[Mapping[str, Decimal]], Decimal | bool]:
        """The evaluator (``native``: the native form, when there is one), compiled now if it
        was not yet: for callers that keep it rather than look it up per call (a kept
        first-call placeholder would compile again on every call)."""
        function = self.native if native and self.native is not None else self.evaluator
        if isinstance(function, _CompiledOnFirstCall):
            return function.compile()
        return function


def _minimum(first: Decimal, second: Decimal, *rest: Decimal) -> Decimal:
    """The smallest of two or more values (``min(A)`` alone would ask Python to iterate A)."""
    return min(first, second, *rest)


def _maximum(first: Decimal, second: Decimal, *rest: Decimal) -> Decimal:
    """The largest of two or more values."""
    return max(first, second, *rest)


def _absolute(value: Decimal) -> Decimal:
    """The absolute value of one value."""
    return abs(value)


_DEFAULTS: dict[str, FormulaFunction] = {"min": _minimum, "max": _maximum, "abs": _absolute}
BUILT_IN.update(_DEFAULTS.values())  # compiled.checked_call runs only plugins' under CONTEXT


def default_functions() -> dict[str, FormulaFunction]:
    """The functions every formula may call. Plugins register more through a hook."""
    return dict(_DEFAULTS)


def _arity_problem(name: str, function: FormulaFunction, count: int) -> str | None:
    """Why ``count`` arguments do not fit ``function``'s signature, checked at load time so a
    formula never fails in the middle of an evaluation; None when they fit, or when the function
    (a C built-in a plugin registered) has no signature to check."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    try:
        signature.bind(*range(count))
    except TypeError:
        positional = [
            p
            for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        required = sum(1 for p in positional if p.default is p.empty)
        variadic = any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values())
        if variadic:
            wanted = f"at least {required}"
        elif required == len(positional):
            wanted = str(required)
        else:
            wanted = f"{required} to {len(positional)}"
        return f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}"
    return None


#: Checked formulas by (text, names, functions, kind): catalogues repeat formulas ("A / B * 100",
#: the policy's capaian formulas), and a formula is immutable once checked.
_CACHE: dict[tuple[object, ...], Formula] = {}
_CACHE_SIZE = 4096


def clear_formula_cache() -> None:
    """Forget every checked formula (benchmarks measure a cold start with it)."""
    _CACHE.clear()


def compile_formula(
    text: str,
    allowed_names: frozenset[str] | set[str],
    functions: Mapping[str, FormulaFunction],
    kind: str = NUMBER,
) -> Formula:
    """Parse and check ``text``; raise :class:`FormulaError` for anything not allowed."""
    if not isinstance(text, str):
        raise FormulaError("KR203", "a formula must be a string")
    names = frozenset(allowed_names)
    key = (text, names, tuple(sorted(functions.items(), key=lambda item: item[0])), kind)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _compile(text, names, functions, kind)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = cached
    return cached


def _compile(
    text: str,
    allowed_names: frozenset[str],
    functions: Mapping[str, FormulaFunction],
    kind: str,
) -> Formula:
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(
            "KR305",
            f"formula is {len(text)} characters long; the limit is {MAX_FORMULA_LENGTH}",
            hint="split the computation into simpler indicators",
        )
    source = _flatten(text)
    if not source.strip():
        raise FormulaError(
            "KR301", "formula is empty", hint='write an expression, e.g. "A / B * 100"'
        )
    leading = len(source) - len(source.lstrip())
    stripped = source.strip()
    tree = _parse(stripped, leading)
    checker = _Checker(stripped, leading, frozenset(allowed_names), functions)
    found_kind = checker.check(tree)
    if found_kind != kind:
        raise FormulaError(
            "KR306",
            f"formula gives a {found_kind} but a {kind} is needed here",
            hint="a realisasi formula computes a number; a condition compares numbers",
        )
    used_functions = {name: functions[name] for name in checker.functions}
    first_call = _CompiledOnFirstCall(tree, stripped, used_functions)
    native_call = _CompiledOnFirstCall(tree, stripped, used_functions, native=True)
    formula = Formula(
        text=text,
        kind=kind,
        names=frozenset(checker.names),
        functions=frozenset(checker.functions),
        denominators=tuple(checker.denominators),
        denominator_names=frozenset(checker.denominator_names),
        tree=tree,
        evaluator=first_call,
        source=stripped,
        function_table=used_functions,
        native=native_call,
    )
    first_call.formula = native_call.formula = formula
    return formula


class _CompiledOnFirstCall:
    """A formula's evaluator until it is first used: compiles the checked tree to Python
    (:func:`~kinerja_rules.compiled.compile_tree`, about 0,25 ms) and puts the function in its
    place, so loading and validating catalogues never pays for formulas nothing evaluates."""

    __slots__ = ("formula", "functions", "native", "source", "tree")

    def __init__(
        self,
        tree: ast.expr,
        source: str,
        functions: Mapping[str, FormulaFunction],
        native: bool = False,
    ):
        self.tree, self.source, self.functions = tree, source, functions
        self.formula: Formula | None = None
        self.native = native

    def __call__(self, values: Mapping[str, Decimal]) -> Decimal | bool:
        return self.compile()(values)

    def compile(self) -> Callable[[Mapping[str, Decimal]], Decimal | bool]:
        """The compiled function, put in this placeholder's place in its formula."""
        formula = self.formula
        if self.native and formula is not None:
            function = compile_tree(self.tree, self.source, self.functions, formula.evaluate)
            object.__setattr__(formula, "native", function)
            return function
        function = compile_tree(self.tree, self.source, self.functions)
        if formula is not None:  # a cache: the formula stays the same formula
            object.__setattr__(formula, "evaluator", function)
        return function


def _flatten(text: str) -> str:
    """Formulas may span lines in TOML multi-line strings; Python needs one logical line."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def _parse(stripped: str, leading: int) -> ast.expr:
    if "\x00" in stripped:
        raise FormulaError(
            "KR301", "formula contains a NUL character", stripped.index("\x00") + leading
        )
    _check_nesting(stripped, leading)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", simpleeval.MultipleExpressions)
            node = simpleeval.SimpleEval.parse(stripped)
    except simpleeval.MultipleExpressions:
        raise FormulaError(
            "KR301",
            "formula contains more than one expression",
            leading,
            hint="remove the ';' or the second statement",
        ) from None
    except SyntaxError as error:
        offset = max((error.offset or 1) - 1, 0) + leading
        raise FormulaError(
            "KR301",
            f"formula syntax error: {error.msg}",
            offset,
            hint='write an arithmetic expression over the inputs, e.g. "A / B * 100"',
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise FormulaError(
            "KR305", f"formula cannot be parsed: {type(error).__name__}", leading
        ) from None
    if isinstance(node, ast.Expr):
        return node.value
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        raise FormulaError("KR302", "assignment is not allowed in a formula", leading)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        raise FormulaError("KR302", "import is not allowed in a formula", leading)
    raise FormulaError("KR302", f"a {type(node).__name__} statement is not a formula", leading)


def _check_nesting(stripped: str, leading: int) -> None:
    """Refuse deep bracket nesting before the parser sees it (cheap, linear, no recursion)."""
    depth = 0
    for index, char in enumerate(stripped):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    "KR305",
                    f"formula nests brackets more than {MAX_DEPTH} deep",
                    index + leading,
                    hint="simplify the expression",
                )
        elif char in ")]}":
            depth -= 1


class _Checker:
    """Walks a parsed formula once: allow-list, names, functions, denominators, value kind."""

    def __init__(
        self,
        source: str,
        leading: int,
        allowed_names: frozenset[str],
        functions: Mapping[str, FormulaFunction],
    ):
        self.source = source
        self.leading = leading
        self.allowed_names = allowed_names
        self.known_functions = functions
        self.names: set[str] = set()
        self.functions: set[str] = set()
        self.denominators: list[str] = []
        self.denominator_names: set[str] = set()

    def fail(self, node: ast.AST, code: str, message: str, hint: str | None = None) -> FormulaError:
        offset = getattr(node, "col_offset", 0) + self.leading
        return FormulaError(code, message, offset, hint)

    def check(self, node: ast.AST, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise self.fail(node, "KR305", f"formula is nested more than {MAX_DEPTH} levels deep")
        handler: Callable[[ast.AST, int], str] | None = getattr(
            self, f"_check_{type(node).__name__}", None
        )
        if handler is None:
            reason = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed in a formula")
            raise self.fail(
                node,
                "KR302",
                reason,
                "use numbers, input names, + - * /, comparisons, 'x if c else y' and "
                "registered functions",
            )
        return handler(node, depth + 1)

    def json_number(self, node: ast.AST, depth: int, what: str) -> None:
        if self.check(node, depth) != NUMBER:
            raise self.fail(node, "KR306", f"{what} must be a number, not a condition")

    def _boolean(self, node: ast.AST, depth: int, what: str) -> None:
        if self.check(node, depth) != BOOLEAN:
            raise self.fail(node, "KR306", f"{what} must be a condition (e.g. B > 0), not a number")

    def _check_Constant(self, node: ast.Constant, depth: int) -> str:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = (
                "strings" if isinstance(value, (str, bytes)) else f"{type(value).__name__} values"
            )
            raise self.fail(node, "KR302", f"{kind} are not allowed in a formula")
        exact = _exact_literal(self.source, node)
        node.value = exact  # type: ignore[assignment]  # the checked tree holds exact Decimals
        problem = LITERAL.check(exact)
        if problem is not None:  # 1e308 * 10 is refused here, not overflowed at run time
            raise self.fail(node, problem.code, f"number {problem.message}", problem.hint)
        return NUMBER

    def _check_Name(self, node: ast.Name, depth: int) -> str:
        if node.id not in self.allowed_names:
            known = ", ".join(sorted(self.allowed_names)) or "none"
            raise self.fail(
                node,
                "KR303",
                f"'{node.id}' is not a declared input (declared: {known})",
                hint=f"declare {node.id} under [indicator.inputs] or fix the spelling",
            )
        self.names.add(node.id)
        return NUMBER

    def _check_BinOp(self, node: ast.BinOp, depth: int) -> str:
        if type(node.op) not in _BINARY:
            symbol = {ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%"}.get(type(node.op))
            what = f"'{symbol}'" if symbol else type(node.op).__name__
            raise self.fail(node, "KR302", f"operator {what} is not allowed", "use + - * / only")
        self.json_number(node.left, depth, "each side of an arithmetic operator")
        self.json_number(node.right, depth, "each side of an arithmetic operator")
        if isinstance(node.op, ast.Div):
            self.denominators.append(ast.get_source_segment(self.source, node.right) or "?")
            self.denominator_names.update(
                child.id for child in ast.walk(node.right) if isinstance(child, ast.Name)
            )
        return NUMBER

    def _check_UnaryOp(self, node: ast.UnaryOp, depth: int) -> str:
        if isinstance(node.op, ast.Not):
            self._boolean(node.operand, depth, "the operand of 'not'")
            return BOOLEAN
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.fail(node, "KR302", "operator '~' is not allowed")
        self.json_number(node.operand, depth, "the operand of a sign")
        return NUMBER

    def _check_Compare(self, node: ast.Compare, depth: int) -> str:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.fail(
                    node,
                    "KR302",
                    f"comparison {type(op).__name__} is not allowed",
                    "use < <= > >= == !=",
                )
        for operand in (node.left, *node.comparators):
            self.json_number(operand, depth, "each side of a comparison")
        return BOOLEAN

    def _check_BoolOp(self, node: ast.BoolOp, depth: int) -> str:
        for value in node.values:
            self._boolean(value, depth, "each side of 'and'/'or'")
        return BOOLEAN

    def _check_IfExp(self, node: ast.IfExp, depth: int) -> str:
        self._boolean(node.test, depth, "the condition of 'x if c else y'")
        body = self.check(node.body, depth)
        orelse = self.check(node.orelse, depth)
        if body != orelse:
            raise self.fail(node, "KR306", "both branches of 'x if c else y' must be of one kind")
        return body

    def _check_Call(self, node: ast.Call, depth: int) -> str:
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                node, "KR302", "only registered functions may be called (e.g. min(A, B))"
            )
        name = node.func.id
        if name not in self.known_functions:
            known = ", ".join(sorted(self.known_functions))
            raise self.fail(
                node,
                "KR304",
                f"function '{name}' is not registered (available: {known})",
                hint="plugins register extra functions through the kinerja_formula_functions hook",
            )
        if node.keywords:
            raise self.fail(node, "KR302", "keyword arguments are not allowed")
        if not node.args:
            raise self.fail(node, "KR302", f"{name}() needs at least one argument")
        problem = _arity_problem(name, self.known_functions[name], len(node.args))
        if problem is not None:
            raise self.fail(node, "KR302", problem, "e.g. min(A, B), max(A, B, C), abs(A - B)")
        for arg in node.args:
            self.json_number(arg, depth, f"each argument of {name}()")
        self.functions.add(name)
        return NUMBER


def _exact_literal(source: str, node: ast.Constant) -> Decimal:
    """The literal's own digits as a Decimal: ``0.435`` stays 0.435, never a binary float."""
    segment = (ast.get_source_segment(source, node) or "").replace("_", "")
    try:
        return Decimal(segment)
    except ArithmeticError:
        return Decimal(int(node.value)) if isinstance(node.value, int) else Decimal(segment or "0")


# --- evaluation -----------------------------------------------------------------------------


def _divide(left: Decimal, right: Decimal) -> Decimal:
    if right == 0:
        raise ZeroDivisionError
    return CONTEXT.divide(left, right)


_OPERATORS: dict[type[ast.AST], Callable[..., object]] = {
    ast.Add: CONTEXT.add,
    ast.Sub: CONTEXT.subtract,
    ast.Mult: CONTEXT.multiply,
    ast.Div: _divide,
    ast.USub: CONTEXT.minus,
    ast.UAdd: CONTEXT.plus,
    ast.Not: operator.not_,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


class _DecimalEval(simpleeval.SimpleEval):  # type: ignore[misc]  # simpleeval has no types
    """simpleeval's tree walker with exact-decimal operators and located division by zero."""

    def __init__(
        self, source: str, functions: Mapping[str, FormulaFunction], names: Mapping[str, Decimal]
    ):
        super().__init__(operators=_OPERATORS, functions=dict(functions), names=names)
        self.source = source

    def _eval_binop(self, node: ast.BinOp) -> Decimal:
        try:
            value: Decimal = super()._eval_binop(node)
            return value
        except ZeroDivisionError:
            denominator = ast.get_source_segment(self.source, node.right) or "penyebut"
            raise NotMeasurable(f"pembagian dengan nol ({denominator} = 0)") from None

    def _eval_call(self, node: ast.Call) -> Decimal:
        # The checker allows only registered names with positional arguments.
        name: str = node.func.id  # type: ignore[attr-defined]  # an ast.Name (checked)
        arguments = [self._eval(argument) for argument in node.args]
        return checked_call(name, self.functions[name], *arguments)


def evaluate_node(
    formula: Formula, node: ast.expr, values: Mapping[str, Decimal]
) -> Decimal | bool:
    """Evaluate one sub-expression of a checked formula (e.g. the condition of an ``if``).

    Used to show which branch a derivation took; evaluation proper goes through the evaluator.
    """
    evaluator = _DecimalEval(formula.source, formula.function_table, values)
    try:
        value: Decimal | bool = evaluator._eval(node)
        return value
    except ArithmeticError as error:
        raise NotMeasurable(f"nilai tidak dapat dihitung ({type(error).__name__})") from None


@attrs.frozen
class SimpleEvalEvaluator:
    """Evaluates a checked tree with simpleeval, reusing the parsed form on every call."""

    tree: ast.expr
    source: str
    functions: Mapping[str, FormulaFunction]

    def __call__(self, values: Mapping[str, Decimal]) -> Decimal | bool:
        # A fresh evaluator per call keeps evaluation thread-safe; parsing is never repeated.
        evaluator = _DecimalEval(self.source, self.functions, values)
        try:
            result: Decimal | bool = evaluator.eval(self.source, previously_parsed=self.tree)
        except ArithmeticError as error:  # overflow of the 60-digit context, invalid operation
            raise NotMeasurable(f"nilai tidak dapat dihitung ({type(error).__name__})") from None
        if isinstance(result, Decimal) and abs(result) > RESULT_LIMIT:
            raise NotMeasurable("nilai di luar rentang yang dapat dihitung (lebih dari 10^30)")
        return result
