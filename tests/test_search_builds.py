"""rumours.search.builds and ensure_index: an edit replaces only its rumour's documents, in a
new build swapped in atomically; anything else (languages, a broken index) builds it whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_search import ids, make_search_content
from whoosh import index as whoosh_index

from rumours import search
from rumours.content.loading import load_library
from rumours.search import builds
from rumours.search.thesaurus import load_thesaurus

QUERIES = [("jobs", "en"), ("trabajo", "es"), ("hospitals", "en"), ("zanahoria", "en"),
           ("loud music", "en"), ("diseases", "en"), ("streets dirty", "en"),
           ("hospitls", "en"), ("nostre sistema", "ca")]


def generation(root: Path) -> int:
    return whoosh_index.open_dir(str((root / search.CURRENT_LINK).resolve())).latest_generation()


def answers(root: Path) -> list:
    index = search.SearchIndex(root)
    try:
        return [(ids(r := index.search(q, lang)), r.suggestion, r.answered) for q, lang in QUERIES]
    finally:
        index.close()


def edit(content: Path) -> None:
    """Add an alias to one rumour, remove another, add a third."""
    jobs = content / "rumours" / "take-our-jobs.md"
    jobs.write_text(jobs.read_text().replace('"en": [', '"en": ["zanahoria", ', 1))
    for path in (content / "rumours").glob("dirty-streets*.md"):
        path.unlink()
    noise = (content / "rumours" / "noise-01.md").read_text()
    (content / "rumours" / "noise-99.md").write_text(
        noise.replace("noise-01", "noise-99").replace("case 1", "case 99"))


@pytest.fixture
def content(tmp_path):
    return make_search_content(tmp_path)


def test_an_edit_updates_the_index_like_a_full_build(content, tmp_path):
    library = load_library(content)
    thesaurus = load_thesaurus(content, library.site.languages)
    root = tmp_path / "index"
    assert search.ensure_index(library, root, thesaurus)
    first = (root / search.CURRENT_LINK).resolve()
    before = answers(root)
    edit(content)
    edited = load_library(content)
    assert search.ensure_index(edited, root, thesaurus)
    updated = (root / search.CURRENT_LINK).resolve()
    assert updated != first and generation(root) > 1  # a new generation of the old index
    assert search.current_stamp(root) == search.index_stamp(edited, thesaurus)
    rebuilt = tmp_path / "rebuilt"
    search.build_index(edited, rebuilt, thesaurus)
    assert answers(root) == answers(rebuilt)
    assert answers(root)[3][0] == ["take-our-jobs"]  # the new alias
    assert "dirty-streets" not in answers(root)[6][0]
    # The previous build, which other processes may have open, is unchanged.
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / search.CURRENT_LINK).symlink_to(first)
    assert answers(tmp_path / "old") == before
    assert not search.ensure_index(edited, root, thesaurus)  # fresh now


def test_only_the_changed_rumours_are_replaced(content):
    library = load_library(content)
    (content / "rumours" / "noise-03.md").write_text(
        (content / "rumours" / "noise-03.md").read_text().replace("case 3", "case three"))
    (content / "rumours" / "noise-05.md").unlink()
    edited = load_library(content)
    changed, removed = builds.changed_rumours(library, edited)
    assert changed == {"noise-03", "noise-05"} and removed == {"noise-05"}
    assert builds.changed_rumours(edited, edited) == (set(), set())


def test_new_languages_build_the_index_whole(content, tmp_path):
    library = load_library(content)
    root = tmp_path / "index"
    search.ensure_index(library, root)
    site = content / "site.yml"
    site.write_text(site.read_text().replace("languages: [en, es, ca, fr, ar, ht]",
                                         "languages: [en, es, ca, fr, ht, ar]", 1))
    fewer = load_library(content)
    assert fewer.site.languages != library.site.languages
    assert search.ensure_index(fewer, root)
    assert generation(root) == 1  # built whole
    assert search.SearchIndex(root).search("jobs", "en").total


def test_a_corrupt_index_is_built_whole_not_updated(content, tmp_path):
    library = load_library(content)
    root = tmp_path / "index"
    search.ensure_index(library, root)
    for segment in (root / search.CURRENT_LINK).resolve().glob("*.seg"):
        segment.write_bytes(b"broken")
    edit(content)
    edited = load_library(content)
    assert search.ensure_index(edited, root)
    assert ids(search.SearchIndex(root).search("zanahoria", "en")) == ["take-our-jobs"]


def test_a_failed_update_leaves_the_current_index_and_builds_whole(content, tmp_path):
    library = load_library(content)
    root = tmp_path / "index"
    search.ensure_index(library, root)
    current = (root / search.CURRENT_LINK).resolve()
    (current / builds.VOCABULARY_FILE).write_text("not json")
    edit(content)
    edited = load_library(content)
    assert search.ensure_index(edited, root)
    assert generation(root) == 1
    assert ids(search.SearchIndex(root).search("zanahoria", "en")) == ["take-our-jobs"]
    assert not [p for p in root.iterdir() if p.name.startswith("build-") and p != current
                and p != (root / search.CURRENT_LINK).resolve()]  # no half-made build left


def test_forced_rebuilds_never_update(content, tmp_path):
    library = load_library(content)
    root = tmp_path / "index"
    search.ensure_index(library, root)
    edit(content)
    search.ensure_index(load_library(content), root)
    assert generation(root) > 1
    assert search.ensure_index(load_library(content), root, force=True)
    assert generation(root) == 1
    shutil.rmtree(root)
    assert search.ensure_index(load_library(content), root)  # missing: built


def test_an_update_suggests_the_new_words(content, tmp_path):
    root = tmp_path / "index"
    search.ensure_index(load_library(content), root)
    index = search.SearchIndex(root)
    try:
        assert index.search("zanahorio", "en").suggestion is None
    finally:
        index.close()
    edit(content)
    search.ensure_index(load_library(content), root)
    assert generation(root) > 1  # updated: only the word buckets that changed are rewritten
    index = search.SearchIndex(root)
    try:
        assert index.search("zanahorio", "en").suggestion == "zanahoria"
    finally:
        index.close()
