"""docs/tutorial.md runs as written: its files are written, its commands run in order in a fresh
working directory (beside a ``kinerja-rules/`` that is this repository), and each command's
output and exit status are what the page shows.

A ``toml title="PATH"`` block is written to PATH. In a ``console`` block, a line starting with
``$ `` is a command and the lines after it its output; a line "…" stands for lines left out. An
output with "…" must contain the shown lines in order; one without must be exactly the output.
A command whose output shows an ``error KR…`` must exit 1, any other 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, shown_as_documented

PAGE = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\S+)([^\n]*)\n(.*?)^```$", re.S | re.M)


def steps():
    """("file", path, text) and ("run", command, expected lines), in the page's order."""
    for kind, info, body in BLOCK.findall(PAGE):
        title = re.search(r'title="([^"]+)"', info)
        if kind == "toml" and title:
            yield "file", title.group(1), body
        elif kind == "console":
            command, expected = None, []
            for line in body.splitlines():
                if line.startswith("$ "):
                    if command:
                        yield "run", command, expected
                    command, expected = line[2:], []
                else:
                    expected.append(line.rstrip())
            if command:
                yield "run", command, expected


def test_the_page_has_files_and_commands():
    kinds = [step[0] for step in steps()]
    assert kinds.count("file") >= 3 and kinds.count("run") >= 15


def test_the_tutorial_runs_as_written(tmp_path):
    (tmp_path / "kinerja-rules").symlink_to(ROOT)
    (tmp_path / "katalog" / "2024").mkdir(parents=True)  # the page's set-up step
    (tmp_path / "data").mkdir()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("COLUMNS", None)
    for kind, what, content in steps():
        if kind == "file":
            path = tmp_path / what
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            continue
        done = subprocess.run(
            what, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        actual = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
        assert shown_as_documented(actual, content), f"$ {what}\n" + "\n".join(actual)
        failing = any(" error KR" in line for line in content)
        assert done.returncode == (1 if failing else 0), f"$ {what}: exit {done.returncode}"
