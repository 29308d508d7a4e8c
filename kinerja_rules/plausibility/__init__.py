"""Data that looks wrong, caught before it is reported: each value checked against the unit's own
history (earlier periods, the same period of previous years), against declared and learned
ranges, against the structure of its indicator (stocks and flows, denominators, copied periods)
and, in ``batch``, against the units of the same type.

Findings are advice with a severity (info or warning), never errors: the figures are evaluated
and reported all the same, and ``--strict`` makes warnings fail a run for CI. The rules are in
:mod:`.checks`; one unit and a whole country go through the same columns (:mod:`.history`).
numpy is imported only when a unit has history to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..data import UnitData, check_previous
from ..model import Catalogue
from .finding import Finding, Review

if TYPE_CHECKING:
    from ..results import Report

__all__ = ["Finding", "Review", "review_unit"]


def review_unit(
    catalogue: Catalogue,
    data: UnitData,
    previous: Sequence[UnitData] = (),
    report: Report | None = None,
) -> Review:
    """The plausibility review of one unit's data (with its earlier years' data files).

    ``report``, the evaluated figures of ``data``, lets declared ranges of the realisasi
    (``range = { value = … }``) be checked too. ``previous`` must be earlier years of the
    same unit type (:func:`~kinerja_rules.data.check_previous`).
    """
    check_previous(previous, data)
    if not _anything_to_check(catalogue, data, previous):
        return Review(())
    import numpy as np

    from ..periods import SLOTS, slot_of
    from .checks import review
    from .history import unit_history

    values = {}
    if report is not None:
        slot = slot_of(report.period)
        for result in report.indicators:
            if result.realisasi is not None:
                column = np.full((1, SLOTS), np.nan)
                column[0, slot] = float(result.realisasi.exact)
                values[result.indicator.id] = column
    history = unit_history(catalogue, data, previous, values)
    return review(history)


def _anything_to_check(catalogue: Catalogue, data: UnitData, previous: Sequence[UnitData]) -> bool:
    """Periods in the data, an earlier year or a declared range: else there is nothing to
    compare (and numpy is not imported)."""
    return (
        bool(previous)
        or any(entry.periods for entry in data.entries.values())
        or any("range" in indicator.plausibility for indicator in catalogue.indicators)
    )
