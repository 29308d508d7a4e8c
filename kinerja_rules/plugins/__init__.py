"""The built-in unit-type plugins, and what they share: finding the bundled catalogues."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.abc.Traversable moved to importlib.resources.abc in 3.11
    from importlib.resources.abc import Traversable


def bundled_catalogues(unit_type: str) -> list[Traversable]:
    """The packaged ``indicator_catalog/<year>/<unit_type>.toml`` files, oldest year first."""
    root = resources.files("kinerja_rules.indicator_catalog")
    years = sorted(
        (entry for entry in root.iterdir() if entry.is_dir() and entry.name.isdigit()),
        key=lambda entry: entry.name,
    )
    return [year / f"{unit_type}.toml" for year in years if (year / f"{unit_type}.toml").is_file()]
