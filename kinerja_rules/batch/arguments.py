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
        "or directories of per-unit TOML data files",
    )
    parser.add_argument(
        "--period",
        action="append",
        metavar="PERIOD",
        help="figures to date of: 2023-06, 2023-Q2, 2023-S1, 06, Q2, year, monthly, quarterly, "
        "semiannual (repeatable or comma-separated; default: the year)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="processes to use (default: 1)"
    )
    parser.add_argument(
        "--findings",
        metavar="FILE",
        help="write every refused row here, located (CSV, or JSON lines for .jsonl)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="RESULT", help="the result: .parquet or .csv"
    )
