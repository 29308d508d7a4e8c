"""Realisation data from spreadsheets: ``.xlsx`` workbooks and ``.csv`` tables.

A unit's operator fills a workbook that ``kinerja-rules template`` wrote (or exports a long CSV
table); the readers here turn it into exactly the dict a data TOML file parses to, together with a
document that locates every key and value by sheet and cell (``FILE.xlsx!Data!C7``) or by line and
column (``FILE.csv:12:31``). Everything else — unknown ids, missing inputs, negative or fractional
counts, non-numbers — is checked by :func:`kinerja_rules.data.build_data`, the same code that checks
TOML data, so the two formats cannot drift apart.

Reading is bounded like every other input: only regular files, at most :data:`MAX_XLSX_BYTES` or
:data:`MAX_CSV_BYTES`, a workbook whose members unpack to at most :data:`MAX_UNPACKED_BYTES`, and
at most :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns and :data:`MAX_VALUES` filled
cells per table. openpyxl is an optional
dependency (the ``xlsx`` extra), imported only when a workbook is read or written.
"""

from __future__ import annotations

from pathlib import Path as FilePath

from ..data import UnitData
from ..data import load_data as load_toml_data
from ..registry import CatalogueSet
from ..sources import PathLike, _refuse
from .document import CSV_SUFFIXES, UNREAD_SUFFIXES, XLSX_SUFFIXES, build


def load_data(path: PathLike, catalogues: CatalogueSet) -> UnitData:
    """Load realisation data from a TOML, ``.xlsx`` or ``.csv`` file, by the file's suffix."""
    suffix = FilePath(path).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from .xlsx import read_workbook

        return build(read_workbook(path), str(path), catalogues)
    if suffix in CSV_SUFFIXES:
        from .csv_data import read_csv

        return build(read_csv(path), str(path), catalogues)
    if suffix in UNREAD_SUFFIXES:
        raise _refuse(
            str(path),
            f"{suffix} files are not read",
            f"{UNREAD_SUFFIXES[suffix]}, or write the data as TOML",
        )
    return load_toml_data(path, catalogues)
