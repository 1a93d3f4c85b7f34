"""YAML mistakes in plain words, with the fix; and reading what can be read around one.

A comms team edits front matter by hand. PyYAML reports "found character that cannot start
any token"; `explain` says "line 7 starts with a tab: indent with spaces instead". `salvage`
reads a broken front matter one top-level field at a time, so the other fields of the file
can still be checked (and previewed) while the broken one is reported.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s|$)")
# The strength letters A-D may be written as the label the site shows: "Strong", "good"...
_LABEL_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _line_text(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line] if 0 <= line < len(lines) else ""


def explain(exc: yaml.YAMLError, text: str, first_line: int = 1) -> tuple[int, str]:
    """(line, message) for a YAML error: what is wrong, in plain words, and how to fix it.

    `first_line` is the file line of the text's first line (front matter starts on line 2).
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    index = mark.line if mark else 0
    line = index + first_line
    problem = (getattr(exc, "problem", None) or "").lower()
    context = (getattr(exc, "context", None) or "").lower()
    context_mark = getattr(exc, "context_mark", None)
    start = context_mark.line + first_line if context_mark else line
    here = _line_text(text, index)
    tabbed = next((n for n, row in enumerate(text.split("\n"))
                   if re.match(r"^ *\t", row)), None)
    if "\t" in problem or ("cannot start any token" in problem and "\t" in here) \
            or (tabbed is not None and tabbed <= index):
        line = (tabbed if tabbed is not None else index) + first_line
        return line, (f"line {line} starts with a tab: YAML needs spaces to indent. "
                      "Replace the tab with spaces (two per level)")
    unclosed = _unclosed_quote(text, index)
    if unclosed is not None or "quoted scalar" in context:
        start = unclosed + first_line if unclosed is not None else start
        return start, (f"a quotation mark opened on line {start} is never closed: add the "
                       "closing quotation mark at the end of the text, or remove the opening "
                       "one")
    if "flow sequence" in context or "flow mapping" in context:
        bracket = "]" if "sequence" in context else "}"
        return start, (f"a list opened with '{'[' if bracket == ']' else '{'}' on line {start} "
                       f"is not closed: end it with '{bracket}' on the same line, with commas "
                       "between the items (topics: [work, housing])")
    if "could not find expected ':'" in problem or "simple key" in context:
        return start, (f"line {start} is not a 'field: value' line: add the colon after the "
                       "field's name, or indent it if it continues the line above")
    if "mapping values are not allowed" in problem:
        return line, (f"line {line} has a colon inside a value: put the whole value in "
                      "quotation marks (summary: \"Fact: the figure is...\")")
    if "cannot start any token" in problem:
        found = re.search(r"found character '(.+?)'", problem)
        column = getattr(mark, "column", -1)
        char = found.group(1) if found else (here[column] if 0 <= column < len(here)
                                             else "this character")
        return line, (f"on line {line}, a value cannot start with {char!r}: put the value in "
                      "quotation marks")
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "block mapping" in context or "block collection" in context:
        return line, (f"line {line} is not indented like the lines around it: fields of the "
                      "same level start in the same column, list items with '- '")
    if "found duplicate" in problem:
        return line, f"line {line}: {problem}"
    original = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return line, (f"the front matter cannot be read near line {line} ({original}): check the "
                  "quotation marks, colons and indentation there")


def _unclosed_quote(text: str, upto: int) -> int | None:
    """The index of the first line (up to `upto`) whose value opens a quotation mark that the
    line does not close, e.g. `claim: "They take our jobs`."""
    for index, row in enumerate(text.split("\n")[: upto + 1]):
        value = re.match(r"^\s*(?:-\s+)?(?:[\w-]+\s*:\s*)?(?P<value>[\"'].*)$", row)
        if not value:
            continue
        body = value["value"].rstrip()
        quote = body[0]
        closed = body.endswith(quote) and len(body) > 1 and not body.endswith("\\" + quote)
        if not closed and body.count(quote) % 2 == 1:
            return index
    return None


def _blocks(text: str) -> list[tuple[str, int, str]]:
    """The front matter cut into top-level fields: (key, first line index, text)."""
    blocks: list[tuple[str, int, list[str]]] = []
    for index, row in enumerate(text.split("\n")):
        match = _TOP_KEY.match(row)
        if match:
            blocks.append((match["key"], index, [row]))
        elif row[:1] not in ("", " ", "\t", "-", "#") and not row.startswith("---"):
            # Text at the margin that is not `field: value` (a missing colon): its own,
            # broken, field, so it does not spoil the field above.
            blocks.append((row.split()[0].rstrip(":"), index, [row + " :"]))
        elif blocks:
            blocks[-1][2].append(row)
    return [(key, index, "\n".join(rows)) for key, index, rows in blocks]


class Unreadable:
    """Stands for a field whose YAML could not be read: reported once, with the fix, as that
    field's problem (and not as a missing or mistyped field)."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message

    def __repr__(self) -> str:
        return "<unreadable>"


def block_lines(text: str) -> dict[str, int]:
    """The line index where each top-level field of a front matter starts."""
    return {key: index for key, index, _block in _blocks(text)}


def salvage(text: str, loader: type) -> tuple[dict[str, Any], dict[str, int]]:
    """Read a front matter that does not parse, one top-level field at a time.

    Returns the fields that read cleanly, and {field: line index} of the ones that did not
    (their problems are what `explain` reports)."""
    meta: dict[str, Any] = {}
    broken: dict[str, int] = {}
    for key, index, block in _blocks(text):
        try:
            value = yaml.load(block.replace("\t", "  "), Loader=loader)  # noqa: S506 - safe
        except yaml.YAMLError:
            broken[key] = index
            continue
        if isinstance(value, dict) and key in value:
            try:
                yaml.load(block, Loader=loader)  # noqa: S506 - a safe loader
            except yaml.YAMLError:
                broken[key] = index  # readable only once its tabs are spaces: still broken
                continue
            meta[key] = value[key]
        else:
            broken[key] = index
    return meta, broken


def strength_letter(value: str, strengths: dict[str, str]) -> str | None:
    """A source's strength written as its label ("Strong", "strong — official…") -> its
    letter ("A"); None when it matches no label. Letters pass through unchanged."""
    text = str(value).strip()
    if text in strengths:
        return text
    if text.upper() in strengths:
        return text.upper()
    words = _LABEL_WORD.findall(text.lower())
    if not words:
        return None
    for letter, label in strengths.items():
        label_words = _LABEL_WORD.findall(str(label).lower())
        if label_words and label_words[0] == words[0]:
            return letter
    return None
