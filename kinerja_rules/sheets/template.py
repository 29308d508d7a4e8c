"""``kinerja-rules template``: a data-entry workbook for one unit type and year.

The workbook (layout in :mod:`kinerja_rules.sheets.layout`) has a sheet ``Petunjuk`` with the
instructions in Indonesian and a sheet ``Data`` with one title row per indicator and one row per
input the data gives, a column per period (months or quarters, or none) and one for the year.
Ids, input names and descriptions are locked (the sheet is protected without a password); the
figure cells are open and validated — whole numbers ≥ 0 for counts, decimals ≥ 0 for other
inputs, up to the catalogue's ``max`` where it declares one. Given existing data (``--from``),
the figures are filled in.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ..atomic import write_atomically
from ..data import DataEntry, UnitData
from ..diagnostics import Diagnostic, KinerjaError
from ..model import Catalogue, Indicator, InputSpec
from ..periods import MONTH_NAMES, Period, periods_of
from ..sources import PathLike, _refuse
from .document import openpyxl_module
from .layout import (
    ANGGARAN,
    ANNUAL,
    CAUSES,
    DATA_SHEET,
    DESCRIPTION,
    GUIDE_SHEET,
    HEADER_LABELS,
    INDICATOR,
    INPUT,
    LABELS,
    NOT_MEASURED,
    NOTE,
    PROGRAMMES,
    REALISASI,
    REASON,
    TEXT_COLUMNS,
    UNIT,
)

#: ``--periods`` choices: the kind of period each names.
PERIOD_CHOICES = {
    "monthly": "month",
    "quarterly": "quarter",
    "semiannual": "semester",
    "annual": "year",
}
_CHOICE_OF_KIND = {kind: choice for choice, kind in PERIOD_CHOICES.items()}

#: How the year's figure follows from the periods' (catalogue ``consolidation``), for the title.
_CONSOLIDATION_WORDS = {
    "sum": "setahun = jumlah periode",
    "last": "setahun = periode terakhir",
    "mean": "setahun = rata-rata periode",
    "max": "setahun = periode tertinggi",
}

# Colours (ARGB without alpha): header, title rows, cells to fill, cells that take nothing.
_HEADER_FILL = "1F4E78"
_TITLE_FILL = "DDEBF7"
_INPUT_FILL = "FFF2CC"
_CLOSED_FILL = "EDEDED"
_ROW_HEADER = 7  # the labels; the hidden key row is under them, the indicators start after


@attrs.frozen
class Written:
    """What ``write_template`` wrote, for the command's summary line."""

    path: str
    indicators: int
    rows: int
    periods: str
    filled: int


@attrs.frozen
class _Line:
    """One row of the table: an indicator's title row (``name`` None) or one of its inputs."""

    indicator: Indicator
    name: str | None
    description: str
    unit: str
    kind: str  # "count", "number", "rupiah", "realisasi", "text", "title"
    maximum: Decimal | None = None
    #: Figures by column key (period key, or ANNUAL), texts for not_measured rows.
    figures: dict[str, Any] = attrs.field(factory=dict)
    #: Texts about the indicator (title row): reason not measured, note, narrative.
    texts: dict[str, str] = attrs.field(factory=dict)


def period_kind(choice: str | None, data: UnitData | None) -> str:
    """The kind of period the template's columns are: as asked, else the data's, else months.

    Data whose periods are of another kind than asked is a located KR413.
    """
    found = None
    if data is not None:
        for entry in data.entries.values():
            if entry.periods:
                found = (entry, next(iter(entry.periods)))
                break
    if choice is None:
        return found[1].kind if found else "month"
    kind = PERIOD_CHOICES[choice]
    if found is not None and found[1].kind != kind:
        entry, period = found
        raise KinerjaError(
            [
                Diagnostic(
                    "KR413",
                    f"the data gives {entry.indicator_id} per {period.kind} ('{period.key}'), "
                    f"but the template asked for has {choice} columns",
                    entry.location,
                    f"write the template with --periods {_CHOICE_OF_KIND[period.kind]}",
                )
            ]
        )
    return kind


def template_lines(
    catalogue: Catalogue, data: UnitData | None, periodic: bool = True
) -> list[_Line]:
    """The table's rows: per indicator of the catalogue, a title row and its inputs' rows."""
    lines: list[_Line] = []
    for indicator in catalogue.indicators:
        entry = data.entries.get(indicator.id) if data is not None else None
        lines.extend(_indicator_lines(catalogue, indicator, entry, periodic))
    return lines


def _indicator_lines(
    catalogue: Catalogue, indicator: Indicator, entry: DataEntry | None, periodic: bool
) -> list[_Line]:
    parts: list[tuple[str, DataEntry]] = []
    if entry is not None:
        if entry.annual:
            parts.append((ANNUAL, entry))
        parts.extend((period.key, period_entry) for period, period_entry in entry.periods.items())
    texts: dict[str, str] = {}
    if entry is not None:
        if entry.annual and entry.not_measured is not None:
            texts[REASON] = entry.not_measured
        if entry.note is not None:
            texts[NOTE] = entry.note
        texts.update(getattr(entry, "narrative", None) or {})
    title = _Line(
        indicator,
        None,
        _title(catalogue, indicator, periodic),
        indicator.unit,
        "title",
        texts=texts,
    )
    lines = [title]
    for spec in indicator.data_inputs:
        line = _input_line(indicator, spec)
        for key, part in parts:
            if spec.name in part.inputs:
                line.figures[key] = part.inputs[spec.name]
        lines.append(line)
    realised = {key: part.realisasi for key, part in parts if part.realisasi is not None}
    if realised:
        line = _Line(
            indicator,
            REALISASI,
            "Realisasi langsung (hanya bila laporan tidak memuat jumlah input)",
            indicator.unit,
            "realisasi",
        )
        line.figures.update(realised)
        lines.append(line)
    reasons = {
        key: part.not_measured
        for key, part in parts
        if key != ANNUAL and part.not_measured is not None
    }
    if reasons:
        line = _Line(
            indicator, NOT_MEASURED, "Alasan tidak dapat diukur pada periode itu", "teks", "text"
        )
        line.figures.update(reasons)
        lines.append(line)
    spent = {
        key: part.realisasi_anggaran
        for key, part in parts
        if key != ANNUAL and part.realisasi_anggaran is not None
    }
    if entry is not None and entry.realisasi_anggaran is not None:  # also beside periods only
        spent[ANNUAL] = entry.realisasi_anggaran
    if indicator.anggaran is not None or spent:
        line = _Line(indicator, ANGGARAN, "Realisasi anggaran indikator ini", "Rp", "rupiah")
        line.figures.update(spent)
        lines.append(line)
    return lines


def _title(catalogue: Catalogue, indicator: Indicator, periodic: bool) -> str:
    text = f"{indicator.name} — rumus: {_formula_words(indicator.formula.text)}"
    how = indicator.consolidation or getattr(catalogue.policy, "consolidation", None)
    if periodic and how in _CONSOLIDATION_WORDS:
        text += f"; {_CONSOLIDATION_WORDS[how]}"
    return text


def _formula_words(text: str) -> str:
    return text.replace("*", "×")


def _input_line(indicator: Indicator, spec: InputSpec) -> _Line:
    unit = "bilangan bulat" if spec.kind == "count" else "desimal"
    kind = "count" if spec.kind == "count" else "number"
    return _Line(indicator, spec.name, spec.description, unit, kind, spec.maximum)


def write_template(
    path: PathLike,
    catalogue: Catalogue,
    *,
    periods: str | None = None,
    data: UnitData | None = None,
    unit: str | None = None,
) -> Written:
    """Write the data-entry workbook for ``catalogue`` to ``path`` (atomically)."""
    openpyxl = openpyxl_module(str(path))
    kind = period_kind(periods, data)
    columns = [] if kind == "year" else list(periods_of(kind))
    lines = template_lines(catalogue, data, periodic=bool(columns))
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    sheet = book.create_sheet(DATA_SHEET)
    unit_name = unit if unit is not None else (data.unit if data is not None else "")
    source = data.source if data is not None else None
    _write_data(openpyxl, sheet, catalogue, columns, lines, unit_name, source)
    _write_guide(openpyxl, guide, catalogue, columns, unit_name)
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        write_atomically(path, buffer.getvalue())
    except OSError as error:
        raise _refuse(str(path), f"cannot write file: {error.strerror}") from None
    filled = sum(len(line.figures) + len(line.texts) for line in lines)
    return Written(
        str(path),
        len(catalogue.indicators),
        sum(1 for line in lines if line.name is not None),
        _CHOICE_OF_KIND[kind],
        filled,
    )


def _column_labels(columns: Sequence[Period]) -> list[tuple[str, str]]:
    """(key, label) of the table's columns."""
    keyed = [(INDICATOR, LABELS[INDICATOR]), (INPUT, LABELS[INPUT])]
    keyed += [(DESCRIPTION, LABELS[DESCRIPTION]), (UNIT, LABELS[UNIT])]
    for period in columns:
        label = MONTH_NAMES[period.first - 1] if period.kind == "month" else period.label()
        keyed.append((period.key, label))
    keyed.append((ANNUAL, LABELS[ANNUAL]))
    keyed += [(key, LABELS[key]) for key in TEXT_COLUMNS]
    return keyed


def _write_data(
    openpyxl: Any,
    sheet: Any,
    catalogue: Catalogue,
    columns: Sequence[Period],
    lines: Sequence[_Line],
    unit_name: str,
    source: str | None,
) -> None:
    styles = openpyxl.styles
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = styles.Side(style="thin", color="A6A6A6")
    border = styles.Border(left=thin, right=thin, top=thin, bottom=thin)
    open_cell = styles.Protection(locked=False)
    fill = {
        name: styles.PatternFill("solid", start_color=colour)
        for name, colour in (
            ("header", _HEADER_FILL),
            ("title", _TITLE_FILL),
            ("input", _INPUT_FILL),
            ("closed", _CLOSED_FILL),
        )
    }
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    keyed = _column_labels(columns)
    width = len(keyed)
    column_of = {key: index for index, (key, _label) in enumerate(keyed, start=1)}
    figure_keys = [period.key for period in columns] + [ANNUAL]

    sheet["A1"] = f"Data realisasi kinerja — {catalogue.title}"
    sheet["A1"].font = _font(styles, bold=True, size=14)
    header_values = {
        "unit": unit_name,
        "unit_type": catalogue.unit_type,
        "year": catalogue.year,
        "source": source or "",
    }
    for row, key in enumerate(HEADER_LABELS, start=2):
        label = sheet.cell(row=row, column=1, value=HEADER_LABELS[key])
        label.font = _font(styles, bold=True)
        cell = sheet.cell(row=row, column=2, value=header_values[key] or None)
        cell.border = border
        cell.alignment = styles.Alignment(horizontal="left")
        if key in ("unit", "source"):  # unit type and year choose the catalogue: fixed
            cell.protection = open_cell
            cell.fill = fill["input"]
            cell.number_format = "@"
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    sheet.cell(
        row=6,
        column=1,
        value="Isi sel berwarna kuning. Sel kosong berarti belum dilaporkan, bukan 0. "
        f"Petunjuk lengkap: lembar {GUIDE_SHEET}.",
    ).font = _font(styles, italic=True, color="7F7F7F")

    for key, label in keyed:
        cell = sheet.cell(row=_ROW_HEADER, column=column_of[key], value=label)
        cell.font = _font(styles, bold=True, color="FFFFFF")
        cell.fill = fill["header"]
        cell.border = border
        cell.alignment = styles.Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.cell(row=_ROW_HEADER + 1, column=column_of[key], value=key)
    sheet.row_dimensions[_ROW_HEADER].height = 32
    sheet.row_dimensions[_ROW_HEADER + 1].hidden = True

    validations: list[Any] = []
    row = _ROW_HEADER + 2
    for line in lines:
        _write_line(sheet, row, line, column_of, figure_keys, styles, fill, border, wrap, open_cell)
        validation = _validation(DataValidation, line)
        if validation is not None:
            first = get_column_letter(column_of[figure_keys[0]])
            last = get_column_letter(column_of[ANNUAL])
            validation.add(f"{first}{row}:{last}{row}")
            validations.append(validation)
        row += 1
    for validation in validations:
        sheet.add_data_validation(validation)

    for key, index in column_of.items():
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(key, 11)
    longest = max((len(line.name or "") for line in lines), default=0)
    sheet.column_dimensions[get_column_letter(column_of[INPUT])].width = min(
        max(8, longest + 2), 22
    )
    for number, line in enumerate(lines, start=_ROW_HEADER + 2):
        wrapped = [(DESCRIPTION, line.description)] + list(line.texts.items())
        sheet.row_dimensions[number].height = _height(wrapped, bold=line.name is None)
    sheet.freeze_panes = sheet.cell(row=_ROW_HEADER + 2, column=column_of[UNIT] + 1)
    sheet.protection = openpyxl.worksheet.protection.SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, formatCells=False
    )
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 2 if len(columns) > 4 else 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{_ROW_HEADER}:{_ROW_HEADER}"
    sheet.print_title_cols = "A:B"
    last_letter = get_column_letter(width)
    sheet.print_area = f"A1:{last_letter}{max(row - 1, _ROW_HEADER + 1)}"


#: Column widths (in characters of the default font); period columns get 11.
_WIDTHS = {INDICATOR: 31, INPUT: 8, DESCRIPTION: 50, UNIT: 15, ANNUAL: 11, REASON: 30}
_WIDTHS.update({NOTE: 24, CAUSES: 30, PROGRAMMES: 30})
_GUIDE_WIDTH = 80
#: Points per line of 11-point text; characters of text per character of column width.
_LINE_POINTS = 15
_CHARS_PER_WIDTH = 1.2


def _height(texts: Sequence[tuple[str, str]], bold: bool = False, width: int = 0) -> float:
    """A row height that shows the wrapped texts (key, text) whole: spreadsheet programs do not
    size rows that a program wrote, so the template does."""
    lines = 1
    for key, text in texts:
        columns = (width or _WIDTHS.get(key, 11)) * (_CHARS_PER_WIDTH - 0.1 * bold)
        count = sum(max(1, math.ceil(len(part) / columns)) for part in str(text).split("\n"))
        lines = max(lines, count)
    return lines * _LINE_POINTS + 2


def _write_line(sheet, row, line, column_of, figure_keys, styles, fill, border, wrap, open_cell):
    title = line.name is None
    font = _font(styles, bold=title)
    texts = {
        INDICATOR: line.indicator.id,
        INPUT: line.name,
        DESCRIPTION: line.description,
        UNIT: line.unit,
    }
    for key, value in texts.items():
        cell = sheet.cell(row=row, column=column_of[key], value=value)
        cell.font = font
        cell.border = border
        cell.alignment = wrap if key == DESCRIPTION else styles.Alignment(vertical="top")
        if title:
            cell.fill = fill["title"]
    takes_periods = line.kind not in ("rupiah", "title")
    for key in figure_keys:
        cell = sheet.cell(row=row, column=column_of[key])
        cell.border = border
        cell.alignment = styles.Alignment(vertical="top")
        value = line.figures.get(key)
        if value is not None:
            cell.value = _cell_number(value) if line.kind != "text" else value
        open_figure = not title and (key == ANNUAL or takes_periods)
        if open_figure:
            cell.protection = open_cell
            cell.fill = fill["input"]
            cell.number_format = {"rupiah": "#,##0", "text": "@"}.get(line.kind, "General")
        else:
            cell.fill = fill["title"] if title else fill["closed"]
    for key in TEXT_COLUMNS:
        cell = sheet.cell(row=row, column=column_of[key], value=line.texts.get(key))
        cell.border = border
        cell.alignment = wrap
        cell.number_format = "@"
        if title:
            cell.protection = open_cell
            cell.fill = fill["input"]
        else:
            cell.fill = fill["closed"]


def _font(styles: Any, **options: Any) -> Any:
    """The workbook's font (Calibri, as Excel's default; LibreOffice shows Carlito, its twin)."""
    return styles.Font(name="Calibri", size=options.pop("size", 11), **options)


def _cell_number(value: Decimal | int) -> int | Decimal:
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else value


def _validation(factory: Any, line: _Line) -> Any:
    """The data validation of a row's figure cells, with the prompt shown when one is chosen."""
    name = line.name
    if name is None or line.kind == "text":
        return None
    whole = line.kind in ("count", "rupiah")
    what = "bilangan bulat ≥ 0" if whole else "angka ≥ 0 (desimal dengan koma atau titik)"
    options: dict[str, Any] = {"operator": "greaterThanOrEqual", "formula1": "0"}
    if line.maximum is not None:
        options = {"operator": "between", "formula1": "0", "formula2": str(line.maximum)}
        what += f", paling besar {_plain(line.maximum)}"
    prompt = f"{line.description} — {what}. Kosongkan bila belum dilaporkan."
    return factory(
        type="whole" if whole else "decimal",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Angka tidak sah",
        error=f"{name} harus {what}."[:255],
        promptTitle=f"{line.indicator.id[:20]} {name}"[:32],
        prompt=prompt[:255],
        **options,
    )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _write_guide(
    openpyxl: Any, sheet: Any, catalogue: Catalogue, columns: Sequence[Period], unit_name: str
) -> None:
    styles = openpyxl.styles
    periods = columns[0].kind if columns else "year"
    period_words = {
        "month": "Januari … Desember: angka tiap bulan",
        "quarter": "TW I … TW IV: angka tiap triwulan",
        "semester": "Semester I dan II: angka tiap semester",
        "year": "(tidak ada kolom periode: hanya angka setahun)",
    }[periods]
    lines = [
        ("Petunjuk pengisian data realisasi kinerja", "title"),
        (f"{catalogue.title} — jenis satker {catalogue.unit_type}, tahun {catalogue.year}", ""),
        (f"Unit kerja: {unit_name}" if unit_name else "Unit kerja: (isi di lembar Data)", ""),
        ("", ""),
        ("Apa yang diisi", "head"),
        (
            f"1. Buka lembar {DATA_SHEET}. Setiap indikator punya satu baris judul (biru, tebal: "
            "nama indikator dan rumusnya) dan satu baris untuk setiap data dukung (input), "
            "misalnya A dan B.",
            "",
        ),
        ("2. Isi hanya sel berwarna kuning. Sel abu-abu dan kolom kode tidak diisi.", ""),
        (
            f"3. Kolom periode — {period_words}. Kolom Tahun: angka setahun penuh (seperti di "
            "LKjIP). Bila angka diisi per periode, kolom Tahun boleh dikosongkan: angka "
            "tahunan dihitung dari periode menurut cara yang tertulis di baris judul.",
            "",
        ),
        (
            "4. Satuan: jumlah (kolom Satuan 'bilangan bulat') ditulis sebagai bilangan bulat "
            "≥ 0, tanpa desimal dan tanpa titik ribuan, misalnya 1277. Yang bertanda 'desimal' "
            "boleh berdesimal. Realisasi anggaran dalam Rupiah penuh.",
            "",
        ),
        (
            "5. Sel kosong berarti belum dilaporkan — bukan 0. Tulis 0 hanya bila jumlahnya "
            "memang nol.",
            "",
        ),
        (
            "6. Indikator yang tidak dapat diukur (misalnya tidak ada populasi): kosongkan "
            "angkanya dan tulis alasannya di kolom Keterangan pada baris judul indikator.",
            "",
        ),
        (
            "7. Rumus Excel boleh dipakai di sel kuning. Simpan berkas dengan Excel atau "
            "LibreOffice agar hasil rumusnya ikut tersimpan.",
            "",
        ),
        ("", ""),
        ("Yang tidak boleh diubah", "head"),
        (
            "8. Jangan mengubah Kode indikator dan Input, jangan menghapus baris, dan jangan "
            "menghapus baris tersembunyi di bawah judul tabel: program membaca kolom dari sana.",
            "",
        ),
        (
            "9. Lembar Data dikunci tanpa kata sandi. Bila laporan hanya memuat realisasi "
            "(persentase) tanpa jumlah input, buka kunci (Tinjau > Buka Proteksi Lembar), "
            "tambahkan satu baris dengan Kode indikator yang sama dan Input 'realisasi', lalu "
            "isi realisasinya.",
            "",
        ),
        ("", ""),
        ("Pemeriksaan", "head"),
        (
            "10. Periksa berkas dengan: kinerja-rules evaluate NAMA-BERKAS.xlsx — setiap "
            "kesalahan disebut dengan lembar dan selnya, misalnya Data!F12.",
            "",
        ),
    ]
    for row, (text, style) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
        if style == "title":
            cell.font = _font(styles, bold=True, size=14)
            sheet.row_dimensions[row].height = 22
        elif style == "head":
            cell.font = _font(styles, bold=True, size=12, color=_HEADER_FILL)
            sheet.row_dimensions[row].height = 20
        else:
            sheet.row_dimensions[row].height = _height([(GUIDE_SHEET, text)], width=_GUIDE_WIDTH)
    sheet.column_dimensions["A"].width = _GUIDE_WIDTH
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
