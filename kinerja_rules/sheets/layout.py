"""The data-entry workbook's layout, shared by the template writer and the reader.

Sheet ``Data``: header cells (label in column A, value in column B: unit, unit type, year,
source), then a table. The table's first row shows labels for people (``Kode indikator``,
``Januari``, ``TW I``, ``Tahun``, …); the hidden row under it holds the machine keys the reader
goes by (``indicator``, ``input``, ``01``…``12`` or ``Q1``…``Q4``, ``Y`` for the year,
``not_measured``, ``note``), so renaming a label or translating the sheet breaks nothing. Each
indicator has a title row (its id, no input: name, formula and unit, the reason it cannot be
measured, a note) and one row per input the data gives.
"""

from __future__ import annotations

DATA_SHEET = "Data"
GUIDE_SHEET = "Petunjuk"

#: Header cells above the table: data key → the label written in column A.
HEADER_LABELS = {
    "unit": "Unit kerja",
    "unit_type": "Jenis satker",
    "year": "Tahun",
    "source": "Sumber",
}

#: Machine keys of the table's columns (the hidden key row).
INDICATOR = "indicator"
INPUT = "input"
DESCRIPTION = "description"
UNIT = "unit"
ANNUAL = "Y"
REASON = "not_measured"
NOTE = "note"
CAUSES = "causes"
PROGRAMMES = "programmes"
#: Columns of texts about the whole indicator, written in its title row (any row is read).
TEXT_COLUMNS = (REASON, NOTE, CAUSES, PROGRAMMES)

#: Rows whose input is one of these carry something other than an input count.
REALISASI = "realisasi"
ANGGARAN = "realisasi_anggaran"
NOT_MEASURED = "not_measured"
#: Numbers an input row may carry instead of an input's count.
NUMBER_ROWS = (REALISASI, ANGGARAN)
#: Inputs whose values are texts (CSV rows; in a workbook, a row of reasons per period).
TEXT_INPUTS = TEXT_COLUMNS

#: The labels people see over the machine keys.
LABELS = {
    INDICATOR: "Kode indikator",
    INPUT: "Input",
    DESCRIPTION: "Uraian",
    UNIT: "Satuan",
    ANNUAL: "Tahun",
    REASON: "Keterangan (alasan tidak dapat diukur)",
    NOTE: "Catatan",
    CAUSES: "Penyebab keberhasilan / kegagalan (Bab III)",
    PROGRAMMES: "Program / kegiatan pendukung (Bab III)",
}

#: How far down the reader looks for the key row.
KEY_ROW_SEARCH = 50
