"""rumours.content.library: loading and validating content, each problem naming file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from content_fixtures import JOBS, write

from rumours.content.loading import check_content, load_library
from rumours.content.model import ContentError

pytestmark = pytest.mark.smoke


def problems_for(content: Path, name: str, text: str, today: dt.date | None = None):
    """Write one rumour file and return the problems reported for it."""
    path = write(content / "rumours" / name, text)
    _library, problems = check_content(content, today=today)
    return [p for p in problems if p.path.endswith(path.name)]


def only(problems, field: str):
    found = [p for p in problems if p.field == field]
    assert found, f"no problem for {field}: {[str(p) for p in problems]}"
    return found[0]


def test_valid_content_loads_into_an_immutable_library(content_dir):
    library = load_library(content_dir)
    assert [r.id for r in library.rumours] == ["take-our-jobs", "springfield-pets-geese"]
    jobs = library.rumour("take-our-jobs")
    assert jobs.verdict == "false"
    assert jobs.languages == ("en", "es")
    assert jobs.text("es").claim == "Nos quitan el trabajo"
    assert jobs.text("fr").lang == "en"  # falls back to the source language
    assert jobs.text("es").status == "current"
    assert len(jobs.text("en").facts) == 3
    assert jobs.text("en").facts[1].source_ids == ("mil21-2024",)
    assert "13.7%" in jobs.text("en").facts[1].text
    assert "[^" not in jobs.text("en").body_text
    with pytest.raises(AttributeError):
        jobs.verdict = "true"  # frozen


def test_drafts_are_left_out_unless_asked_for(content_dir):
    assert load_library(content_dir).rumour("secret-draft") is None
    assert load_library(content_dir, include_drafts=True).rumour("secret-draft").draft


def test_yaml_syntax_error_names_file_and_line(content_dir):
    broken = JOBS.replace('verdict: "false"', 'verdict: [false')
    problem = problems_for(content_dir, "take-our-jobs.md", broken)[0]
    assert problem.field == "verdict"  # the field the mistake is in (tests/test_yaml_errors.py)
    assert "a list opened with '[' on line 7 is not closed" in problem.message
    assert problem.line == 7
    assert str(problem).startswith("content/rumours/take-our-jobs.md:")


def test_unknown_field_is_an_error_on_its_line(content_dir):
    text = JOBS.replace("verdict:", "verdcit:")
    problems = problems_for(content_dir, "take-our-jobs.md", text)
    unknown = only(problems, "verdcit")
    assert "unknown field" in unknown.message
    assert unknown.line == 7
    assert only(problems, "verdict").message == "missing required field"


def test_wrong_type_is_an_error(content_dir):
    text = JOBS.replace("topics: [work]", "topics: {work: yes}")
    problem = only(problems_for(content_dir, "take-our-jobs.md", text), "topics")
    assert "must be a list" in problem.message
    assert problem.line == 11


def test_values_outside_the_vocabularies(content_dir):
    text = JOBS.replace('verdict: "false"', "verdict: fals").replace(
        "places: [spain, united-states]", "places: [spain, atlantis]"
    ).replace("strength: A", "strength: Z")
    problems = problems_for(content_dir, "take-our-jobs.md", text)
    assert "'fals' is not a verdict" in only(problems, "verdict").message
    assert "'atlantis' is not in site.yml places" in only(problems, "places").message
    strength = only(problems, "sources[1].strength")
    assert strength.line == 19


def test_duplicate_ids(content_dir):
    write(content_dir / "rumours" / "copy.md", JOBS.replace("id: take-our-jobs", "id: copy"))
    text = (content_dir / "rumours" / "copy.md").read_text()
    write(content_dir / "rumours" / "copy.md", text)
    _lib, problems = check_content(content_dir)
    assert not problems  # a different id is fine
    dup = JOBS.replace("- id: mil21-2024", "- id: nas-2016")
    problem = only(problems_for(content_dir, "take-our-jobs.md", dup), "sources[2].id")
    assert "duplicate source id" in problem.message


def test_id_must_match_file_name(content_dir):
    problem = only(problems_for(content_dir, "other-name.md", JOBS), "id")
    assert "must match the file name" in problem.message


def test_footnote_citing_no_source(content_dir):
    text = JOBS.replace("[^mil21-2024]", "[^nowhere]")
    problems = problems_for(content_dir, "take-our-jobs.md", text)
    body = only(problems, "body")
    assert "[^nowhere] cites no source" in body.message
    assert body.line == 34
    never = only(problems, "sources")
    assert "'mil21-2024' is never cited" in never.message
    assert never.line == 20


def test_written_footnote_definitions_are_refused(content_dir):
    text = JOBS + "\n[^nas-2016]: my own definition\n"
    assert "do not write footnote definitions" in only(
        problems_for(content_dir, "take-our-jobs.md", text), "body").message


def test_missing_section(content_dir):
    text = JOBS.replace("## The real concern {#concern}", "## The real concern")
    assert "{#concern}" in only(problems_for(content_dir, "take-our-jobs.md", text), "body").message


def test_bad_dates(content_dir):
    text = JOBS.replace("published: 2026-01-10", "published: 2026-13-45").replace(
        "date: 2016-09-21", "date: 21/09/2016"
    )
    problems = problems_for(content_dir, "take-our-jobs.md", text)
    assert "YYYY-MM-DD" in only(problems, "published").message
    assert "YYYY-MM-DD, YYYY-MM or YYYY" in only(problems, "sources[1].date").message


def test_bad_url(content_dir):
    text = JOBS.replace("https://mil21.es/example", "javascript:alert(1)")
    assert "absolute http(s) URL" in only(
        problems_for(content_dir, "take-our-jobs.md", text), "sources[2].url").message


def test_next_review_in_the_past_is_a_warning(content_dir):
    problems = problems_for(content_dir, "take-our-jobs.md", JOBS,
                            today=dt.date(2099, 6, 1))
    warning = only(problems, "next_review")
    assert warning.severity == "warning"
    assert str(warning).startswith("content/rumours/take-our-jobs.md:29: next_review: warning:")
    library, _ = check_content(content_dir, today=dt.date(2099, 6, 1))
    assert library is not None  # warnings do not stop the library


def test_translation_without_source_is_an_error(content_dir):
    write(content_dir / "rumours" / "no-such-rumour.es.md", "---\nclaim: x\nsummary: y\n---\n")
    library, problems = check_content(content_dir)
    assert library is None
    assert "which does not exist" in only(problems, "file name").message


def test_translation_in_unknown_language(content_dir):
    write(content_dir / "rumours" / "take-our-jobs.xx.md", "---\nclaim: x\nsummary: y\n---\n")
    _library, problems = check_content(content_dir)
    assert "'xx' is not one of the site's languages" in only(problems, "file name").message


def test_outdated_translation_is_flagged(content_dir):
    source = content_dir / "rumours" / "take-our-jobs.md"
    source.write_text(source.read_text().replace("very small", "very, very small"))
    library, problems = check_content(content_dir)
    assert library.rumour("take-our-jobs").text("es").status == "outdated"
    assert library.rumour("take-our-jobs").outdated == ("es",)
    assert "outdated" in only(problems, "source_fingerprint").message


def test_not_utf8(content_dir):
    (content_dir / "rumours" / "take-our-jobs.md").write_bytes(b"---\nclaim: \xff\n---\n")
    _library, problems = check_content(content_dir)
    assert "not valid UTF-8" in only(problems, "file").message


def test_load_library_raises_with_every_problem(content_dir):
    write(content_dir / "rumours" / "take-our-jobs.md", JOBS.replace("verdict:", "verdcit:"))
    with pytest.raises(ContentError) as info:
        load_library(content_dir)
    assert any(p.field == "verdcit" for p in info.value.problems)


def test_site_yml_problems(content_dir):
    site = content_dir / "site.yml"
    site.write_text(site.read_text().replace("default_language: en", "default_language: de"))
    _library, problems = check_content(content_dir)
    problem = only(problems, "default_language")
    assert problem.path == "content/site.yml"
    assert "not one of the site's languages" in problem.message


def test_update_must_reference_existing_rumours(content_dir):
    path = content_dir / "updates" / "2026-10-20-springfield-set.md"
    path.write_text(path.read_text().replace("springfield-pets-geese]", "nope]"))
    _library, problems = check_content(content_dir)
    assert "no rumour has the id 'nope'" in only(problems, "rumours").message
