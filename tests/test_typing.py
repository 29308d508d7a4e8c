"""mypy in strict mode is clean on the public API: the files and settings of ``[tool.mypy]`` in
pyproject.toml (what ``kinerja_rules.__all__`` exports and the hook specifications)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_public_api_passes_mypy_strict(tmp_path):
    # A fresh cache: the run is the cold one CI makes, and leaves nothing in the repository.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_says_it_is_typed():
    assert (ROOT / "kinerja_rules" / "py.typed").is_file()
