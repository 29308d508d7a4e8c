"""The README's promises: its two set-up commands, .ci/run, and the Python API example."""

from __future__ import annotations

import contextlib
import io
import os
import re

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    bash = [body.strip() for lang, body in BLOCKS if lang == "bash"]
    main_job, tests = bash[0], bash[1]
    assert README.index(main_job) < README.index(tests) < README.index("---")
    assert "kinerja-rules evaluate examples/2023/lpka-pangkalpinang.toml" in main_job
    assert "kinerja-rules evaluate examples/2023/bapas-lahat.toml" in main_job
    # both units' Bab III, as Word and HTML
    for unit in ("lpka-pangkalpinang", "bapas-lahat"):
        assert f"kinerja-rules report examples/2023/{unit}.toml" in main_job
        assert f"-o laporan/{unit}-2023-bab3.docx -o laporan/{unit}-2023-bab3.html" in main_job
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_python_api_example_runs():
    [code] = [body for lang, body in BLOCKS if lang == "python"]
    out = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    text = out.getvalue()
    assert "layanan_makanan: realisasi 100, capaian 125" in text
    assert "gangguan_mental_tertangani: N/A (tidak ada populasi (B = 0))" in text
    assert "Realisasi: A / B × 100% = 363 orang / 363 orang × 100% = 100%" in text
    assert "SK1 116 2/5 measured" in text
