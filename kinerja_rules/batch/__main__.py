"""``python -m kinerja_rules.batch INPUT... -o RESULT`` — the same as ``kinerja-rules batch``."""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import KinerjaError, PluginError
from ..engine import Engine
from . import add_arguments, main


def run(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="kinerja-rules batch",
        description="Evaluate many units and periods at once into one result table.",
    )
    parser.add_argument("--catalog", action="append", default=[], metavar="DIR")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        engine = Engine.create(catalog_dirs=args.catalog)
        return main(args, engine)
    except KinerjaError as error:
        print(error, file=sys.stderr)
        return 1
    except PluginError as error:
        print(f"kinerja-rules: plugin error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(run())
