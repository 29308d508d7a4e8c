"""A third-party plugin distribution, installed with pip, is found through the ``kinerja_rules``
entry-point group: its catalogue, its formula function and its N/A rule all work, with no change
to kinerja-rules. The wheel is built here by hand (it is only a zip file) so no build backend or
network is needed; pip installs it into a private directory put on ``PYTHONPATH``."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from .conftest import RUTAN_CATALOGUE

PLUGIN = textwrap.dedent(
    '''\
    """kinerja-tiny: a made-up unit type (rutan) for the entry-point test."""
    from decimal import Decimal
    from pathlib import Path

    from kinerja_rules import hookimpl


    @hookimpl
    def kinerja_catalogues():
        return [Path(__file__).with_name("rutan-2024.toml")]


    @hookimpl
    def kinerja_formula_functions():
        return {"persen": lambda part, whole: part * 100 / whole}


    @hookimpl
    def kinerja_not_applicable(catalogue, indicator, inputs):
        if catalogue.unit_type == "rutan" and inputs.get("B") == 0:
            return "tidak ada tahanan"
        return None
    '''
)

CATALOGUE = RUTAN_CATALOGUE.format(indicator_id="layanan_tahanan", formula="persen(A, B)")


def build_wheel(directory: Path) -> Path:
    files = {
        "kinerja_tiny/__init__.py": PLUGIN,
        "kinerja_tiny/rutan-2024.toml": CATALOGUE,
        "kinerja_tiny-0.1.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: kinerja-tiny\nVersion: 0.1\n"
        ),
        "kinerja_tiny-0.1.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: kinerja-rules-tests\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        "kinerja_tiny-0.1.dist-info/entry_points.txt": "[kinerja_rules]\ntiny = kinerja_tiny\n",
    }
    record = []
    for name, text in files.items():
        digest = (
            base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        )
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("kinerja_tiny-0.1.dist-info/RECORD,,")
    files["kinerja_tiny-0.1.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = directory / "kinerja_tiny-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    target = root / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(build_wheel(root)),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return target


def run(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
    )
    return subprocess.run(
        [sys.executable, "-m", "kinerja_rules", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_installed_plugin_is_listed(site):
    result = run(site, "plugins")
    assert result.returncode == 0, result.stderr
    assert (
        "tiny (kinerja_tiny): kinerja_catalogues, kinerja_formula_functions, kinerja_not_applicable"
        in result.stdout
    )
    assert "rutan 2024: 1 indicators, from plugin tiny" in result.stdout
    assert "Formula functions: min, max, abs, persen" in result.stdout


def test_installed_plugin_evaluates(site, tmp_path):
    data = tmp_path / "rutan.toml"
    data.write_text(
        'unit = "Rutan Uji"\nunit_type = "rutan"\nyear = 2024\n'
        "[indicators.layanan_tahanan]\nA = 45\nB = 50\n",
        encoding="utf-8",
    )
    result = run(site, "evaluate", str(data), "--format", "json")
    assert result.returncode == 0, result.stderr
    [indicator] = json.loads(result.stdout)["indicators"]
    assert (indicator["realisasi"], indicator["capaian"]) == (90.0, 112.5)  # 45/50; 90/80
    data.write_text(data.read_text().replace("A = 45\nB = 50", "A = 0\nB = 0"), encoding="utf-8")
    result = run(site, "evaluate", str(data), "--format", "json")
    [indicator] = json.loads(result.stdout)["indicators"]
    assert (indicator["status"], indicator["na_reason"]) == (
        "tidak dapat diukur",
        "tidak ada tahanan",
    )


def test_the_entry_point_scan_is_never_wrong_about_an_installed_plugin(tmp_path, monkeypatch):
    """The fast scan may only say False when no distribution on sys.path declares the group."""
    from kinerja_rules.engine import may_declare_entry_points

    site = tmp_path / "site"
    (site / "other-1.0.dist-info").mkdir(parents=True)
    (site / "other-1.0.dist-info" / "entry_points.txt").write_text("[console_scripts]\nx = y\n")
    monkeypatch.setattr(sys, "path", [str(site)])
    from importlib.machinery import PathFinder

    # Only the standard finder (other tests install finders that know distributions of their
    # own, for which the scan rightly answers "maybe").
    monkeypatch.setattr(sys, "meta_path", [PathFinder])
    assert may_declare_entry_points("kinerja_rules") is False
    (site / "Tiny-0.1.dist-info").mkdir()
    (site / "Tiny-0.1.dist-info" / "entry_points.txt").write_text(" [ kinerja_rules ]\nt = t\n")
    assert may_declare_entry_points("kinerja_rules") is True
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip on the path: cannot tell
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert may_declare_entry_points("kinerja_rules") is True

    class Finder:  # a finder with distributions of its own: cannot tell either
        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "path", [str(site)])
    (site / "Tiny-0.1.dist-info" / "entry_points.txt").unlink()
    assert may_declare_entry_points("kinerja_rules") is False
    monkeypatch.setattr(sys, "meta_path", [Finder, PathFinder])
    assert may_declare_entry_points("kinerja_rules") is True
