"""Validating a YAML document against a schema; pydantic's errors become `Problem`s here.

`validate` reports every error with the line of the value it is about (from the YAML walk,
rumours/content/yaml_lines.py), then returns the fields that are usable: a wrong field, or a
wrong entry of a list of sets of fields (a source), is left out so that the checks that
follow still run on the rest and report their own problems too.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError, create_model

from rumours.content.model import ProblemList
from rumours.content.schema import ENTRY, Fields
from rumours.content.yaml_lines import YamlDocument

_MAX_PASSES = 4


@dataclass(frozen=True)
class Validated:
    """The usable fields of a document, as plain values (a nested set of fields: a dict)."""

    values: dict[str, Any]
    # For a list of sets of fields with entries left out: the positions of the kept ones.
    kept: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def positions(self, key: str) -> tuple[int, ...]:
        """The original positions (0-based) of the entries of list `key` in `values`."""
        return self.kept.get(key, tuple(range(len(self.values.get(key) or ()))))


def field_name(loc: tuple[str | int, ...]) -> str:
    """("sources", 0, "strength") -> "sources[1].strength" (lists are counted from 1)."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _model_at(model: type[Fields], loc: tuple[str | int, ...]) -> type[Fields]:
    """The set of fields a location is inside of (for an unknown field's message)."""
    for part in loc:
        if isinstance(part, str) and part in model.model_fields:
            nested = _nested_model(model.model_fields[part].annotation)
            if nested is None:
                return model
            model = nested
    return model


def _nested_model(annotation: Any) -> type[Fields] | None:
    if isinstance(annotation, type) and issubclass(annotation, Fields):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _report(error: dict, model: type[Fields], document: YamlDocument, path: str,
            problems: ProblemList) -> None:
    """One pydantic error as a problem: the field's name, the value's line, plain words."""
    loc = tuple(error["loc"])
    kind = error["type"]
    name = field_name(loc)
    line = document.line(loc)
    message = error["msg"]
    if kind == "missing":
        message = "missing required field"
    elif kind == "extra_forbidden":
        message = f"unknown field (known fields: {_model_at(model, loc[:-1]).known_fields()})"
    elif kind == ENTRY:
        name = field_name(loc[:-1])  # one bad entry is a problem of its list
    elif (error.get("ctx") or {}).get("part"):
        name = f"{name}.{error['ctx']['part']}"
    problems.error(path, line, name, message)


def _pruned(data: dict[str, Any], errors: list[dict],
            positions: dict[str, list[int]]) -> dict[str, Any]:
    """`data` without the values the errors are about (a whole field, or list entries);
    `positions` keeps, per list with entries left out, the original positions of the rest."""
    data = dict(data)
    items: dict[str, set[int]] = {}
    keys = set()
    for error in errors:
        loc = tuple(error["loc"])
        if not loc or loc[0] not in data:
            continue
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data[loc[0]], list):
            items.setdefault(loc[0], set()).add(loc[1])
        else:
            keys.add(loc[0])
    for key, bad in items.items():
        current = positions.setdefault(key, list(range(len(data[key]))))
        positions[key] = [p for i, p in enumerate(current) if i not in bad]
        data[key] = [v for i, v in enumerate(data[key]) if i not in bad]
    for key in keys:
        del data[key]
        positions.pop(key, None)
    return data


@functools.cache
def lenient(model: type[Fields]) -> type[Fields]:
    """The same schema with every field optional: what is left once bad values are out."""
    optional = {name: (info.rebuild_annotation(), None)
                for name, info in model.model_fields.items() if info.is_required()}
    return create_model(f"Lenient{model.__name__}", __base__=model, **optional)


def plain(value: Any) -> Any:
    """A validated value as plain data: a set of fields becomes a dict of the fields given."""
    if isinstance(value, BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields
                if name in value.model_fields_set}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def validate(model: type[Fields], data: dict[str, Any], document: YamlDocument, path: str,
             problems: ProblemList, present: frozenset[str] = frozenset()) -> Validated:
    """Check `data` (the document's value, or part of it) against `model`, reporting every
    problem; `present` names fields that exist but could not be read (never "missing")."""
    try:
        return Validated(plain(model.model_validate(data)))
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
    for error in errors:
        if not (error["type"] == "missing" and error["loc"][:1] and error["loc"][0] in present):
            _report(error, model, document, path, problems)
    positions: dict[str, list[int]] = {}
    data = _pruned(data, errors, positions)
    for _ in range(_MAX_PASSES):
        try:
            values = plain(lenient(model).model_validate(data))
        except ValidationError as again:  # an error only seen once others are out: drop it
            data = _pruned(data, again.errors(include_url=False, include_input=False),
                           positions)
            continue
        return Validated(values, {key: tuple(kept) for key, kept in positions.items()})
    return Validated({})
