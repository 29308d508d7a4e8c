"""Write a :class:`~.document.Document` in one of the report formats, never half-written."""

from __future__ import annotations

import os

from ..atomic import write_atomically
from .document import Document


def write_report(document: Document, fmt: str, path: str | os.PathLike[str]) -> None:
    """``docx`` (python-docx), ``html`` (one self-contained file) or ``markdown``."""
    if fmt == "docx":
        from .docx import render_docx

        render_docx(document, path)
        return
    if fmt == "html":
        from .html import render_html

        text = render_html(document)
    else:
        from .markdown import render_markdown

        text = render_markdown(document)
    write_atomically(path, text)
