"""Figures to date from the periods of a year: how months, quarters and semesters combine.

The ministry of finance's IKU manuals name a *konsolidasi periode* per indicator, and DHIS2 a
missing-value strategy; the catalogue declares both (policy defaults, indicator overrides):

* ``sum`` — each input is summed over the periods, then the formula runs: Σ A / Σ B, a ratio of
  sums, never a mean of monthly percentages;
* ``last`` — the last period reported (stocks: units, documents, a headcount at month end);
* ``mean`` / ``max`` — of the periods' own realisasi.

A period in the range that the data does not give is *belum dilaporkan*, never 0: under
``skip_if_any`` (the default) the figure to date is then not measurable, under ``skip_if_all``
the reported periods are consolidated, and ``never`` counts the missing ones as 0 — only to
reproduce a legacy spreadsheet. The result is a plain :class:`DataEntry` for the whole range,
evaluated like any annual entry, so N/A rules, capaian, bands and roll-ups are the same code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

import attrs

from .data import DataEntry
from .decimals import CONTEXT
from .model import Indicator, Policy
from .periods import YEAR, Period, periods_of

_WORDS = {"sum": "jumlah", "last": "nilai terakhir", "mean": "rata-rata", "max": "nilai tertinggi"}

#: The realisasi of one period's entry (its formula over its inputs), or None when the period
#: cannot be measured; supplied by the evaluation, which knows the N/A rules.
RealisasiOf = Callable[[DataEntry], "Decimal | None"]


def consolidation_of(indicator: Indicator, policy: Policy) -> str:
    return indicator.consolidation or policy.consolidation


def to_date(
    indicator: Indicator,
    policy: Policy,
    entry: DataEntry | None,
    period: Period,
    realisasi_of: RealisasiOf,
) -> DataEntry | None:
    """The entry that gives ``indicator``'s figure from January to the end of ``period``."""
    if entry is None:
        return None
    if entry.annual and period.last == 12:
        return entry  # the annual figure is the figure to the end of the year
    if not entry.periods:
        return _unreported(entry, "belum dilaporkan: data hanya tahunan")
    kind = next(iter(entry.periods)).kind
    covered, span = _layout(kind, period.last)
    if not covered:
        first = periods_of(kind)[0]
        return _unreported(
            entry, f"belum dilaporkan: data per {_KIND_WORDS[kind]}, {first.label()} pertama"
        )
    strategy = indicator.missing_periods or policy.missing_periods
    given = [entry.periods.get(p) for p in covered]
    missing = [p for p, e in zip(covered, given) if e is None]
    reported = [e for e in given if e is not None]
    if missing and strategy == "skip_if_any":
        names = ", ".join(p.label() for p in missing)
        return _unreported(entry, f"belum dilaporkan: {names}")
    if not reported:
        return _unreported(entry, "belum dilaporkan")
    measured = [e for e in reported if e.not_measured is None]
    if not measured:
        return _unreported(entry, reported[-1].not_measured or "belum dilaporkan")
    how = consolidation_of(indicator, policy)
    origin = f"{_WORDS[how]} {span}" if how != "last" else None
    if how == "last":
        last = measured[-1]
        last_period = next(p for p, e in zip(reversed(covered), reversed(given)) if e is last)
        return attrs.evolve(last, origin=f"{_WORDS['last']}: {last_period.label()}")
    if how == "sum":  # a missing period adds 0 to a sum: "never" needs nothing more here
        return _summed(entry, measured, origin)
    values = [realisasi_of(e) for e in measured]
    if any(value is None for value in values):
        return _unreported(entry, "tidak dapat diukur pada salah satu periode")
    if strategy == "never":
        values += [Decimal(0)] * len(missing)
    if how == "mean":
        value = CONTEXT.divide(sum(values, Decimal(0)), Decimal(len(values)))
    else:
        value = max(values)
    return DataEntry(entry.indicator_id, {}, value, None, entry.note, entry.location, origin=origin)


@functools.lru_cache(maxsize=64)
def _layout(kind: str, last: int) -> tuple[tuple[Period, ...], str]:
    """The periods of ``kind`` up to month ``last`` and their span in words ("Januari–Juni"):
    the same for every indicator and unit evaluated to that month, so worked out once."""
    covered = tuple(p for p in periods_of(kind) if p.last <= last)
    if not covered:
        return covered, ""
    span = covered[0].label()
    if len(covered) > 1:
        span += f"–{covered[-1].label()}"
    return covered, span


_KIND_WORDS = {"month": "bulan", "quarter": "triwulan", "semester": "semester", "year": "tahun"}


def _summed(entry: DataEntry, measured: list[DataEntry], origin: str | None) -> DataEntry:
    if all(e.realisasi is not None for e in measured):
        total = sum((e.realisasi for e in measured), Decimal(0))
        return DataEntry(
            entry.indicator_id, {}, total, None, entry.note, entry.location, origin=origin
        )
    if any(e.realisasi is not None for e in measured):
        return _unreported(
            entry, "periode memakai realisasi dan data input bercampur: tidak dapat dijumlahkan"
        )
    names = list(measured[0].inputs)
    sums = {name: sum((e.inputs[name] for e in measured), Decimal(0)) for name in names}
    return DataEntry(
        entry.indicator_id, sums, None, None, entry.note, entry.location, origin=origin
    )


def _unreported(entry: DataEntry, reason: str) -> DataEntry:
    return DataEntry(entry.indicator_id, {}, None, reason, entry.note, entry.location)


def annual_disagreement(
    indicator: Indicator, policy: Policy, entry: DataEntry, realisasi_of: RealisasiOf
) -> str | None:
    """When a file gives both an annual figure and every period of the year, they must agree
    under the indicator's consolidation; the disagreement in words, or None."""
    if not entry.annual or not entry.periods or entry.not_measured is not None:
        return None
    kind = next(iter(entry.periods)).kind
    if any(p not in entry.periods for p in periods_of(kind)):
        return None  # the year is not complete in periods: nothing to compare
    periods_only = attrs.evolve(entry, annual=False)
    consolidated = to_date(indicator, policy, periods_only, YEAR, realisasi_of)
    if consolidated is None or consolidated.not_measured is not None:
        return None
    how = consolidation_of(indicator, policy)
    if entry.inputs and consolidated.inputs:
        differing = [
            f"{name} = {_plain(entry.inputs[name])}, periods give {_plain(value)}"
            for name, value in consolidated.inputs.items()
            if entry.inputs.get(name) != value
        ]
        return "; ".join(differing) + f" ({_WORDS[how]})" if differing else None
    annual = entry.realisasi if entry.realisasi is not None else realisasi_of(entry)
    periods = (
        consolidated.realisasi if consolidated.realisasi is not None else realisasi_of(consolidated)
    )
    if annual is None or periods is None or annual == periods:
        return None
    return f"realisasi = {_plain(annual)}, periods give {_plain(periods)} ({_WORDS[how]})"


def _plain(value: Decimal) -> str:
    return format(value.normalize(CONTEXT), "f")
