"""The budget chapter out: realisation tables, jenis belanja, composite scores, findings."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from tabulate import tabulate

from ..formatting import format_decimal, format_percent
from ..render import json_number
from .report import BudgetReport
from .table import Line

WORDS = {
    "id": {
        "title": "Realisasi Anggaran {unit} Tahun {year}",
        "rows": ["Kode", "Uraian", "Pagu (Rp)", "Realisasi (Rp)", "Sisa (Rp)", "%"],
        "sasaran": "Realisasi Anggaran per Sasaran",
        "sasaran_cols": ["Sasaran", "Pagu (Rp)", "Realisasi (Rp)", "Sisa (Rp)", "%"],
        "jenis": "Realisasi per Jenis Belanja",
        "jenis_cols": [
            "Jenis Belanja",
            "Pagu {p}",
            "Realisasi {p}",
            "% {p}",
            "Pagu {c}",
            "Realisasi {c}",
            "% {c}",
            "Perubahan (poin)",
        ],
        "scores": "Capaian Kinerja Anggaran",
        "score_cols": ["Komponen", "Nilai", "Bobot", "Bobot × Nilai / 100"],
        "computed": "dihitung",
        "reported": "dilaporkan",
        "category": "kategori",
        "aspects": "aspek",
        "conversion": "konversi bobot",
        "na": "tidak berlaku",
        "missing": "tidak dapat dihitung: tidak ada nilai untuk",
        "findings": "Temuan",
        "none": "Tidak ada temuan: setiap angka yang dicetak sesuai perhitungan.",
        "total": "JUMLAH",
        "printed_total": "JUMLAH (dicetak)",
        "jenis_names": {
            "pegawai": "Belanja Pegawai",
            "barang": "Belanja Barang",
            "modal": "Belanja Modal",
            "bansos": "Belanja Bantuan Sosial",
            "total": "Total",
        },
    },
    "en": {
        "title": "Budget realisation of {unit}, {year}",
        "rows": ["Code", "Description", "Pagu (Rp)", "Realised (Rp)", "Remaining (Rp)", "%"],
        "sasaran": "Budget per goal",
        "sasaran_cols": ["Goal", "Pagu (Rp)", "Realised (Rp)", "Remaining (Rp)", "%"],
        "jenis": "Realisation per type of spending",
        "jenis_cols": [
            "Type",
            "Pagu {p}",
            "Realised {p}",
            "% {p}",
            "Pagu {c}",
            "Realised {c}",
            "% {c}",
            "Change (points)",
        ],
        "scores": "Budget performance scores",
        "score_cols": ["Component", "Value", "Weight", "Weight × value / 100"],
        "computed": "computed",
        "reported": "reported",
        "category": "category",
        "aspects": "aspects",
        "conversion": "weight conversion",
        "na": "not applicable",
        "missing": "cannot be computed: no value for",
        "findings": "Findings",
        "none": "No findings: every printed figure agrees with the arithmetic.",
        "total": "TOTAL",
        "printed_total": "TOTAL (as printed)",
        "jenis_names": {
            "pegawai": "Personnel",
            "barang": "Goods and services",
            "modal": "Capital",
            "bansos": "Social assistance",
            "total": "Total",
        },
    },
}


def render_budget(report: BudgetReport, fmt: str = "table", lang: str = "id") -> str:
    if fmt == "json":
        return json.dumps(to_json(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    if fmt == "csv":
        return to_csv(report)
    return to_text(report, fmt, lang)


def _money(value: int, lang: str) -> str:
    return format_decimal(value, lang, group=True)


def _pct(report: BudgetReport, value: Decimal | None, lang: str) -> str:
    return format_percent(report.shown(value), lang) if value is not None else "—"


def _money_row(report: BudgetReport, line: Line, lang: str) -> list[str]:
    return [
        _money(line.pagu, lang),
        _money(line.realisasi, lang),
        _money(line.sisa, lang),
        _pct(report, line.persen, lang),
    ]


def to_text(report: BudgetReport, fmt: str, lang: str) -> str:
    words = WORDS[lang]
    tablefmt = "github" if fmt == "markdown" else "rounded_outline"
    budget = report.budget
    heading = words["title"].format(unit=budget.unit, year=budget.year)
    parts = [f"## {heading}" if fmt == "markdown" else heading, ""]

    def section(title: str, table: str) -> None:
        parts.extend([f"### {title}" if fmt == "markdown" else title, "", table, ""])

    tables = report.tables
    if tables.rows:
        rows = [
            [("  " * line.depth) + line.key, line.name, *_money_row(report, line, lang)]
            for line in tables.rows
        ]
        rows.append([words["total"], "", *_money_row(report, tables.total, lang)])
        printed = _printed_total(report, lang)
        if printed is not None:
            rows.append([words["printed_total"], "", *printed])
        parts.extend([tabulate(rows, words["rows"], tablefmt=tablefmt, disable_numparse=True), ""])
    if tables.sasaran:
        rows = [
            [
                f"{line.key}. {report.sasaran_names.get(line.key, line.name)}",
                *_money_row(report, line, lang),
            ]
            for line in tables.sasaran
        ]
        rows.append([words["total"], *_money_row(report, tables.sasaran_total, lang)])
        section(
            words["sasaran"],
            tabulate(
                rows,
                words["sasaran_cols"],
                tablefmt=tablefmt,
                disable_numparse=True,
                maxcolwidths=[None if fmt == "markdown" else 50, None, None, None, None],
            ),
        )
    if report.changes:
        year = budget.year
        header = [h.format(p=year - 1, c=year) for h in words["jenis_cols"]]
        rows = []
        for change in report.changes:
            sign = "+" if change.points is not None and change.points > 0 else ""
            rows.append(
                [
                    words["jenis_names"].get(change.key, change.key),
                    _money(change.previous.pagu, lang),
                    _money(change.previous.realisasi, lang),
                    _pct(report, change.previous.persen, lang),
                    _money(change.current.pagu, lang),
                    _money(change.current.realisasi, lang),
                    _pct(report, change.current.persen, lang),
                    sign + format_decimal(change.points, lang)
                    if change.points is not None
                    else "—",
                ]
            )
        section(words["jenis"], tabulate(rows, header, tablefmt=tablefmt, disable_numparse=True))
    elif tables.jenis_belanja:
        for year, lines in sorted(tables.jenis_belanja.items()):
            rows = [
                [words["jenis_names"].get(line.key, line.key), *_money_row(report, line, lang)]
                for line in lines
            ]
            rows.append(
                [words["total"], *_money_row(report, tables.jenis_belanja_totals[year], lang)]
            )
            section(
                f"{words['jenis']} {year}",
                tabulate(rows, words["sasaran_cols"], tablefmt=tablefmt, disable_numparse=True),
            )
    if report.scores:
        blocks = []
        for result in report.scores:
            blocks.append(_score_text(report, result, words, lang, tablefmt))
        section(words["scores"], "\n\n".join(blocks))
    parts.append(f"### {words['findings']}" if fmt == "markdown" else words["findings"])
    parts.append("")
    if report.findings:
        parts.extend(("- " if fmt == "markdown" else "") + d.format() for d in report.findings)
    else:
        parts.append(words["none"])
    return "\n".join(parts) + "\n"


def _printed_total(report: BudgetReport, lang: str) -> list[str] | None:
    """The JUMLAH row as the report prints it, when it differs from the rows' sum."""
    printed, total = report.budget.total, report.tables.total
    cells = [printed.pagu, printed.realisasi, printed.sisa]
    computed = [total.pagu, total.realisasi, total.sisa]
    if all(c is None or c.value == v for c, v in zip(cells, computed)):
        return None
    out = [_money(c.value, lang) if c is not None else "" for c in cells]
    out.append(printed.persen.value.text if printed.persen is not None else "")
    return out


def _score_text(report: BudgetReport, result, words: dict, lang: str, tablefmt: str) -> str:
    score = result.score
    values = []
    if result.computed is not None:
        values.append(f"{words['computed']} {format_decimal(result.computed.shown, lang)}")
    if result.reported is not None:
        values.append(f"{words['reported']} {format_decimal(result.reported.shown, lang)}")
    if result.missing:
        values.append(f"{words['missing']} {', '.join(result.missing)}")
    line = f"{score.name}: {'; '.join(values)}"
    if result.band:
        line += f" ({words['category']} {result.band})"
    rows = []
    for component in result.components:
        value = component.value
        weighted = (
            format_decimal(report.shown(component.component.weight * value / 100), lang)
            if value is not None and component.applicable
            else ""
        )
        shown = format_decimal(report.shown(value), lang) if value is not None else "—"
        if not component.applicable:
            shown = words["na"]
        rows.append(
            [
                component.component.name,
                shown,
                format_decimal(component.component.weight, lang),
                weighted,
            ]
        )
    text = (
        line + "\n" + tabulate(rows, words["score_cols"], tablefmt=tablefmt, disable_numparse=True)
    )
    extras = []
    if result.aspects:
        extras.append(
            f"{words['aspects']}: "
            + ", ".join(
                f"{aspect} {format_decimal(figure.shown, lang)}"
                for aspect, figure in result.aspects.items()
            )
        )
    if score.renormalise:
        extras.append(
            f"{words['conversion']} {format_percent(report.shown(result.conversion * 100), lang)}"
        )
    if extras:
        text += "\n" + "; ".join(extras)
    return text


def _line_json(report: BudgetReport, line: Line) -> dict[str, Any]:
    return {
        "key": line.key,
        "name": line.name,
        "pagu": line.pagu,
        "realisasi": line.realisasi,
        "sisa": line.sisa,
        "persen": json_number(report.shown(line.persen)),
    }


def to_json(report: BudgetReport) -> dict[str, Any]:
    tables = report.tables
    budget = report.budget
    return {
        "unit": budget.unit,
        "unit_type": budget.unit_type,
        "year": budget.year,
        "rows": [
            dict(_line_json(report, line), code=line.key, depth=line.depth) for line in tables.rows
        ],
        "total": _line_json(report, tables.total) if tables.total else None,
        "sasaran": [_line_json(report, line) for line in tables.sasaran],
        "sasaran_total": _line_json(report, tables.sasaran_total) if tables.sasaran_total else None,
        "jenis_belanja": {
            str(year): {
                "lines": [_line_json(report, line) for line in lines],
                "total": _line_json(report, tables.jenis_belanja_totals[year]),
            }
            for year, lines in sorted(tables.jenis_belanja.items())
        },
        "changes": [
            {
                "key": c.key,
                "previous": json_number(report.shown(c.previous.persen)),
                "current": json_number(report.shown(c.current.persen)),
                "points": json_number(c.points),
            }
            for c in report.changes
        ],
        "scores": [
            {
                "id": r.score.id,
                "name": r.score.name,
                "computed": json_number(r.computed.shown) if r.computed else None,
                "computed_exact": format_decimal(r.computed.exact, "en") if r.computed else None,
                "reported": json_number(r.reported.shown) if r.reported else None,
                "used": json_number(report.shown(r.used)),
                "category": r.band,
                "conversion": json_number(report.shown(r.conversion * 100)),
                "missing": list(r.missing),
                "aspects": {key: json_number(figure.shown) for key, figure in r.aspects.items()},
                "components": [
                    {
                        "id": c.component.id,
                        "weight": json_number(c.component.weight),
                        "value": json_number(report.shown(c.value)),
                        "applicable": c.applicable,
                        "source": c.source,
                    }
                    for c in r.components
                ],
            }
            for r in report.scores
        ],
        "findings": [d.to_dict() for d in report.findings],
    }


def to_csv(report: BudgetReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "year", "key", "name", "pagu", "realisasi", "sisa", "persen"])
    budget = report.budget

    def write(table: str, year: int, line: Line | None) -> None:
        if line is not None:
            persen = report.shown(line.persen)
            writer.writerow(
                [
                    table,
                    year,
                    line.key,
                    line.name,
                    line.pagu,
                    line.realisasi,
                    line.sisa,
                    format_decimal(persen, "en") if persen is not None else "",
                ]
            )

    for line in report.tables.rows:
        write("realisasi", budget.year, line)
    write("realisasi", budget.year, report.tables.total)
    for line in report.tables.sasaran:
        write("sasaran", budget.year, line)
    write("sasaran", budget.year, report.tables.sasaran_total)
    for year, lines in sorted(report.tables.jenis_belanja.items()):
        for line in lines:
            write("jenis_belanja", year, line)
        write("jenis_belanja", year, report.tables.jenis_belanja_totals[year])
    for result in report.scores:
        value = result.computed.shown if result.computed else None
        writer.writerow(
            [
                "score",
                budget.year,
                result.score.id,
                result.score.name,
                "",
                "",
                "",
                format_decimal(value, "en") if value is not None else "",
            ]
        )
    return out.getvalue()
