"""rumours.cli: check and new, as a comms team uses them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rumours.cli import main, slugify


def run(content_dir, *args):
    return CliRunner().invoke(main, list(args), env={"RUMOURS_CONTENT": str(content_dir)})


def test_check_passes_on_good_content(content_dir):
    result = run(content_dir, "check")
    assert result.exit_code == 0, result.output
    assert "OK: 2 rumours (1 draft), 1 pages, 1 updates" in result.output


def test_check_reports_file_line_field_and_fails(content_dir):
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace("topics: [work]", "topics: [wrok]"))
    result = run(content_dir, "check")
    assert result.exit_code == 1
    assert "content/rumours/take-our-jobs.md:11: topics: 'wrok' is not in site.yml topics" \
        in result.output


def test_strict_fails_on_warnings_and_json_is_machine_readable(content_dir):
    path = content_dir / "rumours" / "take-our-jobs.md"
    path.write_text(path.read_text().replace("next_review: 2099-04-01", "next_review: 2026-10-02"))
    assert run(content_dir, "check").exit_code == 0
    assert run(content_dir, "check", "--strict").exit_code == 1
    result = run(content_dir, "check", "--json")
    data = json.loads(result.output)
    assert data["ok"] is True and data["warnings"] >= 1
    warning = next(p for p in data["problems"] if p["field"] == "next_review")
    assert warning == {"path": "content/rumours/take-our-jobs.md", "line": 29,
                       "field": "next_review", "severity": "warning",
                       "message": "the evidence was due for review on 2026-10-02"}


def test_new_writes_a_scaffold_that_passes_check_once_filled(content_dir):
    result = run(content_dir, "new", "They get all the benefits!")
    assert result.exit_code == 0, result.output
    path = content_dir / "rumours" / "they-get-all-the-benefits.md"
    scaffold = path.read_text()
    for field in ("id:", "claim:", "aliases:", "verdict:", "summary:", "topics:", "places:",
                  "sources:", "publisher:", "strength:", "published:", "reviewed:",
                  "next_review:", "draft:", "{#facts}", "{#concern}", "{#talk}"):
        assert field in scaffold
    unfilled = run(content_dir, "check")
    assert unfilled.exit_code == 1
    assert "they-get-all-the-benefits.md" in unfilled.output
    filled = (scaffold.replace('verdict: ""', 'verdict: "false"')
              .replace('summary: ""', 'summary: "Aid is means-tested."')
              .replace("topics: []", "topics: [benefits]")
              .replace("places: []", "places: [catalonia]")
              .replace('publisher: ""', "publisher: Verificat")
              .replace('title: ""', "title: Who receives aid")
              .replace('date: ""', "date: 2023")
              .replace('url: ""', "url: https://example.org/aid")
              .replace('strength: ""', "strength: B"))
    path.write_text(filled)
    assert run(content_dir, "check").exit_code == 0, run(content_dir, "check").output
    assert run(content_dir, "new", "They get all the benefits!").exit_code != 0  # no overwrite


def test_new_update(content_dir):
    result = run(content_dir, "new", "Benefits entry updated", "--update")
    assert result.exit_code == 0
    assert list((content_dir / "updates").glob("*-benefits-entry-updated.md"))


def test_slugify():
    assert slugify("Ils prennent nos emplois !") == "ils-prennent-nos-emplois"
    # Any script gives a readable id (anyascii transliterates), never "rumour".
    assert slugify("يسرقون وظائفنا") == "ysrqwn-wdhifn"
    assert slugify("Yo pran travay nou!") == "yo-pran-travay-nou"
    assert slugify("Ελληνικά λόγια") == "ellinika-logia"
    assert slugify("!!!") == "rumour"
    assert len(slugify("word " * 40)) <= 60


def test_new_with_an_arabic_claim_writes_a_transliterated_id(content_dir):
    result = run(content_dir, "new", "إنهم يأخذون وظائفنا")
    assert result.exit_code == 0, result.output
    path = content_dir / "rumours" / "nhm-ykhdhwn-wdhifn.md"
    assert path.is_file() and "id: nhm-ykhdhwn-wdhifn\n" in path.read_text(encoding="utf-8")
    assert 'claim: "إنهم يأخذون وظائفنا"' in path.read_text(encoding="utf-8")
