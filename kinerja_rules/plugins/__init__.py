"""The built-in unit-type plugins, and what they share: finding the bundled catalogues."""

from __future__ import annotations

import functools
from importlib import util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.abc.Traversable moved to importlib.resources.abc in 3.11
    from importlib.resources.abc import Traversable

#: The repository keeps the catalogues at its top (``indicator_catalog/``, where maintainers look
#: for them); an install puts them inside the package as ``kinerja_rules.indicator_catalog``.
SOURCE_TREE_CATALOGUES = Path(__file__).resolve().parents[2] / "indicator_catalog"


PACKAGE = "kinerja_rules.indicator_catalog"


@functools.cache
def catalogue_root() -> Traversable | Path:
    """Where the bundled catalogues are: in the installed package, or beside the package in a
    source checkout — which is what ``python -m kinerja_rules`` imports when run from the
    repository root, whether the installed copy is editable or not.

    A package installed as a directory is found without importing it (every command's start-up
    pays for this); one inside an archive is read through :mod:`importlib.resources`."""
    try:
        spec = util.find_spec(PACKAGE)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        return SOURCE_TREE_CATALOGUES
    locations = list(spec.submodule_search_locations or ())
    if len(locations) == 1 and Path(locations[0]).is_dir():
        return Path(locations[0])
    from importlib import resources

    return resources.files(PACKAGE)


def bundled_catalogues(unit_type: str) -> list[Traversable | Path]:
    """The packaged ``indicator_catalog/<year>/<unit_type>.toml`` files, oldest year first."""
    root = catalogue_root()
    years = sorted(
        (entry for entry in root.iterdir() if entry.is_dir() and entry.name.isdigit()),
        key=lambda entry: entry.name,
    )
    return [year / f"{unit_type}.toml" for year in years if (year / f"{unit_type}.toml").is_file()]
