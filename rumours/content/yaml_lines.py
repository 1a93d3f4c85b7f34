"""Reading front matter and site.yml: YAML values with the line of every value, safely.

`read_yaml` composes the YAML into nodes and walks them into plain Python values, keeping
a map from each value's path (("sources", 2, "strength")) to its line in the file, so a
problem found by the schema deep inside a list is reported on its own line. Anchors,
aliases and deep nesting are refused before parsing (`yaml_shape_problem`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_YAML_DEPTH = 8

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it
_OPENERS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
            yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSERS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)

Path = tuple[str | int, ...]  # ("sources", 0, "strength"): keys and list positions (0-based)


class ContentYamlLoader(_BaseLoader):
    """YAML's safe loader, but dates stay text so that a bad date is reported on its field."""


ContentYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDocument:
    """A YAML text's value, and the line of each value in it by path (the root: `()`)."""

    value: Any
    lines: dict[Path, int]

    def line(self, path: Path) -> int:
        """The line of the value at `path`, else of its nearest enclosing value."""
        while path not in self.lines:
            path = path[:-1]
        return self.lines[path]


def read_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse `text` (whose first line is line `first_line` of its file); raise yaml.YAMLError.

    An empty document is None. The root's line is `first_line`; a mapping entry's is the
    line of its key, a list item's the line it starts on.
    """
    loader = ContentYamlLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {(): first_line}
        value = None if node is None else _walk(loader, node, (), lines, first_line - 1)
    finally:
        loader.dispose()
    return YamlDocument(value, lines)


def _walk(loader: yaml.BaseLoader, node: yaml.Node, path: Path, lines: dict[Path, int],
          offset: int) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a set of fields", node.start_mark,
                    "found a list or a set of fields where a field name should be",
                    key_node.start_mark)
            key = loader.construct_object(key_node)
            lines[(*path, _path_key(key))] = key_node.start_mark.line + 1 + offset
            mapping[key] = _walk(loader, value_node, (*path, _path_key(key)), lines, offset)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            lines[(*path, index)] = item_node.start_mark.line + 1 + offset
            items.append(_walk(loader, item_node, (*path, index), lines, offset))
        return items
    return loader.construct_object(node)


def _path_key(key: Any) -> str:
    """A mapping key as it appears in a path: `true` (a bare yes/no) is "true", 2 is "2"."""
    return str(key).lower() if isinstance(key, bool) else str(key)


def yaml_shape_problem(text: str, first_line: int = 1) -> tuple[int, str] | None:
    """Refuse YAML anchors and aliases (`&name`, `*name`) and deep nesting before parsing,
    so an alias bomb or a 300-level list costs a linear scan, not memory or recursion."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                return (token.start_mark.line + first_line,
                        "YAML anchors and aliases ('&name', '*name') are not allowed here; "
                        "write the value out")
            if isinstance(token, _OPENERS):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return (token.start_mark.line + first_line,
                            f"nested more than {MAX_YAML_DEPTH} levels deep")
            elif isinstance(token, _CLOSERS):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported, in plain words, by the parser that follows
    return None
