"""``kinerja-rules batch INPUT... --scheduler ADDRESS`` (or ``--dask``): the batch on a Dask
cluster — the client side, which submits the tasks of :mod:`.distributed`, follows them and
puts the result in place.

The graph of one run: a ``read`` task per input file (the worker opens the path: the client
sends paths, not data), a ``take`` task per file and bucket (the bucket's rows of that file, cut
where the file's rows are), and an ``evaluate`` task per bucket, which writes its part files into
the temporary dataset beside the target. The number of buckets is chosen once the files are read,
from their row counts (:func:`bucket_count`). The catalogues go to each worker once, in a worker
plugin, which Dask also gives to a worker that joins (or is restarted) later.

Faults: Dask runs a task again when its worker dies (and recomputes from the files whatever
data the dead worker held), and ``retries`` more times when it raises. Every task is
idempotent — a part file's name is fixed by its bucket and written by a rename — and the client
takes each task's result once, so the rows are those of a run without a fault, none missing and
none twice. Ctrl-C (or any error) cancels the run's tasks and removes the temporary dataset.

This module imports ``distributed``; it is imported only by a run with ``--scheduler``/``--dask``
(after :func:`~kinerja_rules.batch.extras.require_dask`).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from ..diagnostics import Diagnostic
from .dataset import OutputDirectory, OutputError, list_inputs
from .distributed import (
    VIRTUAL,
    Catalogues,
    bucket_range,
    evaluate_bucket,
    read_file,
    read_summary,
    register,
    relocate,
    take_bucket,
    unregister,
)
from .run import CHUNK_ROWS, EngineRecipe, Progress, Summary, deliver_findings

#: Input rows per bucket: an evaluated row takes about 1 KB, so a bucket task needs about
#: 500 MB; there are at least two buckets per worker thread, so the work spreads evenly.
BUCKET_ROWS = 500_000
#: Extra runs of a task that raised (a worker that dies is handled by Dask itself).
RETRIES = 2
CONNECT_TIMEOUT = "10s"


class CataloguePlugin(WorkerPlugin):
    """Puts the run's :class:`~kinerja_rules.batch.distributed.Catalogues` on a worker once;
    the bucket tasks find them by :attr:`name`."""

    def __init__(self, name: str, catalogues: Catalogues) -> None:
        self.name = name
        self.catalogues = catalogues

    def setup(self, worker) -> None:
        register(self.name, self.catalogues)

    def teardown(self, worker) -> None:
        unregister(self.name)


class ClusterError(Exception):
    """The cluster cannot be reached or started (said in one line, without a traceback)."""


@contextlib.contextmanager
def connect(
    client: Client | None = None, scheduler: str | None = None, workers: int = 1
) -> Iterator[Client]:
    """The given client, a client of the scheduler at ``scheduler``, or a new local cluster of
    ``workers`` processes (one thread each) — closed at the end when this made it."""
    if client is not None:
        yield client
        return
    if scheduler is not None:
        try:
            made = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}"[:300]
            ) from None
        with made:
            yield made
        return
    with local_cluster(workers) as cluster, Client(cluster, set_as_default=False) as made:
        yield made


def local_cluster(workers: int) -> LocalCluster:
    """A local cluster of ``workers`` processes of one thread, without Dask's
    ``MALLOC_TRIM_THRESHOLD_=65536`` for the workers: it makes glibc give every large array
    back to the system and fault it in again, which makes the columnar evaluation 1.5 times as
    slow (see docs/batch.md for workers started with ``dask worker``)."""
    import dask

    unset = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with dask.config.set(unset):  # the nannies read it when they are made
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,  # not the workers' notes on tasks cancelled by Ctrl-C
        )


def bucket_count(rows: int, threads: int, bucket_rows: int = BUCKET_ROWS) -> int:
    """Buckets for ``rows`` input rows: at most ``bucket_rows`` each, at least two per thread,
    a multiple of the threads (no thread evaluates the last bucket alone)."""
    if rows == 0:
        return 0
    threads = max(threads, 1)
    wanted = max(2 * threads, math.ceil(rows / max(bucket_rows, 1)))
    return min(VIRTUAL, math.ceil(wanted / threads) * threads)


def run_distributed(
    engine,
    inputs: Sequence,
    output,
    *,
    client: Client | None = None,
    scheduler: str | None = None,
    workers: int = 1,
    period=None,
    findings=None,
    progress=None,
    engine_recipe: EngineRecipe | None = None,
    bucket_rows: int = BUCKET_ROWS,
    retries: int = RETRIES,
    chunk_rows: int = CHUNK_ROWS,
) -> Summary:
    """Evaluate every data set of ``inputs`` on a Dask cluster into the dataset ``output``.

    The cluster: ``client`` (an existing :class:`distributed.Client`), else the scheduler at
    ``scheduler``, else a local cluster of ``workers`` processes made for the run. The workers
    open the input files and write the output themselves, so both must be paths every worker
    sees. ``engine_recipe`` says how workers make ``engine`` (default: the installed catalogues
    and plugins). ``findings``, ``progress`` and ``period`` are those of
    :func:`~kinerja_rules.batch.run.run_batch`; ``progress`` counts tasks. Nothing is written
    under ``output`` unless the run completes.
    """
    from .extras import require_dask

    require_dask()
    started = time.perf_counter()
    catalogues = Catalogues.build(engine, period, engine_recipe)
    found: list[Diagnostic] = []
    sources = list_inputs(inputs, found)
    progress = progress if progress is not None else Progress()
    out = OutputDirectory(output)
    summary = Summary()
    try:
        with connect(client, scheduler, workers) as dask:
            parts = _run(
                dask,
                catalogues,
                sources,
                str(out.temporary),
                progress,
                summary,
                found,
                bucket_rows,
                retries,
                chunk_rows,
            )
        found = _in_order(found, sources)
        summary.findings = len(found)
        out.commit(
            {
                "format": "kinerja-rules batch dataset",
                "partitioning": ["year", "unit_type"],
                "rows": summary.rows,
                "data_sets": summary.data_sets,
                "evaluations": summary.evaluations,
                "findings": summary.findings,
                "inputs": [source.name for source in sources],
                "parts": sorted(parts),
            }
        )
    except BaseException:
        out.abort()
        raise
    finally:
        progress.close()
    deliver_findings(findings, found)
    summary.seconds = time.perf_counter() - started
    return summary


def _run(
    dask, catalogues, sources, root, progress, summary, found, bucket_rows, retries, chunk_rows
) -> list[str]:
    """Submit the run's tasks and take their results; on any exception (Ctrl-C included) every
    task of the run is cancelled first."""
    run = uuid.uuid4().hex[:12]
    name = f"kinerja-rules-{run}"
    dask.register_plugin(CataloguePlugin(name, catalogues), name=name)
    submitted: list = []

    def submit(function, *args, key: str):
        future = dask.submit(function, *args, key=f"kinerja-{key}-{run}", retries=retries)
        submitted.append(future)
        return future

    try:
        reads = [
            submit(read_file, i, source, chunk_rows, key=f"read-{i}")
            for i, source in enumerate(sources)
        ]
        summaries = [submit(read_summary, r, key=f"summary-{i}") for i, r in enumerate(reads)]
        progress.total = 2 * len(reads)
        index = {future.key: i for i, future in enumerate(summaries)}
        read = [None] * len(sources)
        for future in as_completed(summaries, loop=dask.loop):
            read[index[future.key]] = future.result()
            progress.advance(1)
        rows = sum(r.rows for r in read)
        buckets = bucket_count(rows, sum(dask.nthreads().values()), bucket_rows)
        progress.total = len(reads) + buckets
        evaluations = []
        for b in range(buckets):
            low, high = bucket_range(b, buckets)
            pieces = [
                submit(take_bucket, r, low, high, key=f"take-{b}-{i}")
                for i, r in enumerate(reads)
                if read[i].rows
            ]
            evaluations.append(submit(evaluate_bucket, name, b, root, *pieces, key=f"bucket-{b}"))
        reads = None  # the scheduler keeps the files' rows while a bucket needs them
        submitted[:] = evaluations + summaries
        positions = [r.positions for r in read]
        for r in read:
            found.extend(r.findings)
        parts: list[str] = []
        for future in as_completed(evaluations, loop=dask.loop):
            result = future.result()
            found.extend(relocate(d, sources, positions) for d in result.findings)
            parts += result.parts
            summary.rows += result.rows
            summary.data_sets += result.data_sets
            summary.evaluations += result.evaluations
            summary.redone += result.redone
            progress.advance(1)
        return parts
    except BaseException:
        with contextlib.suppress(Exception):
            dask.cancel(submitted, force=True)
        raise
    finally:
        with contextlib.suppress(Exception):
            dask.unregister_worker_plugin(name)


def _in_order(found: list[Diagnostic], sources) -> list[Diagnostic]:
    """Findings by file (in input order), then row and column, as a reader meets them."""
    order = {source.name: i for i, source in enumerate(sources)}

    def key(d: Diagnostic):
        line = d.location.line
        return (order.get(d.location.file, -1), line or 0, d.location.col or 0)

    return sorted(found, key=key)


# --- command line ---------------------------------------------------------------------------


def _an_address(address: str) -> bool:
    """Whether ``address`` names a scheduler (a client made from a bad one hangs on exit)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls", "ws", "wss", "ucx"):
            parse_host_port(location)
    except (ValueError, TypeError):
        return False
    return True


def main(args: argparse.Namespace, engine) -> int:
    """``kinerja-rules batch … --scheduler ADDRESS`` or ``--dask``; exit statuses as without."""
    from .run import report, usage_problem

    problem = usage_problem(args)
    if problem is None and args.scheduler and args.jobs is not None:
        problem = "--jobs is for --dask; the cluster of --scheduler has its own workers"
    if problem is None and args.scheduler and not _an_address(args.scheduler):
        problem = f"--scheduler {args.scheduler!r} is not an address like tcp://HOST:8786"
    if problem is None and Path(args.output).suffix.lower() == ".csv":
        problem = (
            f"on a cluster the result is a Parquet dataset (a directory): name it {args.output!r} "
            "without .csv"
        )
    if problem is not None:
        print(f"kinerja-rules batch: {problem}", file=sys.stderr)
        return 2
    recipe = EngineRecipe(
        tuple(str(Path(d).resolve()) for d in (getattr(args, "catalog", None) or ())), True
    )
    found: list[Diagnostic] = []
    try:
        summary = run_distributed(
            engine,
            args.inputs,
            args.output,
            scheduler=args.scheduler,
            workers=args.jobs or 1,
            period=args.period,
            findings=found,
            engine_recipe=recipe,
        )
    except OutputError as error:
        print(f"kinerja-rules batch: {error}", file=sys.stderr)
        return 2
    except ClusterError as error:
        print(f"kinerja-rules batch: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "kinerja-rules batch: interrupted; the run's tasks are cancelled, nothing is written",
            file=sys.stderr,
        )
        return 130
    except Exception as error:  # the cluster gave up on a task (a worker died too often, …)
        print(f"kinerja-rules batch: the run on the cluster failed: {error}"[:500], file=sys.stderr)
        return 1
    return report(args, found, summary)
