"""``kinerja-rules batch``: long CSV / Parquet files (or directories of per-unit TOML data) in,
one result table out, streamed in chunks of whole data sets, on N processes."""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import csv
import io
import itertools
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import attrs
import numpy as np

from ..diagnostics import Diagnostic, KinerjaError, Location, Severity
from ..parallel import configured_jobs
from ..periods import YEAR, Period, month, parse_period, period_of_key, quarter, semester
from .columnar import evaluate_block
from .plan import build_plans
from .plausible import HistoryCollector
from .rows import empty_result, redo, schema, to_arrow
from .table import COLUMNS, pivot

#: Rows read per chunk: a chunk holds whole data sets, so memory is bounded by this, not by the
#: size of the input (about 1 KB per row while a chunk is evaluated). Half a million rows is
#: also faster than a million: the pivot's arrays of a chunk then stay closer to the cache.
CHUNK_ROWS = 500_000
OUTPUT_SUFFIXES = (".parquet", ".pq", ".csv")


# --- periods --------------------------------------------------------------------------------

_KEYWORDS = {
    "year": [None],
    "tahun": [None],
    "monthly": [month(m) for m in range(1, 13)],
    "quarterly": [quarter(q) for q in range(1, 5)],
    "semiannual": [semester(s) for s in range(1, 3)],
}


def parse_periods(spec) -> tuple[tuple[int | None, Period | None], ...]:
    """``None`` (the year), a period, or a list of: ``year``, ``monthly``, ``quarterly``,
    ``semiannual``, ``2023-06`` (only for data of 2023), ``06``/``Q2``/``S1`` (every year)."""
    if spec is None:
        return ((None, None),)
    items = [spec] if isinstance(spec, (str, Period)) else list(spec)
    out: list[tuple[int | None, Period | None]] = []
    for item in items:
        if item is None:
            out.append((None, None))
            continue
        if isinstance(item, Period):
            out.append((None, None if item == YEAR else item))
            continue
        for word in str(item).split(","):
            word = word.strip()
            if not word:
                continue
            if word.lower() in _KEYWORDS:
                out += [(None, p) for p in _KEYWORDS[word.lower()]]
                continue
            period = period_of_key(word) if not word[:4].isdigit() or len(word) <= 2 else None
            if period is not None:
                out.append((None, period))
                continue
            year, period = parse_period(word)  # ValueError with a message for people
            out.append((year, None if period == YEAR else period))
    unique = list(dict.fromkeys(out))
    if not unique:
        raise ValueError("no period given")
    return tuple(unique)


def periods_for(requested, year: int) -> tuple[Period | None, ...]:
    return tuple(dict.fromkeys(p for y, p in requested if y is None or y == year))


# --- the columnar evaluation of one table ---------------------------------------------------


@attrs.define
class ChunkResult:
    parts: list  # (plan key, block, result, first position) in output order
    findings: list
    keys: list  # (unit, year) of every data set, in order
    redone: int = 0
    evaluated: int = 0


def evaluate_chunk(plans, table, file, columns=None, engine=None) -> ChunkResult:
    """Pivot and evaluate one chunk of whole data sets; with ``engine`` also redo per row."""
    blocks, findings, keys = pivot(table, plans, file, columns)
    parts = []
    redone = evaluated = 0
    for key, block in blocks.items():
        plan = plans[key]
        if not plan.periods:
            for row in block.first_rows:
                findings.append(
                    Diagnostic(
                        "KR415",
                        f"no period asked for is in {plan.year}",
                        Location(file, int(row), None, "year"),
                        "ask for a period of the data's year, or one without a year (06, Q2)",
                    )
                )
            continue
        if plan.per_row is None:
            result = evaluate_block(plan, block)
        else:
            result = empty_result(plan, len(block.units))
        evaluated += len(block.units) * len(plan.periods) * len(plan.indicators)
        if engine is not None:
            redone += redo(engine, plan, block, result)
        parts.append((key, block, result, int(block.order.min()) if len(block.order) else 0))
    parts.sort(key=lambda part: part[3])
    return ChunkResult(parts, findings, keys, redone, evaluated)


def _prepare(table, file: str, rows=None, carry: dict | None = None):
    """Columns named case-insensitively, ``_row`` added, unit/unit_type/year filled down."""
    import pyarrow as pa

    names = {name.strip().lower(): name for name in table.column_names}
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR202",
                    f"the table has no column {', '.join(missing)}",
                    Location(file, 1, 1),
                    "the columns are: " + ",".join(COLUMNS),
                )
            ]
        )
    arrays = [table.column(names[c]) for c in COLUMNS]
    if rows is None:
        rows = np.arange(1, table.num_rows + 1, dtype=np.int64)
    out = pa.table(dict(zip(COLUMNS, arrays)))
    out = out.append_column("_row", pa.array(np.asarray(rows, dtype=np.int64)))
    return fill_down(out, carry)


def fill_down(table, carry: dict | None = None):
    """Empty unit, unit_type and year cells repeat the value above (one-unit files give them
    once); ``carry`` holds the last values of the previous part of the same file."""

    for name in ("unit", "unit_type", "year"):
        column = table.column(name)
        if _may_be_blank(column):
            table = _filled_down(table, name, carry)
        if carry is not None and table.num_rows:
            last = table.column(name)[-1].as_py()
            carry[name] = str(last).strip() if last is not None else carry.get(name)
    return table


def _filled_down(table, name: str, carry: dict | None):
    """``table`` with the blank cells of column ``name`` taking the value above."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text, blank = _trimmed(table.column(name))
    if not pc.any(blank).as_py():
        return table
    text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    if carry is not None and carry.get(name) is not None:
        text = pa.chunked_array([pa.array([carry[name]], pa.string()), *text.chunks])
        text = pc.fill_null_forward(text)[1:]
    else:
        text = pc.fill_null_forward(text)
    return table.set_column(table.column_names.index(name), name, pc.fill_null(text, ""))


def _trimmed(column):
    """The column as text without surrounding spaces, and per row whether that is blank
    (empty, or null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
    text = pc.utf8_trim_whitespace(text)
    return text, pc.or_kleene(pc.is_null(text), pc.equal(text, ""))


def _may_be_blank(column) -> bool:
    """Whether any row of ``column`` may be blank, told cheaply where the type allows: a number
    only when null, a dictionary column only when null or a word of its dictionary is blank."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.null_count:
        return True
    if pa.types.is_integer(column.type):
        return False
    if pa.types.is_dictionary(column.type):
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return any(pc.any(_trimmed(chunk.dictionary)[1]).as_py() for chunk in chunks if len(chunk))
    return True


def evaluate_table(engine, table, period=None, *, findings: list | None = None, name="<table>"):
    """Evaluate a long table of many units (and periods) at once; a pyarrow Table in, one out.

    ``table`` has the columns unit, unit_type, year, indicator, input, period, value (a pyarrow
    Table or RecordBatch, a pandas DataFrame, or a mapping of column names to arrays or lists);
    ``period`` is what ``--period`` takes (None: the year). Every figure equals the per-row
    engine's; each bad row becomes a located :class:`~kinerja_rules.Diagnostic` appended to
    ``findings`` (when given) and the good rows are still evaluated.
    """
    from .extras import require

    require()
    import pyarrow as pa

    if not isinstance(table, pa.Table):
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        elif hasattr(table, "to_dict") and hasattr(table, "columns"):  # pandas
            table = pa.Table.from_pandas(table, preserve_index=False)
        else:
            table = pa.table(
                {
                    k: np.asarray(v) if not isinstance(v, (list, pa.Array)) else v
                    for k, v in dict(table).items()
                }
            )
    requested = parse_periods(period)
    plans = _plans(engine, requested)
    prepared = _prepare(table, name)
    result = evaluate_chunk(plans, prepared, name, engine=engine)
    if findings is not None:
        findings.extend(result.findings)
    tables = [to_arrow(plans[key], block, res) for key, block, res, _ in result.parts]
    if not tables:
        return schema().empty_table()
    return pa.concat_tables(tables)


def _plans(engine, requested):
    plans = {}
    periods_by_year = {}
    for catalogue in engine.catalogues:
        periods = periods_for(requested, catalogue.year)
        periods_by_year.setdefault(periods, []).append(catalogue.key)
    for periods, keys in periods_by_year.items():
        built = build_plans(engine, periods)
        for key in keys:
            plans[key] = built[key]
    return plans


# --- reading inputs -------------------------------------------------------------------------


@attrs.frozen
class EngineRecipe:
    """How worker processes make the same engine (spawn-safe: no engine is pickled)."""

    catalog_dirs: tuple[str, ...] = ()
    entry_points: bool = True

    def create(self):
        from ..engine import Engine

        return Engine.create(list(self.catalog_dirs), entry_points=self.entry_points)


def _file_error(file: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, message, Location(file), hint)


def read_inputs(
    engine, inputs: Sequence, chunk_rows: int, findings: list, progress=None
) -> Iterator[tuple[str, object, dict]]:
    """Chunks of whole data sets: (file, prepared table, column positions), file after file."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _toml_directory(engine, path, chunk_rows, findings, progress)
            continue
        suffix = path.suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                batches = _parquet(path, chunk_rows)
            elif suffix == ".csv":
                batches = _csv(path, findings)
            else:
                findings.append(
                    _file_error(
                        str(path),
                        "KR100",
                        f"cannot read {suffix or 'this file'} as a table",
                        "give long .csv or .parquet files, or a directory of TOML data files",
                    )
                )
                continue
            yield from _whole_sets(str(path), batches, chunk_rows, progress)
        except KinerjaError as error:
            findings.extend(error.diagnostics)
        except (OSError, ValueError) as error:
            findings.append(_file_error(str(path), "KR100", f"cannot read file: {error}"[:300]))


def _parquet(path: Path, chunk_rows: int):
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
    except Exception as error:  # arrow's own errors: not a parquet file, truncated
        raise KinerjaError(
            [_file_error(str(path), "KR100", f"cannot read Parquet: {error}"[:300])]
        ) from None
    names = {name.strip().lower(): name for name in handle.schema_arrow.names}
    columns = [names[c] for c in COLUMNS if c in names]
    per_row = os.path.getsize(path) / max(handle.metadata.num_rows, 1)  # progress in bytes
    positions = {c: handle.schema_arrow.names.index(names[c]) for c in COLUMNS if c in names}
    row = 1
    for batch in handle.iter_batches(batch_size=min(chunk_rows, 1 << 20), columns=columns):
        rows = np.arange(row, row + batch.num_rows, dtype=np.int64)
        yield batch, rows, positions, batch.num_rows * per_row
        row += batch.num_rows


def _csv(path: Path, findings: list):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    with open(path, "rb") as handle:
        head = handle.readline().decode("utf-8-sig", "replace")
    delimiter = ";" if ";" in head and "," not in head else ","
    names = next(csv.reader([head], delimiter=delimiter), [])
    skipped: list[int] = []

    def invalid(row):
        text = (row.text or "").strip()
        if text:
            skipped_line = row.number if row.number is not None else -1
            findings.append(
                Diagnostic(
                    "KR204",
                    f"this row has {row.actual_columns} values, the header "
                    f"{row.expected_columns} columns",
                    Location(str(path), skipped_line if skipped_line > 0 else None),
                    "quote a value that contains the separator, or remove the extra values",
                )
            )
        skipped.append(row.number if row.number is not None else -1)
        return "skip"

    options = pcsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(block_size=8 << 20, use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                invalid_row_handler=invalid,
                ignore_empty_lines=False,
                newlines_in_values=True,
            ),
            convert_options=options,
        )
    except pa.ArrowInvalid as error:
        raise KinerjaError(
            [_file_error(str(path), "KR100", f"CSV cannot be read: {error}"[:300])]
        ) from None
    lower = {n.strip().lower(): i for i, n in enumerate(names)}
    positions = {c: lower[c] for c in COLUMNS if c in lower}
    start = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as error:
            raise KinerjaError(
                [_file_error(str(path), "KR100", f"CSV cannot be read: {error}"[:300])]
            ) from None
        # the line of each record: after the header, plus the invalid rows skipped before it
        k = np.arange(start, start + batch.num_rows, dtype=np.int64)
        lines = sorted(n for n in skipped if n > 0)
        adjust = np.array([n - 2 - i for i, n in enumerate(lines)], dtype=np.int64)
        size = batch.nbytes - 4 * batch.num_rows * batch.num_columns  # about the text read
        yield batch, k + 2 + np.searchsorted(adjust, k, side="right"), positions, size
        start += batch.num_rows


def _whole_sets(file: str, batches, chunk_rows: int, progress) -> Iterator:
    """Prepared chunks holding whole data sets: the rows of the last (unit, year) of a chunk
    wait for the next one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    carry: dict = {}
    pending = None
    positions: dict = {}
    for batch, rows, positions, size in batches:
        table = _prepare(pa.Table.from_batches([batch]), file, rows, carry)
        pending = table if pending is None else pa.concat_tables([pending, table])
        if progress is not None:
            progress.advance(size)
        if pending.num_rows >= chunk_rows:
            unit, year = pending.column("unit"), pending.column("year")
            last = pc.and_(pc.equal(unit, unit[-1]), pc.equal(year, year[-1]))
            yield file, pending.filter(pc.invert(last)), positions
            pending = pending.filter(last)
    if pending is not None and pending.num_rows:
        yield file, pending, positions


def _toml_directory(engine, path: Path, chunk_rows: int, findings: list, progress):
    import pyarrow as pa

    files = sorted(p for p in path.rglob("*.toml") if p.is_file())
    if not files:
        findings.append(_file_error(str(path), "KR100", "no .toml data files in this directory"))
        return
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    row_numbers: list[int] = []

    def add(data, indicator, name, period, value):
        rows["unit"].append(data.unit)
        rows["unit_type"].append(data.unit_type)
        rows["year"].append(str(data.year))
        rows["indicator"].append(indicator)
        rows["input"].append(name)
        rows["period"].append(period)
        rows["value"].append(value)
        row_numbers.append(len(row_numbers) + 1)

    for file in files:
        try:
            data = engine.load_data(file)
        except KinerjaError as error:
            findings.extend(error.diagnostics)
            continue
        for entry in data.entries.values():
            parts = [("", entry)] if entry.annual else []
            parts += [(p.key, e) for p, e in entry.periods.items()]
            for key, part in parts:
                if part.not_measured is not None:
                    add(data, entry.indicator_id, "not_measured", key, part.not_measured)
                elif part.realisasi is not None:
                    add(data, entry.indicator_id, "realisasi", key, format(part.realisasi, "f"))
                else:
                    for name, value in part.inputs.items():
                        add(data, entry.indicator_id, name, key, format(value, "f"))
        if progress is not None:
            progress.advance(file.stat().st_size)
        if len(row_numbers) >= chunk_rows:
            yield str(path), _prepare(pa.table(rows), str(path)), None
            rows = {c: [] for c in COLUMNS}
            row_numbers = []
    if row_numbers:
        yield str(path), _prepare(pa.table(rows), str(path)), None


# --- writing --------------------------------------------------------------------------------


class _Output:
    """The result file, written to a temporary file beside it and renamed when complete."""

    def __init__(self, path: str):
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in OUTPUT_SUFFIXES:
            raise ValueError(f"cannot tell the format of {path!r}: name it .parquet or .csv")
        self.csv = suffix == ".csv"
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        handle, self.temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        os.close(handle)
        self.writer = None
        self.rows = 0

    def write(self, table) -> None:
        import pyarrow as pa

        if self.writer is None:
            if self.csv:
                import pyarrow.csv as pcsv

                self.writer = pcsv.CSVWriter(self.temporary, _plain_schema())
            else:
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.temporary, schema())
        if self.csv:
            table = pa.table(
                [
                    column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
                    for column in table.columns
                ],
                schema=_plain_schema(),
            )
        self.writer.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self.writer is None:
            self.write(schema().empty_table())
        self.writer.close()
        mode = 0o666 & ~_umask()
        os.chmod(self.temporary, mode)
        os.replace(self.temporary, self.path)

    def abort(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            Path(self.temporary).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain_schema():
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
            for f in schema()
        ]
    )


FINDING_FIELDS = ("file", "row", "col", "column", "severity", "code", "message", "hint")
#: Plausibility findings also say what they are about, one column each (empty for the others).
DETAIL_FIELDS = (
    "unit",
    "year",
    "period",
    "indicator",
    "input",
    "value",
    "expected_min",
    "expected_max",
)


def deliver_findings(to, found: list[Diagnostic]) -> None:
    """Hand a run's findings to where the caller asked: a list to extend, or a file path."""
    if isinstance(to, list):
        to.extend(found)
    elif to is not None:
        write_findings(str(to), found)


def write_findings(path: str, findings: Iterable[Diagnostic]) -> None:
    """Findings as CSV (default) or JSON lines (``.jsonl``/``.json``), all at once."""
    from ..atomic import write_atomically

    records = [
        {
            "file": d.location.file,
            "row": d.location.line,
            "col": d.location.col,
            "column": d.location.field,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
            "hint": d.hint,
            **{key: (d.details or {}).get(key) for key in DETAIL_FIELDS},
        }
        for d in findings
    ]
    if Path(path).suffix.lower() in (".jsonl", ".json", ".ndjson"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, FINDING_FIELDS + DETAIL_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in records)
        text = out.getvalue()
    directory = Path(path).parent
    directory.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)


# --- progress -------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr: only on a terminal, and only once a run is long."""

    def __init__(self, stream=None, after: float = 1.0):
        self.stream = stream if stream is not None else sys.stderr
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.after = after
        self.total = 0
        self.done = 0
        self.shown = 0.0
        self.drawn = False

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if not self.on or now - self.started < self.after or now - self.shown < 0.2:
            return
        self.shown = now
        width = 30
        share = min(self.done / self.total, 1.0) if self.total else 0.0
        bar = "#" * int(share * width)
        text = f"\rkinerja-rules batch [{bar:<{width}}] {share:4.0%} {now - self.started:6.1f} s"
        self.stream.write(text)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


# --- the run --------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(plans, recipe) -> None:
    _WORKER["plans"] = plans
    _WORKER["engine"] = recipe.create() if recipe is not None else None


def _work(message, file, columns):
    import pyarrow as pa

    table = pa.ipc.open_stream(message).read_all()
    return evaluate_chunk(_WORKER["plans"], table, file, columns, _WORKER["engine"])


def _message(table) -> bytes:
    """A chunk as an Arrow IPC stream: only its own rows (a pickled slice of a larger table
    would carry every buffer of that table to the worker)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def evaluate_chunks(
    plans, chunks: Iterable, engine=None, jobs: int = 1, engine_recipe: EngineRecipe | None = None
) -> Iterator[ChunkResult]:
    """The :class:`ChunkResult` of each ``(file, table, columns)`` chunk, in order: evaluated in
    this process, or with ``jobs`` > 1 and more than one chunk in that many (spawned: no engine
    is forked or pickled; at most ``jobs`` + 1 chunks in flight, so memory stays bounded).
    Data sets the columnar path leaves undecided are redone per row where the engine is:
    ``engine`` here, the one ``engine_recipe`` makes in the workers (without a recipe, the
    caller redoes them)."""
    chunks = iter(chunks)
    first = next(chunks, None)
    second = next(chunks, None) if jobs > 1 else None
    if second is None:  # one chunk (or one process): starting workers would only cost
        for file, table, columns in itertools.chain([first] if first else [], chunks):
            yield evaluate_chunk(plans, table, file, columns, engine)
        return
    chunks = itertools.chain([first, second], chunks)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(plans, engine_recipe)
    ) as pool:
        waiting: collections.deque = collections.deque()
        for file, table, columns in chunks:
            waiting.append(pool.submit(_work, _message(table), file, columns))
            while len(waiting) > jobs:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


@attrs.define
class Summary:
    rows: int = 0
    data_sets: int = 0
    evaluations: int = 0
    redone: int = 0
    findings: int = 0
    seconds: float = 0.0
    #: Time spent keeping the columns and running the plausibility review (0: not run).
    plausibility_seconds: float = 0.0
    #: Values the review judged against their own history.
    judged: int = 0


def run_batch(
    engine,
    inputs: Sequence,
    output,
    *,
    period=None,
    jobs: int | None = None,
    findings=None,
    progress=None,
    chunk_rows: int = CHUNK_ROWS,
    engine_recipe: EngineRecipe | None = None,
    plausibility: bool = True,
) -> Summary:
    """Evaluate every data set of ``inputs`` into ``output`` (.parquet or .csv).

    ``findings``: a path (CSV, or JSON lines for .jsonl) the located findings are written to,
    or a list they are appended to. ``progress``: a :class:`Progress` (None: one on stderr when
    it is a terminal). ``jobs`` > 1 evaluates chunks in that many processes, for an input of
    more than one chunk (None: ``KINERJA_RULES_JOBS``, else one); data sets the
    columnar path cannot decide are evaluated per row there when ``engine_recipe`` says how to
    make the engine, else in this process. Nothing is written unless the run completes.
    ``plausibility``: review every value against its history and peers
    (:mod:`kinerja_rules.plausibility`), its findings added to the others.
    """
    from .extras import require

    require()
    started = time.perf_counter()
    jobs = configured_jobs(jobs) or 1
    requested = parse_periods(period)
    plans = _plans(engine, requested)
    found: list[Diagnostic] = []
    progress = progress if progress is not None else Progress()
    out = _Output(str(output))
    summary = Summary()
    progress.total = sum(_size(Path(p)) for p in inputs)
    seen: set = set()
    collector = HistoryCollector() if plausibility else None
    try:
        chunks = read_inputs(engine, inputs, chunk_rows, found, progress)

        def finish(result: ChunkResult) -> None:
            found.extend(result.findings)
            summary.redone += result.redone
            summary.evaluations += result.evaluated
            for key, block, res, _ in result.parts:
                plan = plans[key]
                keep = np.ones(len(block.units), dtype=bool)
                for g, unit in enumerate(block.units):
                    identity = (unit, plan.year)
                    if identity in seen:
                        keep[g] = False
                        found.append(
                            Diagnostic(
                                "KR204",
                                f"rows of unit '{unit}' {plan.year} continue after other units' "
                                "rows; its data set was evaluated from the rows before",
                                Location(block.file, int(block.first_rows[g]), None, "unit"),
                                "keep each unit's rows together (sort the table by unit)",
                            )
                        )
                    seen.add(identity)
                if res.redo.any():
                    summary.redone += redo(engine, plan, block, res)
                if collector is not None:
                    collector.add(plan, block, res, keep)
                table = to_arrow(plan, block, res, keep)
                summary.data_sets += int(keep.sum())
                out.write(table)
                summary.rows += table.num_rows

        for result in evaluate_chunks(plans, chunks, engine, jobs, engine_recipe):
            finish(result)
        if collector is not None:
            flagged, review = collector.review(engine.catalogues)
            found.extend(flagged)
            summary.plausibility_seconds = collector.seconds
            summary.judged = review.checked
        out.close()
    except BaseException:
        out.abort()
        raise
    finally:
        progress.close()
    summary.findings = len(found)
    deliver_findings(findings, found)
    summary.seconds = time.perf_counter() - started
    return summary


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*.toml") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0


# --- command line ---------------------------------------------------------------------------


def usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the options every batch run shares (None: nothing)."""
    try:
        parse_periods(args.period)
    except ValueError as error:
        return str(error)
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be at least 1"
    return None


def main(args: argparse.Namespace, engine) -> int:
    """Run ``kinerja-rules batch``; exit 0, 1 when rows were refused (the result holds every good
    row), 2 on a usage error."""
    from .extras import MissingDependency

    problem = usage_problem(args)
    if problem is None and Path(args.output).suffix.lower() not in OUTPUT_SUFFIXES:
        problem = f"cannot tell the format of {args.output!r}: name it RESULT.parquet or RESULT.csv"
    if problem is not None:
        print(f"kinerja-rules batch: {problem}", file=sys.stderr)
        return 2
    found: list[Diagnostic] = []
    recipe = EngineRecipe(tuple(getattr(args, "catalog", None) or ()), True)
    try:
        summary = run_batch(
            engine,
            args.inputs,
            args.output,
            period=args.period,
            jobs=args.jobs,
            findings=found,
            engine_recipe=recipe,
            plausibility=not getattr(args, "no_plausibility", False),
        )
    except MissingDependency as error:
        print(f"kinerja-rules batch: {error}", file=sys.stderr)
        return 1
    return report(args, found, summary)


def report(args: argparse.Namespace, found: list, summary: Summary) -> int:
    """The findings (to ``--findings``, else the first 20 on stderr), the one-line summary, and
    the exit status: 1 when any row was refused."""
    if args.findings:
        write_findings(args.findings, found)
    else:
        for diagnostic in found[:20]:
            print(diagnostic.format(), file=sys.stderr)
        if len(found) > 20:
            print(
                f"… and {len(found) - 20} more (--findings FILE writes them all)", file=sys.stderr
            )
    print(
        f"wrote {args.output}: {summary.rows} rows, {summary.data_sets} data sets, "
        f"{summary.evaluations} indicator evaluations "
        f"({summary.redone} data sets redone by the per-row engine), "
        f"{len(found)} finding(s), {summary.seconds:.1f} s"
        + (
            f" (plausibility review {summary.plausibility_seconds:.1f} s)"
            if summary.plausibility_seconds
            else ""
        ),
        file=sys.stderr,
    )
    strict = getattr(args, "strict", False)
    failing = [d for d in found if d.is_error or (strict and d.severity is Severity.WARNING)]
    return 1 if failing else 0
