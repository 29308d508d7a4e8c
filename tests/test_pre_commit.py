"""The repository's pre-commit configuration runs ruff, ruff format, mypy and validate of the
bundled catalogues (the hooks themselves run in tests of their own: test_typing, test_validate)."""

from __future__ import annotations

import re

import pytest

from .conftest import CATALOG, ROOT

yaml = pytest.importorskip("yaml")  # installed with pre-commit and dask; not a dependency


def hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_four_hooks_are_configured():
    assert {"ruff", "ruff-format", "mypy", "kinerja-rules-validate"} <= set(hooks())


def test_mypy_checks_the_configured_files():
    mypy = hooks()["mypy"]
    assert mypy["entry"] == "python -m mypy" and mypy["pass_filenames"] is False


def test_validate_runs_for_every_bundled_catalogue():
    validate = hooks()["kinerja-rules-validate"]
    assert validate["entry"] == "kinerja-rules validate indicator_catalog/"
    assert validate["pass_filenames"] is False
    catalogues = sorted(CATALOG.glob("*/*.toml"))
    assert catalogues
    for path in catalogues:
        assert re.search(validate["files"], path.relative_to(ROOT).as_posix()), path
    assert not re.search(validate["files"], "examples/2023/bapas-lahat.toml")
