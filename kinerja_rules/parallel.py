"""How many processes a command that can run in parallel uses — one rule for all of them.

``--jobs N`` when given; else the ``KINERJA_RULES_JOBS`` environment variable (a CI runner
sets it once for every command); else the command's own default, which for large inputs is
one process per core this process may run on (``os.sched_getaffinity``: a container or
``taskset`` limit counts, not the machine's cores).
"""

from __future__ import annotations

import os

__all__ = ["configured_jobs", "usable_cores"]


def configured_jobs(jobs: int | None = None) -> int | None:
    """``jobs`` when given, else ``KINERJA_RULES_JOBS`` when it is a number, else None (the
    command decides)."""
    if jobs is not None:
        return jobs
    setting = os.environ.get("KINERJA_RULES_JOBS", "").strip()
    return int(setting) if setting.isdigit() else None


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
