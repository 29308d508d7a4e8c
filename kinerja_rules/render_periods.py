"""``evaluate --by-period``: each indicator to date at every quarter (or semester) and the year.

The ministry of finance's IKU reports put TW I, TW II, TW III and the year side by side; this is
that view, computed as one evaluation per column (each to date: "s.d. TW II" is January–June),
so every column follows the same consolidation, targets, N/A and roll-up as a single report.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from tabulate import tabulate

from .data import UnitData
from .formatting import format_percent, format_quantity
from .periods import Period, periods_of
from .render import format_target, json_number
from .results import Figure, IndicatorResult, Report

Column = tuple["Period | None", Report]


def columns_for(data: UnitData) -> list[Period]:
    """The periods shown before the year: quarters, or semesters when the data has semesters;
    none for annual-only data. The last quarter is the year itself and is not repeated."""
    kinds = {next(iter(e.periods)).kind for e in data.entries.values() if e.periods}
    if not kinds:
        return []
    base = periods_of("semester" if "semester" in kinds else "quarter")
    return list(base[:-1])


def by_period(evaluate: Callable[[Period | None], Report], data: UnitData) -> list[Column]:
    """One report per column, the year last (its findings are the data's)."""
    return [(period, evaluate(period)) for period in columns_for(data)] + [(None, evaluate(None))]


def render_by_period(columns: list[Column], fmt: str = "table", lang: str = "id") -> str:
    if fmt == "json":
        return json.dumps(_json(columns), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "csv":
        return _csv(columns)
    return _table(columns, fmt, lang)


def _key(period: Period | None) -> str:
    return period.key if period is not None else "Y"


def _label(period: Period | None, lang: str) -> str:
    if period is None:
        return "Tahun" if lang == "id" else "Year"
    return period.to_date_label(lang)


def _cell(result: IndicatorResult, lang: str) -> str:
    if result.realisasi is None or result.capaian is None:
        return "—"
    shown = format_quantity(result.realisasi.shown, result.indicator.unit, lang)
    return f"{shown} ({format_percent(result.capaian.shown, lang)})"


def _table(columns: list[Column], fmt: str, lang: str) -> str:
    year_report = columns[-1][1]
    tablefmt = "github" if fmt == "markdown" else "simple_grid"
    labels = [_label(period, lang) for period, _ in columns]
    headers = ["No", "Indikator Kinerja" if lang == "id" else "Indicator", "Target", *labels]
    remark = "Keterangan" if lang == "id" else "Remarks"
    rows = []
    for number, year_result in enumerate(year_report.indicators, start=1):
        indicator_id = year_result.indicator.id
        cells = [_cell(report.indicator(indicator_id), lang) for _, report in columns]
        target = format_target(year_result.target, year_result.indicator.unit, lang)
        reasons = [
            report.indicator(indicator_id).na_reason
            for _, report in columns
            if report.indicator(indicator_id).na_reason
        ]
        rows.append(
            [number, year_result.indicator.name, target, *cells, reasons[-1] if reasons else ""]
        )
    widths = None if fmt == "markdown" else [None, 44, None, *[None] * len(columns), 28]
    title = (
        f"Capaian Kinerja {year_report.data.unit} per Periode Tahun {year_report.data.year}"
        if lang == "id"
        else f"Performance of {year_report.data.unit} by period, {year_report.data.year}"
    )
    note = (
        "Setiap kolom: realisasi s.d. akhir periode (capaian)."
        if lang == "id"
        else "Each column: realisation to the end of the period (achievement)."
    )
    sasaran_rows = []
    for number, item in enumerate(year_report.sasaran, start=1):
        figures = []
        for _, report in columns:
            found = next(s for s in report.sasaran if s.sasaran.id == item.sasaran.id)
            figures.append(format_percent(found.capaian.shown, lang) if found.capaian else "—")
        sasaran_rows.append([number, f"{item.sasaran.id}. {item.sasaran.name}", *figures])
    overall = [
        format_percent(report.overall.shown, lang) if report.overall else "—"
        for _, report in columns
    ]
    sasaran_rows.append(["", "Nilai keseluruhan" if lang == "id" else "Overall", *overall])
    heading = f"## {title}" if fmt == "markdown" else title
    return (
        "\n".join(
            [
                heading,
                "",
                note,
                "",
                tabulate(
                    rows,
                    [*headers, remark],
                    tablefmt=tablefmt,
                    maxcolwidths=widths,
                    disable_numparse=True,
                ),
                "",
                tabulate(
                    sasaran_rows,
                    ["No", "Sasaran", *labels],
                    tablefmt=tablefmt,
                    maxcolwidths=None if fmt == "markdown" else [None, 50, *[None] * len(columns)],
                    disable_numparse=True,
                ),
            ]
        )
        + "\n"
    )


def _figure(figure: Figure | None) -> int | float | None:
    return json_number(figure.shown) if figure is not None else None


def _json(columns: list[Column]) -> dict[str, Any]:
    year_report = columns[-1][1]
    keys = [_key(period) for period, _ in columns]
    indicators = []
    for year_result in year_report.indicators:
        indicator_id = year_result.indicator.id
        figures = {}
        for key, (_, report) in zip(keys, columns):
            result = report.indicator(indicator_id)
            figures[key] = {
                "target": _target(result),
                "realisasi": _figure(result.realisasi),
                "capaian": _figure(result.capaian),
                "status": result.status.value,
                "na_reason": result.na_reason,
            }
        indicators.append(
            {
                "id": indicator_id,
                "name": year_result.indicator.name,
                "unit": year_result.indicator.unit,
                "figures": figures,
            }
        )
    sasaran = [
        {
            "id": item.sasaran.id,
            "figures": {
                key: _figure(next(s for s in r.sasaran if s.sasaran.id == item.sasaran.id).capaian)
                for key, (_, r) in zip(keys, columns)
            },
        }
        for item in year_report.sasaran
    ]
    return {
        "unit": year_report.data.unit,
        "unit_type": year_report.data.unit_type,
        "year": year_report.data.year,
        "periods": keys,
        "indicators": indicators,
        "sasaran": sasaran,
        "overall": {key: _figure(r.overall) for key, (_, r) in zip(keys, columns)},
    }


def _target(result: IndicatorResult) -> Any:
    target = result.target
    if target is None:
        return None
    if target.is_range:
        return {"min": json_number(target.lower), "max": json_number(target.upper)}
    return json_number(target.value)


def _csv(columns: list[Column]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["record", "id", "period", "realisasi", "capaian", "status", "na_reason"])
    year_report = columns[-1][1]
    for year_result in year_report.indicators:
        for period, report in columns:
            result = report.indicator(year_result.indicator.id)
            writer.writerow(
                [
                    "indicator",
                    result.indicator.id,
                    _key(period),
                    _plain(result.realisasi),
                    _plain(result.capaian),
                    result.status.value,
                    result.na_reason or "",
                ]
            )
    for item in year_report.sasaran:
        for period, report in columns:
            found = next(s for s in report.sasaran if s.sasaran.id == item.sasaran.id)
            writer.writerow(
                ["sasaran", item.sasaran.id, _key(period), "", _plain(found.capaian), "", ""]
            )
    return out.getvalue()


def _plain(figure: Figure | None) -> str:
    return format(figure.shown, "f") if figure is not None else ""
