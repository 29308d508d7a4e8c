"""The release artefacts: one version; ``python -m build`` gives an sdist and a wheel that carry
every package, the catalogues, the JSON Schemas and ``py.typed``; ``twine check`` passes on
both; and the wheel, installed in a fresh virtual environment, runs the README's main command
from another directory.

The sdist and the wheel are built once for the module (the wheel from the sdist, as
``python -m build`` does, so the sdist is proved complete). The fresh environment is made with
``venv --without-pip`` and filled by this interpreter's pip (``pip --python``): the same install,
without the seconds ensurepip takes. About 35 s in all on the 2-core development machine, most of
it installing the report extra's libraries and writing the two Bab III.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import kinerja_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # a dependency before 3.11
    import tomli as tomllib

from .conftest import ROOT

VERSION = kinerja_rules.__version__
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run(*command, cwd=None, timeout=300, env=None) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout}{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def wheel_names(dist) -> set[str]:
    with zipfile.ZipFile(dist["wheel"]) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def sdist_names(dist) -> set[str]:
    with tarfile.open(dist["sdist"]) as archive:
        prefix = f"kinerja_rules-{VERSION}/"
        return {name.removeprefix(prefix) for name in archive.getnames()}


# --- one version ----------------------------------------------------------------------------


def test_one_version_everywhere(dist, wheel_names):
    assert "version" not in PYPROJECT["project"]  # no second copy of the number
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "kinerja_rules.__version__"}
    assert dist["wheel"].name == f"kinerja_rules-{VERSION}-py3-none-any.whl"
    assert dist["sdist"].name == f"kinerja_rules-{VERSION}.tar.gz"
    with zipfile.ZipFile(dist["wheel"]) as archive:
        metadata = archive.read(f"kinerja_rules-{VERSION}.dist-info/METADATA").decode()
    assert f"\nVersion: {VERSION}\n" in metadata
    for command in (["kinerja_rules"], ["kinerja_rules.cli"]):
        done = run(sys.executable, "-m", *command, "--version")
        assert done.stdout == f"kinerja-rules {VERSION}\n"


def test_the_changelog_keeps_a_changelog_and_its_newest_release_is_the_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "https://keepachangelog.com/en/1.1.0/" in text
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    released = [(version, date) for version, date in headings[1:]]
    assert released and all(date for _, date in released), headings
    assert released[0][0] == VERSION
    sections = set(re.findall(r"^### (.+)$", text, re.M))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


# --- what the artefacts carry ---------------------------------------------------------------


def test_every_package_is_configured():
    """packages in pyproject.toml is a list (the catalogues and schemas are mapped from the top
    of the repository); it must name every package under kinerja_rules/."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "kinerja_rules").rglob("__init__.py")
    }
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert listed - on_disk == {"kinerja_rules.indicator_catalog", "kinerja_rules.schemas"}


def test_the_wheel_carries_code_catalogues_schemas_and_type_hints(wheel_names):
    expected = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "kinerja_rules").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    expected |= {
        f"kinerja_rules/indicator_catalog/{path.relative_to(ROOT / 'indicator_catalog').as_posix()}"
        for pattern in ("*/*.toml", "__init__.py")
        for path in (ROOT / "indicator_catalog").glob(pattern)
    }
    schemas = sorted((ROOT / "schema").glob("*.schema.json"))
    assert len(schemas) == 4
    expected |= {f"kinerja_rules/schemas/{path.name}" for path in [*schemas, Path("__init__.py")]}
    expected.add("kinerja_rules/py.typed")
    assert {"kinerja_rules/audit/__init__.py", "kinerja_rules/plugins/lpka/__init__.py"} < expected
    missing = expected - wheel_names
    assert not missing, sorted(missing)
    assert not {name for name in wheel_names if name.endswith((".pyc", ".egg-info"))}
    assert not {name for name in wheel_names if name.startswith(("tests/", "examples/"))}


def test_the_wheel_declares_its_command_and_extras(dist):
    with zipfile.ZipFile(dist["wheel"]) as archive:
        info = f"kinerja_rules-{VERSION}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "[console_scripts]\nkinerja-rules = kinerja_rules.cli:main" in entry_points
    for extra in ("report", "xlsx", "batch", "dask", "test"):
        assert f"Provides-Extra: {extra}\n" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "License-Expression: MIT" in metadata


def test_the_sdist_carries_what_the_wheel_and_the_tests_are_built_from(sdist_names):
    for name in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "MANIFEST.in",
        ".ci/run",
        ".taplo.toml",
        ".pre-commit-hooks.yaml",
        "kinerja_rules/py.typed",
        "kinerja_rules/audit/__init__.py",
        "indicator_catalog/2023/anggaran.toml",
        "schema/catalogue.schema.json",
        "docs/plugin.md",
        "examples/2023/bapas-lahat.toml",
        "examples/plugin/pyproject.toml",
        "examples/plugin/src/kinerja_rutan/catalog/2024/rutan.toml",
        "tests/test_release.py",
        "benchmarks/bench_startup.py",
    ):
        assert name in sdist_names, name
    unwanted = (
        ".pyc",
        "__pycache__",
        ".venv/",
        "plugin/build/",
        "plugin/src/kinerja_rules_rutan.egg",
    )
    assert not {name for name in sdist_names if any(part in name for part in unwanted)}


def test_twine_check_passes(dist):
    done = run(sys.executable, "-m", "twine", "check", "--strict", dist["sdist"], dist["wheel"])
    assert done.stdout.count("PASSED") == 2, done.stdout


# --- a fresh install runs the README's main command from elsewhere --------------------------


#: Where a user's editor configuration finds the installed schema.
SHIPPED_SCHEMA = (
    "from importlib.resources import files; "
    "print((files('kinerja_rules.schemas') / 'catalogue.schema.json').read_text(), end='')"
)


def main_command_runs() -> list[list[str]]:
    """The kinerja-rules invocations of the README's first command, each split into words."""
    main_job = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    runs = [shlex.split(part) for part in main_job.split("&&")]
    runs = [words for words in runs if words[0] == ".venv/bin/kinerja-rules"]
    assert [words[1] for words in runs] == ["evaluate"] * 2 + ["budget"] * 2 + ["report"] * 2
    return runs


def test_the_wheel_runs_the_readme_main_command_in_a_fresh_environment(dist, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    wheel = f"{dist['wheel']}[report,xlsx]"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}

    where = "import kinerja_rules; print(kinerja_rules.__file__)"
    done = run(python, "-c", where, cwd=elsewhere, env=env)
    assert Path(done.stdout.strip()).is_relative_to(venv)  # the installed copy, not this checkout

    reporting = []
    for words in main_command_runs():
        command = [str(venv / "bin" / "kinerja-rules")]
        for word in words[1:]:  # the example files from the checkout, outputs in elsewhere/
            command.append(str(ROOT / word) if word.startswith("examples/") else word)
        if words[1] != "report":
            assert run(*command, cwd=elsewhere, env=env).stdout, command
            continue
        # The two Bab III are the slowest (Word charts) and independent: written side by side.
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
        reporting.append((command, subprocess.Popen(command, cwd=elsewhere, env=env, **pipes)))
    for command, process in reporting:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"{command}: exit {process.returncode}\n{out}{err}"
        assert "laporan/" in out, command  # the last lines name the files
    reports = sorted(path.name for path in (elsewhere / "laporan").iterdir())
    assert reports == [
        f"{unit}-2023-bab3.{suffix}"
        for unit in ("bapas-lahat", "lpka-pangkalpinang")
        for suffix in ("docx", "html")
    ]
    assert all((elsewhere / "laporan" / name).stat().st_size > 10_000 for name in reports)

    done = run(python, "-m", "kinerja_rules", "--version", cwd=elsewhere, env=env)
    assert done.stdout == f"kinerja-rules {VERSION}\n"
    done = run(python, "-m", "kinerja_rules", "--help", cwd=elsewhere, env=env)
    assert done.stdout.startswith("usage: kinerja-rules")
    # The installed catalogues validate, and the installed schemas are the ones the code writes.
    command = venv / "bin" / "kinerja-rules"
    done = run(command, "validate", "--no-invariants", cwd=elsewhere, env=env)
    files = len(list((ROOT / "indicator_catalog").glob("*/*.toml")))
    assert re.search(rf"^0 error\(s\), \d+ warning\(s\) in {files} file\(s\)", done.stdout, re.M)
    done = run(command, "schema", "catalogue", cwd=elsewhere, env=env)
    shipped = run(python, "-c", SHIPPED_SCHEMA, cwd=elsewhere, env=env).stdout
    assert json.loads(done.stdout) == json.loads(shipped)
