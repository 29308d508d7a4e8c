"""No file can make a command hang, grow without bound or end in a traceback.

These run the installed command in a subprocess, the way a user does, under an address-space
limit far below what the old failures used (4,9 GB for ``A = 1e999999999``, gigabytes for
``/dev/zero``), so a regression fails by running out of memory instead of taking the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from kinerja_rules.sources import MAX_FILE_BYTES

from .conftest import EXAMPLES, ROOT

BAPAS = EXAMPLES / "2023" / "bapas-lahat.toml"
#: Address space allowed to a command: an interpreter with our imports needs well under this.
MEMORY_LIMIT = 1024 * 1024 * 1024
#: A hang detector, not a speed target: every case here finishes in well under a second.
TIMEOUT = 60

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices, FIFOs, rlimits")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def kinerja(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kinerja_rules", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        **kwargs,
    )


@pytest.mark.parametrize("command", ["evaluate", "budget", "validate"])
def test_dev_zero_is_refused_by_name(command):
    result = kinerja(command, "/dev/zero")
    assert result.returncode == 1
    assert "/dev/zero: error KR100: is a character device" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "data.toml"
    os.mkfifo(fifo)
    result = kinerja("evaluate", fifo)
    assert result.returncode == 1
    assert f"{fifo}: error KR100: is a FIFO (named pipe), not a regular file" in result.stderr


def test_a_fifo_in_a_catalogue_directory_is_refused(tmp_path):
    os.mkfifo(tmp_path / "bapas.toml")
    result = kinerja("validate", tmp_path, "--no-invariants")
    assert result.returncode == 1 and "KR100" in result.stdout


def test_a_file_that_reports_size_zero_is_still_read():
    # /proc files report size 0 however much they hold: what is read counts, not what stat says.
    result = kinerja("evaluate", "/proc/self/maps")
    assert result.returncode == 1 and "error KR101" in result.stderr  # read, and not TOML


def test_a_file_over_the_cap_is_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    result = kinerja("evaluate", big)
    assert result.returncode == 1
    assert f"{big}: error KR100: file is larger than 256 KiB" in result.stderr


def test_the_worst_file_under_the_cap_stays_small_and_quick(tmp_path):
    # The costliest shape per byte: one array of numbers filling the cap.
    worst = tmp_path / "worst.toml"
    worst.write_text("a = [" + "1," * (MAX_FILE_BYTES // 2 - 8) + "]\n", encoding="utf-8")
    assert worst.stat().st_size <= MAX_FILE_BYTES
    result = kinerja("evaluate", worst)  # bounded by MEMORY_LIMIT and TIMEOUT
    assert result.returncode == 1 and "KR201" in result.stderr  # 'a' is not a key of data


def test_an_exponent_bomb_is_refused_not_printed(tmp_path):
    data = tmp_path / "bom.toml"
    data.write_text(BAPAS.read_text(encoding="utf-8").replace("A = 629", "A = 1e999999999"))
    for args in (["explain", "klien_bekerja", data], ["evaluate", data, "--format", "json"]):
        result = kinerja(*args)
        assert result.returncode == 1 and result.stdout == ""
        assert "KR213" in result.stderr and len(result.stderr) < 2000


def test_a_closed_pipe_ends_quietly():
    # `kinerja-rules plugins | head -0`: the reader is gone before anything is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "kinerja_rules", "plugins"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=TIMEOUT) == 141  # 128 + SIGPIPE, as the shell reports for `yes`
    assert stderr == b""


def test_python_m_works_from_the_repository_root_without_the_editable_finder():
    # After `pip install .`, running from the repository root imports the source tree (the
    # current directory comes first), where the catalogues live beside the package. -S skips the
    # .pth files, so no editable-install finder can paper over it; the dependencies still come
    # from site-packages through PYTHONPATH.
    site_packages = sysconfig.get_paths()["purelib"]
    result = subprocess.run(
        [sys.executable, "-S", "-m", "kinerja_rules", "evaluate", str(BAPAS), "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": site_packages},
    )
    assert result.returncode == 0, result.stderr
    assert "klien_bekerja" in result.stdout and "82.09" in result.stdout


# --- work that grows with the file is bounded, and says so when it stops -------------------


def test_many_invariants_share_the_example_budget(tmp_path):
    from kinerja_rules.validation import validate
    from kinerja_rules.verification import InvariantRun

    indicator = (
        '[[indicator]]\nid = "x{i}"\nsasaran = "S1"\nlevel = "IKK"\nname = "Persentase x"\n'
        'unit = "%"\nformula = "A / B * 100"\ntarget = 80\nassume = ["A <= B"]\n'
        'invariants = ["0 <= value <= 100", "value >= 0"]\ninputs = {{ A = "a", B = "b" }}\n'
        'not_applicable = {{ when = "B == 0", reason = "tidak ada populasi" }}\n'
    )
    header = 'year = 2024\nunit_type = "uji"\ntitle = "Uji"\n'
    header += '[[sasaran]]\nid = "S1"\nlevel = "kegiatan"\nname = "S"\n'
    path = tmp_path / "uji.toml"
    path.write_text(header + "".join(indicator.format(i=i) for i in range(30)), encoding="utf-8")
    # 60 invariants x 100 examples exceed a budget of 1 000: each gets max(20, 1000 // 60) = 20,
    # so 1000 // 20 = 50 are checked and the last 10 (from indicator x25, invariant 0) are not.
    run = InvariantRun(max_examples=100, budget=1_000)
    result = validate([path], entry_points=False, invariants=run)
    [warning] = [d for d in result.diagnostics if d.code == "KR504"]
    assert warning.message.startswith("10 of 60 invariants not checked, from indicator 'x25'")
    assert warning.location.field == "indicator[25].invariants[0]"
    assert result.errors == 0


def test_the_search_for_one_explaining_cell_stops_at_its_bound(tmp_path):
    from kinerja_rules.budget.report import evaluate_budget_file
    from kinerja_rules.engine import Engine

    rows = ['unit = "x"', 'unit_type = "lpka"', "year = 2023"]
    for parent in range(40):  # 40 parents of 10 sub-rows, every sisa misprinted: 440 findings
        rows += [f'[[row]]\ncode = "1.{parent}"\nname = "p"\npagu = 1010\nrealisasi = 500']
        rows[-1] += "\nsisa = 1"
        for child in range(10):
            rows.append(
                f'[[row]]\ncode = "1.{parent}.{child}"\nname = "c"\npagu = 101\n'
                "realisasi = 50\nsisa = 1"
            )
    path = tmp_path / "anggaran.toml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = evaluate_budget_file(path, Engine.create(entry_points=False).catalogues)
    codes = [d.code for d in report.findings]
    assert codes.count("KR602") == 440 and "KR612" in codes


def test_nesting_too_deep_to_parse_is_located():
    from kinerja_rules.tomlpos import TomlSyntaxError, parse_toml

    # 3 000 nested inline tables on line 2; "b = " takes 4 columns and each "{a = " 5, so the
    # 101st brace (past the reported depth of 100) is at column 4 + 100 * 5 + 1 = 505.
    text = "a = 1\nb = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"
    with pytest.raises(TomlSyntaxError) as caught:
        parse_toml(text)
    assert (caught.value.line, caught.value.col) == (2, 505)
