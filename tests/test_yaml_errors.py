"""rumours.content.yaml_errors: YAML mistakes in plain words, the other fields still checked, and
strength labels accepted as their letters."""

from __future__ import annotations

import pytest
import yaml

from rumours.content.loading import check_content
from rumours.content.yaml_errors import explain, salvage, strength_letter
from rumours.content.yaml_lines import ContentYamlLoader

STRENGTHS = {"A": "Strong — official statistics", "B": "Good — a single study",
             "C": "Indicative — a news report", "D": "Weak — partisan"}


def explained(text: str) -> tuple[int, str]:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.load(text, Loader=ContentYamlLoader)  # noqa: S506 - a safe loader
    return explain(caught.value, text, 1)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("id: x\nsources:\n\t- id: a\n", 3, "line 3 starts with a tab: YAML needs spaces"),
    ('id: x\nclaim: "They take our jobs\nverdict: "false"\n', 2,
     "a quotation mark opened on line 2 is never closed"),
    ("id: x\ntopics: [work, housing\nverdict: misleading\n", 2,
     "a list opened with '[' on line 2 is not closed: end it with ']'"),
    ("id: x\nclaim They take our jobs\nverdict: misleading\n", 2,
     "line 2 is not a 'field: value' line: add the colon"),
    ("id: x\nsummary: The fact: it is small\n", 2, "has a colon inside a value: put the whole"),
    ("id: x\nclaim: @home\n", 2, "a value cannot start with '@': put the value in quotation"),
    ("id: x\nsources:\n  - id: a\n    title: t\n   url: u\n", 5,
     "line 5 is not indented like the lines around it"),
])
def test_yaml_mistakes_are_explained_with_the_fix(text, line, words):
    got_line, message = explained(text)
    assert got_line == line
    assert words in message
    assert "token" not in message and "scanning" not in message  # no parser jargon


def test_salvage_reads_every_field_but_the_broken_one():
    text = 'id: x\nclaim: "open\nverdict: "false"\ntopics: [work]\n'
    meta, broken = salvage(text, ContentYamlLoader)
    assert meta == {"id": "x", "verdict": "false", "topics": ["work"]}
    assert broken == {"claim": 1}


def test_strength_labels_mean_their_letters():
    assert strength_letter("Strong", STRENGTHS) == "A"
    assert strength_letter("good", STRENGTHS) == "B"
    assert strength_letter("Indicative — a news report", STRENGTHS) == "C"
    assert strength_letter("d", STRENGTHS) == "D"
    assert strength_letter("Excellent", STRENGTHS) is None


def problems_of(content_dir, name: str) -> list[str]:
    return [str(p) for p in check_content(content_dir)[1] if name in p.path]


def edit(content_dir, replacements: dict[str, str]) -> None:
    path = content_dir / "rumours" / "take-our-jobs.md"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_a_yaml_mistake_does_not_hide_the_files_other_problems(content_dir):
    edit(content_dir, {"topics: [work]": "topics: [work", 'verdict: "false"': "verdict: maybe"})
    found = problems_of(content_dir, "take-our-jobs.md")
    assert any(":11: topics: a list opened with '[' on line 11 is not closed" in p
               for p in found), found
    assert any("verdict: 'maybe' is not a verdict" in p for p in found), found
    assert not any("missing required field" in p for p in found), found
    library, _ = check_content(content_dir, partial=True)
    assert library.rumour("take-our-jobs") is None  # never published half-read


def test_a_tab_is_reported_once_and_sources_do_not_cascade(content_dir):
    edit(content_dir, {"\n  - id: nas-2016": "\n\t- id: nas-2016"})
    found = problems_of(content_dir, "take-our-jobs.md")
    assert len(found) == 1, found
    assert "starts with a tab: YAML needs spaces to indent" in found[0]
    assert "cites no source" not in " ".join(found)


def test_a_strength_written_as_its_label_is_accepted(content_dir):
    edit(content_dir, {"    strength: A": "    strength: Strong"})
    assert problems_of(content_dir, "take-our-jobs.md") == []
    library, _ = check_content(content_dir)
    assert library.rumour("take-our-jobs").source("nas-2016").strength == "A"


def test_an_unknown_strength_is_explained_without_a_false_missing_source(content_dir):
    edit(content_dir, {"    strength: A": "    strength: Excellent"})
    found = problems_of(content_dir, "take-our-jobs.md")
    assert len(found) == 1, found
    assert "'Excellent' is not a strength: use A, B, C, D (A = Strong; B = Good;" in found[0]
