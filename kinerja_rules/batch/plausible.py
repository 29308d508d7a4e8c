"""The plausibility review of a whole batch: every data set's inputs and realisasi kept as float
columns while the chunks are evaluated, then each catalogue (unit type and year) reviewed at
once, with the same units' earlier years and all units of the type as peers.

The columns are the :class:`~kinerja_rules.plausibility.history.History` that one unit's
``evaluate`` builds too, so the batch judges each value exactly as ``evaluate`` would, and adds
the peer rule only it can run. About 8 bytes per input value and period are kept until the end.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ..diagnostics import Diagnostic, Location
from ..periods import SLOTS, slot_of
from ..plausibility.checks import review
from ..plausibility.finding import Review
from ..plausibility.history import History
from ..plausibility_settings import settings_from
from .table import INPUTS, SCALE


class _Part(NamedTuple):
    """One block's kept data sets, as columns."""

    units: list
    columns: dict  # (indicator id, input) -> float64 [G, SLOTS]
    values: dict  # indicator id -> shown realisasi [G, SLOTS]
    rows: np.ndarray  # [G, J]: the row of each entry, for locations
    file: str
    ids: list  # indicator ids, in the block's order (J)


class HistoryCollector:
    """Columns of every data set evaluated, by catalogue key, for :meth:`review`."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, int], list[_Part]] = {}
        self.seconds = 0.0

    def add(self, plan, block, result, keep: np.ndarray) -> None:
        """Keep the inputs (per period) and the shown realisasi of a block's kept data sets."""
        started = time.perf_counter()
        ids = [ind.id for ind in plan.indicators]
        given = block.state == INPUTS
        columns = {}
        for (j, name), scaled in block.values.items():
            column = np.where(given[:, j, :], scaled / SCALE, np.nan)
            columns[(ids[j], name)] = column[keep]
        values = {}
        scale = 10**plan.decimals
        for j, indicator in enumerate(ids):
            column = np.full((len(block.units), SLOTS), np.nan)
            for p, period in enumerate(plan.periods):
                shown = result.r_k[:, p, j] / scale
                column[:, slot_of(period)] = np.where(result.r_has[:, p, j], shown, np.nan)
            values[indicator] = column[keep]
        units = [unit for unit, kept in zip(block.units, keep) if kept]
        rows = block.rows[keep]
        part = _Part(units, columns, values, rows, block.file, ids)
        self.parts.setdefault(plan.key, []).append(part)
        self.seconds += time.perf_counter() - started

    def review(self, catalogues) -> tuple[list[Diagnostic], Review]:
        """Every catalogue's data sets reviewed, with their earlier years and peers."""
        started = time.perf_counter()
        merged = {key: _merge(parts) for key, parts in self.parts.items()}
        found: list[Diagnostic] = []
        total = Review(())
        for (unit_type, year), (units, columns, values, locate) in sorted(merged.items()):
            catalogue = catalogues.get(unit_type, year)
            if catalogue is None:
                continue
            previous = {}
            for back in range(1, _years_back(catalogue) + 1):
                earlier = merged.get((unit_type, year - back))
                if earlier is not None:
                    previous[year - back] = _aligned(units, earlier[0], earlier[1])
            history = History(catalogue, units, columns, previous, locate, values)
            result = review(history, peers=True)
            found += result.diagnostics()
            total = total + result
        self.seconds += time.perf_counter() - started
        return found, total


def _years_back(catalogue) -> int:
    base = catalogue.policy.plausibility
    return max(
        [base.years, 1] + [settings_from(i.plausibility, base).years for i in catalogue.indicators]
    )


def _merge(parts: list[_Part]):
    """The parts of one catalogue as one set of columns, and how to locate a data set's value."""
    units = [unit for part in parts for unit in part.units]
    keys = dict.fromkeys(key for part in parts for key in part.columns)
    ids = dict.fromkeys(i for part in parts for i in part.ids)

    def stacked(field: str, key) -> np.ndarray:
        blocks = []
        for part in parts:
            column = getattr(part, field).get(key)
            blocks.append(
                column if column is not None else np.full((len(part.units), SLOTS), np.nan)
            )
        return np.vstack(blocks)

    columns = {key: stacked("columns", key) for key in keys}
    values = {key: stacked("values", key) for key in ids}
    owners = [(part, g) for part in parts for g in range(len(part.units))]

    def locate(g: int, indicator: str, slot: int, name: str) -> Location:
        part, row = owners[g]
        line = int(part.rows[row][part.ids.index(indicator)]) if indicator in part.ids else None
        return Location(part.file, line, None, name or "realisasi")

    return units, columns, values, locate


def _aligned(units, earlier_units, earlier_columns):
    """The earlier year's columns reordered to ``units`` (NaN for a unit absent that year)."""
    position = {unit: g for g, unit in enumerate(earlier_units)}
    index = np.array([position.get(unit, -1) for unit in units], dtype=np.int64)
    missing = index < 0
    out = {}
    for key, column in earlier_columns.items():
        taken = column[np.maximum(index, 0)]
        taken[missing] = np.nan
        out[key] = taken
    return out
