"""kinerja-rules: declarative performance indicators for Indonesian government reports (LKjIP).

The Python API for scripts::

    from kinerja_rules import Engine

    engine = Engine.create()
    report = engine.evaluate_file("examples/2023/bapas-lahat.toml")
    for result in report.indicators:
        print(result.indicator.id, result.status.value, result.capaian and result.capaian.shown)
"""

__version__ = "0.1.0"

from .diagnostics import Diagnostic, KinerjaError, Location, PluginError, Severity
from .engine import Engine, create_plugin_manager
from .formula import Formula, FormulaError, NotMeasurable, compile_formula
from .hookspecs import hookimpl
from .model import Catalogue, Indicator, Polarity, Policy, Sasaran
from .results import Derivation, Figure, IndicatorResult, Report, SasaranResult, Status

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
