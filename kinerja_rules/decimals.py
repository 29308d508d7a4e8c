"""Exact arithmetic and the one place where numbers are rounded for display.

All figures are :class:`~decimal.Decimal` computed in :data:`CONTEXT`. Addition, subtraction and
multiplication of the decimals found in catalogues and data are exact at 60 significant digits;
division is the only inexact step, and for counts below 10**25 a quotient rounded to 60 digits can
never land on the other side of a rounding boundary at the few decimals a report shows. So "exact"
here means: every shown figure equals the true rational value rounded by the catalogue's rule.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

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


def round_shown(value: Decimal, decimals: int, rounding: str) -> Decimal:
    """Round an exact value to ``decimals`` places with the named rounding mode."""
    exponent = Decimal(1).scaleb(-decimals)
    return value.quantize(exponent, rounding=ROUNDING_MODES[rounding], context=CONTEXT)


def to_decimal(value: int | Decimal) -> Decimal:
    """A TOML number (int, or Decimal from ``parse_float=Decimal``) as an exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"not a number: {value!r}")
    return Decimal(value)


def mean(values: list[Decimal]) -> Decimal:
    """Arithmetic mean in :data:`CONTEXT`; the caller guarantees at least one value."""
    total = Decimal(0)
    for value in values:
        total = CONTEXT.add(total, value)
    return CONTEXT.divide(total, Decimal(len(values)))
