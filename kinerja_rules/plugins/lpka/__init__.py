"""LPKA (Lembaga Pembinaan Khusus Anak, juvenile correctional institution) unit type.

Many LPKA indicators are shares of a population that a small institution often does not have in a
given year: inmates with a mental disorder, with a disability, with HIV or TB, complaints received.
The 2023 Pangkalpinang report printed those 0/0 ratios as 0% and averaged them in; this plugin
declares them "tidak ada populasi" instead, so they are N/A and left out of the roll-ups.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ...batch.rules import NotApplicableWhen
from ...hookspecs import for_unit_types, hookimpl
from ...model import Catalogue, Indicator
from .. import bundled_catalogues

UNIT_TYPE = "lpka"


@hookimpl
def kinerja_catalogues():
    return bundled_catalogues(UNIT_TYPE)


@hookimpl
@for_unit_types(UNIT_TYPE)
def kinerja_not_applicable(
    catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
) -> str | None:
    """N/A when every population (denominator) of the formula is empty."""
    if catalogue.unit_type != UNIT_TYPE:
        return None
    population = indicator.formula.denominator_names
    for name in population:
        if inputs.get(name) != 0:
            return None
    if not population:
        return None
    zeros = ", ".join(f"{name} = 0" for name in sorted(population))
    return f"tidak ada populasi ({zeros})"


@hookimpl
def kinerja_not_applicable_batch(catalogue: Catalogue, indicator: Indicator):
    """The rule above for a whole column of units: N/A where every denominator is 0."""
    if catalogue.unit_type != UNIT_TYPE:
        return None
    population = sorted(indicator.formula.denominator_names)
    if not population:
        return None
    zeros = ", ".join(f"{name} = 0" for name in population)
    when = " and ".join(f"{name} == 0" for name in population)
    return NotApplicableWhen(when, f"tidak ada populasi ({zeros})")
