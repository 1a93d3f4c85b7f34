"""rumours.content.validation and yaml_lines: every schema error, nested ones included, names
the exact line of the value it is about."""

from __future__ import annotations

import pytest
from content_fixtures import JOBS, write

from rumours.content.loading import check_content
from rumours.content.model import ProblemList
from rumours.content.schema import RumourFields
from rumours.content.validation import field_name, validate
from rumours.content.yaml_lines import read_yaml

# A source whose title is folded over three lines: the fields after it are further down
# than their position in the source says.
LONG_TITLE = """    title: >-
      The Economic and Fiscal Consequences
      of Immigration"""


def problems_for(content, text):
    path = write(content / "rumours" / "take-our-jobs.md", text)
    _library, problems = check_content(content)
    return [p for p in problems if p.path.endswith(path.name)]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_bad_strength_deep_in_the_sources_is_reported_on_its_own_line(content_dir):
    text = JOBS.replace("    title: The Economic and Fiscal Consequences of Immigration",
                        LONG_TITLE).replace("strength: A", "strength: Z")
    found = [p for p in problems_for(content_dir, text) if p.field == "sources[1].strength"]
    assert [p.line for p in found] == [line_of(text, "strength: Z")] == [21]
    assert line_of(text, "sources:") == 13


def test_a_mistyped_value_in_a_list_of_sets_of_fields(content_dir):
    text = JOBS.replace("    title: The Economic and Fiscal Consequences of Immigration",
                        LONG_TITLE).replace("date: 2016-09-21", "date: [2016]")
    problem = next(p for p in problems_for(content_dir, text) if p.field == "sources[1].date")
    assert problem.line == line_of(text, "date: [2016]")
    assert "must be YYYY-MM-DD, YYYY-MM or YYYY" in problem.message


def test_an_unknown_field_of_the_second_source_is_on_its_line(content_dir):
    text = JOBS.replace("    note: official data", "    colour: red\n    note: official data")
    problem = next(p for p in problems_for(content_dir, text)
                   if p.field == "sources[2].colour")
    assert problem.line == line_of(text, "colour: red")
    assert problem.message.startswith("unknown field (known fields: id, publisher")


def test_a_bad_entry_in_a_nested_mapping_is_on_its_line(content_dir):
    text = JOBS.replace('  es: ["nos quitan el trabajo", "vienen a quitarnos el curro"]',
                        '  es:\n    - "nos quitan el trabajo"\n    - [not, text]')
    problem = next(p for p in problems_for(content_dir, text) if p.field == "aliases.es")
    assert problem.line == line_of(text, "- [not, text]")
    assert "each entry must be text" in problem.message


def test_a_missing_field_of_a_source_is_reported_on_the_source(content_dir):
    text = JOBS.replace("    url: https://mil21.es/example\n", "")
    problem = next(p for p in problems_for(content_dir, text) if p.field == "sources[2].url")
    assert problem.message == "missing required field"
    assert problem.line == line_of(text, "- id: mil21-2024")


def test_a_good_source_beside_a_bad_one_is_still_checked(content_dir):
    # The first source is broken; the second's own problem is still found.
    text = JOBS.replace("strength: A", "strength: [A]").replace("strength: B", "strength: Q")
    fields = {p.field for p in problems_for(content_dir, text)}
    assert {"sources[1].strength", "sources[2].strength"} <= fields


@pytest.mark.parametrize(("loc", "name"), [
    (("sources", 0, "strength"), "sources[1].strength"),
    (("aliases", "es", 2), "aliases.es[3]"),
    (("claim",), "claim"),
])
def test_field_names_count_list_entries_from_one(loc, name):
    assert field_name(loc) == name


def test_the_walk_keeps_the_line_of_every_value():
    document = read_yaml("a: 1\nb:\n  - x: 1\n    y:\n      z: [1, 2]\n  - 3\n", 2)
    assert document.value == {"a": 1, "b": [{"x": 1, "y": {"z": [1, 2]}}, 3]}
    assert document.lines[("b", 0, "y", "z")] == 6
    assert document.lines[("b", 1)] == 7
    assert document.line(("b", 0, "y", "z", 1)) == 6  # on the line of its list
    assert document.line(("nowhere",)) == 2  # the root: the first line


def test_dates_stay_text_until_the_schema_reads_them():
    document = read_yaml("published: 2026-13-45\n", 2)
    problems = ProblemList()
    validate(RumourFields, document.value, document, "f.md", problems)
    published = next(p for p in problems.problems if p.field == "published")
    assert published.line == 2
    assert published.message == "must be a date written YYYY-MM-DD, not '2026-13-45'"
