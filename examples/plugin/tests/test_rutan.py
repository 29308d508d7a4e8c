"""The plugin's own tests: run them with the plugin installed (``pip install -e ".[test]"``,
then ``pytest``), so that kinerja-rules finds it through its entry point as users' installs do.

Every figure is computed by hand in the comments beside it.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kinerja_rules import Engine, Status
from kinerja_rules.formula import BOOLEAN, compile_formula

import kinerja_rutan

DATA = Path(__file__).resolve().parent.parent / "data" / "rutan-contoh-2024.toml"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create()  # the built-in unit types and every installed plugin, this one too


def test_the_entry_point_registers_the_plugin(engine):
    assert engine.plugin_manager.get_plugin("rutan") is kinerja_rutan
    catalogue = engine.catalogue("rutan", 2024)
    assert [indicator.id for indicator in catalogue.indicators] == ["bantuan_hukum"]


def test_the_example_data_evaluates(engine):
    report = engine.evaluate_file(DATA)
    result = report.indicator("bantuan_hukum")
    # realisasi = A / B × 100 = 412 / 530 × 100 = 77,7358…% → 77,74
    assert round(result.realisasi.exact, 10) == Decimal("77.7358490566")
    assert result.realisasi.shown == Decimal("77.74")
    # capaian = realisasi / target × 100 = 77,7358… / 80 × 100 = 97,1698…% → 97,17
    assert round(result.capaian.exact, 10) == Decimal("97.1698113208")
    assert result.capaian.shown == Decimal("97.17")
    assert result.status is Status.TIDAK_TERCAPAI  # below 100
    [sasaran] = report.sasaran
    assert (sasaran.capaian.shown, sasaran.measured, sasaran.total) == (Decimal("97.17"), 1, 1)


def test_no_detainee_is_not_measurable(engine, tmp_path):
    data = tmp_path / "kosong.toml"
    data.write_text(DATA.read_text(encoding="utf-8").replace("A = 412\nB = 530", "A = 0\nB = 0"))
    report = engine.evaluate_file(data)
    result = report.indicator("bantuan_hukum")
    assert result.status is Status.TIDAK_DAPAT_DIUKUR
    assert result.na_reason == "tidak ada tahanan (B = 0)"  # the plugin's reason, not 0%
    assert result.realisasi is None and result.capaian is None
    assert report.sasaran[0].measured == 0  # left out of the sasaran's mean


def test_the_rule_speaks_only_of_rutan(engine):
    bapas = engine.catalogue("bapas", 2023)
    for indicator in bapas.indicators:
        zeros = {spec.name: Decimal(0) for spec in indicator.inputs}
        assert kinerja_rutan.kinerja_not_applicable(bapas, indicator, zeros) is None
        assert kinerja_rutan.kinerja_not_applicable_batch(bapas, indicator) is None


@settings(max_examples=50, deadline=None, derandomize=True)
@given(a=st.integers(0, 3), b=st.integers(0, 3))
def test_the_batch_form_agrees_with_the_rule(engine, a, b):
    catalogue = engine.catalogue("rutan", 2024)
    for indicator in catalogue.indicators:
        inputs = {"A": Decimal(a), "B": Decimal(b)}
        expected = kinerja_rutan.kinerja_not_applicable(catalogue, indicator, inputs)
        rule = kinerja_rutan.kinerja_not_applicable_batch(catalogue, indicator)
        holds = rule is not None and (
            rule.when is None
            or compile_formula(rule.when, set(inputs), engine.functions, BOOLEAN).evaluate(inputs)
        )
        assert (rule.reason if holds else None) == expected


def test_the_catalogue_validates_without_warnings():
    catalog = Path(kinerja_rutan.__file__).parent / "catalog"
    done = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "validate", str(catalog), "--strict"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s), 0 warning(s) in 1 file(s), 1 catalogue(s)" in done.stdout
