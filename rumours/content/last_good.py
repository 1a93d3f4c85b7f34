"""The last content folder that loaded cleanly, kept on disk so a restart can always serve it."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from pathlib import Path

from rumours.content.files import MAX_FILE_BYTES, content_files, content_version

log = logging.getLogger("rumours")

CURRENT = "current"
VERSION_FILE = ".version"


def current(saved_dir: Path) -> Path | None:
    """The saved copy, or None when nothing has been saved yet."""
    link = Path(saved_dir) / CURRENT
    return link.resolve() if (link / VERSION_FILE).is_file() else None


def save(content_dir: Path, saved_dir: Path, version: str) -> bool:
    """Copy the content files into a new folder and point `current` at it in one step.

    `version` is the version of the library that loaded cleanly: a copy whose files differ
    from it (an edit landed between the load and the copy) is thrown away, so the saved
    copy is always one that loaded. Several processes may save at once: each writes its own
    folder and the link swap is atomic. A failure (a full disk) is logged and leaves the
    previous copy in place.
    """
    saved_dir = Path(saved_dir)
    existing = current(saved_dir)
    if existing is not None and (existing / VERSION_FILE).read_text().strip() == version:
        return False
    target = saved_dir / f"copy-{version}-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        target.mkdir(parents=True)
        root = Path(content_dir)
        # site.yml, synonyms.yml, the logo…: every plain file beside the content folders
        extra = [p for p in root.iterdir() if p.is_file() and not p.is_symlink()
                 and p.stat().st_size <= MAX_FILE_BYTES]
        for path in dict.fromkeys(content_files(root) + extra):
            destination = target / path.relative_to(root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
        if content_version(target) != version:
            shutil.rmtree(target, ignore_errors=True)
            return False  # the content changed while it was copied; the next load saves
        (target / VERSION_FILE).write_text(version + "\n")
        link = saved_dir / f".{CURRENT}-{os.getpid()}-{secrets.token_hex(3)}"
        os.symlink(target.name, link)
        os.replace(link, saved_dir / CURRENT)
    except OSError as exc:
        log.error("could not save the last good content (%s); the previous copy stays", exc)
        shutil.rmtree(target, ignore_errors=True)
        return False
    _remove_old(saved_dir, keep=target.name)
    return True


def _remove_old(saved_dir: Path, keep: str) -> None:
    """Delete older copies (another process may have just linked a newer one: keep two)."""
    copies = sorted((p for p in saved_dir.glob("copy-*") if p.name != keep),
                    key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)
    linked = current(saved_dir)
    for old in copies[1:]:
        if linked is None or old.resolve() != linked:
            shutil.rmtree(old, ignore_errors=True)
