"""Writing a file so that it is never half-written: the one way every command writes.

A rolled catalogue, a report, a data-entry workbook: each is written to a temporary file in the
same directory, flushed to disk and then renamed over the target, so a failure (a full disk, an
interrupt) leaves the old file as it was. The new file gets the old one's permissions, or the
ordinary ones the umask gives (``mkstemp`` alone would make it private).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``path`` all at once or not at all."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
