"""The arguments of ``kinerja-rules batch``, without numpy or pyarrow (the CLI builds its parser
before any command runs)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kinerja-rules batch`` (``--catalog`` comes from the shared parent)."""
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="long .csv or .parquet tables (unit,unit_type,year,indicator,input,period,value), "
        "or directories of per-unit TOML data files (with --scheduler/--dask: directories of "
        "Parquet files, hive-partitioned trees too)",
    )
    parser.add_argument(
        "--period",
        action="append",
        metavar="PERIOD",
        help="figures to date of: 2023-06, 2023-Q2, 2023-S1, 06, Q2, year, monthly, quarterly, "
        "semiannual (repeatable or comma-separated; default: the year)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes to use for an input of more than one chunk (default: "
        "KINERJA_RULES_JOBS, else 1), or with --dask its worker processes (default: 1)",
    )
    cluster = parser.add_mutually_exclusive_group()
    cluster.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler (tcp://HOST:8786); the workers read the "
        "inputs and write RESULT, a Parquet dataset directory (the dask extra)",
    )
    cluster.add_argument(
        "--dask",
        action="store_true",
        help="run on a local Dask cluster of --jobs worker processes, as on --scheduler",
    )
    parser.add_argument(
        "--findings",
        metavar="FILE",
        help="write every refused row and plausibility finding here, located (CSV, or JSON "
        "lines for .jsonl)",
    )
    parser.add_argument(
        "--no-plausibility",
        action="store_true",
        help="skip the plausibility review (values against their history and their peers)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 on plausibility warnings too")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="RESULT",
        help="the result: .parquet or .csv (with --scheduler/--dask: a directory)",
    )
