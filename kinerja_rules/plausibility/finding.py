"""One plausibility finding: which value looks wrong, against what, and by which rule.

A finding is advice, never an error: the figure is still evaluated and reported. It names the
unit, the period, the indicator and the input that moved, the value, the range the rule
expected and the history it used, so a reviewer can check the one cell without re-running
anything. :meth:`Finding.diagnostic` makes it the located :class:`~kinerja_rules.Diagnostic`
every output already knows how to show.
"""

from __future__ import annotations

import math

import attrs

from ..diagnostics import Diagnostic, Location, Severity
from ..periods import Period

#: The rules, by diagnostic code, in the order a value's findings are reported.
RULES = {
    "KR907": "period copied from the previous year",
    "KR908": "stock summed instead of carried forward",
    "KR903": "outside the declared range",
    "KR901": "unusual for the unit's own history",
    "KR902": "changed too much from the same period of previous years",
    "KR904": "outside the range learned from previous years",
    "KR905": "stock moves more than its flows allow",
    "KR906": "changed too much within the year",
    "KR909": "unusual among units of the same type",
}
ORDER = {code: rank for rank, code in enumerate(RULES)}
#: What a whole-period finding names as its input.
EVERY_INPUT = "*"
#: What a finding on the realisasi names as its input.
VALUE = "value"


@attrs.frozen
class Finding:
    """One value that looks wrong (see the module docstring)."""

    code: str
    severity: Severity
    unit: str
    year: int
    period: Period | None
    indicator: str
    input: str
    value: float
    #: The range the rule accepts (None for an open end); None when the rule has no range.
    expected: tuple[float | None, float | None] | None
    #: The history the rule used, in words ("median 102 of 12 points, 2023-01…2023-12").
    history: str
    location: Location
    #: What the value is ("Jumlah klien usia produktif"), for the hint.
    description: str = ""
    #: Other rules that flag the same value.
    also: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        return RULES[self.code]

    @property
    def period_label(self) -> str:
        if self.period is None:
            return str(self.year)
        return f"{self.year}-{self.period.key}"

    def what(self) -> str:
        if self.input == EVERY_INPUT:
            return "every input of the period"
        if self.input == VALUE:
            return f"realisasi = {number(self.value)}"
        return f"{self.input} = {number(self.value)}"

    def expected_text(self) -> str:
        if self.expected is None:
            return ""
        low, high = self.expected
        if low is None:
            return f"at most {number(high)}"
        if high is None:
            return f"at least {number(low)}"
        return f"{number(low)}–{number(high)}"

    def diagnostic(self) -> Diagnostic:
        """The finding as a located diagnostic (message and hint in the project's words)."""
        expected = self.expected_text()
        whose = "" if self.indicator == EVERY_INPUT else f", indicator '{self.indicator}'"
        message = (
            f"{self.unit} {self.period_label}{whose}: {self.what()} "
            f"looks wrong: {self.rule}"
            + (f" (expected {expected})" if expected else "")
            + f"; {self.history}"
        )
        if self.also:
            message += "; also " + ", ".join(f"{code} {RULES[code]}" for code in self.also)
        about = f" ({self.description})" if self.description else ""
        hint = (
            f"check {self.input if self.input not in (EVERY_INPUT, VALUE) else 'the entry'}"
            f"{about} for {self.period_label}; if it is right, say why in the entry's note"
        )
        return Diagnostic(self.code, message, self.location, hint, self.severity, self.to_dict())

    def to_dict(self) -> dict:
        """JSON-ready fields (strict JSON: no NaN or infinity)."""
        low, high = self.expected if self.expected is not None else (None, None)
        return {
            "code": self.code,
            "severity": self.severity.value,
            "unit": self.unit,
            "year": self.year,
            "period": self.period.key if self.period is not None else None,
            "indicator": self.indicator,
            "input": self.input,
            "value": finite(self.value),
            "expected_min": finite(low),
            "expected_max": finite(high),
            "rule": self.rule,
            "history": self.history,
            "also": list(self.also),
            "file": self.location.file,
            "line": self.location.line,
        }


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def number(value: float | None) -> str:
    """A screening figure for people: whole numbers as such, others to two decimals."""
    if value is None or not math.isfinite(value):
        return "-"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


@attrs.frozen
class Review:
    """What the checks found in one :class:`History`, and how much they could judge."""

    findings: tuple[Finding, ...]
    #: Values judged against the unit's own history.
    checked: int = 0
    #: Values whose series is too short to judge ("not enough history").
    short: int = 0
    min_history: int = 6

    def diagnostics(self) -> list[Diagnostic]:
        return [finding.diagnostic() for finding in self.findings]

    def summary(self) -> str:
        """One line for people: how much was judged and how much had too little history."""
        text = f"plausibility: {len(self.findings)} finding(s), {self.checked} value(s) judged"
        if self.short:
            text += (
                f", {self.short} value(s) with not enough history (fewer than "
                f"{self.min_history} other points)"
            )
        return text

    def __add__(self, other: Review) -> Review:
        return Review(
            self.findings + other.findings,
            self.checked + other.checked,
            self.short + other.short,
            self.min_history,
        )
