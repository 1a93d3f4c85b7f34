"""rumours.content.extras: corrections logs, translation review status, translated source notes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rumours import create_app
from rumours.content.loading import check_content, load_library

CORRECTIONS = """\
corrections:
  - date: 2026-09-01
    text: We removed a figure that the source did not give.
  - date: 2026-03-02
    text: >-
      The verdict changed from false to misleading after a new study.
published: 2026-01-10
"""
ES_CORRECTIONS = """\
corrections:
  - "Cambiamos el veredicto de falso a engañoso tras un estudio nuevo."
  - "Quitamos una cifra que la fuente no daba."
source_notes:
  mil21-2024: "datos oficiales publicados por la prensa"
claim:"""


def add(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(content_dir) -> list[str]:
    return [str(p) for p in check_content(content_dir)[1]]


@pytest.fixture
def corrected(content_dir):
    rumours = content_dir / "rumours"
    add(rumours / "take-our-jobs.md", "published: 2026-01-10\n", CORRECTIONS)
    add(rumours / "take-our-jobs.es.md", "claim:", ES_CORRECTIONS)
    return content_dir


def test_corrections_are_carried_oldest_first_in_every_language(corrected):
    jobs = load_library(corrected).rumour("take-our-jobs")
    assert [(c.date, c.text) for c in jobs.corrections] == [
        (dt.date(2026, 3, 2), "The verdict changed from false to misleading after a new study."),
        (dt.date(2026, 9, 1), "We removed a figure that the source did not give.")]
    assert jobs.texts["en"].corrections == tuple(c.text for c in jobs.corrections)
    # The translation lists them in the source file's order as written: oldest first.
    assert jobs.texts["es"].corrections[0].startswith("Cambiamos el veredicto")
    assert jobs.texts["es"].source_notes == {
        "mil21-2024": "datos oficiales publicados por la prensa"}
    assert jobs.texts["es"].review == "reviewed" and jobs.texts["en"].review == ""


def test_the_page_shows_corrections_and_translated_source_notes(corrected, tmp_path):
    client = create_app({"TESTING": True, "CONTENT_DIR": corrected,
                         "INSTANCE_DIR": tmp_path / "instance"}).test_client()
    spanish = client.get("/es/rumours/take-our-jobs").get_data(as_text=True)
    section = spanish[spanish.index('<section class="corrections"'):]
    assert '<h2 id="corrections-title">Correcciones</h2>' in section
    assert re.search(r'<time datetime="2026-03-02">2 de marzo de 2026</time>: <span>'
                     r"Cambiamos el veredicto", section)
    assert "datos oficiales publicados por la prensa" in spanish
    assert "official data reported by the press" not in spanish
    # A language without a translation of the log shows the source's, marked as English.
    english_log = client.get("/ht/rumours/take-our-jobs").get_data(as_text=True)
    assert re.search(r'<span lang="en" dir="ltr">The verdict changed from false', english_log)
    assert "<h2 id=\"corrections-title\">Koreksyon</h2>" in english_log


def test_a_translation_with_a_different_number_of_corrections_is_a_warning(corrected):
    add(corrected / "rumours" / "take-our-jobs.es.md",
        '  - "Quitamos una cifra que la fuente no daba."\n', "")
    found = problems(corrected)
    assert any("take-our-jobs.es.md" in p and "has 1 correction(s)" in p
               and "translate each one, in the same order" in p for p in found), found
    jobs = load_library(corrected).rumour("take-our-jobs")
    assert jobs.texts["es"].corrections == ()  # readers see the English log


@pytest.mark.parametrize(("entry", "message"), [
    ("  - date: 2026-13-01\n    text: x\n", "corrections[1].date: must be a date written"),
    ("  - date: 2026-02-01\n", "corrections[1].text: say what changed"),
    ("  - date: 2025-02-01\n    text: x\n", "corrections[1].date: is earlier than 'published'"),
    ("  - date: 2099-02-01\n    text: x\n", "corrections[1].date: is in the future"),
    ("  - We fixed it\n", "each correction needs two lines"),
    ("  - date: 2026-02-01\n    text: x\n    by: me\n", "corrections[1].by: unknown field"),
])
def test_corrections_mistakes_are_explained(content_dir, entry, message):
    add(content_dir / "rumours" / "take-our-jobs.md", "published: 2026-01-10\n",
        "corrections:\n" + entry + "published: 2026-01-10\n")
    assert any(message in p for p in problems(content_dir)), problems(content_dir)


def test_unknown_source_notes_and_statuses_are_errors(content_dir):
    add(content_dir / "rumours" / "take-our-jobs.es.md", "status: reviewed",
        "source_notes:\n  no-such-source: nota\nstatus: finished")
    found = problems(content_dir)
    assert any("source_notes.no-such-source: no source has this id" in p for p in found)
    assert any("status: 'finished' is not a status: write 'draft'" in p for p in found)
