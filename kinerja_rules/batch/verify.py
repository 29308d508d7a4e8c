"""The per-row engine's figures in the batch result's shape, to check the batch path against:
``reference(engine, [UnitData, …], period)`` evaluates each data set with
:func:`kinerja_rules.evaluation.evaluate` and nothing of the columnar path but the table layout."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import numpy as np

from ..evaluation import evaluate
from .rows import _fill, empty_result, to_arrow
from .run import _plans, parse_periods


@attrs.define
class _Units:
    units: list
    year: int


def reference(engine, data_sets: Iterable, period=None):
    """The result table of the per-row engine for these data sets (in the given order)."""
    import pyarrow as pa

    plans = _plans(engine, parse_periods(period))
    tables = []
    for data in data_sets:
        plan = plans[(data.unit_type, data.year)]
        catalogue = engine.catalogue(data.unit_type, data.year)
        result = empty_result(plan, 1)
        names = [band.name for band in plan.bands]
        for p, when in enumerate(plan.periods):
            report = evaluate(catalogue, data, engine.not_applicable, when)
            _fill(result, names, plan.decimals, 0, p, report)
        result.redo[:] = False
        tables.append(to_arrow(plan, _Units([data.unit], data.year), result))
    return pa.concat_tables(tables) if tables else None


KEY = ("unit", "year", "period", "record", "id")


def rows_by_key(table) -> dict:
    """The rows of a result table by (unit, year, period, record, id)."""
    out = {}
    for row in table.to_pylist():
        out[tuple(row[k] for k in KEY)] = row
    return out


def differences(batch, expected, limit: int = 20) -> list[str]:
    """Every field of every row that differs (rows missing on either side included)."""
    got, want = rows_by_key(batch), rows_by_key(expected)
    out = []
    for key in sorted(set(got) | set(want), key=repr):
        a, b = got.get(key), want.get(key)
        if a != b:
            if a is None or b is None:
                out.append(f"{key}: batch {a}, per row {b}")
            else:
                fields = {k: (a[k], b[k]) for k in a if a[k] != b[k] and not _nan(a[k], b[k])}
                if fields:
                    out.append(f"{key}: {fields}")
        if len(out) >= limit:
            break
    return out


def _nan(a, b) -> bool:
    return isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b)
