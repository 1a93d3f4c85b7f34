"""rumours.files: one atomic write, safe with concurrent writers and clean after failures."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rumours import files

PAYLOAD_BYTES = 256 * 1024  # bigger than a pipe buffer or a page: a torn write would show


def payload(writer: int) -> bytes:
    """A body that names its writer on every line, so a mix of two is visible."""
    line = f"writer {writer:03d} ".encode() * 8 + b"\n"
    return line * (PAYLOAD_BYTES // len(line))


def whose(body: bytes) -> int:
    """The writer of a whole body; fails on a torn or mixed one."""
    first = body[:10]
    assert first.startswith(b"writer ")
    writer = int(first[7:10])
    assert body == payload(writer), "a torn or mixed file"
    return writer


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(files.TEMP_SUFFIX))


def test_writes_bytes_and_text_exactly(tmp_path):
    target = tmp_path / "a.txt"
    files.atomic_write(target, "line one\r\nline two\n")
    assert target.read_bytes() == b"line one\r\nline two\n"  # line endings kept
    files.atomic_write(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    files.atomic_write(target, "é", encoding="latin-1")
    assert target.read_bytes() == b"\xe9"
    assert temp_files(tmp_path) == []


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "shared.po"
    target.write_text("old")
    target.chmod(0o640)
    files.atomic_write(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.txt"
    files.atomic_write(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_concurrent_threads_never_leave_a_torn_or_mixed_file(tmp_path):
    target = tmp_path / "shared.bin"
    files.atomic_write(target, payload(999))
    seen: set[int] = set()
    failures: list[BaseException] = []
    writing = threading.Event()

    def write(writer: int) -> None:
        try:
            for _ in range(5):
                files.atomic_write(target, payload(writer), durable=writer % 2 == 0)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    def read() -> None:
        try:
            while writing.is_set():
                seen.add(whose(target.read_bytes()))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    writers = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    writing.set()
    reader = threading.Thread(target=read)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    reader.join()
    assert failures == []
    assert whose(target.read_bytes()) in range(8)
    assert seen  # the reader did read while the writers wrote
    assert temp_files(tmp_path) == []


WRITER_SCRIPT = """
import sys
from pathlib import Path
from rumours import files
sys.path.insert(0, {tests!r})
from test_files import payload
writer = int(sys.argv[1])
for _ in range(10):
    files.atomic_write(Path({target!r}), payload(writer))
"""


def test_concurrent_processes_never_leave_a_torn_or_mixed_file(tmp_path):
    target = tmp_path / "shared.bin"
    script = WRITER_SCRIPT.format(tests=str(Path(__file__).parent), target=str(target))
    processes = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(4)]
    while any(p.poll() is None for p in processes):
        if target.exists():
            whose(target.read_bytes())
    assert [p.wait() for p in processes] == [0, 0, 0, 0]
    assert whose(target.read_bytes()) in range(4)
    assert temp_files(tmp_path) == []


def test_a_failing_writer_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "catalog.mo"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), files.atomic_writer(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("the compiler failed halfway")
    assert target.read_bytes() == b"old"
    assert temp_files(tmp_path) == []


def test_a_failed_rename_leaves_no_temp_file(tmp_path):
    target = tmp_path / "folder-in-the-way"
    target.mkdir()
    (target / "inside").write_text("x")  # os.replace cannot put a file over a full folder
    with pytest.raises(OSError):
        files.atomic_write(target, b"new")
    assert target.is_dir() and temp_files(tmp_path) == []


def test_text_that_cannot_be_encoded_writes_nothing(tmp_path):
    target = tmp_path / "a.txt"
    with pytest.raises(UnicodeEncodeError):
        files.atomic_write(target, "ﻉ", encoding="ascii")
    assert not target.exists() and temp_files(tmp_path) == []


def test_a_missing_folder_is_an_error_not_a_silent_success(tmp_path):
    with pytest.raises(FileNotFoundError):
        files.atomic_write(tmp_path / "missing" / "a.txt", "x")
