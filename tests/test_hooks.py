"""Every hook in kinerja_rules.hookspecs has a test here, named ``test_hook_<hook name>``;
``test_every_hook_is_documented_and_tested`` fails when a hook is added without one."""

from __future__ import annotations

import inspect
import re
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja_rules import (
    Engine,
    KinerjaError,
    NotMeasurable,
    PluginError,
    Status,
    hookimpl,
    hookspecs,
)

from .conftest import RUTAN_CATALOGUE

DATA = textwrap.dedent(
    """\
    unit = "Rutan Uji"
    unit_type = "rutan"
    year = 2024
    [indicators.{indicator_id}]
    A = {a}
    B = {b}
    """
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_hook_is_documented_and_tested():
    hooks = [
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("kinerja_")
    ]
    assert hooks, "no hooks found"
    tests = set(re.findall(r"^def (test_hook_\w+)\(", Path(__file__).read_text(), flags=re.M))
    for name in hooks:
        function = getattr(hookspecs, name)
        doc = inspect.getdoc(function) or ""
        assert ":return:" in doc and len(doc) > 200, f"hook {name} is not documented"
        assert f"test_hook_{name}" in tests, f"hook {name} has no test_hook_{name}"


def test_hook_kinerja_catalogues(tmp_path):
    first = write(
        tmp_path / "a" / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="A / B * 100"),
    )
    # A second file for the same unit type and year, from the same plugin, is merged.
    second = write(
        tmp_path / "b" / "rutan-extra.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan_lain", formula="A / B * 100"),
    )

    class RutanPlugin:
        @hookimpl
        def kinerja_catalogues(self):
            return [first, second]

    engine = Engine.create(entry_points=False, plugins=[RutanPlugin()])
    catalogue = engine.catalogue("rutan", 2024)
    assert [i.id for i in catalogue.indicators] == ["layanan", "layanan_lain"]
    assert engine.catalogues.origins[("rutan", 2024)].startswith("plugin ")
    report = engine.evaluate_file(
        write(tmp_path / "data.toml", DATA.format(indicator_id="layanan", a=3, b=4))
    )
    assert report.indicator("layanan").realisasi.shown == Decimal("75.00")  # 3/4

    class Clashing:
        @hookimpl
        def kinerja_catalogues(self):
            return [first, first]

    with pytest.raises(KinerjaError) as caught:
        Engine.create(entry_points=False, plugins=[Clashing()], lazy=False)
    assert [d.code for d in caught.value.diagnostics] == ["KR205"]
    assert "layanan" in caught.value.diagnostics[0].message


def test_hook_kinerja_not_applicable(tmp_path):
    path = write(
        tmp_path / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="A / B * 100"),
    )
    seen = []

    class Silent:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

        @hookimpl
        def kinerja_not_applicable(self, catalogue, indicator, inputs):
            seen.append((catalogue.unit_type, indicator.id, dict(inputs)))
            return None  # let others decide

    class SmallSample:
        @hookimpl(tryfirst=True)
        def kinerja_not_applicable(self, catalogue, indicator, inputs):
            if catalogue.unit_type == "rutan" and inputs["B"] < 5:
                return "sampel terlalu kecil (B < 5)"
            return None

    engine = Engine.create(entry_points=False, plugins=[Silent(), SmallSample()])
    small = engine.evaluate_file(
        write(tmp_path / "small.toml", DATA.format(indicator_id="layanan", a=3, b=4))
    )
    result = small.indicator("layanan")
    assert (result.status, result.na_reason, result.realisasi) == (
        Status.TIDAK_DAPAT_DIUKUR,
        "sampel terlalu kecil (B < 5)",
        None,
    )
    assert seen == []  # firstresult: the first plugin to answer stops the call
    large = engine.evaluate_file(
        write(tmp_path / "large.toml", DATA.format(indicator_id="layanan", a=9, b=10))
    )
    assert large.indicator("layanan").realisasi.shown == Decimal("90.00")
    assert seen == [("rutan", "layanan", {"A": Decimal(9), "B": Decimal(10)})]


def test_hook_kinerja_not_applicable_batch(tmp_path):
    """A plugin's batch form lets kinerja-rules batch apply its N/A rule to whole columns; the
    rows it gives are the per-row engine's. Without it, the catalogue goes per row."""
    import pyarrow as pa  # the batch extra: the test command installs it

    from kinerja_rules.batch import NotApplicableWhen, evaluate_table
    from kinerja_rules.batch.plan import build_plans

    path = write(
        tmp_path / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="A / B * 100"),
    )

    class SmallSample:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

        @hookimpl
        def kinerja_not_applicable(self, catalogue, inputs):
            if catalogue.unit_type == "rutan" and inputs["B"] < 5:
                return "sampel terlalu kecil (B < 5)"
            return None

    class WithBatchForm(SmallSample):
        @hookimpl
        def kinerja_not_applicable_batch(self, catalogue):
            if catalogue.unit_type != "rutan":
                return None
            return NotApplicableWhen("B < 5", "sampel terlalu kecil (B < 5)")

    columns = {
        "unit": ["Rutan A", "Rutan A", "Rutan B", "Rutan B"],
        "unit_type": ["rutan"] * 4,
        "year": [2024] * 4,
        "period": [""] * 4,
        "indicator": ["layanan"] * 4,
        "input": ["A", "B", "A", "B"],
        "value": ["3", "4", "9", "10"],
    }
    rows = {}
    for plugin in (WithBatchForm(), SmallSample()):
        engine = Engine.create(entry_points=False, plugins=[plugin])
        plan = build_plans(engine, (None,))[("rutan", 2024)]
        rows[type(plugin).__name__] = (plan.per_row, evaluate_table(engine, pa.table(columns)))
    covered, table = rows["WithBatchForm"]
    assert covered is None  # the columnar path covers the catalogue
    by_unit = {(r["unit"], r["id"]): r for r in table.to_pylist()}
    assert by_unit[("Rutan A", "layanan")]["na_reason"] == "sampel terlalu kecil (B < 5)"
    assert by_unit[("Rutan B", "layanan")]["realisasi"] == 90  # 9 / 10 × 100
    per_row, same = rows["SmallSample"]
    assert "no batch form" in per_row  # evaluated per row instead: the same rows
    assert same.to_pylist() == table.to_pylist()


def test_hook_kinerja_formula_functions(tmp_path):
    path = write(
        tmp_path / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="persen(A, B)"),
    )

    def persen(part: Decimal, whole: Decimal) -> Decimal:
        if whole == 0:
            raise NotMeasurable("tidak ada tahanan")
        return part * 100 / whole

    class Functions:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

        @hookimpl
        def kinerja_formula_functions(self):
            return {"persen": persen}

    engine = Engine.create(entry_points=False, plugins=[Functions()])
    report = engine.evaluate_file(
        write(tmp_path / "d.toml", DATA.format(indicator_id="layanan", a=1, b=8))
    )
    assert report.indicator("layanan").realisasi.exact == Decimal("12.5")  # 1 x 100 / 8
    empty = engine.evaluate_file(
        write(tmp_path / "e.toml", DATA.format(indicator_id="layanan", a=0, b=0))
    )
    assert empty.indicator("layanan").na_reason == "tidak ada tahanan"

    # Without the plugin the catalogue is refused: formulas get exactly the registered functions.
    class OnlyCatalogue:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

    with pytest.raises(KinerjaError) as caught:
        Engine.create(entry_points=False, plugins=[OnlyCatalogue()], lazy=False)
    assert caught.value.diagnostics[0].code == "KR304"

    class Shadowing:
        @hookimpl
        def kinerja_formula_functions(self):
            return {"min": lambda *args: Decimal(0)}

    with pytest.raises(PluginError, match="both register formula function 'min'"):
        Engine.create(entry_points=False, plugins=[Shadowing()])

    class Floaty:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

        @hookimpl
        def kinerja_formula_functions(self):
            return {"persen": lambda a, b: float(a) / float(b)}

    engine = Engine.create(entry_points=False, plugins=[Floaty()])
    with pytest.raises(PluginError, match=r"persen\(\) returned float"):
        engine.evaluate_file(
            write(tmp_path / "f.toml", DATA.format(indicator_id="layanan", a=1, b=8))
        )


def test_builtin_plugins_use_the_hooks():
    engine = Engine.create(entry_points=False)
    names = dict(engine.plugin_manager.list_name_plugin())
    assert {"lpka", "bapas"} <= set(names)
    for name in ("lpka", "bapas"):
        callers = {c.name for c in engine.plugin_manager.get_hookcallers(names[name])}
        assert {"kinerja_catalogues", "kinerja_not_applicable"} <= callers
    assert sys.modules["kinerja_rules.plugins.lpka"].kinerja_catalogues()


def test_bapas_unit_count_without_target_is_not_applicable(tmp_path):
    text = (Path(__file__).parent.parent / "indicator_catalog" / "2023" / "bapas.toml").read_text(
        encoding="utf-8"
    )
    # A year in which no vehicle is planned: the PK sets a 0 Unit target.
    write(tmp_path / "bapas.toml", text.replace("target = 10\n", "target = 0\n"))
    engine = Engine.create([tmp_path], entry_points=False)
    report = engine.evaluate_file(
        Path(__file__).parent.parent / "examples" / "2023" / "bapas-lahat.toml"
    )
    result = report.indicator("kendaraan_bermotor")
    assert result.status is Status.TIDAK_DAPAT_DIUKUR
    assert result.na_reason == "tidak ada target Unit tahun 2023"
    assert report.sasaran[1].measured == 8


def test_hook_kinerja_check_catalogue(tmp_path):
    from kinerja_rules import Diagnostic, Severity
    from kinerja_rules.validation import render, validate

    path = write(
        tmp_path / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="A / B * 100 if B > 0 else 0"),
    )

    class NoZeroFallback:
        """A unit type's own rule: a ratio must not fall back to 0 when its population is empty."""

        @hookimpl
        def kinerja_check_catalogue(self, catalogue):
            for indicator in catalogue.indicators:
                if "else 0" in indicator.formula.text:
                    yield Diagnostic(
                        "RUTAN001",
                        f"indicator '{indicator.id}': 'else 0' turns 'cannot be measured' into 0",
                        indicator.where("formula"),
                        "declare [indicator.not_applicable] instead",
                        Severity.ERROR,
                    )

    result = validate([path], entry_points=False, plugins=[NoZeroFallback()], invariants=None)
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "RUTAN001"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("formula ="))
    assert (diagnostic.location.file, diagnostic.location.line) == (str(path), line)
    assert result.exit_code() == 1
    assert f"{path}:{line}:11: error RUTAN001:" in render(result, "text")

    class Broken:
        @hookimpl
        def kinerja_check_catalogue(self, catalogue):
            return ["not a diagnostic"]

    with pytest.raises(PluginError, match="not a Diagnostic"):
        validate([path], entry_points=False, plugins=[Broken()], invariants=None)


def test_hook_kinerja_decreasing_words(tmp_path):
    from kinerja_rules.validation import validate

    text = RUTAN_CATALOGUE.format(indicator_id="residivis", formula="A / B * 100").replace(
        'name = "Persentase tahanan yang mendapat layanan"',
        'name = "Persentase Tahanan Residivis"',
    )
    text += '[indicator.not_applicable]\nwhen = "B == 0"\nreason = "tidak ada tahanan"\n'
    path = write(tmp_path / "rutan.toml", text)

    def kr210(plugins):
        result = validate([path], entry_points=False, plugins=plugins, invariants=None)
        return [d for d in result.diagnostics if d.code == "KR210"]

    assert kr210([]) == []  # "residivis" is not a built-in word

    class RutanWords:
        @hookimpl
        def kinerja_decreasing_words(self):
            return ["residivis"]

    [warning] = kr210([RutanWords()])
    assert "'Residivis'" in warning.message  # matched case-insensitively, as written
    lines = [n for n, row in enumerate(text.splitlines(), 1) if row.startswith("name = ")]
    assert warning.location.line == lines[1]  # the indicator's name (lines[0] is the sasaran's)
    # Declared polarity: the word is then a choice the maintainer made, not a slip.
    path.write_text(text.replace('unit = "%"', 'unit = "%"\npolarity = "lower"'), "utf-8")
    assert kr210([RutanWords()]) == []

    class Broken:
        @hookimpl
        def kinerja_decreasing_words(self):
            return [42]

    with pytest.raises(PluginError, match="not a string"):
        kr210([Broken()])


def test_hook_kinerja_dimensions(tmp_path):
    from kinerja_rules.dimensions import Term
    from kinerja_rules.validation import validate

    text = RUTAN_CATALOGUE.format(indicator_id="kunjungan", formula="A / B * 100").replace(
        'A = { description = "Jumlah tahanan yang mendapat layanan" }\n'
        'B = { description = "Jumlah tahanan" }',
        'A = { description = "Jumlah pengunjung yang puas", counts = "pengunjung" }\n'
        'B = { description = "Jumlah orang yang berkunjung", counts = "orang" }',
    )
    text += '[indicator.not_applicable]\nwhen = "B == 0"\nreason = "tidak ada kunjungan"\n'
    path = write(tmp_path / "rutan.toml", text)

    def codes(plugins):
        result = validate([path], entry_points=False, plugins=plugins, invariants=None)
        return [d.code for d in result.diagnostics]

    assert codes([]) == ["KR801"]  # "pengunjung" is not a built-in word

    class Visitors:
        @hookimpl
        def kinerja_dimensions(self):
            return [Term("pengunjung", "count", parent="orang")]

    # A kind of orang: pengunjung ÷ orang is a share, × 100 a percent — proved, nothing to say.
    assert codes([Visitors()]) == []
    # The word also names a unit: a count of pengunjung cannot be a percentage.
    path.write_text(text.replace('unit = "%"', 'unit = "Pengunjung"'), "utf-8")
    assert codes([Visitors()]) == ["KR802"]

    class Broken:
        @hookimpl
        def kinerja_dimensions(self):
            return ["pengunjung"]

    with pytest.raises(PluginError, match="not a kinerja_rules.dimensions.Term"):
        codes([Broken()])


def test_not_applicable_resolved_once_keeps_pluggy_semantics(tmp_path):
    """The engine calls plain kinerja_not_applicable implementations directly (no per-call
    dispatch); order, firstresult, implementations taking only some arguments, hook wrappers
    and tracing behave exactly as pluggy's own call."""
    path = write(
        tmp_path / "rutan.toml",
        RUTAN_CATALOGUE.format(indicator_id="layanan", formula="A / B * 100"),
    )
    calls = []

    class Catalogue:
        @hookimpl
        def kinerja_catalogues(self):
            return [path]

    class OnlyInputs:  # takes one of the three arguments, as pluggy allows
        @hookimpl
        def kinerja_not_applicable(self, inputs):
            calls.append("inputs")
            return "B kecil" if inputs["B"] < 5 else None

    class Late:
        @hookimpl(trylast=True)
        def kinerja_not_applicable(self, indicator):
            calls.append("late")
            return None

    data = write(tmp_path / "small.toml", DATA.format(indicator_id="layanan", a=3, b=4))
    engine = Engine.create(entry_points=False, plugins=[Catalogue(), OnlyInputs(), Late()])
    assert engine.evaluate_file(data).indicator("layanan").na_reason == "B kecil"
    assert calls == ["inputs"]  # trylast runs after, and firstresult stopped before it

    class Wrapper:
        @hookimpl(wrapper=True)
        def kinerja_not_applicable(self, catalogue, indicator, inputs):
            reason = yield
            return f"{reason} (dibungkus)" if reason else reason

    calls.clear()
    wrapped = Engine.create(
        entry_points=False, plugins=[Catalogue(), OnlyInputs(), Late(), Wrapper()]
    )
    assert wrapped.evaluate_file(data).indicator("layanan").na_reason == "B kecil (dibungkus)"

    traced = []
    engine.plugin_manager.add_hookcall_monitoring(
        lambda name, impls, kwargs: traced.append(name), lambda *args: None
    )
    assert engine.evaluate_file(data).indicator("layanan").na_reason == "B kecil"
    assert "kinerja_not_applicable" in traced  # a monitored manager keeps pluggy's call
