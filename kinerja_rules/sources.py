"""Reading TOML files into located documents, turning every failure into a diagnostic.

This is the door every file comes through, so it bounds what a file can cost: only regular files
are read (a device such as ``/dev/zero``, a FIFO or a socket is refused by what it is, before a
byte is read), and at most :data:`MAX_FILE_BYTES` are read whatever size the file reports. A file
is read once; its text travels with the parsed document for messages that quote a line.
"""

from __future__ import annotations

import os
import stat
from typing import Union

from .diagnostics import Diagnostic, KinerjaError, Location
from .tomlpos import TomlDocument, TomlNumberError, TomlSyntaxError, parse_toml_bytes

#: Largest TOML file read (bytes). The largest real file (a budget chapter) is about 10 KiB and a
#: catalogue 20 KiB; at this cap the slowest file to parse (an array of 130 000 numbers) takes
#: about 2 s and 75 MB, so no file can make a command slow or large.
MAX_FILE_BYTES = 256 * 1024

PathLike = Union[str, "os.PathLike[str]"]

_NOT_REGULAR = (
    (stat.S_ISCHR, "a character device (like /dev/zero)"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(name: str, message: str, hint: str | None = None) -> KinerjaError:
    return KinerjaError([Diagnostic("KR100", message, Location(name), hint)])


def read_bytes(path: PathLike, display_name: str | None = None) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, or a located KR100."""
    name = display_name or str(path)
    return check_size(_read(path, name, MAX_FILE_BYTES + 1), name)


def read_head(path: PathLike, size: int, display_name: str | None = None) -> bytes:
    """At most the first ``size`` bytes of a regular file (refused as :func:`read_bytes` refuses
    what is not a regular file), for a look at its first lines without reading it all."""
    return _read(path, display_name or str(path), size)


def read_regular(
    path: PathLike,
    name: str,
    size: int,
    what: str = "a TOML file",
    directory_hint: str | None = None,
) -> bytes:
    """At most ``size`` bytes of ``path``, a regular file, or a located KR100 saying why not;
    ``what`` names what was expected (``a TOML file``, ``an .xlsx workbook``)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise _refuse(name, "file not found", "check the path and the current directory") from None
    except IsADirectoryError:
        raise _refuse(name, f"is a directory, not {what}", directory_hint) from None
    except OSError as error:
        raise _refuse(name, f"cannot read file: {error.strerror}") from None
    mode = os.fstat(descriptor).st_mode
    problem = _not_regular(mode, what, directory_hint)
    if problem is not None:
        os.close(descriptor)
        raise _refuse(name, *problem)
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return handle.read(size)
        except OSError as error:
            raise _refuse(name, f"cannot read file: {error.strerror}") from None


def _read(path: PathLike, name: str, size: int) -> bytes:
    return read_regular(path, name, size, directory_hint=_DIRECTORY_HINT)


_DIRECTORY_HINT = "pass a .toml file (or use --catalog DIR for a directory of catalogues)"


def _not_regular(mode: int, what: str, directory_hint: str | None) -> tuple[str, str | None] | None:
    """(message, hint) when ``mode`` is not a regular file's."""
    if stat.S_ISDIR(mode):
        return f"is a directory, not {what}", directory_hint
    for test, kind in _NOT_REGULAR:
        if test(mode):
            saved = "a .toml file" if what == "a TOML file" else what
            return f"is {kind}, not a regular file", f"pass {saved} saved on disk"
    return None


def check_size(raw: bytes, name: str) -> bytes:
    """Refuse more than :data:`MAX_FILE_BYTES` (for bytes read from anywhere, resources too)."""
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(
            name,
            f"file is larger than {MAX_FILE_BYTES // 1024} KiB",
            "a catalogue or data file is a few kilobytes; split a larger one into several files",
        )
    return raw


def read_document(path: PathLike, display_name: str | None = None) -> TomlDocument:
    """Read and parse ``path``; raise :class:`KinerjaError` with a located diagnostic on failure."""
    name = display_name or str(path)
    return parse_document(read_bytes(path, name), name)


def parse_document(raw: bytes, name: str) -> TomlDocument:
    """Parse TOML bytes already in memory (e.g. a packaged resource)."""
    try:
        return parse_toml_bytes(check_size(raw, name))
    except TomlNumberError as error:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR213",
                    error.message,
                    Location(name, error.line, error.col),
                    "numbers in these files have at most 19 digits before the decimal point",
                )
            ]
        ) from None
    except TomlSyntaxError as error:
        code = "KR102" if "UTF-8" in error.message else "KR101"
        hint = (
            "save the file as UTF-8 text"
            if code == "KR102"
            else "see https://toml.io for the syntax; check quotes, brackets and '=' signs"
        )
        raise KinerjaError(
            [Diagnostic(code, error.message, Location(name, error.line, error.col), hint)]
        ) from None
