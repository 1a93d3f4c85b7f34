"""The README's commands, exactly as written, on a fresh clone of the committed tree."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("RUMOURS_IN_FRESH_CLONE") == "1",
                       reason="already inside the fresh-clone test"),
    pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                       reason="needs git and a git checkout"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fresh") / "rumours"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, timeout=120)
    return target


def readme_commands() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_commands_this_test_runs():
    readme = readme_commands()
    for command in ("make run", "make test", "make smoke"):
        assert command in readme, command


def test_make_smoke_installs_and_passes_on_a_fresh_clone(clone):
    env = {**os.environ, "RUMOURS_IN_FRESH_CLONE": "1"}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(["make", "smoke"], cwd=clone, env=env, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
    # Installed exactly what the lock file pins.
    frozen = subprocess.run([str(clone / ".venv/bin/python"), "-m", "pip", "freeze"],
                            capture_output=True, text=True, check=True).stdout.lower()
    lock = (clone / "requirements/lock.txt").read_text().lower()
    for line in frozen.splitlines():
        if "==" in line and not line.startswith("-e"):
            name, _, version = line.split(" ")[0].partition("==")
            pin = re.sub(r"[-_.]+", "-", name) + "==" + version  # PEP 503 names
            assert pin in lock, f"{line} is not pinned in requirements/lock.txt"


def test_make_run_serves_the_bundled_library(clone):
    port = free_port()
    env = {**os.environ, "RUMOURS_IN_FRESH_CLONE": "1"}
    log = (clone / "make-run.log").open("wb")
    process = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/rumours/take-our-jobs",
                                            timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(1)
        assert "take-our-jobs" in body, (clone / "make-run.log").read_text()[-3000:]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
