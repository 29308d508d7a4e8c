"""Columnar batch evaluation: many units and periods at once, every figure equal to the per-row
Decimal engine's (:mod:`kinerja_rules.evaluation`).

::

    from kinerja_rules import Engine
    from kinerja_rules.batch import evaluate_table

    result = evaluate_table(Engine.create(), table)   # a pyarrow Table in the long format

How it is exact: numbers are float64 columns that carry, row by row, a proven bound on their
distance from the value the per-row engine computes (:mod:`~kinerja_rules.batch.interval`);
a figure is decided only where that bound cannot change it, and the data sets with anything
undecided — and the catalogues whose formulas, plugin rules or composite inputs the columnar
path does not cover — are evaluated by the per-row engine itself (:mod:`.rows`). The whole
argument is in the docstring of :mod:`kinerja_rules.batch.interval`; docs/batch.md is the guide.

numpy and pyarrow are the ``batch`` extra (``pip install "kinerja-rules[batch]"``), imported
only when a batch runs: importing this package needs neither. On a Dask cluster
(``--scheduler``/``--dask``, :mod:`.cluster`; the ``dask`` extra) the same evaluation runs per
partition: :func:`kinerja_rules.batch.distributed.evaluate_partition`. Dask is imported only by
such a run.
"""

from __future__ import annotations

from .extras import MissingDependency, require, require_dask
from .rules import PER_ROW, NotApplicableWhen

__all__ = [
    "PER_ROW",
    "MissingDependency",
    "NotApplicableWhen",
    "add_arguments",
    "evaluate_table",
    "main",
    "require",
    "require_dask",
    "run_batch",
    "run_distributed",
]


def evaluate_table(engine, table, period=None, **options):
    """See :func:`kinerja_rules.batch.run.evaluate_table`."""
    require()
    from .run import evaluate_table as run

    return run(engine, table, period, **options)


def run_batch(engine, inputs, output, **options):
    """See :func:`kinerja_rules.batch.run.run_batch`."""
    require()
    from .run import run_batch as run

    return run(engine, inputs, output, **options)


def run_distributed(engine, inputs, output, **options):
    """See :func:`kinerja_rules.batch.cluster.run_distributed` (the ``dask`` extra)."""
    require_dask()
    from .cluster import run_distributed as run

    return run(engine, inputs, output, **options)


def add_arguments(parser) -> None:
    """The arguments of ``kinerja-rules batch`` (no numpy or pyarrow needed to build them)."""
    from .arguments import add_arguments as add

    add(parser)


def main(args, engine) -> int:
    """Run ``kinerja-rules batch`` with parsed ``args``; the exit status. ``--scheduler`` and
    ``--dask`` need the ``dask`` extra, else the ``batch`` extra will do."""
    import sys

    on_cluster = bool(getattr(args, "scheduler", None) or getattr(args, "dask", False))
    try:
        require_dask() if on_cluster else require()
    except MissingDependency as error:
        print(f"kinerja-rules batch: {error}", file=sys.stderr)
        return 1
    if on_cluster:
        from .cluster import main as run
    else:
        from .run import main as run
    return run(args, engine)
