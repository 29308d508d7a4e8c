"""The plausibility review of a whole batch: every data set's inputs and realisasi kept as float
columns while the chunks are evaluated, then each catalogue (unit type and year) reviewed at
once, with the same units' earlier years and all units of the type as peers.

The columns are the :class:`~kinerja_rules.plausibility.history.History` that one unit's
``evaluate`` builds too, so the batch judges each value exactly as ``evaluate`` would, and adds
the peer rule only it can run. About 8 bytes per input value and period are kept until the end.
"""

from __future__ import annotations

import time

import numpy as np

from ..diagnostics import Diagnostic, Location
from ..periods import SLOTS, slot_of
from ..plausibility.checks import review
from ..plausibility.finding import Review
from ..plausibility.history import History
from .table import INPUTS, SCALE


class HistoryCollector:
    """Columns of every data set evaluated, by catalogue key, for :meth:`review`."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, int], list] = {}
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
        self.parts.setdefault(plan.key, []).append((units, columns, values, rows, block.file, ids))
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
    from ..plausibility_settings import settings_from

    base = catalogue.policy.plausibility
    return max(
        [base.years, 1] + [settings_from(i.plausibility, base).years for i in catalogue.indicators]
    )


def _merge(parts):
    units = [u for part in parts for u in part[0]]
    keys = dict.fromkeys(k for part in parts for k in part[1])
    ids = dict.fromkeys(i for part in parts for i in part[5])

    def stacked(index, key):
        return np.vstack(
            [
                part[index][key] if key in part[index] else np.full((len(part[0]), SLOTS), np.nan)
                for part in parts
            ]
        )

    columns = {key: stacked(1, key) for key in keys}
    values = {key: stacked(2, key) for key in ids}
    owners = []  # (file, rows [G, J], indicator ids) per data set's part
    for part in parts:
        owners += [(part[4], part[3][g], part[5]) for g in range(len(part[0]))]

    def locate(g: int, indicator: str, slot: int, name: str) -> Location:
        file, rows, ids_ = owners[g]
        row = int(rows[ids_.index(indicator)]) if indicator in ids_ else None
        return Location(file, row, None, name or "realisasi")

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
