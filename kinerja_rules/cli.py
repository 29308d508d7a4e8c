"""The ``kinerja-rules`` command line: evaluate, explain, plugins.

Exit status: 0 on success, 1 when input (a catalogue or a data file) is invalid — every problem is
printed, located, on stderr — and 2 on a usage error.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .formatting import LANGS

if TYPE_CHECKING:
    from .data import UnitData
    from .engine import Engine
    from .periods import Period

# Each command imports what it uses when it runs, so that ``--help`` and a one-unit ``evaluate``
# start in a fraction of the time importing every command's modules took. The parser's choices
# are therefore written here; tests/test_lazy_catalogues.py checks that they are the modules'.

#: render.FORMATS
FORMATS = ("table", "markdown", "json", "csv")
#: manual.FORMATS
MANUAL_FORMATS = ("markdown", "html")
#: validation.FORMATS
VALIDATE_FORMATS = ("text", "json", "github")
#: sorted(json_schema.SCHEMAS)
SCHEMA_KINDS = ("budget", "catalogue", "data", "scores")
#: verification.DEFAULT_EXAMPLE_BUDGET
DEFAULT_EXAMPLE_BUDGET = 1_500


def build_parser(with_batch: bool = True) -> argparse.ArgumentParser:
    catalog = argparse.ArgumentParser(add_help=False)
    catalog.add_argument(
        "--catalog",
        action="append",
        default=[],
        metavar="DIR",
        help="a directory of extra catalogues; replaces installed ones for the same unit type "
        "and year (repeatable)",
    )
    language = argparse.ArgumentParser(add_help=False)
    language.add_argument(
        "--lang", choices=LANGS, default="id", help="language of tables (default: id)"
    )

    parser = argparse.ArgumentParser(
        prog="kinerja-rules",
        description="Evaluate Indonesian government performance indicators (LKjIP) "
        "from TOML catalogues.",
    )
    parser.add_argument("--version", action="version", version=f"kinerja-rules {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    evaluate = commands.add_parser(
        "evaluate", parents=[catalog, language], help="print the capaian table of a unit's data"
    )
    evaluate.add_argument("data", metavar="DATA.toml", help="realisation data of one unit and year")
    evaluate.add_argument(
        "--period",
        type=_period,
        metavar="PERIOD",
        help="figures to date of a period of the data's year: 2023-06, 2023-Q2, 2023-S1 "
        "(default: the year)",
    )
    evaluate.add_argument(
        "--by-period",
        action="store_true",
        help="one column per period (each to date) and the year, per indicator",
    )
    _previous_option(evaluate, "for the plausibility checks")
    _strict_option(
        evaluate,
        "exit 1 when the data breaks the catalogue's assume, max or invariants, or a "
        "plausibility check warns",
    )
    _format_option(evaluate, FORMATS, "table")

    explain_cmd = commands.add_parser(
        "explain",
        parents=[catalog, language],
        help="print how one indicator's figures were derived",
    )
    explain_cmd.add_argument("indicator", metavar="INDICATOR_ID")
    explain_cmd.add_argument("data", metavar="DATA.toml")
    explain_cmd.add_argument(
        "--period", type=_period, metavar="PERIOD", help="to date of a period: 2023-06, 2023-Q2"
    )

    report_cmd = commands.add_parser(
        "report",
        parents=[catalog],
        help="write Bab III of the LKjIP (Word, HTML or Markdown) for one unit and year",
        description="Write Bab III (Akuntabilitas Kinerja) of a unit's LKjIP: the sasaran "
        "tables, for every indicator this year, earlier years (--previous), the Renstra, a "
        "national standard and the unit's narrative, the efficiency of its budget, and the "
        "budget chapter (--budget). Prints the file written.",
    )
    report_cmd.add_argument("data", metavar="DATA.toml", help="this year's realisation data")
    _previous_option(report_cmd, "(each computed with its own year's catalogue)")
    report_cmd.add_argument(
        "--budget", metavar="BUDGET.toml", help="the budget file (Bab III B, C)"
    )
    report_cmd.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        help="docx, html or markdown (default: from the output file's suffix)",
    )
    report_cmd.add_argument(
        "-o",
        "--output",
        required=True,
        action="append",
        metavar="FILE",
        help="file to write (repeatable: -o bab3.docx -o bab3.html writes both)",
    )

    audit_cmd = commands.add_parser(
        "audit",
        parents=[catalog],
        help="check every figure a printed report states against its own arithmetic",
        description="Recompute every figure a printed report states (a printed-figure file: "
        "see docs/audit.md) from the counts with each year's catalogue, and report each one the "
        "arithmetic does not support, located, with the most likely cause. Exit 0, or 1 on "
        "invalid input or, with --strict, when anything is found.",
    )
    audit_cmd.add_argument("printed", metavar="PRINTED.toml", help="the figures as printed")
    _format_option(audit_cmd, AUDIT_FORMATS, "text")
    _strict_option(audit_cmd, "exit 1 when anything is found")

    batch_cmd = commands.add_parser(
        "batch",
        parents=[catalog],
        help="evaluate many units and periods at once into one table (the batch extra)",
    )
    if with_batch:  # its options are built only when the command is asked for: fast --help
        from .batch import add_arguments as batch_arguments

        batch_arguments(batch_cmd)

    commands.add_parser(
        "plugins", parents=[catalog], help="list the loaded plugins and their catalogues"
    )

    budget = commands.add_parser(
        "budget",
        parents=[catalog, language],
        help="recompute and check a unit's budget chapter (realisation, jenis belanja, scores)",
        description="Print the budget realisation tables, the jenis belanja comparison, the "
        "composite scores and every printed figure the arithmetic does not support. Exit 1 "
        "on invalid input, or with --strict when there are findings.",
    )
    budget.add_argument("data", metavar="BUDGET.toml", help="budget data of one unit and year")
    _format_option(budget, FORMATS, "table")
    _strict_option(budget, "exit 1 when there are findings")

    roll_cmd = commands.add_parser(
        "roll",
        parents=[catalog],
        help="write next year's catalogue: targets from the Renstra, examples recomputed",
        description="Roll a catalogue to another year: year and title updated, each target "
        "taken from its Renstra entry for that year (indicators without one are listed and "
        "keep their target with a comment), worked examples' capaian recomputed.",
    )
    roll_cmd.add_argument("catalogue", metavar="CATALOGUE.toml")
    roll_cmd.add_argument("--to", type=int, required=True, metavar="YEAR", help="the new year")
    roll_cmd.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")

    upgrade_cmd = commands.add_parser(
        "upgrade",
        help="rewrite a catalogue in an older format in the current one, keeping its comments",
        description="Rewrite catalogue files written in an older format (no format_version: "
        "format 1, of 2023) in the current one, keeping their comments and layout; the "
        "upgraded file means exactly what the original meant (checked before it is written). "
        "A file already in the current format is left as it is. Exit 0, or 1 when a file "
        "cannot be upgraded (or, with --check, needs upgrading).",
    )
    upgrade_cmd.add_argument(
        "catalogues", nargs="+", metavar="CATALOGUE.toml", help="catalogue files to upgrade"
    )
    upgrade_how = upgrade_cmd.add_mutually_exclusive_group()
    upgrade_how.add_argument(
        "-o", "--output", metavar="FILE", help="write here (one catalogue; default: in place)"
    )
    upgrade_how.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a file needs upgrading (for CI)",
    )

    diff_cmd = commands.add_parser(
        "diff",
        parents=[catalog],
        help="what changed between two catalogues (and, with --data, in the figures)",
    )
    diff_cmd.add_argument("old", metavar="OLD.toml")
    diff_cmd.add_argument("new", metavar="NEW.toml")
    diff_cmd.add_argument("--data", metavar="DATA.toml", help="show the effect on this data")
    _format_option(diff_cmd, ("text", "markdown", "json"), "text")

    manual_cmd = commands.add_parser(
        "manual",
        parents=[catalog],
        help="the indicator manual (definisi operasional), as Markdown or HTML, from a catalogue",
    )
    manual_cmd.add_argument("catalogue", metavar="CATALOGUE.toml")
    _format_option(manual_cmd, MANUAL_FORMATS, "markdown")

    template_cmd = commands.add_parser(
        "template",
        parents=[catalog],
        help="write a data-entry workbook (.xlsx) for a unit type and year, or fill one from data",
        description="Write an .xlsx workbook to enter a unit's realisation data: instructions "
        "(sheet Petunjuk) and one row per input of each indicator with a column per period "
        "and one for the year (sheet Data). evaluate reads the filled workbook. Needs the "
        'xlsx extra: pip install "kinerja-rules[xlsx]".',
    )
    template_cmd.add_argument("unit_type", metavar="UNIT_TYPE", help="e.g. lpka, bapas")
    template_cmd.add_argument("year", type=int, metavar="YEAR")
    template_cmd.add_argument(
        "--periods",
        choices=("monthly", "quarterly", "semiannual", "annual"),
        help="the period columns (default: those of --from data, else monthly)",
    )
    template_cmd.add_argument(
        "--from",
        dest="source",
        metavar="DATA",
        help="fill the workbook from this data file (TOML, .xlsx or .csv)",
    )
    template_cmd.add_argument("--unit", metavar="NAME", help="the unit's name (Unit kerja)")
    template_cmd.add_argument(
        "-o", "--output", required=True, metavar="FILE.xlsx", help="the workbook to write"
    )

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the catalogue (or data) format, for TOML editors"
    )
    schema.add_argument("kind", nargs="?", choices=list(SCHEMA_KINDS), default="catalogue")

    validate = commands.add_parser(
        "validate",
        parents=[catalog],
        help="check catalogues: located errors and warnings, examples and invariants",
        description="Check catalogue files or directories (default: the installed catalogues "
        "plus --catalog directories). Exit 0 when there is no error, 1 on any error (or any "
        "warning with --strict), 2 on a usage error.",
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help="catalogue files or directories")
    _format_option(validate, VALIDATE_FORMATS, "text")
    _strict_option(validate, "warnings fail too")
    validate.add_argument(
        "--no-invariants", action="store_true", help="skip the hypothesis runs of invariants"
    )
    validate.add_argument(
        "--max-examples",
        type=_positive,
        default=100,
        metavar="N",
        help="examples hypothesis tries per invariant (default: 100)",
    )
    validate.add_argument("--seed", type=int, default=0, help="hypothesis seed (default: 0)")
    validate.add_argument(
        "--example-budget",
        type=_positive,
        default=DEFAULT_EXAMPLE_BUDGET,
        metavar="N",
        help="examples all invariants of one catalogue may use; past it they share it and "
        f"the rest are reported unchecked (default: {DEFAULT_EXAMPLE_BUDGET})",
    )
    return parser


def _format_option(parser: argparse.ArgumentParser, choices, default: str) -> None:
    parser.add_argument(
        "--format", choices=choices, default=default, help=f"output format (default: {default})"
    )


def _previous_option(parser: argparse.ArgumentParser, purpose: str) -> None:
    parser.add_argument(
        "--previous",
        action="extend",
        nargs="+",
        default=[],
        metavar="DATA",
        help=f"the same unit's data files of earlier years, {purpose}",
    )


def _strict_option(parser: argparse.ArgumentParser, meaning: str) -> None:
    parser.add_argument("--strict", action="store_true", help=meaning)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


#: Exit status when the reader of our output goes away (``| head``): 128 + SIGPIPE, as the shell
#: reports for a Unix tool ended by the signal.
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; output that nobody reads any more ends the command quietly."""
    try:
        status = _run(argv)
        sys.stdout.flush()  # a closed pipe must fail here, not in the interpreter's exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush finds nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):  # stdout is not a file (embedding)
        pass


def _run(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(with_batch="batch" in words).parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "upgrade":
        return _upgrade(args)
    if args.command == "schema":
        import json

        from .json_schema import SCHEMAS

        sys.stdout.write(json.dumps(SCHEMAS[args.kind](), indent=2, ensure_ascii=False) + "\n")
        return 0
    from .diagnostics import KinerjaError, PluginError
    from .engine import Engine

    try:
        engine = Engine.create(catalog_dirs=args.catalog)
        if args.command == "plugins":
            return _plugins(engine)
        if args.command == "roll":
            return _roll(engine, args)
        if args.command == "diff":
            return _diff(engine, args)
        if args.command == "batch":
            from .batch import main as batch_main

            return batch_main(args, engine)
        if args.command == "audit":
            from .audit import audit_main

            return audit_main(args.printed, args.format, args.strict, engine)
        if args.command == "report":
            return _report(engine, args)
        if args.command == "manual":
            from .catalogue import load_catalogue
            from .manual import manual

            catalogue = load_catalogue(args.catalogue, engine.functions)
            sys.stdout.write(manual(catalogue, args.format))
            return 0
        if args.command == "template":
            return _template(engine, args)
        if args.command == "budget":
            from .budget.render import render_budget
            from .budget.report import evaluate_budget_file

            report = evaluate_budget_file(args.data, engine.catalogues)
            sys.stdout.write(render_budget(report, args.format, args.lang))
            return 1 if args.strict and report.findings else 0
        from .render import explain, render

        data = engine.load_data(args.data)
        period = _period_of(args.period, data)
        if args.command == "evaluate" and args.by_period:
            from .render_periods import by_period, render_by_period

            reports = by_period(lambda p: engine.evaluate(data, p), data)
            shown = _findings(engine, args, data, reports[-1][1])
            sys.stdout.write(render_by_period(reports, args.format, args.lang))
            return 1 if args.strict and _failing(shown) else 0
        report = engine.evaluate(data, period)
        if args.command == "evaluate":
            shown = _findings(engine, args, data, report)
            sys.stdout.write(render(report, args.format, args.lang, shown))
            return 1 if args.strict and _failing(shown) else 0
        for finding in report.findings:
            print(finding.format(), file=sys.stderr)
        ids = [r.indicator.id for r in report.indicators]
        if args.indicator not in ids:
            print(
                f"kinerja-rules: '{args.indicator}' is not an indicator of the "
                f"{report.catalogue.unit_type} "
                f"{report.catalogue.year} catalogue; indicators: {', '.join(ids)}",
                file=sys.stderr,
            )
            return 1
        sys.stdout.write(explain(report.indicator(args.indicator), args.lang))
        return 0
    except KinerjaError as error:
        print(error, file=sys.stderr)
        return 1
    except PluginError as error:
        print(f"kinerja-rules: plugin error: {error}", file=sys.stderr)
        return 1


def _findings(engine: Engine, args: argparse.Namespace, data: UnitData, report) -> list:
    """The report's data findings and the plausibility review's (against the ``--previous``
    files), printed on stderr and returned (``evaluate --format json`` lists them too)."""
    review = engine.review(data, [engine.load_data(path) for path in args.previous], report)
    found = [*report.findings, *review.diagnostics()]
    for finding in found:
        print(finding.format(), file=sys.stderr)
    if review.checked or review.short:
        print(review.summary(), file=sys.stderr)
    return found


def _failing(found: list) -> bool:
    """Whether ``--strict`` fails on these findings: any error or warning (info never does)."""
    from .diagnostics import Severity

    return any(d.severity is not Severity.INFO for d in found)


def _diff(engine: Engine, args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue
    from .diff import diff, render_diff, with_effects
    from .registry import CatalogueSet
    from .sheets import load_data

    old = load_catalogue(args.old, engine.functions)
    new = load_catalogue(args.new, engine.functions)
    found = diff(old, new)
    if args.data:
        # The data is checked against the two catalogues compared, not the installed ones: it
        # is usually the old year's data, run through next year's catalogue to see what moves.
        given = CatalogueSet({new.key: new, old.key: old}, {}, {})
        data = load_data(args.data, given)
        found = with_effects(found, old, new, data, engine.not_applicable)
    sys.stdout.write(render_diff(found, args.format))
    return 0


REPORT_FORMATS = ("docx", "html", "markdown")
AUDIT_FORMATS = ("text", "json", "github")
_SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "markdown"}


def _report(engine: Engine, args: argparse.Namespace) -> int:
    outputs = []
    for output in args.output:
        fmt = args.format or _SUFFIXES.get(os.path.splitext(output)[1].lower())
        if fmt is None:
            print(
                f"kinerja-rules: cannot tell the format of {output!r}; give --format "
                "docx|html|markdown or a .docx, .html or .md file name",
                file=sys.stderr,
            )
            return 2
        outputs.append((output, fmt))
    from .budget.report import evaluate_budget_file
    from .reports.bab3 import Bab3Input, build_bab3, previous_reports
    from .reports.write import write_report

    data = engine.load_data(args.data)
    previous = previous_reports(
        [engine.load_data(path) for path in args.previous],
        engine.catalogues,
        engine.not_applicable,
        current=data,
    )
    budget = evaluate_budget_file(args.budget, engine.catalogues) if args.budget else None
    current = engine.evaluate(data)
    review = engine.review(data, [r.data for r in previous], current)
    for finding in [*current.findings, *review.diagnostics()]:
        print(finding.format(), file=sys.stderr)
    document = build_bab3(Bab3Input(current, previous, budget, review), engine.not_applicable)
    for output, fmt in outputs:
        os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
        write_report(document, fmt, output)
        print(output)
    return 0


def _period(text: str) -> tuple[int, Period]:
    """``--period 2023-06`` → (2023, June), for argparse (a bad one is a usage error)."""
    from .periods import parse_period

    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _period_of(given: tuple[int, Period] | None, data) -> Period | None:
    if given is None:
        return None
    from .diagnostics import Diagnostic, KinerjaError, Location
    from .periods import YEAR

    year, period = given
    if year != data.year:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR415",
                    f"--period is in {year}, but the data is for {data.year}",
                    Location(data.file, field="year"),
                    f"ask for a period of {data.year}, e.g. --period {data.year}-06",
                )
            ]
        )
    return None if period == YEAR else period


def _template(engine: Engine, args: argparse.Namespace) -> int:
    from .sheets.template import write_template

    if not args.output.lower().endswith(".xlsx"):
        print("kinerja-rules: template writes a workbook: name it FILE.xlsx", file=sys.stderr)
        return 2
    catalogue = engine.catalogue(args.unit_type, args.year)
    if catalogue is None:
        available = ", ".join(f"{c.unit_type} {c.year}" for c in engine.catalogues) or "none"
        print(
            f"kinerja-rules: no catalogue for unit type '{args.unit_type}' and year "
            f"{args.year}; available: {available} (add one with --catalog DIR)",
            file=sys.stderr,
        )
        return 1
    data = engine.load_data(args.source) if args.source else None
    if data is not None and (data.unit_type, data.year) != catalogue.key:
        print(
            f"kinerja-rules: {args.source} is data for {data.unit_type} {data.year}, not "
            f"{catalogue.unit_type} {catalogue.year}",
            file=sys.stderr,
        )
        return 1
    written = write_template(
        args.output, catalogue, periods=args.periods, data=data, unit=args.unit
    )
    filled = f", {written.filled} cell(s) filled from {args.source}" if data is not None else ""
    print(
        f"wrote {written.path}: {written.indicators} indicators, {written.rows} input rows, "
        f"{written.periods} columns{filled}",
        file=sys.stderr,
    )
    return 0


def _roll(engine: Engine, args: argparse.Namespace) -> int:
    from .atomic import write_atomically
    from .catalogue import load_catalogue
    from .roll import roll

    catalogue = load_catalogue(args.catalogue, engine.functions)
    result = roll(args.catalogue, catalogue, args.to, engine.not_applicable, engine.functions)
    if args.output:
        write_atomically(args.output, result.text)
    else:
        sys.stdout.write(result.text)
    for diagnostic in result.unresolved:
        print(diagnostic.format(), file=sys.stderr)
    print(
        f"rolled {args.catalogue} to {args.to}: {len(result.targets_from_renstra)} target(s) "
        f"from the Renstra, {len(result.unresolved)} without a Renstra {args.to} value (kept, "
        f"listed above), {result.examples_recomputed} example capaian recomputed",
        file=sys.stderr,
    )
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from .diagnostics import PluginError
    from .engine import collect_functions, create_plugin_manager
    from .upgrade import upgrade_files

    if args.output and len(args.catalogues) > 1:
        print("kinerja-rules upgrade: -o takes one catalogue", file=sys.stderr)
        return 2
    try:  # the plugins' formula functions: a catalogue's formulas may call them
        functions = collect_functions(create_plugin_manager())
    except PluginError as error:
        print(f"kinerja-rules: plugin error: {error}", file=sys.stderr)
        return 1
    return upgrade_files(args.catalogues, args.output, args.check, functions)


def _validate(args: argparse.Namespace) -> int:
    from .diagnostics import PluginError
    from .validation import render as render_validation
    from .validation import validate
    from .verification import InvariantRun

    run = (
        None
        if args.no_invariants
        else InvariantRun(args.max_examples, args.seed, args.example_budget)
    )
    try:
        result = validate(args.paths, args.catalog, invariants=run, strict=args.strict)
    except PluginError as error:
        print(f"kinerja-rules: plugin error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render_validation(result, args.format))
    return result.exit_code(args.strict)


def _plugins(engine: Engine) -> int:
    manager = engine.plugin_manager
    print("Plugins:")
    for name, plugin in sorted(manager.list_name_plugin()):
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])
        origin = getattr(plugin, "__name__", type(plugin).__name__)
        print(f"  {name} ({origin}): {', '.join(hooks)}")
    print("Catalogues:")
    for catalogue in engine.catalogues:
        key = catalogue.key
        replaced = engine.catalogues.replaced.get(key)
        note = f"; replaces {', '.join(replaced)}" if replaced else ""
        print(
            f"  {catalogue.unit_type} {catalogue.year}: {len(catalogue.indicators)} indicators, "
            f"from {engine.catalogues.origins[key]}{note}"
        )
        for file in catalogue.files:
            print(f"    {file}")
    for year, scores in sorted(engine.catalogues.scores.items()):
        names = ", ".join(score.id for score in scores.scores)
        print(f"  scores {year}: {names}")
        for file in scores.files:
            print(f"    {file}")
    extra = sorted(set(engine.functions) - {"min", "max", "abs"})
    print("Formula functions: min, max, abs" + (", " + ", ".join(extra) if extra else ""))
    from .dimensions import Vocabulary
    from .validation import dimension_terms

    print("Units of measure (counts = … / measures = … on an input):")
    for term in Vocabulary.of(dimension_terms(manager)).terms.values():
        kind = f"{term.kind}, a kind of {term.parent}" if term.parent else term.kind
        print(f"  {term.name} ({kind})" + (f": {term.doc}" if term.doc else ""))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
