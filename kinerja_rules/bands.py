"""The one band: named categories over a value, each boundary inclusive or exclusive.

Indicator status (tercapai / tidak tercapai), IKPA's categories (Sangat Baik ≥ 95, Baik 89 – < 95,
…) and status colours (merah < 70 ≤ kuning ≤ 90 < hijau) are all a list of bands over one value.
A catalogue declares them as ``[[band]]`` tables::

    [[band]]
    name = "Baik"
    from = 89              # from_inclusive = true by default
    to = 95                # to_inclusive = false by default
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from .decimals import SCORE
from .formatting import format_decimal
from .schema import Field

BAND_FIELDS: dict[str, Field] = {
    "name": Field(("string",), required=True, doc='the category, e.g. "Sangat Baik"'),
    "from": Field(("number",), doc="lower boundary (absent: no lower boundary)", domain=SCORE),
    "to": Field(("number",), doc="upper boundary (absent: no upper boundary)", domain=SCORE),
    "from_inclusive": Field(
        ("boolean",), doc="the lower boundary belongs to the band (default true)"
    ),
    "to_inclusive": Field(
        ("boolean",), doc="the upper boundary belongs to the band (default false)"
    ),
    "achieved": Field(
        ("boolean",), doc="for capaian bands: whether the band counts as tercapai (status)"
    ),
}


@attrs.frozen
class Band:
    """A category over a value, with its boundaries' inclusiveness."""

    name: str
    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    #: For capaian bands: whether a value in the band means the target is met (tercapai).
    achieved: bool | None = None

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (value > self.upper or (value == self.upper and not self.upper_inclusive))
        )


def describe(band: Band, unit: str = "%") -> str:
    """The band's interval as people write it: ``70% ≤ x < 100%``, ``100% ≤ x``."""
    parts = []
    if band.lower is not None:
        parts.append(f"{format_decimal(band.lower)}{unit} {'≤' if band.lower_inclusive else '<'}")
    parts.append("x")
    if band.upper is not None:
        parts.append(f"{'≤' if band.upper_inclusive else '<'} {format_decimal(band.upper)}{unit}")
    return " ".join(parts)


def band_from_table(table: dict) -> Band:
    """A band from a checked ``[[band]]`` table (see :data:`BAND_FIELDS`)."""
    return Band(
        table["name"],
        Decimal(table["from"]) if "from" in table else None,
        table.get("from_inclusive", True),
        Decimal(table["to"]) if "to" in table else None,
        table.get("to_inclusive", False),
        table.get("achieved"),
    )


def classify(bands: Sequence[Band], value: Decimal | None) -> Band | None:
    """The first band holding ``value`` (None for no value, or a value no band holds)."""
    if value is None:
        return None
    return next((band for band in bands if band.contains(value)), None)


def overlap(bands: Sequence[Band]) -> tuple[str, str] | None:
    """Two bands that share a value (checked at every boundary and between boundaries)."""
    points = sorted({b for band in bands for b in (band.lower, band.upper) if b is not None})
    probes = set(points)
    probes.update((a + b) / 2 for a, b in zip(points, points[1:]))
    if points:
        probes.update({points[0] - 1, points[-1] + 1})
    for probe in sorted(probes):
        holding = [band.name for band in bands if band.contains(probe)]
        if len(holding) > 1:
            return holding[0], holding[1]
    return None


#: Status when a catalogue declares no bands: tercapai from 100, tidak tercapai below.
DEFAULT_STATUS_BANDS = (
    Band("tercapai", Decimal(100), True, None, False, achieved=True),
    Band("tidak tercapai", None, True, Decimal(100), False, achieved=False),
)
