"""rumours.content.loading: a loader re-reads only the files that changed, and an unchanged
entry is the very same object in the next Library."""

from __future__ import annotations

import os
from pathlib import Path

from rumours.content.files import content_version
from rumours.content.loading import ContentCheck, ContentLoader, check_content
from rumours.content.model import Problem


def edit(path: Path, old: str, new: str) -> None:
    """Change a file and move its modification time on (as an editor's save does)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_nothing_changed_nothing_is_read_again(content_dir):
    loader = ContentLoader(content_dir)
    first, _ = loader.load()
    assert loader.changes.everything
    second, problems = loader.load()
    assert not loader.changes.everything and loader.changes.paths == frozenset()
    assert all(second.rumour(r.id) is r for r in first.rumours)
    assert all(second.page(p.slug) is p for p in first.pages)
    assert all(second.update(u.slug) is u for u in first.updates)
    assert second.version == first.version
    assert problems == check_content(content_dir)[1]


def test_an_edited_rumour_is_read_again_alone(content_dir):
    loader = ContentLoader(content_dir)
    before, _ = loader.load()
    edit(content_dir / "rumours" / "take-our-jobs.md", "very small", "very, very small")
    after, problems = loader.load()
    # The source and its translation (whose status depends on the source) are read again.
    assert loader.changes.paths == {"rumours/take-our-jobs.md", "rumours/take-our-jobs.es.md"}
    assert after.rumour("springfield-pets-geese") is before.rumour("springfield-pets-geese")
    jobs = after.rumour("take-our-jobs")
    assert jobs is not before.rumour("take-our-jobs")
    assert "very, very small" in jobs.text("en").body_text
    assert jobs.text("es").status == "outdated"
    assert after.version == content_version(content_dir) + "-drafts"
    assert [str(p) for p in problems] == [str(p) for p in check_content(content_dir)[1]]


def test_an_edited_translation_leaves_its_source_file_alone(content_dir):
    loader = ContentLoader(content_dir)
    before, _ = loader.load()
    edit(content_dir / "rumours" / "take-our-jobs.es.md", "Nos quitan el trabajo",
         "Nos quitan los trabajos")
    after, _ = loader.load()
    assert loader.changes.paths == {"rumours/take-our-jobs.es.md"}
    assert after.rumour("take-our-jobs").text("es").claim == "Nos quitan los trabajos"
    assert after.rumour("take-our-jobs").text("en") is before.rumour("take-our-jobs").text("en")


def test_the_same_bytes_with_a_new_time_are_not_read_again(content_dir):
    loader = ContentLoader(content_dir)
    before, _ = loader.load()
    edit(content_dir / "pages" / "about.md", "---", "---")
    after, _ = loader.load()
    assert loader.changes.paths == frozenset()
    assert after.page("about") is before.page("about")


def test_a_changed_site_yml_reads_everything_again(content_dir):
    loader = ContentLoader(content_dir)
    before, _ = loader.load()
    edit(content_dir / "site.yml", "name: ", "name: New ")
    after, _ = loader.load()
    assert loader.changes.everything
    assert after.site.name.startswith("New ")
    assert all(after.rumour(r.id) is not r for r in before.rumours)


def test_a_removed_file_leaves_the_library(content_dir):
    loader = ContentLoader(content_dir)
    loader.load()
    (content_dir / "rumours" / "take-our-jobs.es.md").unlink()
    after, _ = loader.load()
    assert loader.changes.paths == {"rumours/take-our-jobs.es.md"}
    assert after.rumour("take-our-jobs").languages == ("en",)


def test_a_broken_edit_then_its_fix(content_dir):
    loader = ContentLoader(content_dir)
    path = content_dir / "rumours" / "take-our-jobs.md"
    loader.load()
    edit(path, "verdict:", "verdcit:")
    broken, problems = loader.load()
    assert broken is None and any(p.field == "verdcit" for p in problems)
    partial, _ = loader.load(partial=True)
    assert partial.rumour("take-our-jobs") is None and partial.version.endswith("-partial")
    assert loader.changes.paths == frozenset()  # the partial library reuses every file
    edit(path, "verdcit:", "verdict:")
    fixed, problems = loader.load()
    assert fixed.rumour("take-our-jobs") is not None
    assert not [p for p in problems if p.is_error]


def test_a_check_of_another_layer_runs_when_its_file_changes(content_dir):
    runs = []

    def run(folder: Path, site) -> list[Problem]:
        runs.append(site.name)
        text = (folder / "extra.yml").read_text(encoding="utf-8")
        return [Problem("content/extra.yml", 1, "extra", "broken")] if "bad" in text else []

    (content_dir / "extra.yml").write_text("good\n", encoding="utf-8")
    loader = ContentLoader(content_dir, checks=(ContentCheck("extra.yml", run),))
    assert loader.load()[0] is not None
    assert loader.load()[0] is not None
    assert len(runs) == 1
    edit(content_dir / "extra.yml", "good", "bad")
    library, problems = loader.load()
    assert library is None and str(problems[-1]) == "content/extra.yml:1: extra: broken"
    assert len(runs) == 2
