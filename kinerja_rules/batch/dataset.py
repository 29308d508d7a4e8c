"""Where a run on a Dask cluster reads and writes: the input files it hands to the workers, and
the output dataset they write.

Input: long tables, each a Parquet (or CSV) file; a directory stands for every such file under
it, in path order, so a hive-partitioned tree (``year=2023/unit_type=lpka/part-0.parquet``) is an
input too — a column missing from its files is taken from the ``name=value`` directories above
them. Files and directories whose name starts with ``.`` or ``_`` are skipped (``_SUCCESS``,
``_common_metadata``, temporary files), as Spark, Dask and pyarrow skip them, and so is an
earlier result (a directory with a manifest) inside an input directory.

Output: a Parquet dataset partitioned as a hive tree by year and unit type::

    OUT/_kinerja-rules.json                         what the run wrote (written last)
    OUT/year=2023/unit_type=lpka/part-00000.parquet one file per bucket of units
    OUT/year=2023/unit_type=bapas/part-00000.parquet

The part files hold every column of the single-file result but ``year`` and ``unit_type``, which
the directory names carry (URL-encoded), as every hive reader expects; :func:`read_result`
gives the single-file table back. The workers write into a temporary directory beside ``OUT``
(``.OUT.*.tmp``), each part under a name fixed by its bucket — a retried task writes the same
file again — through a temporary file and a rename; the client renames the directory into place
when every task is done (:class:`OutputDirectory`), so a directory named ``OUT`` is always a
complete result. These are the conventions of :mod:`kinerja_rules.atomic`, for a directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote, unquote

import attrs

from ..atomic import write_atomically
from ..diagnostics import Diagnostic, Location
from .table import COLUMNS

#: Written last into a complete result; its presence lets a later run replace the directory.
MANIFEST = "_kinerja-rules.json"
PARTITIONS = ("year", "unit_type")
TABLE_SUFFIXES = (".parquet", ".pq", ".csv")
#: Hive's name for a null partition value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


@attrs.frozen
class Source:
    """One input file: the name findings give it (as the user wrote it), the absolute path the
    workers open, and the columns its hive directories give (``(("year", "2023"), …)``)."""

    name: str
    path: str
    hive: tuple[tuple[str, str], ...] = ()


def _hidden(parts: Sequence[str]) -> bool:
    return any(part.startswith((".", "_")) for part in parts)


def _inside(relative: Path, results: set) -> bool:
    """Under the directory of an earlier result (``-o`` inside the input): not an input."""
    return any(relative.parts[: len(parts)] == parts for parts in results)


def hive_columns(directories: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The long-table columns named by ``name=value`` directories (the deepest wins)."""
    found: dict[str, str] = {}
    for part in directories:
        name, equals, value = part.partition("=")
        name = name.strip().lower()
        if equals and name in COLUMNS:
            value = unquote(value)
            found[name] = "" if value == HIVE_NULL else value
    return tuple(found.items())


def list_inputs(inputs: Sequence, findings: list) -> list[Source]:
    """The files of ``inputs`` (files and directories), each once, in the order given."""
    sources: list[Source] = []
    seen: set[str] = set()

    def add(source: Source) -> None:
        if source.path not in seen:
            seen.add(source.path)
            sources.append(source)

    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = sorted(
                (
                    p.relative_to(path)
                    for p in path.rglob("*")
                    if p.suffix.lower() in TABLE_SUFFIXES and p.is_file()
                ),
                key=lambda relative: relative.parts,
            )
            results = {m.parent.relative_to(path).parts for m in path.rglob(MANIFEST)}
            files = [f for f in files if not _hidden(f.parts) and not _inside(f, results)]
            if not files:
                findings.append(
                    Diagnostic(
                        "KR100",
                        "no .parquet or .csv tables in this directory",
                        Location(str(given)),
                        "--scheduler and --dask read long Parquet or CSV tables (a directory "
                        "of TOML data files is read without them)",
                    )
                )
            for relative in files:
                add(
                    Source(
                        str(path / relative),
                        str((path / relative).resolve()),
                        hive_columns(relative.parts[:-1]),
                    )
                )
        elif path.exists() and path.suffix.lower() not in TABLE_SUFFIXES:
            findings.append(
                Diagnostic(
                    "KR100",
                    f"cannot read {path.suffix or 'this file'} as a table",
                    Location(str(given)),
                    "give long .parquet or .csv files, or directories of them",
                )
            )
        else:  # a missing file is the worker's finding, worded as without a cluster
            add(Source(str(given), str(path.resolve())))
    return sources


# --- the output dataset ---------------------------------------------------------------------


def part_name(year: int, unit_type: str, bucket: int) -> str:
    """The path of one part file inside the dataset (``year=2023/unit_type=lpka/part-00007``)."""
    return f"year={year}/unit_type={quote(unit_type, safe='')}/part-{bucket:05d}.parquet"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_part(root: str, year: int, unit_type: str, bucket: int, table) -> str:
    """Write one part file of the dataset under ``root`` (run on a worker); its relative path.

    The file goes to a temporary name and is renamed over its final name, so a task that is
    retried (or run twice) leaves one whole file. Directories below ``root`` are made one by
    one, never ``root`` itself: a task still running after the run was abandoned cannot bring
    back a temporary directory the client has removed.
    """
    import pyarrow.parquet as pq

    relative = part_name(year, unit_type, bucket)
    target = Path(root, relative)
    directory = Path(root)
    for segment in relative.split("/")[:-1]:
        directory = directory / segment
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        pq.write_table(table.drop_columns(list(PARTITIONS)), temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return relative


class OutputError(ValueError):
    """The output cannot be a dataset here (a file, or a directory that is not a result)."""


def _is_result(path: Path) -> bool:
    """An empty directory, or one a run wrote (its manifest is there): safe to replace."""
    return not any(path.iterdir()) or (path / MANIFEST).is_file()


class OutputDirectory:
    """The dataset, written into a temporary directory beside ``path`` and renamed into place by
    :meth:`commit`; :meth:`abort` removes it. An existing ``path`` is replaced only when it is
    empty or a result of an earlier run, never another directory."""

    def __init__(self, path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(
                f"{path} is a file; on a cluster the result is a directory (a Parquet dataset)"
            )
        if self.path.is_dir() and not _is_result(self.path):
            raise OutputError(
                f"{path} is a directory that holds no kinerja-rules result; name a new or empty "
                "directory"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temporary = Path(
            tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        )

    def commit(self, manifest: dict) -> None:
        """Leftovers of killed tasks removed, the manifest written last, then the rename."""
        for directory, _, files in os.walk(self.temporary):
            for name in files:
                if name.startswith("."):
                    Path(directory, name).unlink(missing_ok=True)
        mode = 0o777 & ~_umask()
        os.chmod(self.temporary, mode)
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.temporary / MANIFEST, text)
        if not self.path.exists():
            os.rename(self.temporary, self.path)
            return
        old = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}.old."))
        os.rename(self.path, old / "result")
        try:
            os.rename(self.temporary, self.path)
        except BaseException:
            os.rename(old / "result", self.path)
            raise
        shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Remove the temporary directory (again, while abandoned tasks may still write)."""
        for _ in range(20):
            shutil.rmtree(self.temporary, ignore_errors=True)
            if not self.temporary.exists():
                return
            time.sleep(0.05)


def result_schema():
    """The columns of a part file: the single-file result's, less the partition columns."""
    import pyarrow as pa

    from .rows import schema

    return pa.schema([field for field in schema() if field.name not in PARTITIONS])


def read_result(path):
    """The dataset at ``path`` as one table with the single-file result's columns and types
    (``year`` and ``unit_type`` from the directory names), parts in path order."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from .rows import schema

    partitioning = ds.partitioning(
        pa.schema([("year", pa.int32()), ("unit_type", pa.string())]), flavor="hive"
    )
    files = sorted(str(p) for p in Path(path).glob("year=*/unit_type=*/part-*.parquet"))
    if not files:
        return schema().empty_table()
    dataset = ds.dataset(
        files,
        schema=_read_schema(),
        format="parquet",
        partitioning=partitioning,
        partition_base_dir=str(path),
    )
    table = dataset.to_table()
    columns = []
    for field in schema():
        column = table.column(field.name)
        if field.name == "unit_type":
            column = pc.dictionary_encode(column).cast(field.type)
        columns.append(column.cast(field.type))
    return pa.Table.from_arrays(columns, schema=schema())


def _read_schema():
    import pyarrow as pa

    return pa.schema(
        [*result_schema(), pa.field("year", pa.int32()), pa.field("unit_type", pa.string())]
    )
