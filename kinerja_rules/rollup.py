"""The one roll-up: a weighted mean over the children that have a value.

Sasaran capaian over its indicators, the overall figure, IKPA's aspects, SMART DJA, IKPA and the
60/40 Capaian Kinerja Anggaran are all the same computation with different weights::

    value = Σ wᵢ·xᵢ / Σ wᵢ        over the parts that apply and have a value

A part that does not apply (an indicator that cannot be measured, an IKPA component a unit does
not have) is left out and the weights are *re-normalised* over the rest ("Konversi Bobot").
Without re-normalisation the divisor is the weight of every part (IKPA's printed total before
conversion). Whether an unmeasured indicator counts as 0 instead is the caller's choice, made by
the part it passes. All arithmetic is exact in :data:`~kinerja_rules.decimals.CONTEXT`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from .decimals import CONTEXT

ONE = Decimal(1)
ZERO = Decimal(0)


class Part(NamedTuple):
    """One child of a roll-up: its value (None: not measured), weight, and whether it applies.

    A named tuple, not an attrs class: a country's roll-ups make tens of millions of them.
    """

    value: Decimal | None
    weight: Decimal = ONE
    applies: bool = True


def weighted_mean(parts: Iterable[Part], renormalise: bool = True) -> Decimal | None:
    """Σ wᵢ·xᵢ / Σ wᵢ over the parts that apply and have a value; None when there are none, or
    when their weights add up to 0.

    With ``renormalise`` false the divisor is the weight of all parts, applicable or not.
    """
    add, multiply = CONTEXT.add, CONTEXT.multiply
    numerator = Decimal(0)
    weight = Decimal(0)
    total = Decimal(0)
    counted = False
    for value, part_weight, applies in parts:
        if not renormalise:
            total = add(total, part_weight)
        if not applies or value is None:
            continue
        counted = True
        numerator = add(numerator, value if part_weight == 1 else multiply(part_weight, value))
        weight = add(weight, part_weight)
    divisor = weight if renormalise else total
    if not counted or divisor == 0:
        return None
    return CONTEXT.divide(numerator, divisor)


def applicable_share(parts: Iterable[Part]) -> Decimal:
    """Σ weights of the parts that apply / Σ all weights (IKPA's "Konversi Bobot"); 0 if none."""
    listed = list(parts)
    total = sum((p.weight for p in listed), Decimal(0))
    applicable = sum((p.weight for p in listed if p.applies), Decimal(0))
    return CONTEXT.divide(applicable, total) if total else Decimal(0)


def is_unit_weight(weight: Decimal) -> bool:
    """Exactly ``Decimal(1)``: a weight that :func:`plain_mean` may leave out (``1.0`` is not,
    its exponent changes the quotient's: 160 / 2.0 is ``8E+1``)."""
    return weight.as_tuple() == (0, (1,), 0)


def plain_mean(values: Sequence[Decimal]) -> Decimal | None:
    """Σ xᵢ / n, or None when there are no values: :func:`weighted_mean` of parts that all
    apply, have a value and weigh ``Decimal(1)`` — the same additions in the same order, so the
    same figure — without a :class:`Part` per value."""
    if not values:
        return None
    return CONTEXT.divide(functools.reduce(CONTEXT.add, values, ZERO), Decimal(len(values)))
