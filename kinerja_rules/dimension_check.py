"""Proving units of measure: each formula's dimension, inferred over its checked tree, must agree
with what it combines and with the indicator's ``unit``; targets must lie in the unit's range.

``kinerja-rules validate`` runs this (never ``evaluate``: a loaded catalogue is already safe to
evaluate; this is about whether it means what its unit says). Inference walks the tree
:mod:`kinerja_rules.formula` already checked, so every node is one of + − × ÷, a sign, a
comparison, ``and``/``or``/``not``, ``x if c else y``, a name, a Decimal literal or a call.

The rules (``docs/catalogue-format.md``, *Units of measure*): dimensions multiply and divide as
products of base units, so klien ÷ klien is a ratio, klien ÷ layanan a rate, Rp ÷ Rp a ratio. A
bare literal 100 is the percent scale (ratio × 100 is a percent, percent ÷ 100 a ratio); other
literals are dimensionless, and a value made of literals alone takes the dimension of what it is
added to or compared with. Sums, differences, comparisons, both branches of ``x if c else y``
and the arguments of ``min``/``max`` must be of one dimension; ``abs`` keeps its argument's. A
plugin function's result is unknown, and what is unknown is never an error.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from decimal import Decimal

from .diagnostics import Diagnostic, Location, Severity
from .dimensions import (
    COUNT,
    GENERIC,
    INDEX,
    MONEY,
    PERCENT_DIMENSION,
    SAME,
    SCALAR,
    TIME,
    UNKNOWN,
    Dimension,
    Vocabulary,
    base,
    declared_result,
    describe,
    term_dimension,
    unit_dimension,
)
from .formatting import format_decimal
from .formula import Formula
from .model import Catalogue, Indicator, InputSpec, Target, evaluation_order

_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_DECLARE_HINT = (
    "combine only quantities of one dimension; check what each input declares it counts "
    '(counts = "klien") or measures (measures = "Rp")'
)


class Inference:
    """Infers the dimension of one formula over typed names; collects what does not agree as
    (offset into the formula's source, message) pairs, for the caller to locate."""

    def __init__(
        self,
        names: Mapping[str, Dimension],
        vocabulary: Vocabulary,
        source: str = "",
        functions: Mapping[str, object] | None = None,
    ):
        self.names = names
        self.vocabulary = vocabulary
        self.source = source  # the formula's stripped source, to point at an operator
        #: The plugin functions the formula calls, for their declared results (``returns``).
        self.functions = functions or {}
        self.problems: list[tuple[int, str]] = []

    def infer(self, node: ast.AST) -> Dimension:
        handler = getattr(self, f"_{type(node).__name__}", None)
        return handler(node) if handler is not None else UNKNOWN

    # --- algebra -------------------------------------------------------------------------------

    def multiply(self, left: Dimension, right: Dimension, sign: int = 1) -> Dimension:
        """``left × right`` (``sign`` -1: ``left ÷ right``): exponents add, compatible counts of
        opposite exponent cancel (klien ÷ orang, klien ÷ a generic count)."""
        if left.bases is None or right.bases is None:
            return UNKNOWN
        powers = dict(left.bases)
        for name, power in right.bases:
            powers[name] = powers.get(name, 0) + sign * power
        return Dimension(
            self._cancel(powers),
            left.hundred + sign * right.hundred,
            literal=left.literal and right.literal,
            generic=left.generic or right.generic,
        )

    def _cancel(self, powers: dict[str, int]) -> tuple[tuple[str, int], ...]:
        changed = True
        while changed:
            changed = False
            for up in [name for name, power in powers.items() if power > 0]:
                for down in [name for name, power in powers.items() if power < 0]:
                    if powers[up] > 0 and powers[down] < 0 and self.vocabulary.compatible(up, down):
                        step = min(powers[up], -powers[down])
                        powers[up] -= step
                        powers[down] += step
                        changed = True
        return tuple(sorted((name, power) for name, power in powers.items() if power))

    def join(self, first: Dimension, second: Dimension) -> Dimension | None:
        """The one dimension of ``first`` and ``second`` added or compared; None: they differ."""
        if first.bases is None or second.bases is None:
            return UNKNOWN
        if first.literal:
            return second
        if second.literal:
            return first
        generic = first.generic or second.generic
        if first.hundred != second.hundred or len(first.bases) != len(second.bases):
            return None
        joined = []
        rest = list(second.bases)
        for name, power in first.bases:
            match = next(
                (
                    (other, p)
                    for other, p in rest
                    if p == power and self.vocabulary.compatible(name, other)
                ),
                None,
            )
            if match is None:
                return None
            rest.remove(match)
            joined.append((self._wider(name, match[0]), power))
        return Dimension(tuple(sorted(joined)), first.hundred, generic=generic)

    def _wider(self, first: str, second: str) -> str:
        if first == GENERIC:
            return second
        if second == GENERIC or second in self.vocabulary.ancestors(first):
            return first if second == GENERIC else second
        return first

    def _mismatch(
        self, node: ast.AST, what: str, dimensions: list[Dimension], after: ast.AST | None = None
    ) -> None:
        """Record a problem at ``node``, or at the operator following ``after`` (its left
        operand) when the source is known."""
        shown = " and ".join(describe(d, self.vocabulary) for d in dimensions)
        offset = getattr(node, "col_offset", 0)
        end = getattr(after, "end_col_offset", None)
        if end is not None and end <= len(self.source):
            while end < len(self.source) and self.source[end] in " )":
                end += 1
            offset = end
        self.problems.append((offset, f"{what} {shown}"))

    # --- nodes ---------------------------------------------------------------------------------

    def _Constant(self, node: ast.Constant) -> Dimension:
        value = node.value
        if isinstance(value, Decimal | int) and not isinstance(value, bool) and value == 100:
            return Dimension((), 1, literal=True)
        return SCALAR

    def _Name(self, node: ast.Name) -> Dimension:
        return self.names.get(node.id, UNKNOWN)

    def _BinOp(self, node: ast.BinOp) -> Dimension:
        left, right = self.infer(node.left), self.infer(node.right)
        if isinstance(node.op, ast.Mult):
            return self.multiply(left, right)
        if isinstance(node.op, ast.Div):
            return self.multiply(left, right, -1)
        joined = self.join(left, right)
        if joined is None:
            verb = "adds" if isinstance(node.op, ast.Add) else "subtracts"
            symbol = _SYMBOLS[type(node.op)]
            self._mismatch(node, f"'{symbol}' {verb}", [left, right], after=node.left)
            return UNKNOWN
        return joined

    def _UnaryOp(self, node: ast.UnaryOp) -> Dimension:
        operand = self.infer(node.operand)
        return UNKNOWN if isinstance(node.op, ast.Not) else operand

    def _Compare(self, node: ast.Compare) -> Dimension:
        left_node, left = node.left, self.infer(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.infer(comparator)
            if self.join(left, right) is None:
                symbol = _COMPARE.get(type(op), "?")
                self._mismatch(node, f"'{symbol}' compares", [left, right], after=left_node)
            left_node, left = comparator, right
        return UNKNOWN  # a condition: no dimension

    def _BoolOp(self, node: ast.BoolOp) -> Dimension:
        for value in node.values:
            self.infer(value)
        return UNKNOWN

    def _IfExp(self, node: ast.IfExp) -> Dimension:
        self.infer(node.test)
        body, orelse = self.infer(node.body), self.infer(node.orelse)
        joined = self.join(body, orelse)
        if joined is None:
            self._mismatch(node, "the branches of 'x if c else y' give", [body, orelse])
            return UNKNOWN
        return joined

    def _Call(self, node: ast.Call) -> Dimension:
        arguments = [self.infer(arg) for arg in node.args]
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name == "abs" and len(arguments) == 1:
            return arguments[0]
        declared = getattr(self.functions.get(name), "kinerja_dimension", None)
        if name not in ("min", "max") and declared != SAME or not arguments:
            if declared is None:
                return UNKNOWN  # a plugin's function that declares nothing: unknown
            return declared_result(declared, self.vocabulary) or UNKNOWN
        joined = arguments[0]
        for argument in arguments[1:]:
            following = self.join(joined, argument)
            if following is None:
                self._mismatch(node, f"{name}() mixes", [joined, argument])
                return UNKNOWN
            joined = following
        return joined


def input_dimension(spec: InputSpec, vocabulary: Vocabulary) -> Dimension:
    """What a data input declares (``counts``/``measures``); undeclared: a generic count, so
    catalogues written before units were declared keep validating."""
    word = spec.counts or spec.measures
    if not word:
        return base(GENERIC) if spec.kind == "count" else UNKNOWN
    term = vocabulary.term(word)
    return term_dimension(term) if term is not None else UNKNOWN


def result_dimensions(catalogue: Catalogue, vocabulary: Vocabulary) -> dict[str, Dimension]:
    """Each indicator's realisasi dimension: its unit's, or (a unit the vocabulary does not
    name) what its formula gives — what a composite input ``from = "id.realisasi"`` carries."""
    found: dict[str, Dimension] = {}
    for indicator in evaluation_order(catalogue.indicators):
        expected = unit_dimension(indicator.unit, vocabulary)
        if expected is None:
            names = names_of(indicator, found, vocabulary)
            expected = inferred(indicator.formula, names, vocabulary)[0]
        found[indicator.id] = expected
    return found


#: :func:`inferred`'s answers lately given, by the identity of the formula and the vocabulary
#: and the dimensions of the names (with ``generic``, which Dimension's equality leaves out).
_INFERRED: dict[tuple, tuple[Formula, Vocabulary, Dimension, tuple[tuple[int, str], ...]]] = {}
_INFERRED_SIZE = 4096


def inferred(
    formula: Formula, names: Mapping[str, Dimension], vocabulary: Vocabulary
) -> tuple[Dimension, tuple[tuple[int, str], ...]]:
    """The dimension of ``formula`` over ``names`` and the problems :class:`Inference` finds
    (offsets into its source, messages), remembered: a compiled formula is shared by every
    catalogue that writes it (``A / B * 100`` over two counts of klien, in thousands of files),
    and inferring it was most of what checking an indicator's units cost."""
    key = (id(formula), id(vocabulary), *names.items(), *(d.generic for d in names.values()))
    known = _INFERRED.get(key)
    if known is not None and known[0] is formula and known[1] is vocabulary:
        return known[2], known[3]
    inference = Inference(names, vocabulary, formula.source, formula.function_table)
    got = inference.infer(formula.tree)
    if len(_INFERRED) >= _INFERRED_SIZE:
        _INFERRED.clear()
    _INFERRED[key] = (formula, vocabulary, got, tuple(inference.problems))
    return got, tuple(inference.problems)


def names_of(
    indicator: Indicator, results: Mapping[str, Dimension], vocabulary: Vocabulary
) -> dict[str, Dimension]:
    names = {}
    for spec in indicator.inputs:
        if spec.source is None:
            names[spec.name] = input_dimension(spec, vocabulary)
        elif spec.source[1] == "capaian":
            names[spec.name] = PERCENT_DIMENSION  # capaian is always a percent
        else:
            names[spec.name] = results.get(spec.source[0], UNKNOWN)
    return names


def check_dimensions(
    catalogue: Catalogue, vocabulary: Vocabulary, strict: bool = False
) -> list[Diagnostic]:
    """Every units-of-measure diagnostic of ``catalogue``, in catalogue order; ``strict`` also
    names each data input that declares neither ``counts`` nor ``measures`` (KR806)."""
    found: list[Diagnostic] = []
    results = result_dimensions(catalogue, vocabulary)
    for indicator in catalogue.indicators:
        declared = list(_declarations(indicator, vocabulary))
        found += declared
        if strict:
            found += _undeclared(indicator)
        if not declared:
            found += _formula(indicator, results, vocabulary)
        found += _targets(catalogue, indicator)
    return found


def _declarations(indicator: Indicator, vocabulary: Vocabulary) -> Iterator[Diagnostic]:
    for spec in indicator.inputs:
        for key, word in (("counts", spec.counts), ("measures", spec.measures)):
            if not word:
                continue
            term = vocabulary.term(word)
            wants_count = key == "counts"
            if term is not None and (term.kind == COUNT) == wants_count:
                continue
            known = sorted(
                t.name for t in vocabulary.terms.values() if (t.kind == COUNT) == wants_count
            )
            if term is not None:
                other = "measures" if wants_count else "counts"
                hint = f'{word} is {"not " if wants_count else ""}a count: write {other} = "{word}"'
            else:
                hint = f"known: {', '.join(known)} (a plugin adds words: kinerja_dimensions)"
            yield Diagnostic(
                "KR801",
                f"indicator '{indicator.id}': input {spec.name} {key} {word!r}, which is not "
                f"a{'' if wants_count else 'n amount'} {'count ' if wants_count else ''}of the "
                "vocabulary",
                indicator.where(f"inputs.{spec.name}"),
                hint,
            )


def _undeclared(indicator: Indicator) -> Iterator[Diagnostic]:
    for spec in indicator.data_inputs:
        if not spec.counts and not spec.measures:
            yield Diagnostic(
                "KR806",
                f"indicator '{indicator.id}': input {spec.name} declares neither what it counts "
                "nor what it measures (taken as a count of anything)",
                indicator.where(f"inputs.{spec.name}"),
                f'write {spec.name} = {{ description = "…", counts = "klien" }} (or measures = '
                '"Rp", "hari", …)',
                Severity.WARNING,
            )


def _formula(
    indicator: Indicator, results: Mapping[str, Dimension], vocabulary: Vocabulary
) -> Iterator[Diagnostic]:
    formula = indicator.formula
    got, problems = inferred(formula, names_of(indicator, results, vocabulary), vocabulary)
    if problems:
        where = indicator.where("formula")
        for offset, message in problems:
            yield Diagnostic(
                "KR803",
                f"indicator '{indicator.id}': {message}",
                formula_location(where, formula, offset),
                _DECLARE_HINT,
            )
        return
    expected = unit_dimension(indicator.unit, vocabulary)
    if expected is None:
        return
    verdict = _agrees(got, expected, vocabulary)
    if verdict is True or got.generic and verdict != "ratio":
        return  # an undeclared input may count anything: only the missing × 100 is sure
    at = formula_location(indicator.where("formula"), formula, 0)
    unit = indicator.unit
    shown = describe(got, vocabulary)
    if verdict == "rate":
        yield Diagnostic(
            "KR804",
            f"indicator '{indicator.id}': the formula gives {shown} but the unit is {unit!r}",
            at,
            "a percentage compares a part with its whole, counted alike; declare both inputs "
            "as counts of one kind if the rate is a share, or give the indicator a unit that "
            "says what it counts per what",
            Severity.WARNING,
        )
        return
    hint = (
        f"multiply by 100 ({formula.source} * 100): a bare 100 times a ratio is a percent"
        if verdict == "ratio"
        else f"the formula's value must be in {unit}: fix the formula, the inputs' counts/"
        "measures or the unit"
    )
    yield Diagnostic(
        "KR802",
        f"indicator '{indicator.id}': the formula gives {shown} but the unit is {unit!r}",
        at,
        hint,
    )


def _agrees(got: Dimension, expected: Dimension, vocabulary: Vocabulary) -> bool | str:
    """True when ``got`` may be shown in the unit of ``expected``; else why not: "ratio" (a %
    indicator without the × 100), "rate" (a rate on a % indicator), or "other"."""
    if got.bases is None or got.literal:
        return True
    ups = [(name, power) for name, power in got.bases if power > 0]
    downs = [(name, power) for name, power in got.bases if power < 0]
    if expected == PERCENT_DIMENSION:
        if got == PERCENT_DIMENSION:
            return True
        if not got.bases and got.hundred == 0:
            return "ratio"
        return "rate" if ups and downs and got.hundred == 1 else "other"
    unit = vocabulary.term(expected.bases[0][0]) if expected.bases else None
    if unit is None:
        return True
    if unit.kind == INDEX and not got.bases and got.hundred in (0, 1):
        return True  # an index is a dimensionless score: of ratios, or of capaian
    if got.hundred != 0 or len(ups) != 1 or ups[0][1] != 1:
        return "other"
    # One base to the first power, perhaps per something (an average: hari per usulan).
    term = vocabulary.term(ups[0][0])
    if unit.kind == COUNT:
        return True if ups[0][0] == GENERIC or (term and term.kind == COUNT) else "other"
    if unit.kind in (MONEY, TIME, INDEX):
        return True if ups[0][0] == unit.name else "other"
    return True


def formula_location(where: Location, formula: Formula, offset: int) -> Location:
    """The column of ``offset`` (into the formula's stripped source) when the formula is a
    one-line TOML string without escapes, as the loader's own formula diagnostics point;
    else the field."""
    if where.line is None or where.col is None:
        return where
    line = _line(where.file, where.line)
    start = where.col - 1
    quote = line[start : start + 1] if line is not None else ""
    flat = formula.text.replace("\n", " ")
    leading = len(flat) - len(flat.lstrip())
    if (
        quote in ('"', "'")
        and line is not None
        and line[start : start + 3] != quote * 3
        and "\\" not in line[start:]
    ):
        return Location(where.file, where.line, where.col + 1 + leading + offset, where.field)
    return where


@functools.lru_cache(maxsize=64)
def _lines(file: str) -> tuple[str, ...]:
    try:
        with open(file, encoding="utf-8") as handle:
            return tuple(handle.read().splitlines())
    except (OSError, UnicodeDecodeError, ValueError):
        return ()


def _line(file: str, number: int) -> str | None:
    lines = _lines(file)
    return lines[number - 1] if 0 < number <= len(lines) else None


# --- targets -------------------------------------------------------------------------------------


def _targets(catalogue: Catalogue, indicator: Indicator) -> Iterator[Diagnostic]:
    """Targets, Renstra values and period targets in the unit's range: a % within 0–100 unless
    ``above_100`` (KR214), an index within its ``scale``, counts and money not negative
    (KR805). Each target is only compared until one is wrong: naming and locating it is left to
    :func:`_target_problem`."""
    share = indicator.is_percentage and not indicator.above_100
    scale = indicator.scale
    for field, part, target in _written_targets(indicator):
        if share and target.upper > 100:
            problem = "above 100"
        elif scale is not None and not (scale[0] <= target.lower and target.upper <= scale[1]):
            problem = "off scale"
        elif target.lower < 0:
            problem = "negative"
        else:
            continue
        yield _target_problem(indicator, field, part, target, problem)


def _written_targets(indicator: Indicator) -> Iterator[tuple[str, str | None, Target]]:
    """(field, Renstra year or period key, target) for every target the indicator writes."""
    if indicator.target is not None:
        yield "target", None, indicator.target
    for year, target in indicator.renstra.items():
        yield "renstra", str(year), target
    for period, target in indicator.period_targets.items():
        yield "period_targets", period.key, target
    if indicator.national_standard is not None:
        yield "national_standard", None, indicator.national_standard


def _target_problem(
    indicator: Indicator, field: str, part: str | None, target: Target, problem: str
) -> Diagnostic:
    """KR214 or KR805 for a target of ``field`` (``part``: its Renstra year or period)."""
    # A Renstra year is located at its own value; the period targets at their table.
    where = indicator.where(f"renstra.{part}" if field == "renstra" else field)
    what = _what(field, part)
    if problem == "above 100":
        return Diagnostic(
            "KR214",
            f"indicator '{indicator.id}': a % {what} of {format_decimal(target.upper)} "
            "is above 100",
            where,
            "check the PK; a share is at most 100% (an occupancy rate may exceed it: then "
            "declare above_100 = true on the indicator)",
        )
    if problem == "off scale":
        assert indicator.scale is not None
        low, high = (format_decimal(bound) for bound in indicator.scale)
        return Diagnostic(
            "KR805",
            f"indicator '{indicator.id}': the {what} {_text(target)} is outside the index's "
            f"scale {low}–{high}",
            where,
            f"an index on scale = [{low}, {high}] takes targets in that range: check the PK, "
            "or the scale",
        )
    return Diagnostic(
        "KR805",
        f"indicator '{indicator.id}': the {what} {_text(target)} is negative",
        where,
        f"a target in {indicator.unit} is not negative: check the PK",
    )


def _what(field: str, part: str | None) -> str:
    """How a message names a target field: "target", "Renstra 2025 target", …"""
    return {
        "target": "target",
        "renstra": f"Renstra {part} target",
        "period_targets": f"{part} target",
        "national_standard": "national standard",
    }[field]


def _text(target: Target) -> str:
    if not target.is_range:
        return format_decimal(target.value)
    return f"{format_decimal(target.lower)}-{format_decimal(target.upper)}"
