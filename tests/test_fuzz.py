"""Fuzzing: mutated catalogues, data, budget and score files never crash kinerja-rules.

Every file a user hands kinerja-rules may be wrong in any way (a value replaced by ``nan``,
``1e999999999``, ``-5`` or ``"string"``; a key dropped, duplicated or renamed; a table turned
into an array of tables; a byte flipped). Whatever the input, each run must end in one of two
ways: success with finite figures, or a :class:`KinerjaError` whose every diagnostic says where
the problem is — never a traceback, never ``NaN`` or ``Infinity`` in a report, never a hang.

The mutants (:mod:`tests.fuzzing`) start from the bundled files. Each case goes through the
Python API, renders the result in every output format and language, and runs
``kinerja_rules.cli.main`` (in-process) in one drawn format and language: the CLI builds its own
engine, which costs a tenth of a second per run, and must print exactly what the API renders, so
the API's renderings stand for the CLI's. Checked for each case:

* the API raises nothing but ``KinerjaError``, and every diagnostic is located (file, and a line
  or a field); a successful result holds only finite numbers;
* ``main`` returns 0 or 1 (2 is a usage error, which these command lines are not), raises
  nothing, prints no traceback, agrees with the API about success and prints what it renders;
* ``validate`` refuses every catalogue ``Engine.create`` refuses;
* every JSON output is strict JSON: no ``NaN``/``Infinity``, no number a double cannot hold, no
  integer Python's ``json`` refuses; no report prints ``nan``/``inf``;
* the case finishes within :data:`CASE_SECONDS` (a hang detector: a SIGALRM at
  :data:`ALARM_SECONDS` turns a hang into a failure with a falsifying example, and
  ``faulthandler`` kills a run stuck in C code after :data:`KILL_SECONDS`, printing every
  thread's stack).

The ``ci`` profile (the default) is derandomized and runs :data:`CI_EXAMPLES` examples per test
(about 40 s for the file on a 2-core machine) and reports failures unshrunk (see
:data:`PHASES`); ``HYPOTHESIS_PROFILE=thorough`` runs ten times as many, random, and shrinks.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import itertools
import json
import math
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kinerja_rules import Engine, KinerjaError, Report
from kinerja_rules.budget.render import render_budget
from kinerja_rules.budget.report import evaluate_budget_file
from kinerja_rules.cli import main
from kinerja_rules.formatting import LANGS
from kinerja_rules.render import FORMATS, explain, render
from kinerja_rules.validation import FORMATS as VALIDATE_FORMATS
from kinerja_rules.validation import render as render_validation
from kinerja_rules.validation import validate

from .conftest import CATALOG, EXAMPLES, ROOT
from .fuzzing import Mutant, mutated_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: Wall-clock bound of one case (API and CLI runs of one mutant); the bundled files take < 1 s.
CASE_SECONDS = 10.0
#: A case still running after this long is interrupted (SIGALRM) and fails.
ALARM_SECONDS = 20.0
#: A case stuck where SIGALRM cannot interrupt it (C code) kills the test process.
KILL_SECONDS = 120.0

#: Examples per fuzz test under the ``ci`` profile; ``thorough`` runs ten times as many.
CI_EXAMPLES = 60
THOROUGH_FACTOR = 10

DATA_FILES = (
    EXAMPLES / "2023" / "lpka-pangkalpinang.toml",
    EXAMPLES / "2023" / "bapas-lahat.toml",
    EXAMPLES / "2022" / "lpka-pangkalpinang.toml",
    EXAMPLES / "2022" / "bapas-lahat.toml",
)
#: Each bundled indicator catalogue and the bundled data file it evaluates.
CATALOGUES = {
    CATALOG / "2023" / "lpka.toml": EXAMPLES / "2023" / "lpka-pangkalpinang.toml",
    CATALOG / "2023" / "bapas.toml": EXAMPLES / "2023" / "bapas-lahat.toml",
    CATALOG / "2022" / "lpka.toml": EXAMPLES / "2022" / "lpka-pangkalpinang.toml",
    CATALOG / "2022" / "bapas.toml": EXAMPLES / "2022" / "bapas-lahat.toml",
}
BUDGET_FILES = (
    EXAMPLES / "2023" / "lpka-pangkalpinang-anggaran.toml",
    EXAMPLES / "2023" / "bapas-lahat-anggaran.toml",
)
SCORE_CATALOGUE = CATALOG / "2023" / "anggaran.toml"

#: Words a report must never print: a non-finite Decimal or float leaked into a figure.
NON_FINITE = re.compile(r"\b(?:s?NaN|-?Infinity|nan|-?inf)\b")
#: A TOML string literal on one line (a report may echo its words: ``name = "nan%"``).
STRING_LITERAL = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")


def _profile_name() -> str:
    getter = getattr(settings, "get_current_profile_name", None)  # hypothesis >= 6.125
    return getter() if getter is not None else os.environ.get("HYPOTHESIS_PROFILE", "ci")


def _suppressed() -> list[HealthCheck]:
    """The profile's suppressed health checks, plus those a fuzz test trips by design.

    ``validate`` proves invariants with its own ``@given``, so running it inside a fuzz case
    nests ``@given``; mutants are big (5000-digit numbers), and a case takes a second.
    """
    checks = set(settings().suppress_health_check) | {HealthCheck.too_slow}
    checks |= {HealthCheck.data_too_large, HealthCheck.large_base_example}
    nested = getattr(HealthCheck, "nested_given", None)  # hypothesis >= 6.127
    if nested is not None:
        checks.add(nested)
    return sorted(checks, key=lambda check: check.value)


EXAMPLES_PER_TEST = CI_EXAMPLES * (THOROUGH_FACTOR if _profile_name() == "thorough" else 1)

#: Under ``ci`` a failure is reported unshrunk: a case costs a tenth of a second and more, so
#: shrinking can take hypothesis's full five minutes per test, and a mutant's repr is already a
#: short recipe (at most four edits). ``thorough`` shrinks.
PHASES = tuple(phase for phase in Phase if _profile_name() != "ci" or phase is not Phase.shrink)

#: The loaded profile's settings (``derandomize`` included), with the fuzz tests' example count.
fuzz_settings = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=_suppressed(),
    phases=PHASES,
)

ORIGINALS = {
    path: path.read_text(encoding="utf-8")
    for path in (*DATA_FILES, *CATALOGUES, *BUDGET_FILES, SCORE_CATALOGUE)
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def mutants(paths: Sequence[Path]) -> st.SearchStrategy[Mutant]:
    """A mutant of one of the bundled files ``paths`` (``ROOT / mutant.source`` is the file)."""
    return st.sampled_from(list(paths)).flatmap(
        lambda path: mutated_text(ORIGINALS[path], _relative(path))
    )


def indicator_ids(path: Path) -> list[str]:
    """The indicator ids a bundled data file gives, for ``explain``."""
    return sorted(tomllib.loads(ORIGINALS[path])["indicators"])


#: The engine with the bundled catalogues, shared: building it is most of a case's cost.
ENGINE = Engine.create(entry_points=False)


# --- checks -------------------------------------------------------------------------------------


def assert_located(error: KinerjaError | Sequence) -> None:
    """Every diagnostic names its file and a line or a field: a user can find every problem."""
    diagnostics = error.diagnostics if isinstance(error, KinerjaError) else tuple(error)
    if isinstance(error, KinerjaError):
        assert diagnostics, "KinerjaError without diagnostics"
    for diagnostic in diagnostics:
        location = diagnostic.location
        assert location.file, f"diagnostic without a file: {diagnostic.format()}"
        assert location.line is not None or location.field is not None, (
            f"diagnostic with neither line nor field: {diagnostic.format()}"
        )


def assert_finite(value: object, path: str = "result", seen: set[int] | None = None) -> None:
    """No NaN or infinity anywhere in a result (attrs objects, mappings, sequences)."""
    seen = set() if seen is None else seen
    if isinstance(value, Decimal):
        assert value.is_finite(), f"{path} is {value}"
    elif isinstance(value, float):
        assert math.isfinite(value), f"{path} is {value}"
    elif isinstance(value, (str, bytes, int, type(None))) or id(value) in seen:
        return
    elif attrs.has(type(value)):
        seen.add(id(value))
        for field in attrs.fields(type(value)):
            assert_finite(getattr(value, field.name), f"{path}.{field.name}", seen)
    elif isinstance(value, dict):
        seen.add(id(value))
        for key, item in value.items():
            assert_finite(item, f"{path}[{key!r}]", seen)
    elif isinstance(value, (list, tuple)):
        seen.add(id(value))
        for index, item in enumerate(value):
            assert_finite(item, f"{path}[{index}]", seen)


def _reject_constant(name: str) -> None:
    raise AssertionError(f"JSON output contains {name}, which is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    assert math.isfinite(number), f"JSON number {text[:40]} overflows a double"
    return number


def strict_json(text: str) -> object:
    """Parse ``text`` as strict JSON (RFC 8259 numbers a double can hold)."""
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except ValueError as error:  # JSONDecodeError, or an integer beyond Python's digit limit
        raise AssertionError(f"output is not JSON: {error}") from error


def assert_json_diagnostics_located(items: object) -> None:
    """The diagnostics of a JSON output (validate's list, budget's findings) are located."""
    assert isinstance(items, list), f"expected a list of diagnostics, got {type(items).__name__}"
    for item in items:
        assert item["file"], f"diagnostic without a file: {item}"
        assert item["line"] is not None or item["field"] is not None, f"not located: {item}"


@attrs.frozen
class CliRun:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str


def _note(text: str) -> None:
    """``hypothesis.note`` inside a fuzz case (printed with the falsifying example only)."""
    with contextlib.suppress(InvalidArgument):  # outside @given: the unmutated-file test
        note(text)


def echoed_words(mutant: Mutant) -> frozenset[str]:
    """The ``nan``/``inf`` words in the mutant's strings, which a report may print as text."""
    return frozenset(NON_FINITE.findall(" ".join(STRING_LITERAL.findall(mutant.text))))


def assert_output(text: str, fmt: str, what: str, echoed: frozenset[str] = frozenset()) -> object:
    """A report's output prints no non-finite figure; a JSON one is strict JSON.

    ``echoed``: words the input has in its strings (a name ``"nan%"``), which the output may
    print; the API's figures are checked for non-finite values independently (assert_finite).
    """
    for found in NON_FINITE.finditer(text):
        assert found.group(0) in echoed, f"{what} prints {found.group(0)!r}: {_around(text, found)}"
    if fmt == "json":
        assert text.strip(), f"{what} printed no JSON"
        return strict_json(text)
    return None


def run_cli(*argv: object) -> CliRun:
    """Run ``main`` in-process with captured output and check what every run must satisfy:
    exit 0 or 1, no exception, no traceback, a message on stderr when it exits 1."""
    args = tuple(str(arg) for arg in argv)
    _note(f"kinerja-rules {' '.join(args)}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse: a usage error, which these argvs are not
            code = exit_.code if isinstance(exit_.code, int) else 2
    run = CliRun(args, code, out.getvalue(), err.getvalue())
    assert run.code in (0, 1), f"exit {run.code} for {args}: {run.err[-2000:]}"
    assert "Traceback" not in run.err, run.err[-4000:]
    if run.code == 1 and args[0] != "validate" and "--strict" not in args:
        assert run.err.strip(), f"exit 1 without a message for {args}"
    return run


def _around(text: str, match: re.Match[str]) -> str:
    return repr(text[max(0, match.start() - 80) : match.end() + 80])


def attempt(function, *args, **kwargs):
    """``(result, None)``, or ``(None, error)`` for a located :class:`KinerjaError`.

    Any other exception propagates: the test fails and hypothesis prints the mutant.
    """
    try:
        return function(*args, **kwargs), None
    except KinerjaError as error:
        assert_located(error)
        return None, error


def _on_alarm(signum, frame) -> None:
    raise CaseTimeout("case still running at the alarm: a hang")


class CaseTimeout(AssertionError):
    """A case ran past :data:`ALARM_SECONDS`: a hang (or something close to one)."""


@contextlib.contextmanager
def bounded(
    case_seconds: float = CASE_SECONDS, alarm_seconds: float = ALARM_SECONDS
) -> Iterator[None]:
    """Fail a case that takes longer than ``case_seconds``; interrupt one that hangs.

    SIGALRM (Unix, main thread) fires at ``alarm_seconds`` and then every second, so a broad
    ``except Exception`` in the code under test cannot swallow it for good.
    """
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = None
    if alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, alarm_seconds, 1.0)
    faulthandler.dump_traceback_later(KILL_SECONDS, exit=True)
    start = time.perf_counter()
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    assert elapsed < case_seconds, f"case took {elapsed:.1f} s (bound {case_seconds:g} s)"


# Each case goes through the API once, renders the result in every format and language through
# the API (milliseconds), then runs the CLI once in a drawn format: the CLI builds its own engine
# (a tenth of a second), so running it per format would cost most of the time budget for little.
# The CLI's output must equal the API's, so checking the API's renderings checks the CLI's.


def evaluate_everywhere(
    data: Path,
    engine: Engine | None,
    catalog_args: Sequence,
    fmt: str,
    lang: str,
    echoed: frozenset[str] = frozenset(),
) -> Report | None:
    """Evaluate ``data``: API, every format and language, ``explain`` of every indicator, and
    ``evaluate`` on the CLI in format ``fmt`` and language ``lang``. ``echoed``: see
    :func:`assert_output`.

    ``engine`` is None when ``Engine.create`` refused the ``--catalog`` directory of
    ``catalog_args``: then the CLI must refuse it too. Returns the report (None if invalid).
    """
    report, error = (None, None) if engine is None else attempt(engine.evaluate_file, data)
    outputs: dict[tuple[str, str], str] = {}
    if report is not None:
        assert_finite(report.indicators, "indicators")
        assert_finite(report.sasaran, "sasaran")
        assert_finite(report.overall, "overall")
        for each_fmt, each_lang in itertools.product(FORMATS, LANGS):
            text = outputs[each_fmt, each_lang] = render(report, each_fmt, each_lang)
            what = f"evaluate --format {each_fmt} --lang {each_lang}"
            assert_output(text, each_fmt, what, echoed)
        for result, each_lang in itertools.product(report.indicators, LANGS):
            text = explain(result, each_lang)
            assert_output(text, "text", f"explain {result.indicator.id}", echoed)
    run = run_cli("evaluate", data, *catalog_args, "--format", fmt, "--lang", lang)
    assert run.code == (0 if report is not None else 1), f"API: {error or 'ok'}; CLI: {run.err}"
    if report is not None:
        assert run.out == outputs[fmt, lang], "the CLI prints another report than the API"
    return report


def budget_everywhere(
    budget: Path,
    engine: Engine | None,
    catalog_args: Sequence,
    fmt: str,
    lang: str,
    strict: bool,
    echoed: frozenset[str] = frozenset(),
) -> None:
    """Recompute ``budget``: API, every format and language, and ``budget`` on the CLI in
    format ``fmt`` and language ``lang`` (with ``--strict`` when ``strict``)."""
    report, error = (
        (None, None) if engine is None else attempt(evaluate_budget_file, budget, engine.catalogues)
    )
    outputs: dict[tuple[str, str], str] = {}
    if report is not None:
        assert_located(report.findings)
        assert_finite(report.tables, "tables")
        assert_finite(report.changes, "changes")
        assert_finite(report.scores, "scores")
        for each_fmt, each_lang in itertools.product(FORMATS, LANGS):
            text = outputs[each_fmt, each_lang] = render_budget(report, each_fmt, each_lang)
            what = f"budget --format {each_fmt} --lang {each_lang}"
            parsed = assert_output(text, each_fmt, what, echoed)
            if parsed is not None:
                assert isinstance(parsed, dict)
                assert_json_diagnostics_located(parsed.get("findings", []))
    run = run_cli(
        "budget", budget, *catalog_args, "--format", fmt, "--lang", lang, *["--strict"][:strict]
    )
    if report is None:
        assert run.code == 1, f"API: {error}; CLI exit {run.code}"
    else:
        assert run.code == (1 if strict and report.findings else 0), run.err
        assert run.out == outputs[fmt, lang], "the CLI prints another report than the API"


def validate_everywhere(path: Path, fmt: str, invariants: bool) -> bool:
    """Validate one catalogue file: API, every format, and the CLI in format ``fmt`` (proving
    invariants, at 5 examples each, when ``invariants``). True when it has errors."""
    result = validate([path], invariants=None, entry_points=False)
    assert_located(result.diagnostics)
    for each_fmt in VALIDATE_FORMATS:
        text = render_validation(result, each_fmt)
        if each_fmt == "json":
            assert_json_diagnostics_located(strict_json(text))
    if invariants:
        run = run_cli("validate", path, "--max-examples", "5", "--format", fmt)
        assert run.code == 1 or result.errors == 0, "invariants cannot remove errors"
    else:
        run = run_cli("validate", path, "--no-invariants", "--format", fmt)
        assert run.code == result.exit_code(), f"API exit {result.exit_code()}, CLI {run.code}"
        assert run.out == render_validation(result, fmt)
    if fmt == "json":
        assert_json_diagnostics_located(strict_json(run.out))
    return result.errors > 0


# --- the fuzz tests -----------------------------------------------------------------------------

formats = st.sampled_from(FORMATS)
langs = st.sampled_from(LANGS)
validate_formats = st.sampled_from(VALIDATE_FORMATS)
#: One case in four proves invariants (half a second each); shrinking goes towards without.
with_invariants = st.integers(0, 3).map(lambda n: n == 3)


@fuzz_settings
@given(mutant=mutants(DATA_FILES), fmt=formats, lang=langs, explain_lang=langs, data=st.data())
def test_mutated_data_file(
    mutant: Mutant, fmt: str, lang: str, explain_lang: str, data: st.DataObject
) -> None:
    """A mutated data file: ``evaluate`` (API in every format and language, CLI in one) and
    ``explain`` of one of the file's indicators on the CLI."""
    original = ROOT / mutant.source
    indicator = data.draw(st.sampled_from(indicator_ids(original)), label="indicator")
    with tempfile.TemporaryDirectory() as tmp, bounded():
        path = mutant.write(Path(tmp) / original.name)
        report = evaluate_everywhere(path, ENGINE, (), fmt, lang, echoed_words(mutant))
        run = run_cli("explain", indicator, path, "--lang", explain_lang)
        ids = [] if report is None else [result.indicator.id for result in report.indicators]
        assert run.code == (0 if indicator in ids else 1), run.err
        if run.code == 0:
            assert_output(run.out, "text", "explain", echoed_words(mutant))


@fuzz_settings
@given(
    mutant=mutants(list(CATALOGUES)),
    validate_fmt=validate_formats,
    invariants=with_invariants,
    fmt=formats,
    lang=langs,
)
def test_mutated_catalogue(
    mutant: Mutant, validate_fmt: str, invariants: bool, fmt: str, lang: str
) -> None:
    """A mutated indicator catalogue in a ``--catalog`` directory: ``validate`` it and
    ``evaluate`` its bundled data file with it.

    ``validate`` is what catalogue CI runs, so a catalogue the engine refuses must not pass it.
    """
    original = ROOT / mutant.source
    with tempfile.TemporaryDirectory() as tmp, bounded():
        path = mutant.write(Path(tmp) / original.relative_to(CATALOG))
        has_errors = validate_everywhere(path, validate_fmt, invariants)
        engine, error = attempt(Engine.create, [tmp], entry_points=False)
        if error is not None:
            assert has_errors, f"validate passes a catalogue Engine.create refuses: {error}"
        catalog_args = ("--catalog", tmp)
        echoed = echoed_words(mutant)
        evaluate_everywhere(CATALOGUES[original], engine, catalog_args, fmt, lang, echoed)


@fuzz_settings
@given(mutant=mutants(BUDGET_FILES), fmt=formats, lang=langs, strict=st.booleans())
def test_mutated_budget_file(mutant: Mutant, fmt: str, lang: str, strict: bool) -> None:
    """A mutated budget file: ``budget`` (API in every format and language, CLI in one)."""
    original = ROOT / mutant.source
    with tempfile.TemporaryDirectory() as tmp, bounded():
        path = mutant.write(Path(tmp) / original.name)
        budget_everywhere(path, ENGINE, (), fmt, lang, strict, echoed_words(mutant))


@fuzz_settings
@given(
    mutant=mutants([SCORE_CATALOGUE]),
    validate_fmt=validate_formats,
    budget=st.sampled_from(BUDGET_FILES),
    fmt=formats,
    lang=langs,
    strict=st.booleans(),
)
def test_mutated_score_catalogue(
    mutant: Mutant, validate_fmt: str, budget: Path, fmt: str, lang: str, strict: bool
) -> None:
    """A mutated score catalogue (``2023/anggaran.toml``) in a ``--catalog`` directory:
    ``validate`` it and recompute a bundled budget file with it."""
    original = ROOT / mutant.source
    with tempfile.TemporaryDirectory() as tmp, bounded():
        path = mutant.write(Path(tmp) / original.relative_to(CATALOG))
        has_errors = validate_everywhere(path, validate_fmt, invariants=False)
        engine, error = attempt(Engine.create, [tmp], entry_points=False)
        if error is not None:
            assert has_errors, f"validate passes a score catalogue Engine.create refuses: {error}"
        catalog_args = ("--catalog", tmp)
        echoed = echoed_words(mutant)
        budget_everywhere(budget, engine, catalog_args, fmt, lang, strict, echoed)


@pytest.mark.parametrize("path", sorted(ORIGINALS), ids=_relative)
def test_bundled_files_pass_the_fuzz_checks(path: Path) -> None:
    """The unmutated files pass every check, so a fuzz failure is the mutation's doing."""
    mutant = Mutant(_relative(path), path.read_bytes(), ("unmutated",))
    with tempfile.TemporaryDirectory() as tmp, bounded():
        if path in CATALOGUES or path == SCORE_CATALOGUE:
            copy = mutant.write(Path(tmp) / path.relative_to(CATALOG))
            for fmt in VALIDATE_FORMATS:
                assert not validate_everywhere(copy, fmt, invariants=fmt == "json")
        elif path in BUDGET_FILES:
            copy = mutant.write(Path(tmp) / path.name)
            for fmt, lang in zip(FORMATS, LANGS * 2):
                budget_everywhere(copy, ENGINE, (), fmt, lang, strict=False)
        else:
            copy = mutant.write(Path(tmp) / path.name)
            for fmt, lang in zip(FORMATS, LANGS * 2):
                evaluate_everywhere(copy, ENGINE, (), fmt, lang)


# --- the checks catch what they claim -----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "[" + "1" * 5000 + "]"]
)
def test_strict_json_refuses_what_a_json_consumer_cannot_read(text: str) -> None:
    with pytest.raises(AssertionError):
        strict_json(text)


def test_assert_located_refuses_a_diagnostic_with_only_a_file() -> None:
    from kinerja_rules import Diagnostic, Location

    located = Diagnostic("KR101", "syntax", Location("f.toml", line=3))
    unlocated = Diagnostic("KR101", "syntax", Location("f.toml"))
    assert_located(KinerjaError([located]))
    with pytest.raises(AssertionError, match="neither line nor field"):
        assert_located(KinerjaError([located, unlocated]))
    with pytest.raises(AssertionError, match="without diagnostics"):
        assert_located(KinerjaError([]))


def test_assert_finite_finds_a_nan_deep_in_a_result() -> None:
    with pytest.raises(AssertionError, match=r"result\[1\]\['x'\]"):
        assert_finite((Decimal(1), {"x": Decimal("NaN")}))


def test_bounded_interrupts_a_hang() -> None:
    if not hasattr(signal, "setitimer"):
        pytest.skip("SIGALRM is Unix-only")
    with pytest.raises(CaseTimeout), bounded(case_seconds=5, alarm_seconds=0.2):
        while True:
            pass


def test_bounded_fails_a_slow_case() -> None:
    with pytest.raises(AssertionError, match="bound"), bounded(case_seconds=0.05):
        time.sleep(0.1)
