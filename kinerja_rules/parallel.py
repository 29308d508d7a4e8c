"""How many processes a command that can run in parallel uses — one rule for all of them.

``--jobs N`` when given; else the ``KINERJA_RULES_JOBS`` environment variable (a CI runner
sets it once for every command); else the command's own default: ``validate`` of many files
uses one process per core this process may run on (``os.sched_getaffinity``: a container or
``taskset`` limit counts, not the machine's cores), ``batch`` one process (its numpy work is
bound by memory bandwidth more than by cores, and each worker needs memory of its own).
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
