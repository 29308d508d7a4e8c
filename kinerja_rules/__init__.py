"""kinerja-rules: declarative performance indicators for Indonesian government reports (LKjIP).

The Python API for scripts::

    from kinerja_rules import Engine

    engine = Engine.create()
    report = engine.evaluate_file("examples/2023/bapas-lahat.toml")
    for result in report.indicators:
        print(result.indicator.id, result.status.value, result.capaian and result.capaian.shown)

The names below are imported on first use (``import kinerja_rules`` alone imports nothing else,
so the command line starts quickly and loads only what a command needs).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each exported name and the module that defines it.
_EXPORTS = {
    "Catalogue": "model",
    "Derivation": "results",
    "Diagnostic": "diagnostics",
    "Engine": "engine",
    "Figure": "results",
    "Formula": "formula",
    "FormulaError": "formula",
    "Indicator": "model",
    "IndicatorResult": "results",
    "KinerjaError": "diagnostics",
    "Location": "diagnostics",
    "NotMeasurable": "formula",
    "PluginError": "diagnostics",
    "Polarity": "model",
    "Policy": "model",
    "Report": "results",
    "Sasaran": "model",
    "SasaranResult": "results",
    "Severity": "diagnostics",
    "Status": "results",
    "compile_formula": "formula",
    "create_plugin_manager": "engine",
    "hookimpl": "hookspecs",
}

__all__ = [
    "Catalogue",
    "Derivation",
    "Diagnostic",
    "Engine",
    "Figure",
    "Formula",
    "FormulaError",
    "Indicator",
    "IndicatorResult",
    "KinerjaError",
    "Location",
    "NotMeasurable",
    "PluginError",
    "Polarity",
    "Policy",
    "Report",
    "Sasaran",
    "SasaranResult",
    "Severity",
    "Status",
    "compile_formula",
    "create_plugin_manager",
    "hookimpl",
]

if TYPE_CHECKING:
    from .decimals import Figure
    from .diagnostics import (
        Diagnostic,
        KinerjaError,
        Location,
        NotMeasurable,
        PluginError,
        Severity,
    )
    from .engine import Engine, create_plugin_manager
    from .formula import Formula, FormulaError, compile_formula
    from .hookspecs import hookimpl
    from .model import Catalogue, Indicator, Polarity, Policy, Sasaran
    from .results import Derivation, IndicatorResult, Report, SasaranResult, Status


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # found once: later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
