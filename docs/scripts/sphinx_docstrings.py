"""A griffe extension: the code's docstrings, written for Sphinx, read as Markdown.

mkdocstrings parses the ``:param x:`` and ``:return:`` fields itself (``docstring_style:
sphinx``); this extension does the rest, for the text given to mkdocstrings only (the source is
not changed):

- a role such as ``:class:`~decimal.Decimal``` becomes inline code, and a link to the API page
  when it names something the site documents (a name of ``kinerja_rules.__all__``, one of its
  members, or a hook);
- a paragraph ending in ``::`` (an rST literal block follows) ends in ``:``;
- paragraphs written after the field list are moved before it (see :func:`fields_last`);
- an attribute's ``#:`` comment lines above it are its docstring, as Sphinx reads them.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

import kinerja_rules
from kinerja_rules import hookspecs

ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc|obj):`(~?)\.?([\w.]+)`")
LITERAL = re.compile(r"(\S)::$", re.M)
FIELD = re.compile(r":(param|type|raises?|returns?|rtype|var|ivar|cvar|vartype|yields?)\b")


def fields_last(text: str) -> str:
    """Move the paragraphs written after a ``:param:``/``:return:`` field list before it.

    In reStructuredText a field list ends at the first unindented line after it; griffe's
    Sphinx parser reads everything up to the next field as the last field's text, which would
    put those paragraphs in the field's table cell (and leave an indented list in the field's
    text indented, which Markdown shows as a code block).
    """
    before: list[str] = []
    fields: list[str] = []
    after: list[str] = []
    for line in text.split("\n"):
        if after:
            after.append(line)
        elif fields:
            in_fields = FIELD.match(line) or not line.strip() or line[:1].isspace()
            (fields if in_fields else after).append(line)
        else:
            (fields if FIELD.match(line) else before).append(line)
    if not after:
        return text
    prose = "\n".join([*before, *after]).strip("\n")
    return prose + "\n\n" + "\n".join(fields).strip("\n")


def documented() -> dict[str, str]:
    """Every way the code names a documented object, and the site's identifier for it."""
    targets = {}
    for name in kinerja_rules.__all__:
        module = kinerja_rules._EXPORTS[name]
        for spelling in (name, f"kinerja_rules.{name}", f"kinerja_rules.{module}.{name}"):
            targets[spelling] = f"kinerja_rules.{name}"
    for name in dir(hookspecs):
        if name.startswith("kinerja_"):
            for spelling in (name, f"kinerja_rules.hookspecs.{name}"):
                targets[spelling] = f"kinerja_rules.hookspecs.{name}"
    return targets


def comment_above(obj: griffe.Object) -> str | None:
    """The ``#:`` comment lines right above an attribute, without the ``#:``."""
    lines = obj.module.lines  # the whole file's
    if not lines or not obj.lineno:
        return None
    found = []
    index = obj.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        found.append(lines[index].strip()[2:].strip())
        index -= 1
    return "\n".join(reversed(found)) or None


class SphinxDocstrings(griffe.Extension):
    def __init__(self) -> None:
        super().__init__()
        self.targets = documented()

    def _target(self, path: str, obj: griffe.Object) -> str | None:
        """The site's identifier for ``path`` as written in ``obj``'s docstring, if any."""
        if path in self.targets:
            return self.targets[path]
        # A method or attribute of the class being documented: :meth:`load_data` in Engine.
        owner = obj if obj.is_class else obj.parent
        if owner is not None and owner.is_class and path in owner.members:
            public = self.targets.get(owner.name)
            if public and self.targets.get(owner.path) == public:
                return f"{public}.{path}"
        return None

    def _convert(self, obj: griffe.Object) -> None:
        if obj.docstring is None and obj.is_attribute:
            comment = comment_above(obj)
            if comment:
                obj.docstring = griffe.Docstring(comment, lineno=obj.lineno, parent=obj)
        if obj.docstring is None:
            return

        def role(match: re.Match) -> str:
            short, path = match.groups()
            shown = f"`{path.rsplit('.', 1)[-1] if short else path}`"
            target = self._target(path, obj)
            return f"[{shown}][{target}]" if target else shown

        value = ROLE.sub(role, fields_last(obj.docstring.value))
        obj.docstring.value = LITERAL.sub(r"\1:", value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            self._convert(obj)
            stack.extend(m for m in obj.members.values() if not m.is_alias)
