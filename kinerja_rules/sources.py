"""Reading TOML files into located documents, turning every failure into a diagnostic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from .diagnostics import Diagnostic, KinerjaError, Location
from .tomlpos import TomlDocument, TomlSyntaxError, parse_toml_bytes

#: Largest TOML file read (bytes). Real catalogues are a few tens of kilobytes.
MAX_FILE_BYTES = 20 * 1024 * 1024

PathLike = Union[str, "os.PathLike[str]"]


def read_document(path: PathLike, display_name: str | None = None) -> TomlDocument:
    """Read and parse ``path``; raise :class:`KinerjaError` with a located diagnostic on failure."""
    name = display_name or str(path)
    target = Path(path)
    try:
        if target.is_dir():
            raise IsADirectoryError(name)
        if target.stat().st_size > MAX_FILE_BYTES:
            raise KinerjaError(
                [
                    Diagnostic(
                        "KR100",
                        f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                        Location(name),
                        "a catalogue or data file should be a few kilobytes",
                    )
                ]
            )
        raw = target.read_bytes()
    except KinerjaError:
        raise
    except IsADirectoryError:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR100",
                    "is a directory, not a TOML file",
                    Location(name),
                    "pass a .toml file (or use --catalog DIR for a directory of catalogues)",
                )
            ]
        ) from None
    except FileNotFoundError:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR100",
                    "file not found",
                    Location(name),
                    "check the path and the current directory",
                )
            ]
        ) from None
    except OSError as error:
        raise KinerjaError(
            [Diagnostic("KR100", f"cannot read file: {error.strerror}", Location(name))]
        ) from None
    return parse_document(raw, name)


def parse_document(raw: bytes, name: str) -> TomlDocument:
    """Parse TOML bytes already in memory (e.g. a packaged resource)."""
    try:
        return parse_toml_bytes(raw)
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
