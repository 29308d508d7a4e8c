"""The plausibility checks, on columns: every data set of a :class:`History` at once.

Each rule compares a value with what its history (or its peers) lets one expect, and reports
it only when it is far off:

- **KR901, own history**: the robust z-score of the value against the unit's own series (this
  year's periods and, where given, the same kind of periods of previous years): median and
  median absolute deviation (MAD × 1,4826 estimates the standard deviation; a series whose MAD
  is 0 uses the mean absolute deviation × 1,2533, as SPSS does). A value is reported when it is
  more than ``z_threshold`` spreads *and* more than ``min_change`` of the median away from the
  median, and only with at least ``min_history`` other points: a shorter series is counted as
  "not enough history", never judged. Both thresholds scale with the series, so multiplying a
  whole series of a measured (not counted) input by a positive factor changes no finding.
- **KR902, previous years**: the change from the mean of the same period over the previous
  ``years`` years, above ``max_change`` of that mean.
- Counts vary by about their square root by chance (Poisson): in both rules a count is reported
  only beyond :func:`count_noise` (``count_noise`` square roots of its level, 5: less than once
  in a million values by chance), so 2 incidents after 1 is not news.
- **KR903 / KR904, ranges**: outside the range the catalogue declares (an input or ``value``,
  the realisasi), or outside the range of previous years' values widened by ``min_change`` of
  their median (``learn_range``).
- **Structural**: a stock that moves by more than the flows declared for it (KR905); an input
  that changes by more than its declared ``within_year`` share from one period to the next
  (KR906); a period whose every input equals the previous year's (KR907); an annual figure of a
  stock (``last``) that is the sum of its periods (KR908).
- **KR909, peers** (``batch``): the robust z of an indicator's realisasi among the units of the
  same type in the same period, with the same two thresholds.

Statistics are binary floating point: they screen, they are never printed as report figures.
Nothing here depends on the date it runs.
"""

from __future__ import annotations

import warnings

import attrs
import numpy as np

from ..consolidation import consolidation_of
from ..diagnostics import Severity
from ..periods import KIND_SLOTS, SLOT_PERIODS, SLOTS
from ..plausibility_settings import Plausibility, settings_from
from .finding import EVERY_INPUT, ORDER, VALUE, Finding, Review, number
from .history import History

#: MAD × 1.4826 and mean absolute deviation × 1.2533 estimate a normal standard deviation.
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533
_KIND_WORDS = {"month": "months", "quarter": "quarters", "semester": "semesters"}


def review(history: History, *, peers: bool = False) -> Review:
    """Every rule of the module docstring over every data set of ``history``."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return _Checker(history).run(peers)


class _Checker:
    def __init__(self, history: History):
        self.history = history
        self.catalogue = history.catalogue
        self.base = self.catalogue.policy.plausibility
        self.raw: list[tuple[int, str, int, str, str, Finding]] = []
        self.checked = 0
        self.short = 0

    # --- the run ----------------------------------------------------------------------------

    def run(self, peers: bool) -> Review:
        year = self.catalogue.year
        for indicator in self.catalogue.indicators:
            settings = settings_from(indicator.plausibility, self.base)
            if not settings.enabled:
                continue
            stock = consolidation_of(indicator, self.catalogue.policy) == "last"
            for spec in indicator.data_inputs:
                current = self.history.current.get((indicator.id, spec.name))
                if current is None:
                    continue
                earlier = self._earlier(indicator.id, spec.name, settings.years, year)
                count = spec.kind == "count"
                about = (indicator.id, spec.name, spec.description, settings)
                self._own_history(about, current, earlier, count)
                self._previous_years(about, current, earlier, count)
                if spec.name in settings.ranges:
                    self._declared(about, current, settings.ranges[spec.name])
                if settings.learn_range and earlier:
                    self._learned(about, current, earlier)
                if spec.name in settings.within_year:
                    self._within_year(about, current, settings.within_year[spec.name])
                if stock:
                    self._stock_summed(about, current)
            for stock_name, flows in settings.flows.items():
                self._flows(indicator.id, stock_name, flows, settings)
            values = self.history.values.get(indicator.id)
            if values is not None and VALUE in settings.ranges:
                about = (indicator.id, VALUE, "the realisasi", settings)
                self._declared(about, values, settings.ranges[VALUE])
            if peers and values is not None:
                self._peers(indicator.id, values, settings)
        self._copied_periods()
        return Review(self._deduplicated(), self.checked, self.short, self.base.min_history)

    def _earlier(self, indicator: str, name: str, years: int, year: int) -> list[np.ndarray]:
        found = []
        for back in range(1, years + 1):
            columns = self.history.previous.get(year - back)
            if columns is not None and (indicator, name) in columns:
                found.append(columns[(indicator, name)])
        return found

    def _add(self, code, g, indicator, slot, name, value, expected, history, settings, about=""):
        severity = settings.peer_severity if code == "KR909" else settings.severity
        g, slot = int(g), int(slot)  # numpy's from nonzero(): plain ints for locations and JSON
        if expected is not None:
            expected = tuple(None if e is None else float(e) for e in expected)
        located = indicator
        if name == EVERY_INPUT:  # a whole period: located at its first indicator's entry
            located, indicator = indicator, EVERY_INPUT
        finding = Finding(
            code,
            Severity(severity),
            self.history.units[g],
            self.catalogue.year,
            SLOT_PERIODS[slot],
            indicator,
            name,
            float(value),
            expected,
            history,
            self.history.locate(g, located, slot, name if name != VALUE else ""),
            about,
        )
        self.raw.append((g, indicator, slot, name, code, finding))

    # --- own history (KR901) ----------------------------------------------------------------

    def _own_history(self, about, current, earlier, count: bool) -> None:
        indicator, name, description, s = about
        for kind, slots in KIND_SLOTS.items():
            values = current[:, slots]
            present = ~np.isnan(values)
            if not present.any():
                continue
            series = np.hstack([values, *(e[:, slots] for e in earlier)])
            centre, spread, n = robust(series)
            allowed = np.maximum(s.z_threshold * spread, s.min_change * np.abs(centre))
            if count:
                allowed = np.maximum(allowed, count_noise(centre, s.count_noise))
            allowed = np.broadcast_to(allowed[:, None], values.shape).copy()
            # Mostly zeros (rare events): no median to be material against, so a value is
            # unusual only above (1 + 1/min_change) times the largest other value (3x).
            rare = np.flatnonzero(centre == 0)
            if s.min_change > 0 and len(rare):
                largest = largest_other(np.abs(series[rare]))[:, : len(slots)]
                allowed[rare] = (1 + 1 / s.min_change) * largest
            enough = (n - 1) >= s.min_history
            judged = present & enough[:, None]
            self.checked += int(judged.sum())
            self.short += int((present & ~enough[:, None]).sum())
            off = np.abs(values - centre[:, None])
            flagged = judged & (off > allowed)
            years = 1 + sum(bool(np.isfinite(e[:, slots]).any()) for e in earlier)
            for g, k in zip(*np.nonzero(flagged)):
                z = off[g, k] / spread[g] if spread[g] > 0 else float("inf")
                low = max(centre[g] - allowed[g, k], 0.0)
                history = (
                    f"median {number(centre[g])} of {int(n[g])} {_KIND_WORDS[kind]}"
                    f"{' over ' + str(years) + ' years' if years > 1 else ''}, robust z "
                    f"{number(z)} > {number(s.z_threshold)}"
                )
                self._add(
                    "KR901",
                    g,
                    indicator,
                    slots[k],
                    name,
                    values[g, k],
                    (low, centre[g] + allowed[g, k]),
                    history,
                    s,
                    description,
                )

    # --- previous years (KR902) -------------------------------------------------------------

    def _previous_years(self, about, current, earlier, count: bool) -> None:
        if not earlier:
            return
        indicator, name, description, s = about
        stacked = np.stack(earlier)  # [years, G, SLOTS]
        years = (~np.isnan(stacked)).sum(axis=0)
        mean = np.nansum(stacked, axis=0) / np.maximum(years, 1)
        allowed = s.max_change * np.abs(mean)
        if count:
            # The mean of k years is itself a count: the difference varies by m (1 + 1/k).
            noisy = mean * (1 + 1 / np.maximum(years, 1))
            allowed = np.maximum(allowed, count_noise(noisy, s.count_noise))
        off = np.abs(current - mean)
        flagged = ~np.isnan(current) & (years >= 1) & (off > allowed)
        for g, slot in zip(*np.nonzero(flagged)):
            history = (
                f"mean {number(mean[g, slot])} of the same period in {int(years[g, slot])} "
                f"previous year(s), change {number(100 * off[g, slot] / abs(mean[g, slot]))}% "
                f"> {number(100 * s.max_change)}%"
                if mean[g, slot] != 0
                else f"0 in the same period of {int(years[g, slot])} previous year(s)"
            )
            self._add(
                "KR902",
                g,
                indicator,
                slot,
                name,
                current[g, slot],
                (max(mean[g, slot] - allowed[g, slot], 0.0), mean[g, slot] + allowed[g, slot]),
                history,
                s,
                description,
            )

    # --- ranges (KR903, KR904) --------------------------------------------------------------

    def _declared(self, about, values, bounds) -> None:
        indicator, name, description, s = about
        low, high = bounds
        outside = np.zeros(values.shape, dtype=bool)
        if low is not None:
            outside |= values < low
        if high is not None:
            outside |= values > high
        for g, slot in zip(*np.nonzero(outside)):
            self._add(
                "KR903",
                g,
                indicator,
                slot,
                name,
                values[g, slot],
                (low, high),
                "the catalogue's plausibility.range",
                s,
                description,
            )

    def _learned(self, about, current, earlier) -> None:
        indicator, name, description, s = about
        for kind, slots in KIND_SLOTS.items():
            past = np.hstack([e[:, slots] for e in earlier])
            n = (~np.isnan(past)).sum(axis=1)
            if not (n >= s.min_history).any():
                continue
            centre, _, _ = robust(past)
            widen = s.min_change * np.abs(centre)
            low = np.nanmin(past, axis=1) - widen  # NaN for a unit without that history
            high = np.nanmax(past, axis=1) + widen
            values = current[:, slots]
            outside = (n >= s.min_history)[:, None] & (
                (values < low[:, None]) | (values > high[:, None])
            )
            for g, k in zip(*np.nonzero(outside)):
                self._add(
                    "KR904",
                    g,
                    indicator,
                    slots[k],
                    name,
                    values[g, k],
                    (max(low[g], 0.0), high[g]),
                    f"min–max of {int(n[g])} {_KIND_WORDS[kind]} of previous years, widened by "
                    f"{number(100 * s.min_change)}% of their median",
                    s,
                    description,
                )

    # --- structural (KR905–KR908) -----------------------------------------------------------

    def _within_year(self, about, current, share: float) -> None:
        indicator, name, description, s = about
        for slots in KIND_SLOTS.values():
            values = current[:, slots]
            before, after = values[:, :-1], values[:, 1:]
            allowed = share * np.abs(before)
            flagged = ~np.isnan(before) & ~np.isnan(after) & (np.abs(after - before) > allowed)
            for g, k in zip(*np.nonzero(flagged)):
                self._add(
                    "KR906",
                    g,
                    indicator,
                    slots[k + 1],
                    name,
                    after[g, k],
                    (before[g, k] - allowed[g, k], before[g, k] + allowed[g, k]),
                    f"{number(before[g, k])} the period before, within_year {number(100 * share)}%",
                    s,
                    description,
                )

    def _flows(self, indicator: str, stock: str, flows, s: Plausibility) -> None:
        current = self.history.current.get((indicator, stock))
        moved = [self.history.current.get((indicator, flow)) for flow in flows]
        if current is None or any(m is None for m in moved):
            return
        for slots in KIND_SLOTS.values():
            values = current[:, slots]
            bound = sum(m[:, slots] for m in moved)[:, 1:]
            before, after = values[:, :-1], values[:, 1:]
            change = np.abs(after - before)
            flagged = ~np.isnan(change) & ~np.isnan(bound) & (change > bound)
            for g, k in zip(*np.nonzero(flagged)):
                self._add(
                    "KR905",
                    g,
                    indicator,
                    slots[k + 1],
                    stock,
                    after[g, k],
                    (max(before[g, k] - bound[g, k], 0.0), before[g, k] + bound[g, k]),
                    f"{number(before[g, k])} the period before; {' + '.join(flows)} = "
                    f"{number(bound[g, k])} that period",
                    s,
                )

    def _stock_summed(self, about, current) -> None:
        indicator, name, description, s = about
        annual = current[:, 0]
        for slots in KIND_SLOTS.values():
            values = current[:, slots]
            present = ~np.isnan(values)
            count = present.sum(axis=1)
            last_index = np.where(present, np.arange(len(slots)), -1).max(axis=1)
            last = values[np.arange(len(values)), np.maximum(last_index, 0)]
            total = np.nansum(values, axis=1)
            flagged = ~np.isnan(annual) & (count >= 2) & (annual == total) & (annual != last)
            for g in np.nonzero(flagged)[0]:
                self._add(
                    "KR908",
                    g,
                    indicator,
                    0,
                    name,
                    annual[g],
                    (last[g], last[g]),
                    f"the sum of its {int(count[g])} periods; a stock (consolidation last) "
                    f"carries the last period forward: {number(last[g])}",
                    s,
                    description,
                )

    def _copied_periods(self) -> None:
        before = self.history.previous.get(self.catalogue.year - 1)
        if not before:
            return
        G = len(self.history.units)
        both = np.zeros((G, SLOTS), dtype=np.int64)
        equal = np.zeros((G, SLOTS), dtype=np.int64)
        nonzero = np.zeros((G, SLOTS), dtype=np.int64)
        first = np.full((G, SLOTS), -1, dtype=np.int64)  # the first indicator with a value
        keys = list(self.history.current)
        for index, (key, values) in enumerate(self.history.current.items()):
            present = ~np.isnan(values)
            old = before.get(key)
            if old is None:
                continue
            paired = present & ~np.isnan(old)
            same = paired & (values == old)
            both += paired
            equal += same
            # A value the unit repeats all year (a constant count, an empty population) says
            # nothing about copying: only equal values that vary over the year count.
            varying = (np.nanmax(values[:, 1:], axis=1) != np.nanmin(values[:, 1:], axis=1))[
                :, None
            ]
            nonzero += same & (values != 0) & varying
            first[(first < 0) & same] = index
        s = self.base
        # Inputs new this year have nothing to be copied from: every input both years give.
        flagged = (both > 0) & (equal == both) & (nonzero >= s.copy_min_values)
        for g, slot in zip(*np.nonzero(flagged)):
            self._add(
                "KR907",
                g,
                keys[first[g, slot]][0],
                slot,
                EVERY_INPUT,
                float(nonzero[g, slot]),
                None,
                f"all {int(both[g, slot])} inputs equal those of {self.catalogue.year - 1} "
                f"({int(nonzero[g, slot])} of them non-zero values that vary over the year): "
                "copied forward?",
                s,
            )

    # --- peers (KR909) ----------------------------------------------------------------------

    def _peers(self, indicator: str, values: np.ndarray, s: Plausibility) -> None:
        slots = np.flatnonzero(~np.isnan(values).all(axis=0))  # the periods evaluated
        columns = values.T[slots]  # one row per period, across units
        centre, spread, n = robust(columns)
        allowed = np.maximum(s.peer_threshold * spread, s.min_change * np.abs(centre))
        off = np.abs(columns - centre[:, None])
        flagged = (n >= s.peer_min_units)[:, None] & (off > allowed[:, None])
        for row, g in zip(*np.nonzero(flagged)):
            z = off[row, g] / spread[row] if spread[row] > 0 else float("inf")
            self._add(
                "KR909",
                g,
                indicator,
                int(slots[row]),
                VALUE,
                columns[row, g],
                (centre[row] - allowed[row], centre[row] + allowed[row]),
                f"median {number(centre[row])} of {int(n[row])} units of the type, robust z "
                f"{number(z)} > {number(s.peer_threshold)}",
                s,
                "the realisasi",
            )

    # --- one finding per value --------------------------------------------------------------

    def _deduplicated(self) -> tuple[Finding, ...]:
        by_value: dict = {}
        for g, indicator, slot, name, _, finding in self.raw:
            by_value.setdefault((g, indicator, slot, name), []).append(finding)
        kept = []
        for group in by_value.values():
            group.sort(key=lambda f: ORDER[f.code])
            head = group[0]
            others = tuple(dict.fromkeys(f.code for f in group[1:] if f.code != head.code))
            kept.append(attrs.evolve(head, also=others) if others else head)
        kept.sort(key=lambda f: (f.unit, f.indicator, _slot_order(f), f.input, ORDER[f.code]))
        return tuple(kept)


def _slot_order(finding: Finding) -> int:
    return SLOT_PERIODS.index(finding.period)


def robust(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``series`` (NaN: no value): the median, the robust spread and the count."""
    centre, n = row_median(series)
    deviation = np.abs(series - centre[:, None])
    mad, _ = row_median(deviation)
    mean_ad = np.nansum(deviation, axis=1) / np.maximum(n, 1)
    spread = np.where(mad > 0, MAD_SCALE * mad, MEAN_AD_SCALE * mean_ad)
    return centre, spread, n


def count_noise(variance: np.ndarray, z: float) -> np.ndarray:
    """How far a count strays from its usual level by chance alone: a Poisson count of mean m
    exceeds m + z·√m + z²/3 with about the probability of a normal z-score of z (the z²/3 term
    is the skew of small counts). With z = 5 (``count_noise``) that is less than once in a
    million values, so a unit's hundreds of values a year do not give a finding by chance."""
    return z * np.sqrt(np.maximum(np.abs(variance), 1)) + z * z / 3


def largest_other(series: np.ndarray) -> np.ndarray:
    """For each point of each row, the largest of the row's other values (NaN ignored; 0 when
    there is none)."""
    filled = np.where(np.isnan(series), -np.inf, series)
    if filled.shape[1] < 2:
        return np.zeros(filled.shape)
    top = np.sort(filled, axis=1)[:, ::-1][:, :2]
    first, second = top[:, 0:1], top[:, 1:2]
    # The largest other is the row maximum, except at the (first) maximum itself.
    at_max = np.arange(filled.shape[1])[None, :] == np.argmax(filled, axis=1)[:, None]
    found = np.where(at_max, second, first)
    return np.where(np.isfinite(found), found, 0.0)


def row_median(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The median of each row ignoring NaN (NaN for an empty row), and each row's count."""
    n = (~np.isnan(series)).sum(axis=1)
    if series.shape[1] == 0:
        return np.full(len(series), np.nan), n
    ordered = np.sort(series, axis=1)  # NaN sort last: the n values come first
    rows = np.arange(len(series))
    centre = (ordered[rows, np.maximum((n - 1) // 2, 0)] + ordered[rows, n // 2]) / 2
    return np.where(n > 0, centre, np.nan), n
