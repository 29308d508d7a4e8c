"""The batch path's optional dependencies (numpy, pyarrow: the ``batch`` extra), checked once with
a message naming the extra. Its own module so the runner and the package can both use it."""

from __future__ import annotations

import importlib.util

INSTALL_HINT = 'pip install "kinerja-rules[batch]"'


class MissingDependency(ImportError):
    """numpy or pyarrow is not installed (the ``batch`` extra)."""


def require() -> None:
    """Raise :class:`MissingDependency`, naming the extra, unless numpy and pyarrow import."""
    missing = [name for name in ("numpy", "pyarrow") if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependency(
            f"batch evaluation needs {' and '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL_HINT}"
        )
