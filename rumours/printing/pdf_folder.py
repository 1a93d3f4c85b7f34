"""Finished card and deck PDFs on disk, shared by the processes of one server."""

from __future__ import annotations

import logging
from pathlib import Path

from rumours.files import atomic_write

log = logging.getLogger("rumours")


class PdfFolder:
    """A bounded folder of PDFs by key (the oldest files go first); written atomically, and
    a full or read-only disk only loses the copy on disk, never a PDF being served."""

    def __init__(self, folder: Path | None, max_files: int = 500):
        self.folder = Path(folder) if folder is not None else None
        self.max_files = max_files

    def path(self, key: str) -> Path | None:
        return self.folder / f"{key}.pdf" if self.folder is not None else None

    def get(self, key: str) -> bytes | None:
        """The PDF stored under `key`, or None."""
        path = self.path(key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data, durable=False)
            self._prune()
        except OSError as exc:
            log.warning("could not cache a card PDF on disk: %s", exc)

    def _prune(self) -> None:
        files = list(self.folder.glob("*.pdf"))
        if len(files) <= self.max_files:
            return

        def age(path: Path) -> int:
            try:
                return path.stat().st_mtime_ns
            except OSError:  # removed by another process meanwhile
                return 0

        files.sort(key=age)
        for path in files[: len(files) - self.max_files]:
            path.unlink(missing_ok=True)
