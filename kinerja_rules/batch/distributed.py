"""The work of ``kinerja-rules batch`` on a cluster, as plain functions of Arrow tables. Nothing
here imports Dask (:mod:`.cluster` submits these functions as tasks), so each runs and is tested
without a cluster, and another engine (Spark, Ray) could call them the same way.

* :func:`evaluate_partition` — *the partition function*: a table (or record batch) of long input
  rows in, the table of result rows out, the rows ``kinerja-rules batch`` writes for the same
  input. It takes the :class:`Catalogues`, which a cluster sends to each worker once.
* A run on a cluster is two stages. :func:`read_file` (one task per input file, on a worker,
  from its path) reads and checks a file as the single-process reader does, and orders its rows
  by a hash of their unit. :func:`take_bucket` cuts one range of hashes out of a file's rows,
  and :func:`evaluate_bucket` (one task per range: a *bucket*) evaluates the rows of every file
  in its range together and writes its part files.

Why repartition by unit: a unit's sasaran and overall figures are means over all its
indicators, and its indicators' figures consolidate all its periods, so the rows of one data
set must be evaluated together, wherever they are. Hashing rows by unit in the first stage sends
every row of a unit, from however many files, to one bucket, where it is one data set again;
nothing is evaluated twice or merged after. (A reduction step after a per-file evaluation would
have to re-derive every roll-up — weights, the N/A rules, the shown-figure rounding — from partial
figures, a second implementation of the roll-up to keep equal to the engine's.)

Findings are located by file and row: a row keeps its file in the upper bits of its row number
(:func:`encode_rows`) through the bucket, and :func:`relocate` turns it back into file, row and
column on the client.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import attrs
import numpy as np

from ..diagnostics import Diagnostic, KinerjaError, Location
from .dataset import Source, write_part
from .rows import schema, to_arrow
from .run import (
    CHUNK_ROWS,
    EngineRecipe,
    _csv,
    _file_error,
    _parquet,
    _plans,
    _prepare,
    evaluate_chunk,
    parse_periods,
)
from .table import COLUMNS, _strings

#: Rows are ordered by ``crc32(unit) % VIRTUAL``; a bucket is a range of these hash values, so
#: how many buckets a run has is chosen after the files are read (from their row counts).
VIRTUAL = 4096
#: Row numbers inside a bucket: (file index + 1) << ROW_BITS | row in the file.
ROW_BITS = 32
_ROW_MASK = (1 << ROW_BITS) - 1
#: The ``file`` the bucket's findings carry until :func:`relocate` names the real one.
BUCKET_FILE = "<bucket>"


# --- the catalogues, sent to each worker once -----------------------------------------------


_ENGINES: dict = {}


@attrs.frozen(eq=False)
class Catalogues:
    """What a worker needs to evaluate any partition: the columnar plans of every catalogue for
    the periods asked for (built once by the client; about 70 KB pickled for the bundled ones)
    and how to make the per-row engine that decides what the columnar path leaves undecided."""

    plans: dict
    recipe: EngineRecipe = EngineRecipe()

    @classmethod
    def build(cls, engine, period=None, recipe: EngineRecipe | None = None) -> Catalogues:
        """The plans of ``engine`` for ``period`` (what ``--period`` takes)."""
        return cls(_plans(engine, parse_periods(period)), recipe or EngineRecipe())

    def engine(self):
        """The per-row engine of :attr:`recipe`, made once per process."""
        engine = _ENGINES.get(self.recipe)
        if engine is None:
            engine = _ENGINES.setdefault(self.recipe, self.recipe.create())
        return engine


_REGISTERED: dict[str, Catalogues] = {}


def register(name: str, catalogues: Catalogues) -> None:
    """Keep ``catalogues`` in this process under ``name`` (a worker plugin's setup calls it)."""
    _REGISTERED[name] = catalogues


def unregister(name: str) -> None:
    _REGISTERED.pop(name, None)


def _catalogues(catalogues: Catalogues | str) -> Catalogues:
    if isinstance(catalogues, Catalogues):
        return catalogues
    try:
        return _REGISTERED[catalogues]
    except KeyError:
        raise RuntimeError(f"no catalogues named {catalogues!r} on this worker") from None


# --- the partition function -----------------------------------------------------------------


@attrs.define
class Evaluated:
    """The result of one partition: a table per catalogue (in order of first appearance)."""

    tables: list  # (unit_type, year), result table
    findings: list
    data_sets: int = 0
    evaluations: int = 0
    redone: int = 0


def evaluate_prepared(catalogues: Catalogues, table, file: str) -> Evaluated:
    """Evaluate prepared rows (filled down, with ``_row``): the columnar path, then the per-row
    engine for what it left undecided — :func:`kinerja_rules.batch.run.evaluate_chunk`."""
    result = evaluate_chunk(catalogues.plans, table, file, None, catalogues.engine())
    tables = []
    data_sets = 0
    for key, block, res, _ in result.parts:
        tables.append((key, to_arrow(catalogues.plans[key], block, res)))
        data_sets += len(block.units)
    return Evaluated(tables, result.findings, data_sets, result.evaluated, result.redone)


def evaluate_partition(
    table, catalogues: Catalogues, findings: list | None = None, *, file: str = "<partition>"
):
    """The result rows of a partition of long input rows (a pyarrow Table or RecordBatch with
    the columns unit, unit_type, year, indicator, input, period, value).

    Pure: the same rows in give the same rows out, in order of the data sets' first rows —
    those ``kinerja-rules batch`` writes for a file of these rows. A partition must hold every
    row of each unit it has (partition by unit). Bad rows are located
    :class:`~kinerja_rules.Diagnostic` findings appended to ``findings`` (row numbers from 1 in
    ``table``, file ``file``); good rows are still evaluated.
    """
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    evaluated = evaluate_prepared(catalogues, _prepare(table, file), file)
    if findings is not None:
        findings.extend(evaluated.findings)
    if not evaluated.tables:
        return schema().empty_table()
    return pa.concat_tables([t for _, t in evaluated.tables])


# --- stage 1: one file ----------------------------------------------------------------------


@attrs.frozen
class ReadSummary:
    """What the client needs of a file read by a worker (its rows stay on the worker)."""

    rows: int
    positions: dict  # column -> position in the file (findings' col)
    findings: list


@attrs.define
class Read:
    """A file's rows, prepared and ordered by unit hash; ``bounds[h]`` is where hash ``h``
    starts."""

    table: object
    bounds: np.ndarray
    summary: ReadSummary


def encode_rows(index: int, rows) -> np.ndarray:
    """Row numbers of file ``index`` that keep the file through a bucket."""
    return np.asarray(rows, dtype=np.int64) + ((index + 1) << ROW_BITS)


def decode_row(line: int) -> tuple[int, int]:
    """(file index, row in the file) of an encoded row number; (-1, line) for a plain one."""
    return (line >> ROW_BITS) - 1, line & _ROW_MASK


def _batches(source: Source, chunk_rows: int, found: list):
    path = Path(source.path)
    if path.suffix.lower() == ".csv":
        return _csv(path, found)
    return _parquet(path, chunk_rows)


def _with_hive(table, hive: tuple[tuple[str, str], ...]):
    """Columns the file lacks, from its hive directories (the file's own column wins)."""
    import pyarrow as pa

    have = {name.strip().lower() for name in table.column_names}
    for name, value in hive:
        if name not in have:
            codes = pa.array(np.zeros(table.num_rows, dtype=np.int32))
            table = table.append_column(
                name, pa.DictionaryArray.from_arrays(codes, pa.array([value], pa.string()))
            )
    return table


def read_file(index: int, source: Source, chunk_rows: int = CHUNK_ROWS) -> Read:
    """Read and check file ``index`` as ``kinerja-rules batch`` does (columns by name, empty
    unit, unit_type and year filled down), rows ordered by a hash of their unit.

    A file that cannot be read whole is one KR100 finding naming it, and none of its rows is
    used (nothing of a half-read file is evaluated); findings name the file as ``source.name``.
    """
    import pyarrow as pa

    found: list[Diagnostic] = []
    parts = []
    positions: dict = {}
    try:
        carry: dict = {}
        for batch, rows, file_positions, _ in _batches(source, chunk_rows, found):
            positions = file_positions
            if len(rows) and rows[-1] > _ROW_MASK:
                raise ValueError(f"more than {_ROW_MASK} rows: split the file")
            table = _with_hive(pa.Table.from_batches([batch]), source.hive)
            prepared = _prepare(table, source.name, encode_rows(index, rows), carry)
            parts.append(_canonical(prepared))
    except KinerjaError as error:
        found.extend(error.diagnostics)
        parts = []
    except Exception as error:  # arrow's errors of a damaged file, an unreadable path
        found.append(_file_error(source.name, "KR100", f"cannot read file: {error}"[:300]))
        parts = []
    found = [_named(d, source) for d in found]
    if not parts:
        return Read(None, np.zeros(VIRTUAL + 1, np.int64), ReadSummary(0, positions, found))
    table = pa.concat_tables(parts).unify_dictionaries()
    table, bounds = _by_unit_hash(table)
    return Read(table, bounds, ReadSummary(table.num_rows, positions or {}, found))


def _named(diagnostic: Diagnostic, source: Source) -> Diagnostic:
    """A finding of the worker's absolute path named as the user named the file."""
    if diagnostic.location.file == source.path:
        return attrs.evolve(
            diagnostic, location=attrs.evolve(diagnostic.location, file=source.name)
        )
    return diagnostic


def _canonical(table):
    """One column type per column whatever the file's, so the rows of any files concatenate:
    dictionary-encoded text for the six key columns (compact between workers), and for the
    value its own kind (int64, float64, text), which the checks read as they read the file."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.dictionary(pa.int32(), pa.string())
    columns = {}
    for name in COLUMNS[:-1]:
        column = table.column(name)
        if column.type != text:
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            if not pa.types.is_string(column.type):
                column = pc.cast(column, pa.string())
            column = pc.dictionary_encode(column)
        columns[name] = column
    columns["value"] = _canonical_value(table.column("value"))
    columns["_row"] = table.column("_row")
    return pa.table(columns)


def _canonical_value(column):
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    typ = column.type
    try:
        if pa.types.is_integer(typ) and typ != pa.int64():
            return pc.cast(column, pa.int64())
        if pa.types.is_floating(typ) and typ != pa.float64():
            return pc.cast(column, pa.float64())
    except pa.ArrowInvalid:  # an unsigned value beyond int64: out of range either way
        return pc.cast(column, pa.string())
    if pa.types.is_large_string(typ):
        return pc.cast(column, pa.string())
    return column


def _by_unit_hash(table):
    codes, words = _strings(table.column("unit"))
    hashes = np.array([zlib.crc32(w.encode("utf-8")) % VIRTUAL for w in words], dtype=np.int64)
    virtual = hashes[codes] if len(codes) else np.zeros(0, np.int64)
    order = np.argsort(virtual, kind="stable")  # a file's rows keep their order in a bucket
    bounds = np.searchsorted(virtual[order], np.arange(VIRTUAL + 1), side="left")
    return table.take(order), bounds.astype(np.int64)


def read_summary(read: Read) -> ReadSummary:
    return read.summary


def take_bucket(read: Read, low: int, high: int):
    """The rows of hashes ``low`` to ``high`` (exclusive) of one read file, or None."""
    if read.table is None:
        return None
    start, stop = int(read.bounds[low]), int(read.bounds[high])
    if stop <= start:
        return None
    return read.table.slice(start, stop - start)


def bucket_range(bucket: int, buckets: int) -> tuple[int, int]:
    return bucket * VIRTUAL // buckets, (bucket + 1) * VIRTUAL // buckets


# --- stage 2: one bucket --------------------------------------------------------------------


@attrs.define
class BucketResult:
    """What a bucket task returns (its result rows are in the part files it wrote)."""

    findings: list  # rows encoded: see relocate
    parts: list  # the part files written, relative to the dataset
    rows: int = 0
    data_sets: int = 0
    evaluations: int = 0
    redone: int = 0


def evaluate_bucket(catalogues: Catalogues | str, bucket: int, root: str, *pieces) -> BucketResult:
    """Evaluate the rows of one bucket (its piece of every file, in file order) and write a part
    file per unit type and year under ``root``. ``catalogues`` is the object or the name a
    worker plugin registered it under."""
    pieces = [piece for piece in pieces if piece is not None and piece.num_rows]
    if not pieces:
        return BucketResult([], [])
    evaluated = evaluate_prepared(_catalogues(catalogues), _concatenate(pieces), BUCKET_FILE)
    out = BucketResult(
        evaluated.findings, [], 0, evaluated.data_sets, evaluated.evaluations, evaluated.redone
    )
    for (unit_type, year), table in evaluated.tables:
        out.parts.append(write_part(root, year, unit_type, bucket, table))
        out.rows += table.num_rows
    return out


def _concatenate(pieces):
    """One table of the pieces; value columns of different kinds in different files become
    text, each number written as the decimal it is (so it is checked as in its own file)."""
    import pyarrow as pa

    kinds = {piece.schema.field("value").type for piece in pieces}
    if len(kinds) > 1:
        pieces = [
            piece.set_column(
                piece.column_names.index("value"), "value", _as_text(piece.column("value"))
            )
            for piece in pieces
        ]
    return pa.concat_tables(pieces)


def _as_text(column):
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(column.type):
        return column
    if pa.types.is_floating(column.type):
        from decimal import Decimal

        return pa.array(
            [None if v is None else format(Decimal(repr(v)), "f") for v in column.to_pylist()],
            pa.string(),
        )
    return pc.cast(column, pa.string())


# --- findings back in their files -----------------------------------------------------------

_ROW_IN_TEXT = re.compile(r"\brow (\d+)")


def relocate(
    diagnostic: Diagnostic, sources: Sequence[Source], positions: Sequence[dict]
) -> Diagnostic:
    """A bucket's finding located in its file: file name, row in that file, the column's
    position in that file; a row named in the message is named the same way."""
    location = diagnostic.location
    if location.line is None or location.line <= _ROW_MASK:
        return diagnostic
    index, row = decode_row(location.line)
    col = None
    if location.col is not None and location.field is not None:  # as the file has its columns
        col = positions[index].get(location.field)

    def name(match: re.Match) -> str:
        line = int(match.group(1))
        if line <= _ROW_MASK:
            return match.group(0)
        other, other_row = decode_row(line)
        where = "" if other == index else f" of {sources[other].name}"
        return f"row {other_row}{where}"

    return attrs.evolve(
        diagnostic,
        message=_ROW_IN_TEXT.sub(name, diagnostic.message),
        location=Location(
            sources[index].name, row, col + 1 if col is not None else None, location.field
        ),
    )
