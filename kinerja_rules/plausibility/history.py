"""The data the plausibility checks read, as columns: every data set of one catalogue (unit type
and year) and the same units' previous years, one float array per indicator input.

One unit's ``evaluate`` and a whole country's ``batch`` build the same :class:`History` (one row
per data set) and hand it to the same checks, so a value is judged identically either way. An
array is ``[data sets, SLOTS]`` over :data:`~kinerja_rules.periods.SLOT_PERIODS` (slot 0 the
year, then months, quarters, semesters), NaN where the data gives nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np

from ..data import DataEntry, UnitData
from ..diagnostics import Location
from ..model import Catalogue
from ..periods import SLOT_PERIODS, SLOTS, slot_of

#: (indicator id, input name) → float64 [G, SLOTS].
Columns = Mapping[tuple[str, str], np.ndarray]
#: (data set, indicator id, slot, input) → where the value is written.
Locate = Callable[[int, str, int, str], Location]


@attrs.define
class History:
    """One catalogue's data sets (``units``), their previous years and their realisasi."""

    catalogue: Catalogue
    units: Sequence[str]
    current: Columns
    #: Year → the same units' columns that year (rows aligned with ``units``).
    previous: Mapping[int, Columns]
    locate: Locate
    #: Indicator id → realisasi [G, SLOTS] of the evaluated figures (declared ranges of
    #: ``value``, peers); empty when not evaluated.
    values: Mapping[str, np.ndarray] = attrs.field(factory=dict)


def unit_history(
    catalogue: Catalogue,
    data: UnitData,
    previous: Sequence[UnitData] = (),
    values: Mapping[str, np.ndarray] | None = None,
) -> History:
    """One unit's data and its earlier years' data files as a one-row :class:`History`."""
    where: dict[tuple[str, int, str], Location] = {}
    current = _columns(data, where)
    earlier = {d.year: _columns(d, None) for d in previous}

    def locate(g: int, indicator: str, slot: int, name: str) -> Location:
        found = where.get((indicator, slot, name))
        if found is None:  # the realisasi, or a whole period: the entry's line
            found = next((v for (i, t, _), v in where.items() if (i, t) == (indicator, slot)), None)
            if found is not None:
                found = attrs.evolve(found, field=found.field.rsplit(".", 1)[0])
        return found or Location(data.file)

    return History(catalogue, [data.unit], current, earlier, locate, values or {})


def _columns(data: UnitData, where: dict | None) -> dict[tuple[str, str], np.ndarray]:
    columns: dict[tuple[str, str], np.ndarray] = {}
    for indicator, entry in data.entries.items():
        parts: list[tuple[int, DataEntry]] = [(slot_of(p), e) for p, e in entry.periods.items()]
        if entry.annual:
            parts.append((0, entry))
        for slot, part in parts:
            for name, value in part.inputs.items():
                column = columns.get((indicator, name))
                if column is None:
                    column = columns[(indicator, name)] = np.full((1, SLOTS), np.nan)
                column[0, slot] = float(value)
                if where is not None:
                    key = "" if slot == 0 else f".periods.{SLOT_PERIODS[slot].key}"
                    location = part.location
                    where[(indicator, slot, name)] = Location(
                        location.file,
                        location.line,
                        location.col,
                        f"indicators.{indicator}{key}.{name}",
                    )
    return columns
