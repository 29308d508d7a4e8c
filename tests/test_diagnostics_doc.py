"""docs/diagnostics.md documents every code with a bad and a fixed example, and every runnable
(catalogue) example does what the page says: bad gives its code, fixed gives no error and not
that code."""

from __future__ import annotations

import re

import pytest

from kinerja_rules.diagnostics import CODES
from kinerja_rules.validation import validate
from kinerja_rules.verification import InvariantRun

from .conftest import ROOT

PAGE = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
BASE = re.search(r"```toml\n(year = 2024.*?)```", PAGE, flags=re.S).group(1)
SECTIONS = dict(re.findall(r"^### (KR\d{3}) — .*?\n(.*?)(?=^### |\Z)", PAGE, flags=re.S | re.M))


def test_every_code_has_a_section_with_bad_and_fixed():
    assert set(SECTIONS) == set(CODES)
    for code, body in SECTIONS.items():
        assert "Bad" in body and "Fixed" in body, code
        title = re.search(rf"^### {code} — (.*)$", PAGE, flags=re.M).group(1)
        assert title.split(" (warning)")[0] == CODES[code], code


RUNNABLE = {
    code: re.findall(r"```toml catalogue\n(.*?)```", body, flags=re.S)
    for code, body in SECTIONS.items()
    if "```toml catalogue" in body
}


@pytest.mark.parametrize("code", sorted(RUNNABLE))
def test_runnable_examples(tmp_path, code):
    bad, fixed = RUNNABLE[code]
    run = InvariantRun(max_examples=30)
    for name, fragment in (("bad", bad), ("fixed", fixed)):
        path = tmp_path / name / "contoh.toml"
        path.parent.mkdir()
        path.write_text(BASE + "\n" + fragment, encoding="utf-8")
        result = validate([path], entry_points=False, invariants=run)
        codes = {d.code for d in result.diagnostics}
        if name == "bad":
            assert code in codes, [d.format() for d in result.diagnostics]
        else:
            assert code not in codes and result.errors == 0, [
                d.format() for d in result.diagnostics
            ]
