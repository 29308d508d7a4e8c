"""Optional dependencies of the reports: imported only when a report is written.

``import kinerja_rules`` stays fast and works without them; a missing one is a clear message
naming the pip extra, not a bare ``ModuleNotFoundError`` from deep inside a renderer.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The name pip knows a module by, where it differs from the import name.
_DISTRIBUTIONS = {"docx": "python-docx", "PIL": "pillow"}


def require(module: str, extra: str = "report") -> ModuleType:
    """Import ``module`` or raise a :class:`RuntimeError` telling how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        top = module.partition(".")[0]
        name = _DISTRIBUTIONS.get(top, top)
        raise RuntimeError(
            f'the report needs {name}: pip install "kinerja-rules[{extra}]"'
        ) from error
