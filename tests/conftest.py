"""Shared fixtures and the hypothesis settings profiles.

Profiles bound how many examples each property tries, so the whole suite stays fast on a 2-core
machine without weakening any property: ``ci`` (the default, derandomized so CI is reproducible)
and ``thorough`` for a long local run (``HYPOTHESIS_PROFILE=thorough pytest``).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kinerja_rules import Engine

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent


def shown_as_documented(actual: list[str], expected: list[str]) -> bool:
    """A command's output lines against a page's: equal, or with "…" lines standing for any
    lines between the ones shown (in order)."""
    if "…" not in expected:
        return actual == expected
    position = 0
    for line in (line for line in expected if line != "…"):
        try:
            position = actual.index(line, position) + 1
        except ValueError:
            return False
    return True


EXAMPLES = ROOT / "examples"
CATALOG = ROOT / "indicator_catalog"

#: A one-indicator catalogue for a made-up unit type; fill in indicator_id and formula.
RUTAN_CATALOGUE = textwrap.dedent(
    """\
    format_version = 2
    year = 2024
    unit_type = "rutan"
    title = "Rutan 2024"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Meningkatnya pelayanan tahanan"

    [[indicator]]
    id = "{indicator_id}"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase tahanan yang mendapat layanan"
    unit = "%"
    formula = "{formula}"
    target = 80
    [indicator.inputs]
    A = {{ description = "Jumlah tahanan yang mendapat layanan" }}
    B = {{ description = "Jumlah tahanan" }}
    """
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine with only the built-in plugins (no third-party entry points)."""
    return Engine.create(entry_points=False)


@pytest.fixture(scope="session")
def bapas_2023(engine):
    return engine.evaluate_file(EXAMPLES / "2023" / "bapas-lahat.toml")


@pytest.fixture(scope="session")
def lpka_2023(engine):
    return engine.evaluate_file(EXAMPLES / "2023" / "lpka-pangkalpinang.toml")


#: A Bapas indicator a maintainer adds next year (for the --catalog and validate workflows).
LITMAS_INDICATOR = textwrap.dedent(
    """
    [[indicator]]
    id = "litmas_tepat_waktu"
    sasaran = "SK1"
    level = "IKK"
    name = "Persentase Litmas yang diselesaikan tepat waktu"
    unit = "%"
    polarity = "higher"
    formula = "A / B * 100"
    target = 90
    [indicator.inputs]
    A = { description = "Jumlah Litmas yang selesai tepat waktu" }
    B = { description = "Jumlah permintaan Litmas" }
    """
)


def engine_with(tmp_path: Path, text: str) -> Engine:
    """An engine with one made-up catalogue (``katalog/uji.toml``) beside the built-in ones."""
    folder = tmp_path / "katalog"
    folder.mkdir(exist_ok=True)
    (folder / "uji.toml").write_text(text, encoding="utf-8")
    return Engine.create([folder], entry_points=False, lazy=False)


def evaluate_entries(tmp_path: Path, engine: Engine, entries: dict[str, str]):
    """Evaluate a "uji" 2024 data file whose ``[indicators.<id>]`` tables hold ``entries``."""
    data = 'unit = "Uji"\nunit_type = "uji"\nyear = 2024\n' + "".join(
        f"[indicators.{key}]\n{value}\n" for key, value in entries.items()
    )
    path = tmp_path / "data.toml"
    path.write_text(data, encoding="utf-8")
    return engine.evaluate_file(path)
