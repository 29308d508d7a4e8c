"""Bapas (Balai Pemasyarakatan, probation and community-supervision office) unit type.

Bapas management indicators count units (vehicles, devices, buildings, services). A unit count
with no target in a year (the Renstra cell is "-", or the PK sets 0) has nothing to achieve:
this plugin declares it N/A rather than dividing by a zero target.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ...batch.rules import NotApplicableWhen
from ...hookspecs import for_unit_types, hookimpl
from ...model import Catalogue, Indicator
from .. import bundled_catalogues

UNIT_TYPE = "bapas"


@hookimpl
def kinerja_catalogues():
    return bundled_catalogues(UNIT_TYPE)


@hookimpl
@for_unit_types(UNIT_TYPE)
def kinerja_not_applicable(
    catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
) -> str | None:
    """N/A for a unit-count indicator without a target this year."""
    if catalogue.unit_type != UNIT_TYPE or indicator.is_percentage:
        return None
    if indicator.target is None or indicator.target.upper == 0:
        return f"tidak ada target {indicator.unit} tahun {catalogue.year}"
    return None


@hookimpl
def kinerja_not_applicable_batch(catalogue: Catalogue, indicator: Indicator):
    """The rule above for a whole column of units: a unit count without target, always N/A."""
    if catalogue.unit_type != UNIT_TYPE or indicator.is_percentage:
        return None
    if indicator.target is None or indicator.target.upper == 0:
        return NotApplicableWhen(None, f"tidak ada target {indicator.unit} tahun {catalogue.year}")
    return None
