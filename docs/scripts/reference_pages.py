"""A MkDocs hook: the reference pages generated from the code at every build.

- ``reference/cli.md`` from the argument parser (``kinerja_rules.cli.build_parser()``): every
  subcommand with its usage, description and a table of its arguments and options, so a new
  option is on the site with the next build and nothing is copied by hand;
- ``reference/api.md``: one mkdocstrings entry per name of ``kinerja_rules.__all__``, grouped by
  the module that defines it (``kinerja_rules._EXPORTS``); mkdocstrings renders the docstrings.

``reference/hooks.md`` is a page of its own: a single ``::: kinerja_rules.hookspecs``.
"""

from __future__ import annotations

import argparse
import re

from mkdocs.structure.files import File, Files

import kinerja_rules
from kinerja_rules.cli import build_parser


def on_files(files: Files, config) -> Files:
    for path, content in (("reference/cli.md", cli_page()), ("reference/api.md", api_page())):
        files.append(File.generated(config, path, content=content))
    return files


# -- The command line ------------------------------------------------------------------------

WIDTH = 68  # usage lines wrap to fit the page's code blocks, whatever the build's terminal is
#: "docs/audit.md" in a help text becomes a link to that page of the site.
DOC_FILE = re.compile(r"\bdocs/([\w-]+)\.md\b")
#: An option named in a help text ("with --dask") is shown as code.
OPTION = re.compile(r"(?<![\w`-])(--[a-z][\w-]*)")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser's subcommands by name, in the order ``--help`` lists them."""
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices.items())


def summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each subcommand's one-line help, as ``kinerja-rules --help`` shows it."""
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {choice.dest: choice.help or "" for choice in action._choices_actions}


def usage(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)
    return parser.format_usage().strip()


def text(value: str, prefix: str = "") -> str:
    """Help text as Markdown: one line, ``|`` escaped, options as code, docs/ pages linked."""
    value = OPTION.sub(r"`\1`", " ".join(value.split()).replace("|", "\\|"))
    return DOC_FILE.sub(lambda m: f"[docs/{m[1]}.md]({prefix}{m[1]}.md)", value)


def sentence(value: str) -> str:
    """An argparse help fragment ("output format (default: text)") as a sentence."""
    value = value.strip()
    if not value:
        return value
    value = value[0].upper() + value[1:]
    return value if value[-1] in ".!?" else value + "."


def metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest if not action.option_strings else action.dest.upper()


def invocation(action: argparse.Action) -> str:
    """The argument as written: `DATA.toml`, `[PATH ...]`, `-o`, `--output FILE`."""
    name = metavar(action)
    if action.nargs == "?":
        name = f"[{name}]"
    elif action.nargs == "*":
        name = f"[{name} ...]"
    elif action.nargs == "+":
        name = f"{name} [{name} ...]"
    if not action.option_strings:
        return f"`{name}`"
    *short, last = action.option_strings
    written = last if action.nargs == 0 else f"{last} {name}"
    return ", ".join(f"`{option}`" for option in [*short, written])


def description(action: argparse.Action, parser: argparse.ArgumentParser) -> str:
    help_text = action.help or ""
    if "%(" in help_text:
        help_text = help_text % dict(vars(action), prog=parser.prog)
    parts = [text(sentence(help_text), "../")] if help_text else []
    if action.choices is not None and action.metavar is not None:
        parts.append("One of " + ", ".join(f"`{choice}`" for choice in action.choices) + ".")
    if not action.option_strings and action.nargs == "?" and action.default is not None:
        parts.append(f"Default: `{action.default}`.")
    if action.option_strings and action.required:
        parts.append("**Required.**")
    repeatable = isinstance(action, (argparse._AppendAction, argparse._ExtendAction))
    if repeatable and "repeatable" not in help_text:
        parts.append("Repeatable.")
    return " ".join(parts)


def table(title: str, actions: list[argparse.Action], parser: argparse.ArgumentParser) -> list[str]:
    if not actions:
        return []
    lines = [f"**{title}**", "", f"| {title[:-1]} | Description |", "| --- | --- |"]
    for action in actions:
        lines.append(f"| {invocation(action)} | {description(action, parser)} |")
    return [*lines, ""]


def exclusive_groups(parser: argparse.ArgumentParser) -> list[str]:
    lines = []
    for group in parser._mutually_exclusive_groups:
        names = " and ".join(f"`{a.option_strings[0]}`" for a in group._group_actions)
        lines.append(f"{names} exclude each other.")
    return lines


def command_section(name: str, summary: str, parser: argparse.ArgumentParser) -> list[str]:
    actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    positionals = [a for a in actions if not a.option_strings]
    options = [a for a in actions if a.option_strings]
    lines = [f"## `{name}`", ""]
    if summary:
        lines += [text(sentence(summary), "../"), ""]
    lines += ["```text", usage(parser), "```", ""]
    if parser.description:
        lines += [text(parser.description, "../"), ""]
    lines += table("Arguments", positionals, parser)
    lines += table("Options", options, parser)
    extra = exclusive_groups(parser)
    if extra:
        lines += [" ".join(extra), ""]
    return lines


def cli_page() -> str:
    parser = build_parser()
    commands = subcommands(parser)
    helps = summaries(parser)
    lines = [
        "# Command line",
        "",
        "Every command of `kinerja-rules`, with its usage and options. This page is generated",
        "from the program's own argument parser when the site is built, so it always says what",
        "`kinerja-rules COMMAND --help` says.",
        "",
        "```text",
        usage(parser),
        "```",
        "",
        "| Command | What it does |",
        "| --- | --- |",
    ]
    lines += [
        f"| [`{name}`](#{name}) | {text(sentence(helps.get(name, '')), '../')} |"
        for name in commands
    ]
    lines += [
        "",
        "Every command also takes `-h`, `--help`; `kinerja-rules --version` prints the version.",
        "",
        '--8<-- "README.md:exit-status"',
        "",
    ]
    lines += ['<div class="cli-reference" markdown>', ""]
    for name, subparser in commands.items():
        lines += command_section(name, helps.get(name, ""), subparser)
    lines += ["</div>", ""]
    return "\n".join(lines)


# -- The Python API --------------------------------------------------------------------------

#: A heading for the names of each module; a module not listed here is headed by its name.
SECTIONS = {
    "engine": "Engine",
    "results": "Results",
    "model": "Catalogues and indicators",
    "formula": "Formulas",
    "diagnostics": "Diagnostics and errors",
    "hookspecs": "Plugins",
}


def api_page() -> str:
    by_module: dict[str, list[str]] = {}
    for name in kinerja_rules.__all__:
        by_module.setdefault(kinerja_rules._EXPORTS[name], []).append(name)
    order = [m for m in SECTIONS if m in by_module] + sorted(set(by_module) - set(SECTIONS))
    lines = [
        "# Python API",
        "",
        "::: kinerja_rules",
        "    options:",
        "      show_root_heading: false",
        "      members: false",
        "",
        "Everything below is importable from `kinerja_rules` (`from kinerja_rules import Engine`).",
        "This page is generated from the docstrings when the site is built.",
        "",
    ]
    for module in order:
        lines += [f"## {SECTIONS.get(module, module)}", ""]
        for name in by_module[module]:
            lines += [f"::: kinerja_rules.{name}", "    options:", "      heading_level: 3", ""]
    return "\n".join(lines)
