"""The plugin template (examples/plugin) installs with pip and its own tests pass; kinerja-rules
finds it through its entry point; docs/plugin.md shows the template as it is.

The template is copied out of the checkout first (pip builds a local directory in place), then
installed without its dependencies into a private directory put on ``PYTHONPATH`` — this
interpreter already has kinerja-rules, and entry points are read from the ``.dist-info`` found
on ``sys.path``.

docs/plugin.md: a fenced block with ``title="PATH"`` must occur verbatim in the file at PATH (of
this repository). In a ``console`` block, a line starting with ``$ `` is a command, run in the
template's directory with the template installed, and the lines after it its output; a line "…"
stands for lines left out (as in tests/test_tutorial_doc.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, shown_as_documented

TEMPLATE = ROOT / "examples" / "plugin"
PAGE = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\S+)([^\n]*)\n(.*?)^```$", re.S | re.M)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The template's copy (where its tests and commands run) and the environment with the
    installed template on PYTHONPATH."""
    root = tmp_path_factory.mktemp("template")
    source = root / "plugin"
    shutil.copytree(
        TEMPLATE,
        source,
        ignore=shutil.ignore_patterns(
            "build", "dist", "*.egg-info", ".venv", "__pycache__", ".hypothesis", ".pytest_cache"
        ),
    )
    site = root / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    )
    env.pop("COLUMNS", None)
    return source, env


def test_the_template_installs_its_package_catalogue_and_entry_point(installed):
    site = Path(installed[1]["PYTHONPATH"].split(os.pathsep)[0])
    assert (site / "kinerja_rutan" / "__init__.py").is_file()
    assert (site / "kinerja_rutan" / "catalog" / "2024" / "rutan.toml").is_file()
    [info] = site.glob("kinerja_rules_rutan-*.dist-info")
    assert (info / "entry_points.txt").read_text() == "[kinerja_rules]\nrutan = kinerja_rutan\n"


def test_the_templates_own_tests_pass(installed):
    source, env = installed
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^6 passed", done.stdout, re.M), done.stdout


def test_without_the_plugin_its_catalogue_lacks_the_rule(installed):
    """What docs/plugin.md says: the N/A rule lives in the plugin, not in the catalogue."""
    source, env = installed
    env = dict(env, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "validate", "src/kinerja_rutan/catalog"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "warning KR308" in done.stdout
    assert "error KR501" in done.stdout and "got 'pembagian dengan nol (B = 0)'" in done.stdout


def titled_blocks() -> list[tuple[str, str]]:
    blocks = []
    for _, info, body in BLOCK.findall(PAGE):
        title = re.search(r'title="([^"]+)"', info)
        if title:
            blocks.append((title.group(1), body))
    return blocks


def test_the_pages_excerpts_are_the_templates_text():
    blocks = titled_blocks()
    assert {path for path, _ in blocks} == {
        "examples/plugin/pyproject.toml",
        "examples/plugin/src/kinerja_rutan/catalog/2024/rutan.toml",
        "examples/plugin/src/kinerja_rutan/__init__.py",
        "examples/plugin/data/rutan-contoh-2024.toml",
        "examples/plugin/tests/test_rutan.py",
    }
    for path, body in blocks:
        assert body in (ROOT / path).read_text(encoding="utf-8"), f"not in {path}:\n{body}"


def test_the_page_links_only_inside_docs():
    """MkDocs builds docs/ alone (--strict): links go to pages beside this one."""
    links = re.findall(r"\]\(([^)]+)\)", PAGE)
    assert "catalogue-format.md" in links
    for link in links:
        assert re.fullmatch(r"[\w-]+\.md(#[\w-]+)?", link), link
        assert (ROOT / "docs" / link.split("#")[0]).is_file(), link


def commands() -> list[tuple[str, list[str]]]:
    runs = []
    for kind, _, body in BLOCK.findall(PAGE):
        if kind != "console":
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                runs.append((line[2:], []))
            else:
                runs[-1][1].append(line.rstrip())
    return runs


def test_the_pages_commands_print_what_it_shows(installed):
    source, env = installed
    runs = commands()
    assert [command.split()[:2] for command, _ in runs] == [
        ["kinerja-rules", "plugins"],
        ["kinerja-rules", "validate"],
        ["kinerja-rules", "explain"],
    ]
    for command, expected in runs:
        done = subprocess.run(
            command, shell=True, cwd=source, env=env, capture_output=True, text=True, timeout=120
        )
        actual = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
        assert shown_as_documented(actual, expected), f"$ {command}\n" + "\n".join(actual)
        assert done.returncode == 0, f"$ {command}: exit {done.returncode}"


def test_batch_applies_the_plugins_rule_by_its_batch_form(installed, tmp_path):
    source, env = installed
    table = tmp_path / "rutan.csv"
    table.write_text(
        "unit,unit_type,year,indicator,input,period,value\n"
        "Rutan A,rutan,2024,bantuan_hukum,A,,412\nRutan A,rutan,2024,bantuan_hukum,B,,530\n"
        "Rutan B,rutan,2024,bantuan_hukum,A,,0\nRutan B,rutan,2024,bantuan_hukum,B,,0\n",
        encoding="utf-8",
    )
    out = tmp_path / "hasil.csv"
    command = [sys.executable, "-m", "kinerja_rules", "batch", table, "-o", out]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    assert any('"Rutan A"' in row and ",77.74,97.17," in row for row in rows)
    assert any('"Rutan B"' in row and '"tidak ada tahanan (B = 0)"' in row for row in rows)
    plan = (
        "from kinerja_rules import Engine; from kinerja_rules.batch.plan import build_plans; "
        "print(build_plans(Engine.create(), (None,))[('rutan', 2024)].per_row)"
    )
    done = subprocess.run(
        [sys.executable, "-c", plan], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout == "None\n", done.stdout + done.stderr  # columnar, not sent per row
