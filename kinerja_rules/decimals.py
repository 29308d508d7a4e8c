"""Exact arithmetic, the one number domain, and the one place where numbers are rounded.

All figures are :class:`~decimal.Decimal` computed in :data:`CONTEXT`. Every number read from a
file (catalogue, data, budget, score catalogue, a formula's literals) first passes a
:class:`Domain`: it must be finite, within the range documented for its kind (counts, Rupiah,
percentages and scores, weights, decimals shown, years), and have few enough decimal places. The
ranges are chosen so that real figures always fit — the whole state budget in Rupiah fits a
thousand times over — and so that no arithmetic on them can leave the 60-digit context:
addition, subtraction and multiplication of the figures of one file are exact, division is the
only inexact step, and a quotient rounded to 60 significant digits cannot land on the other side
of a rounding boundary at the few decimals a report shows. So "exact" here means: every shown
figure equals the true rational value rounded by the catalogue's rule.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import attrs

#: The arithmetic context used for every computation. Overflow, division by zero and invalid
#: operations raise instead of silently producing ``Infinity`` or ``NaN``.
CONTEXT = decimal.Context(
    prec=60,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=10_000,
    Emin=-10_000,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.DivisionByZero],
)

#: Rounding modes a catalogue may name (``policy.rounding``), mapped to :mod:`decimal`'s.
ROUNDING_MODES: dict[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,  # what Excel's ROUND and most LKjIP tables do
    "half_even": decimal.ROUND_HALF_EVEN,  # banker's rounding
    "down": decimal.ROUND_DOWN,  # truncation, as some legacy tables do
    "up": decimal.ROUND_UP,
}

#: The largest magnitude a *computed* figure (realisasi, capaian, a score) may have. Inputs are
#: bounded by their domains, but a formula may still multiply them many times; a result beyond
#: this is "cannot be computed", never a 10 000-digit number in a report.
RESULT_LIMIT = Decimal(10) ** 30


@attrs.frozen
class Figure:
    """An exact value and the value shown, rounded by the catalogue's rule."""

    exact: Decimal
    shown: Decimal


@attrs.frozen
class NumberProblem:
    """Why a number is refused: a stable diagnostic code, a message and a hint."""

    code: str
    message: str
    hint: str


@attrs.frozen
class Domain:
    """A kind of number the files hold, with its documented range.

    ``check`` is the gate every number read from a file passes (the loaders call it through
    :mod:`kinerja_rules.schema` or directly); it never raises and never builds a huge string, so
    ``1e999999999`` costs as little as ``1``.
    """

    name: str
    minimum: Decimal
    maximum: Decimal
    #: Most decimal places accepted (after trailing zeros are dropped): 0 for whole numbers.
    places: int
    doc: str
    #: Code for a negative value where the minimum is 0 (a negative count is KR403 in data).
    below_code: str = "KR204"

    def check(self, value: int | Decimal) -> NumberProblem | None:
        """None when ``value`` belongs to the domain, else what is wrong with it."""
        number = value if isinstance(value, Decimal) else Decimal(value)
        if not number.is_finite():
            return NumberProblem(
                "KR212",
                f"{_short(number)} is not a finite number",
                f"write the figure itself; {self.doc}",
            )
        if number > self.maximum:  # compares exponents first: 1e999999999 is never expanded
            return NumberProblem(
                "KR213",
                f"{_short(number)} is larger than the largest {self.name} accepted "
                f"({_plain(self.maximum)})",
                self.doc,
            )
        if number < self.minimum:
            if self.minimum == 0:
                return NumberProblem(self.below_code, f"{_short(number)} is negative", self.doc)
            return NumberProblem(
                "KR213",
                f"{_short(number)} is smaller than the smallest {self.name} accepted "
                f"({_plain(self.minimum)})",
                self.doc,
            )
        places = _decimal_places(number)
        if places > self.places:
            allowed = "whole numbers" if self.places == 0 else f"{self.places} decimal places"
            return NumberProblem(
                "KR213",
                f"{_short(number)} has {places} decimal places; a {self.name} has at most "
                f"{allowed}",
                self.doc,
            )
        return None

    def json_bounds(self) -> dict[str, int | float]:
        """The range as JSON Schema keywords (the places limit goes in the description)."""
        return {"minimum": _json(self.minimum), "maximum": _json(self.maximum)}


def _decimal_places(number: Decimal) -> int:
    """Decimal places of ``number`` without trailing zeros (``2.50`` has 1)."""
    _, digits, exponent = number.as_tuple()
    places = -int(exponent)
    index = len(digits) - 1
    while places > 0 and index >= 0 and digits[index] == 0:
        places -= 1
        index -= 1
    return max(places, 0)


def _json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Decimal) -> str:
    """``1000000000000`` as ``10^12``: a bound people can read at a glance."""
    if value != 0 and abs(value) == Decimal(10) ** value.adjusted():
        return f"{'-' if value < 0 else ''}10^{value.adjusted()}"
    return format(value, "f")


def _short(number: Decimal) -> str:
    """A refused value as a message shows it: never more than a few dozen characters."""
    if number.is_nan():
        return "nan"
    if number.is_infinite():
        return "-inf" if number.is_signed() else "inf"
    text = str(number)
    if len(text) <= 30:
        return text
    digits = len(number.as_tuple().digits)
    return f"{text[:12]}… ({digits} digits, exponent {number.as_tuple().exponent})"


_T = Decimal(10) ** 12

#: Counts and the inputs of formulas (people, documents, services, index points).
INPUT = Domain(
    "count",
    Decimal(0),
    _T,
    6,
    "counts are whole numbers from 0 to 10^12; decimal inputs have at most 6 decimal places",
    below_code="KR403",
)
#: Targets, Renstra targets, reported realisasi, caps and the figures of worked examples.
QUANTITY = Domain(
    "target or realisasi",
    Decimal(0),
    _T,
    6,
    "targets and realisasi are from 0 to 10^12 in the indicator's unit, at most 6 decimal places",
)
#: Whole Rupiah: pagu, realisasi, PK budgets. 10^18 is over 300 times the state budget.
RUPIAH = Domain(
    "amount in Rupiah",
    Decimal(0),
    Decimal(10) ** 18,
    0,
    "amounts are whole Rupiah from 0 to 10^18",
)
#: A printed sisa (pagu - realisasi) may be negative when a line is overspent.
SIGNED_RUPIAH = Domain(
    "amount in Rupiah",
    -(Decimal(10) ** 18),
    Decimal(10) ** 18,
    0,
    "a printed sisa is whole Rupiah from -10^18 to 10^18",
)
#: Percentages and scores: budget %, score components (E may be negative), bands, reported values.
SCORE = Domain(
    "percentage or score",
    -(Decimal(10) ** 6),
    Decimal(10) ** 6,
    6,
    "percentages and scores are from -10^6 to 10^6, at most 6 decimal places",
)
#: Weights of score components.
WEIGHT = Domain(
    "weight", Decimal(0), Decimal(10) ** 6, 6, "weights are from 0 to 10^6, at most 6 decimals"
)
#: Thresholds and shares of the plausibility checks (a z-score of 3.5, a change of 0.5).
SETTING = Domain(
    "threshold or share",
    Decimal(0),
    Decimal(10) ** 6,
    6,
    "thresholds and shares are from 0 to 10^6, at most 6 decimal places",
)
#: How many points, years or units a plausibility check needs.
HOW_MANY = Domain("number of points", Decimal(0), Decimal(1000), 0, "a whole number from 0 to 1000")
#: Decimals shown in reports.
DECIMALS = Domain("number of decimals", Decimal(0), Decimal(6), 0, "reports show 0 to 6 decimals")
#: Reporting and fiscal years.
YEAR = Domain("year", Decimal(2000), Decimal(2100), 0, "a year from 2000 to 2100")
#: The catalogue formats this kinerja-rules reads (a catalogue's ``format_version``); the largest
#: is the current format (``catalogue.FORMAT_VERSION``), the one ``kinerja-rules upgrade`` writes.
FORMAT_VERSIONS = Domain(
    "catalogue format version",
    Decimal(1),
    Decimal(2),
    0,
    "this kinerja-rules reads catalogue formats 1 (2023) and 2",
)
#: Numbers written in formulas (``100``, ``0.5``, ``50 + E / 20 * 50``).
LITERAL = Domain(
    "number in a formula",
    Decimal(0),
    _T,
    12,
    "numbers in formulas are from 0 to 10^12, at most 12 decimal places",
)
#: Any other number a file holds: still finite and bounded.
ANY = Domain(
    "number",
    -(Decimal(10) ** 18),
    Decimal(10) ** 18,
    12,
    "numbers are from -10^18 to 10^18, at most 12 decimal places",
)

#: Every domain, for the documentation and its test.
DOMAINS = (
    INPUT,
    QUANTITY,
    RUPIAH,
    SIGNED_RUPIAH,
    SCORE,
    WEIGHT,
    SETTING,
    HOW_MANY,
    DECIMALS,
    YEAR,
    FORMAT_VERSIONS,
    LITERAL,
    ANY,
)


def round_shown(value: Decimal, decimals: int, rounding: str) -> Decimal:
    """Round an exact value to ``decimals`` places with the named rounding mode.

    Values come from bounded inputs (:data:`RESULT_LIMIT`), but the precision is still taken
    from the value itself, so rounding a finite value never fails.
    """
    exponent = Decimal(1).scaleb(-decimals)
    needed = max(value.adjusted(), 0) + decimals + 2
    context = CONTEXT if needed <= CONTEXT.prec else CONTEXT.copy()
    if context is not CONTEXT:
        context.prec = needed
    return value.quantize(exponent, rounding=ROUNDING_MODES[rounding], context=context)


def to_decimal(value: int | Decimal) -> Decimal:
    """A TOML number (int, or Decimal from ``parse_float=Decimal``) as an exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"not a number: {value!r}")
    return Decimal(value)
