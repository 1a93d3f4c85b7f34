"""Hostile or mistaken content: every case is a `file:line: field` problem, fast, never a crash."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from content_fixtures import JOBS

from rumours import create_app
from rumours.content.files import MAX_FILE_BYTES
from rumours.content.loading import check_content


def problems_for(content_dir: Path) -> tuple[list[str], float]:
    """Check the folder; return the problems as text and the CPU seconds it took."""
    started = time.process_time()
    _library, problems = check_content(content_dir)
    return [str(p) for p in problems if p.is_error], time.process_time() - started


def add(content_dir: Path, name: str, text: str) -> Path:
    path = content_dir / "rumours" / name
    path.write_text(text, encoding="utf-8")
    return path


def jobs_with(front: str = "", body: str = "") -> str:
    """The fixture entry under another id, with extra front matter or body appended."""
    text = JOBS.replace("id: take-our-jobs", "id: hostile")
    text = text.replace("next_review: 2099-04-01\n", "next_review: 2099-04-01\n" + front)
    return text + body


CASES = {
    "a folder named like a file": (
        lambda d: (d / "rumours" / "folder.md").mkdir(), "folder.md:1: file: is a folder"),
    "a link to a file outside the content folder": (
        lambda d: (d / "rumours" / "outside.md").symlink_to(d.parent / "secret.md"),
        "outside.md:1: file: is a symbolic link to a file outside the content folder"),
    "a link to nowhere": (
        lambda d: (d / "rumours" / "dangling.md").symlink_to(d / "rumours" / "gone.md"),
        "dangling.md:1: file: cannot be read"),
    "a named pipe": (lambda d: os.mkfifo(d / "rumours" / "pipe.md"),
                     "pipe.md:1: file: is not a regular file"),
    "not UTF-8": (lambda d: (d / "rumours" / "latin1.md").write_bytes(
        "---\nclaim: café\n---\n".encode("latin-1")), "latin1.md:1: file: not valid UTF-8"),
    "an oversized file": (lambda d: add(d, "hostile.md", jobs_with(body="word " * MAX_FILE_BYTES)),
                          "hostile.md:1: file: is "),
    "a YAML alias bomb": (lambda d: add(d, "hostile.md", "---\n" + "".join(
        f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else 'lol'}]\n" for n in range(9))
        + "---\n"), "hostile.md:2: front matter: YAML anchors and aliases"),
    "a 300-level nested list": (lambda d: add(d, "hostile.md", "---\nclaim: " + "[" * 300
                                                + "]" * 300 + "\n---\n"),
                                "hostile.md:2: front matter: nested more than"),
    "30 KB of nested brackets in the body": (
        lambda d: add(d, "hostile.md", jobs_with(body="[" * 15000 + "]" * 15000)),
        "hostile.md:"),
    "a YAML syntax error": (lambda d: add(d, "hostile.md", JOBS.replace(
        'id: take-our-jobs', 'id: hostile').replace('verdict: "false"', "verdict: [unclosed")),
        "hostile.md:"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_hostile_case_is_reported_quickly(case, content_dir):
    make, expected = CASES[case]
    (content_dir.parent / "secret.md").write_text(JOBS)
    make(content_dir)
    problems, cpu = problems_for(content_dir)
    assert any(expected in p for p in problems), problems
    assert cpu < 1.0, f"{case} took {cpu:.2f} s of CPU"
    assert all(len(p) < 400 for p in problems), "an error message quotes an unbounded value"


def test_nested_brackets_name_the_body_line(content_dir):
    add(content_dir, "hostile.md", jobs_with(body="\n" + "[" * 100 + "x" + "]" * 100 + "\n"))
    problems, _ = problems_for(content_dir)
    assert any(": body: brackets nested more than" in p for p in problems), problems


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_site_keeps_serving_with_each_hostile_case(case, content_dir, tmp_path):
    make, _expected = CASES[case]
    (content_dir.parent / "secret.md").write_text(JOBS.replace("They take our jobs", "SECRET"))
    make(content_dir)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    client = app.test_client()
    assert client.get("/en/rumours/take-our-jobs").status_code == 200
    assert client.get("/healthz").get_json()["status"] == "degraded"
    assert "SECRET" not in client.get("/en/rumours/").get_data(as_text=True)


def site_with(content_dir: Path, old: str, new: str) -> None:
    path = content_dir / "site.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def contact_line(content_dir: Path) -> str:
    return next(line for line in (content_dir / "site.yml").read_text().splitlines()
                if line.startswith("contact:"))


def test_contact_is_text_never_html_or_a_format_string(content_dir, tmp_path):
    site_with(content_dir, contact_line(content_dir),
              'contact: "We reply to 100% of messages. <meta http-equiv=refresh content=0>'
              '<script>alert(1)</script>"')
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    client = app.test_client()
    for url in ("/en/", "/en/rumours/take-our-jobs", "/en/search?q=zzzzqqq"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "We reply to 100% of messages." in page
        assert "<script>alert" not in page and "<meta http-equiv=refresh" not in page


def test_structured_contact_renders_links(content_dir, tmp_path):
    site_with(content_dir, contact_line(content_dir),
              "contact:\n  text: Tell us what you heard.\n  email: team@example.org\n"
              "  url: https://example.org/contact")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir,
                      "INSTANCE_DIR": tmp_path / "instance"})
    page = app.test_client().get("/en/").get_data(as_text=True)
    assert 'href="mailto:team@example.org"' in page
    assert 'href="https://example.org/contact"' in page


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("url: https://", "url: javascript://", "publisher.url: must be an absolute http(s) URL"),
    ("base_url: https://", "base_url: javascript://", "base_url: must be an absolute"),
])
def test_url_fields_accept_only_http(content_dir, old, new, expected):
    site_with(content_dir, old, new)
    problems, _ = problems_for(content_dir)
    assert any(expected in p for p in problems), problems


def test_contact_email_is_checked(content_dir):
    site_with(content_dir, contact_line(content_dir),
              "contact:\n  text: Write to us.\n  email: 'javascript:alert(1)'")
    problems, _ = problems_for(content_dir)
    assert any("contact.email" in p for p in problems), problems


def test_a_poisoned_query_never_reaches_other_visitors(client):
    poisoned = client.get("/en/rumours/take-our-jobs?q=poisoned&ids=evil")
    assert poisoned.status_code == 200
    clean = client.get("/en/rumours/take-our-jobs").get_data(as_text=True)
    assert "poisoned" not in clean and "evil" not in clean


def test_a_redirect_never_names_a_forged_host(client):
    response = client.get("/en/rumours", headers={"Host": "evil.example"})
    assert response.status_code in (301, 308)
    assert response.headers["Location"] == "/en/rumours/"


DENSE_MARKDOWN = ["*_*_", "\\*", "***a*** ", "[a](b) ", "`a", "&lt;", "&", "[]", "[a][b]",
                  "&amp;", "<http://a", "<div>", "# a\n", "***\n", "a\n===\n", "- a\n"]


@pytest.mark.parametrize("unit", DENSE_MARKDOWN)
def test_a_body_of_dense_markdown_costs_under_a_second(unit, content_dir):
    head = jobs_with()
    body = unit * ((MAX_FILE_BYTES - len(head.encode()) - 100) // len(unit))
    add(content_dir, "hostile.md", head + "\n" + body)
    _problems, cpu = problems_for(content_dir)
    assert cpu < 1.0, f"{unit!r} x {len(body) // len(unit)} took {cpu:.2f} s of CPU"


def test_wrapping_a_very_long_word_measures_text_a_linear_number_of_times(tmp_path):
    from PIL import Image, ImageDraw

    from rumours.printing.share_images import Fonts, wrap

    font = Fonts(tmp_path).get("a", "bold", 60)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    measured = {"calls": 0}
    textlength = draw.textlength

    def counting(*args, **kwargs):
        measured["calls"] += 1
        return textlength(*args, **kwargs)

    draw.textlength = counting
    lines = wrap(draw, "a" * 2000, font, 1000, "ltr", "en")
    assert "".join(lines) == "a" * 2000
    assert measured["calls"] < 15 * len(lines), measured  # bisection per line, not a scan
