"""Writing a formula back out the way LKjIP reports do: ``A / B × 100% = 629 / 1277 × 100%``.

The text is printed from the checked syntax tree, not patched from the source string, so the
symbolic form and the form with values substituted always have the same shape and brackets.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from decimal import Decimal

from .formatting import format_decimal
from .formula import Formula, NotMeasurable, evaluate_node

_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×", ast.Div: "/"}
_COMPARE = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.Eq: "=", ast.NotEq: "≠"}
_PRECEDENCE = {ast.Add: 6, ast.Sub: 6, ast.Mult: 7, ast.Div: 7}


def render(
    formula: Formula,
    values: Mapping[str, Decimal | str] | None = None,
    percent: bool = False,
    lang: str = "id",
    labels: Mapping[str, str] | None = None,
    branches_for: Mapping[str, Decimal] | None = None,
) -> str:
    """The formula as text; names in ``values`` are replaced by their values.

    A value given as a string is written as is (for pre-formatted figures); ``labels`` renames
    the remaining names (``R`` → ``realisasi``). With ``percent``, a final ``× 100`` is written
    ``× 100%``, as reports write percentages. With ``values`` (or ``branches_for``, to keep the
    names), each ``x if c else y`` is written as the branch those values take.
    """
    chooser = branches_for or {k: v for k, v in (values or {}).items() if isinstance(v, Decimal)}
    tree = _taken_branches(formula, formula.tree, chooser) if chooser else formula.tree
    if (
        percent
        and isinstance(tree, ast.BinOp)
        and isinstance(tree.op, ast.Mult)
        and isinstance(tree.right, ast.Constant)
        and tree.right.value == 100
    ):
        return _Printer(values, lang, labels).text(tree.left, 7) + " × 100%"
    return _Printer(values, lang, labels).text(tree, 0)


def _taken_branches(formula: Formula, node: ast.expr, values: Mapping[str, Decimal]) -> ast.expr:
    """A copy of ``node`` with every ``x if c else y`` replaced by the branch ``values`` take."""

    class Chooser(ast.NodeTransformer):
        def visit_IfExp(self, branch: ast.IfExp) -> ast.AST:
            try:
                taken = (
                    branch.body if evaluate_node(formula, branch.test, values) else branch.orelse
                )
            except (NotMeasurable, KeyError):
                return self.generic_visit(branch)
            return self.visit(taken)

    return Chooser().visit(copy.deepcopy(node))


_WORDS_ID = {"and": "dan", "or": "atau", "not": "bukan", "if": "jika", "else": "selain itu"}


class _Printer:
    def __init__(
        self,
        values: Mapping[str, Decimal | str] | None,
        lang: str,
        labels: Mapping[str, str] | None,
    ):
        self.values = values or {}
        self.lang = lang
        self.labels = labels or {}

    def _word(self, word: str) -> str:
        """Formula words in the report's language: ``B = 0 atau U = 0``."""
        return _WORDS_ID.get(word, word) if self.lang == "id" else word

    def text(self, node: ast.AST, context: int) -> str:
        own, body = self._body(node)
        return f"({body})" if own < context else body

    def _body(self, node: ast.AST) -> tuple[int, str]:
        if isinstance(node, ast.Name):
            value = self.values.get(node.id)
            if value is None:
                return 9, self.labels.get(node.id, node.id)
            return 9, value if isinstance(value, str) else format_decimal(value, self.lang)
        if isinstance(node, ast.Constant):
            return 9, format_decimal(node.value, self.lang)
        if isinstance(node, ast.BinOp):
            level = _PRECEDENCE[type(node.op)]
            left = self.text(node.left, level)
            right = self.text(node.right, level + 1)
            return level, f"{left} {_SYMBOLS[type(node.op)]} {right}"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return 4, self._word("not") + " " + self.text(node.operand, 4)
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return 8, sign + self.text(node.operand, 8)
        if isinstance(node, ast.Compare):
            parts = [self.text(node.left, 6)]
            for op, operand in zip(node.ops, node.comparators):
                parts.append(f"{_COMPARE[type(op)]} {self.text(operand, 6)}")
            return 5, " ".join(parts)
        if isinstance(node, ast.BoolOp):
            level = 3 if isinstance(node.op, ast.And) else 2
            word = f" {self._word('and' if level == 3 else 'or')} "
            return level, word.join(self.text(value, level + 1) for value in node.values)
        if isinstance(node, ast.IfExp):
            body = self.text(node.body, 2)
            test = self.text(node.test, 2)
            orelse = self.text(node.orelse, 1)
            return 1, f"{body} {self._word('if')} {test} {self._word('else')} {orelse}"
        if isinstance(node, ast.Call):
            args = ", ".join(self.text(arg, 0) for arg in node.args)
            return 9, f"{node.func.id}({args})"
        raise TypeError(f"cannot render {type(node).__name__}")  # the checker admits nothing else
