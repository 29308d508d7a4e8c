"""The batch path's optional dependencies, checked once with a message naming the extra to
install: numpy and pyarrow (the ``batch`` extra), and for a run on a Dask cluster also dask and
distributed (the ``dask`` extra). Its own module so the runner and the package can both use it.

Only :func:`importlib.util.find_spec` of top-level names is used, so checking imports nothing.
"""

from __future__ import annotations

import importlib.util

INSTALL_HINT = 'pip install "kinerja-rules[batch]"'
DASK_INSTALL_HINT = 'pip install "kinerja-rules[dask]"'


class MissingDependency(ImportError):
    """An optional dependency of the batch path is not installed (the message names the extra)."""


def _missing(names) -> list[str]:
    return [name for name in names if importlib.util.find_spec(name) is None]


def _message(what: str, missing: list[str], hint: str) -> str:
    verb = "is" if len(missing) == 1 else "are"
    return f"{what} needs {' and '.join(missing)}, which {verb} not installed: {hint}"


def require() -> None:
    """Raise :class:`MissingDependency`, naming the extra, unless numpy and pyarrow import."""
    missing = _missing(("numpy", "pyarrow"))
    if missing:
        raise MissingDependency(_message("batch evaluation", missing, INSTALL_HINT))


def require_dask() -> None:
    """Raise :class:`MissingDependency` naming the ``dask`` extra (which brings numpy and
    pyarrow too) unless everything a run on a Dask cluster imports is installed."""
    missing = _missing(("dask", "distributed", "numpy", "pyarrow"))
    if missing:
        raise MissingDependency(_message("a run on a Dask cluster", missing, DASK_INSTALL_HINT))
