"""Reports out: the capaian tables (Bapas Tabel III.2 and III.1 shape), JSON and CSV.

Tables are for people and follow ``--lang`` (Indonesian numbers ``82,09%`` by default). JSON and
CSV are for scripts: numbers are plain (``82.09``), rounded as the catalogue says, and status values
are the stable Indonesian codes ``tercapai`` / ``tidak tercapai`` / ``tidak dapat diukur``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tabulate import tabulate

from .bands import DEFAULT_STATUS_BANDS
from .decimals import round_shown
from .formatting import format_decimal, format_percent, format_quantity
from .model import Target
from .results import Figure, IndicatorResult, Report, Status, short_exact

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

FORMATS = ("table", "markdown", "json", "csv")

_HEADERS = {
    "id": {
        "title": "Capaian Kinerja {unit} Tahun {year}",
        "indicators": [
            "No",
            "Sasaran",
            "Indikator Kinerja",
            "Target",
            "Realisasi",
            "Capaian",
            "Status",
            "Keterangan",
        ],
        "sasaran_title": "Capaian Sasaran",
        "sasaran": ["No", "Sasaran", "Jumlah Indikator", "Terukur", "Capaian", "Keterangan"],
        "overall": "Nilai rata-rata seluruh indikator terukur",
        "overall_sasaran": "Nilai rata-rata tertimbang seluruh sasaran terukur",
        "anggaran": ["Pagu Anggaran (Rp)", "Realisasi Anggaran (Rp)", "% Anggaran"],
        "none": "tidak dapat diukur",
        "catalogue": "Katalog",
    },
    "en": {
        "title": "Performance of {unit}, {year}",
        "indicators": [
            "No",
            "Goal",
            "Indicator",
            "Target",
            "Realisation",
            "Achievement",
            "Status",
            "Remarks",
        ],
        "sasaran_title": "Goals",
        "sasaran": ["No", "Goal", "Indicators", "Measured", "Achievement", "Status"],
        "overall": "Mean of all measured indicators",
        "overall_sasaran": "Weighted mean of all measured sasaran",
        "anggaran": ["Budget (Rp)", "Budget realised (Rp)", "% budget"],
        "none": "not measurable",
        "catalogue": "Catalogue",
    },
}


def render(
    report: Report, fmt: str = "table", lang: str = "id", findings: Sequence[Diagnostic] = ()
) -> str:
    """The report in one of :data:`FORMATS`; JSON also lists ``findings`` (the data's and the
    plausibility review's, each with its location and, for the review, its details)."""
    if fmt == "json":
        import json

        data = to_json(report)
        data["findings"] = [finding.to_dict() for finding in findings]
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "csv":
        return to_csv(report)
    return to_table(report, fmt, lang)


def to_table(report: Report, fmt: str = "table", lang: str = "id") -> str:
    words = _HEADERS[lang]
    tablefmt = "github" if fmt == "markdown" else "simple_grid"
    widths = None if fmt == "markdown" else [None, None, 56, None, None, None, None, 32]
    rows = []
    previous = None
    for number, result in enumerate(report.indicators, start=1):
        sasaran = result.indicator.sasaran
        rows.append(
            [
                number,
                sasaran if sasaran != previous else "",
                result.indicator.name,
                format_target(result.target, result.indicator.unit, lang),
                _quantity(
                    result.realisasi.shown if result.realisasi else None,
                    result.indicator.unit,
                    lang,
                    words,
                ),
                format_percent(result.capaian.shown, lang) if result.capaian else "—",
                _status_text(report, result.status, result.category, lang),
                result.na_reason or _rounding_remark(result, lang),
            ]
        )
        previous = sasaran
    if any(r.anggaran is not None for r in report.indicators):
        headers = words["indicators"][:6] + words["anggaran"] + words["indicators"][6:]
        for row, result in zip(rows, report.indicators):
            row[6:6] = _anggaran_cells(result, lang)
        widths = (
            None
            if fmt == "markdown"
            else [None, None, 40, None, None, None, None, None, None, None, 24]
        )
    else:
        headers = list(words["indicators"])
    title = words["title"].format(unit=report.data.unit, year=report.data.year)
    if report.period is not None:
        # The figures are to date; the period's own realisasi gets a column of its own.
        label, to_date = report.period.label(lang), report.period.to_date_label(lang)
        title = f"{title} ({to_date})"
        headers[4:5] = [f"{headers[4]} {label}", f"{headers[4]} {to_date}"]
        for row, result in zip(rows, report.indicators):
            alone = result.period_realisasi
            row.insert(
                4, _quantity(alone.shown if alone else None, result.indicator.unit, lang, words)
            )
        if widths is not None:
            widths.insert(4, None)
    catalogue = (
        f"{words['catalogue']}: {report.catalogue.title} ({', '.join(report.catalogue.files)})"
    )
    heading = f"## {title}" if fmt == "markdown" else title
    parts = [
        heading,
        "",
        catalogue,
        "",
        tabulate(rows, headers, tablefmt=tablefmt, maxcolwidths=widths, disable_numparse=True),
    ]
    sasaran_rows = [
        [
            number,
            f"{s.sasaran.id}. {s.sasaran.name}",
            s.total,
            s.measured,
            _percent(s.capaian, lang, words),
            _status_text(report, s.status, s.category, lang),
        ]
        for number, s in enumerate(report.sasaran, start=1)
    ]
    sasaran_widths = None if fmt == "markdown" else [None, 60, None, None, None, None]
    parts += [
        "",
        f"### {words['sasaran_title']}" if fmt == "markdown" else words["sasaran_title"],
        "",
        tabulate(sasaran_rows, words["sasaran"], tablefmt=tablefmt, maxcolwidths=sasaran_widths),
        "",
        f"{words[_overall_label(report)]}: {_percent(report.overall, lang, words)}",
    ]
    return "\n".join(parts) + "\n"


def _overall_label(report: Report) -> str:
    """Say over what the overall figure is taken: indicators, or sasaran (policy ``overall``)."""
    return "overall_sasaran" if report.catalogue.policy.overall == "sasaran" else "overall"


_DEFAULT_CATEGORIES = frozenset(band.name for band in DEFAULT_STATUS_BANDS)


def explain(result: IndicatorResult, lang: str = "id") -> str:
    """One indicator's derivation, as ``kinerja-rules explain`` prints it."""
    indicator = result.indicator
    lines = [f"{indicator.id}: {indicator.name}"]
    places = result.derivation.decimals + 4
    for spec in indicator.inputs:
        value = result.derivation.inputs.get(spec.name)
        # A composite's input is another indicator's exact result: cut it, as capaian lines do.
        shown = f" = {short_exact(value, places, lang)}" if value is not None else ""
        lines.append(f"  {spec.name}{shown}: {spec.description}")
    lines.append(f"  Target: {format_target(result.target, indicator.unit, lang)}")
    lines += [f"  {line}" for line in result.derivation.lines(lang)]
    status = result.status.label(lang)
    if result.category is not None and result.category not in _DEFAULT_CATEGORIES:
        status = f"{result.category} ({status})"  # the catalogue's band, as the tables show it
    lines.append(f"  Status: {status}" + (f" — {result.na_reason}" if result.na_reason else ""))
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> dict[str, Any]:
    return {
        "unit": report.data.unit,
        "unit_type": report.data.unit_type,
        "year": report.data.year,
        "catalogue": {"title": report.catalogue.title, "files": list(report.catalogue.files)},
        "period": report.period.key if report.period is not None else None,
        "indicators": [_indicator_json(r) for r in report.indicators],
        "sasaran": [
            {
                "id": s.sasaran.id,
                "name": s.sasaran.name,
                "capaian": _shown(s.capaian),
                "status": s.status.value,
                "category": s.category,
                "measured": s.measured,
                "total": s.total,
            }
            for s in report.sasaran
        ],
        "overall": _shown(report.overall),
    }


def _dimension(unit: str) -> str | None:
    """What an indicator's figures are, in words ("percent", "count of dokumen"); None for a
    unit the vocabulary does not know."""
    from .dimensions import describe, unit_dimension

    dimension = unit_dimension(unit)
    return describe(dimension) if dimension is not None else None


def _indicator_json(result: IndicatorResult) -> dict[str, Any]:
    derivation = result.derivation
    return {
        "id": result.indicator.id,
        "sasaran": result.indicator.sasaran,
        "name": result.indicator.name,
        "unit": result.indicator.unit,
        "dimension": _dimension(result.indicator.unit),
        "input_units": dict(result.indicator.input_units),
        "target": _target_json(result.target),
        "realisasi": _shown(result.realisasi),
        "period_realisasi": _shown(result.period_realisasi),
        "capaian": _shown(result.capaian),
        "status": result.status.value,
        "category": result.category,
        "na_reason": result.na_reason,
        "anggaran": _anggaran_json(result),
        "derivation": {
            "source": derivation.source,
            "formula": derivation.formula.text,
            "inputs": {name: json_number(value) for name, value in derivation.inputs.items()},
            "realisasi_substituted": derivation.realisasi_substituted("id"),
            "realisasi_exact": _exact(derivation.realisasi),
            "realisasi_shown": _shown(derivation.realisasi),
            "capaian_formula": derivation.capaian_formula.text
            if derivation.capaian_formula
            else None,
            "capaian_substituted": derivation.capaian_substituted("id"),
            "capaian_exact": _exact(derivation.capaian),
            "capaian_shown": _shown(derivation.capaian),
            "capped": derivation.capped,
            "floored": derivation.floored,
            "capaian_branch": derivation.capaian_branch,
            "origin": derivation.origin,
            "text": derivation.lines("id"),
        },
    }


def _anggaran_json(result: IndicatorResult) -> dict[str, Any] | None:
    anggaran = result.anggaran
    if anggaran is None:
        return None
    persen = anggaran.persen
    return {
        "pagu": anggaran.pagu,
        "realisasi": anggaran.realisasi,
        "persen": json_number(round_shown(persen, 2, "half_up")) if persen is not None else None,
    }


def to_csv(report: Report) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "record",
            "unit",
            "year",
            "id",
            "sasaran",
            "name",
            "unit_of_measure",
            "target",
            "realisasi",
            "capaian",
            "status",
            "na_reason",
            "category",
        ]
    )
    common = [report.data.unit, report.data.year]
    for r in report.indicators:
        writer.writerow(
            [
                "indicator",
                *common,
                r.indicator.id,
                r.indicator.sasaran,
                r.indicator.name,
                r.indicator.unit,
                _target_plain(r.target),
                _plain_figure(r.realisasi),
                _plain_figure(r.capaian),
                r.status.value,
                r.na_reason or "",
                r.category or "",
            ]
        )
    for s in report.sasaran:
        writer.writerow(
            [
                "sasaran",
                *common,
                s.sasaran.id,
                s.sasaran.id,
                s.sasaran.name,
                "%",
                "",
                "",
                _plain_figure(s.capaian),
                s.status.value,
                "",
                s.category or "",
            ]
        )
    writer.writerow(
        ["overall", *common, "", "", "", "%", "", "", _plain_figure(report.overall), "", "", ""]
    )
    return out.getvalue()


def _anggaran_cells(result: IndicatorResult, lang: str) -> list[str]:
    anggaran = result.anggaran
    if anggaran is None:
        return ["", "", ""]
    spent = (
        format_decimal(anggaran.realisasi, lang, group=True)
        if anggaran.realisasi is not None
        else "—"
    )
    persen = anggaran.persen
    shown = format_percent(round_shown(persen, 2, "half_up"), lang) if persen is not None else "—"
    return [format_decimal(anggaran.pagu, lang, group=True), spent, shown]


def _status_text(report: Report, status: Status, category: str | None, lang: str) -> str:
    """The status as tables show it: the catalogue's band when it declares bands (``hijau``),
    else tercapai / tidak tercapai in the table's language."""
    if category is None or report.catalogue.bands == DEFAULT_STATUS_BANDS:
        return status.label(lang)
    return category


def _rounding_remark(result: IndicatorResult, lang: str) -> str:
    """Explain a status the rounded capaian seems to contradict (84,6% of 85% shows as 100%)."""
    capaian = result.capaian
    if capaian is None or (capaian.exact >= 100) == (capaian.shown >= 100):
        return ""
    exact = short_exact(capaian.exact, result.derivation.decimals + 2, lang) + "%"
    return (
        f"capaian sebelum pembulatan {exact}" if lang == "id" else f"unrounded achievement {exact}"
    )


def format_target(target: Target | None, unit: str, lang: str) -> str:
    """``80%``, ``54 Unit``, or a range ``80–90%``."""
    if target is None:
        return "—"
    if not target.is_range:
        return format_quantity(target.value, unit, lang)
    upper = format_quantity(target.upper, unit, lang)
    return f"{format_decimal(target.lower, lang)}–{upper}"


def _target_json(target: Target | None) -> int | float | dict | None:
    """A single target as a number; a range as ``{"min": 80, "max": 90}``."""
    if target is None:
        return None
    if not target.is_range:
        return json_number(target.value)
    return {"min": json_number(target.lower), "max": json_number(target.upper)}


def _target_plain(target: Target | None) -> str:
    if target is None:
        return ""
    if not target.is_range:
        return _plain(target.value)
    return f"{_plain(target.lower)}-{_plain(target.upper)}"


def _quantity(value: Decimal | None, unit: str, lang: str, words: dict) -> str:
    return format_quantity(value, unit, lang) if value is not None else "—"


def _percent(figure: Figure | None, lang: str, words: dict) -> str:
    return format_percent(figure.shown, lang) if figure is not None else words["none"]


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number; shown values have few digits, so a float prints them exactly."""
    if value is None:
        return None
    if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
        return int(value)
    return float(value)


def _shown(figure: Figure | None) -> int | float | None:
    return json_number(figure.shown) if figure is not None else None


def _exact(figure: Figure | None) -> str | None:
    return format_decimal(figure.exact, "en") if figure is not None else None


def _plain(value: Decimal | None) -> str:
    return format_decimal(value, "en") if value is not None else ""


def _plain_figure(figure: Figure | None) -> str:
    return _plain(figure.shown) if figure is not None else ""
