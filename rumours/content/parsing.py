"""Reading one content file: its bytes to front matter values (with lines) and its body.

A YAML mistake is explained in plain words (rumours/content/yaml_errors.py); the fields
around it are still read, so their own problems are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from rumours.content import yaml_errors
from rumours.content.files import (
    SplitFile,
    decode_content,
    markdown_shape_problem,
    read_content_bytes,
    relative_name,
    split_front_matter,
)
from rumours.content.model import ProblemList
from rumours.content.yaml_lines import (
    ContentYamlLoader,
    YamlDocument,
    read_yaml,
    yaml_shape_problem,
)

FRONT_MATTER_LINE = 2  # the front matter's first line: missing fields are reported there


@dataclass(frozen=True)
class ParsedFile:
    """A Markdown content file: its front matter (values, lines) and its body."""

    path: str  # as problems name it: "content/rumours/take-our-jobs.md"
    meta: dict
    document: YamlDocument
    body: str
    body_line: int
    unreadable: frozenset[str] = frozenset()  # fields with a YAML mistake (reported)

    def line(self, *path: str | int) -> int:
        """The line of a front matter value (else of the field, else the front matter's)."""
        return self.document.line(path)


def decoded(rel: str, data: bytes | str, problems: ProblemList) -> str | None:
    """A file's text from what reading it gave (bytes, or the reason it could not be read)."""
    if isinstance(data, str):
        problems.error(rel, 1, "file", data)
        return None
    try:
        return decode_content(data)
    except UnicodeDecodeError as exc:
        problems.error(rel, 1, "file", f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        return None


def yaml_file_text(path: Path, root: Path, problems: ProblemList) -> str | None:
    """The text of a YAML content file (site.yml, synonyms.yml), or None with the reason
    reported: unreadable, not UTF-8, anchors or aliases, nested too deep."""
    rel = relative_name(path, root)
    text = decoded(rel, read_content_bytes(path, root), problems)
    if text is None:
        return None
    shape = yaml_shape_problem(text, 1)
    if shape:
        problems.error(rel, shape[0], path.name, shape[1])
        return None
    return text


def parse_markdown_file(rel: str, data: bytes | str, problems: ProblemList) -> ParsedFile | None:
    """Split a Markdown file into front matter and body, reporting what is wrong."""
    text = decoded(rel, data, problems)
    if text is None:
        return None
    split = split_front_matter(text)
    if not isinstance(split, SplitFile):
        problems.error(rel, *split)
        return None
    for shape in (yaml_shape_problem(split.front, 1),
                  markdown_shape_problem(split.body, split.body_line)):
        if shape:
            problems.error(rel, shape[0], "front matter" if shape[0] < split.body_line
                           else "body", shape[1])
            return None
    try:
        document = read_yaml(split.front, 1)
    except yaml.YAMLError as exc:
        return _salvaged(rel, exc, split, problems)
    meta = {} if document.value is None else document.value
    if not isinstance(meta, dict):
        problems.error(rel, FRONT_MATTER_LINE, "front matter",
                       "the front matter must be a set of 'field: value' lines")
        return None
    return ParsedFile(rel, meta, _rooted(document), split.body, split.body_line)


def _rooted(document: YamlDocument) -> YamlDocument:
    """Missing fields are reported on the front matter's first line."""
    return YamlDocument(document.value, {**document.lines, (): FRONT_MATTER_LINE})


def _salvaged(rel: str, exc: yaml.YAMLError, split: SplitFile,
              problems: ProblemList) -> ParsedFile | None:
    """The fields that read around a YAML mistake; the broken ones are reported."""
    line, message = yaml_errors.explain(exc, split.front, 1)
    meta, broken = yaml_errors.salvage(split.front, ContentYamlLoader)
    if not broken or not meta:
        problems.error(rel, line, "front matter", message)
        return None
    first = min(broken.values()) + 1
    for key, index in broken.items():
        if index + 1 == first:
            problems.error(rel, line, key, message)
        else:
            problems.error(rel, index + 1, key, f"cannot be read (see line {line})")
        meta.pop(key, None)
    lines = {(key,): index + 1 for key, index in yaml_errors.block_lines(split.front).items()}
    document = YamlDocument(meta, {**lines, (): FRONT_MATTER_LINE})
    return ParsedFile(rel, meta, document, split.body, split.body_line,
                      frozenset(broken))
