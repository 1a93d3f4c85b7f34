"""Writing a file atomically: readers see the old bytes or the new ones, never a mix.

Every writer gets its own temporary file in the target's folder (so `os.replace` is one rename
on one file system), flushes and fsyncs it, renames it over the target, then fsyncs the
folder so the rename itself survives a crash. Two processes writing the same path at once
each replace it whole; the last rename wins. A failure at any step removes the temporary
file and leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"


def temp_name(path: Path) -> Path:
    """A name beside `path` that no other writer (thread or process) will pick."""
    return path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}-{secrets.token_hex(6)}"
                          f"{TEMP_SUFFIX}")


@contextlib.contextmanager
def atomic_writer(path: Path | str, *, durable: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary file; on a clean exit it replaces `path` in one step.

    The new file keeps the permissions of the file it replaces (a new one gets the usual
    umask-based mode). `durable=False` skips the fsyncs: for caches that can be rebuilt,
    where only atomicity matters, not surviving a power cut.
    """
    path = Path(path)
    tmp = temp_name(path)
    # O_EXCL: never write into someone else's file; 0o666 lets the umask decide the mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        sync_folder(path.parent)


def atomic_write(path: Path | str, data: bytes | str, *, encoding: str = "utf-8",
                 durable: bool = True) -> None:
    """Replace `path` with `data` in one step. Text is written exactly as given (its line
    endings are kept: no newline translation)."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_writer(path, durable=durable) as handle:
        handle.write(payload)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so the names in it (a rename) are on disk. A no-op where folders
    cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not sync folders; the rename is still atomic
    finally:
        os.close(fd)

