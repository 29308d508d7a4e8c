"""The documentation site builds with ``mkdocs build --strict`` (a broken link or reference
fails), and its reference pages are generated from the code: every subcommand of the argument
parser, the public Python API from its docstrings, every hook of ``hookspecs.py``."""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys

import pytest

from kinerja_rules import hookspecs
from kinerja_rules.cli import build_parser

from .conftest import ROOT

pytest.importorskip("mkdocs", reason="the docs extra (mkdocs) is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One strict build of the site, shared by every test here."""
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def page(site, name: str) -> str:
    """A built page's text, tags removed, entities decoded."""
    raw = (site / name / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_the_site_builds_strictly(site):
    for name in ("", "tutorial", "diagnostics", "catalogue-format", "benchmarks"):
        assert (site / name / "index.html").is_file(), name


def test_home_and_benchmarks_come_from_the_readme(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_command = re.search(r"```bash\n(.*?)\n```", readme, flags=re.S).group(1)
    assert first_command in page(site, "")
    table_row = next(line for line in readme.splitlines() if line.startswith("| `kinerja-rules"))
    assert table_row.split("|")[2].strip() in page(site, "benchmarks")
    # The section markers are comments: neither the site nor GitHub shows them.
    assert "8<" not in page(site, "") and "8<" not in page(site, "benchmarks")


def test_the_cli_page_has_every_subcommand_and_its_options(site):
    text = page(site, "reference/cli")
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(commands.choices) >= 10
    for name, subparser in commands.choices.items():
        assert f"usage: kinerja-rules {name}" in text, name
        for action in subparser._actions:
            for option in action.option_strings:
                assert option in text, (name, option)
    for option in ("--catalog", "--by-period", "--example-budget", "--scheduler"):
        assert option in text


def test_the_api_page_has_every_public_name_from_its_docstring(site):
    import kinerja_rules

    text = page(site, "reference/api")
    for name in kinerja_rules.__all__:
        assert f"kinerja_rules.{name}" in text, name
    assert "evaluate_file" in text
    assert "Load and evaluate a unit's realisation data file" in text  # Engine.evaluate_file
    assert ":class:" not in text and ":meth:" not in text  # Sphinx roles shown as Markdown


def test_the_hooks_page_has_every_hookspec(site):
    text = page(site, "reference/hooks")
    hooks = [
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
    ]
    assert len(hooks) >= 5
    for name in hooks:
        assert name in text, name
        first_line = getattr(hookspecs, name).__doc__.strip().splitlines()[0].replace("``", "")
        assert first_line in " ".join(text.split()), name
