"""scripts/system-deps: every package with its reason; a clear sentence when one is missing."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-deps"

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None,
                                reason="not a Debian-based system (no dpkg-query)")


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def test_every_package_has_a_reason():
    rows = [line.strip().strip('"') for line in SCRIPT.read_text().splitlines()
            if line.strip().startswith('"') and line.count("|") == 2]
    names = {row.split("|")[0] for row in rows}
    assert {"libpango-1.0-0", "libharfbuzz-subset0", "chromium", "poppler-utils",
            "zbar-tools", "postgresql"} <= names
    for row in rows:
        name, need, why = row.split("|")
        assert need in {"run", "test", "bench"} and len(why) > 20, row


def test_installed_packages_pass_the_check():
    result = run("run", "--check")
    assert result.returncode == 0, result.stderr


def test_a_missing_package_is_one_clear_sentence_with_the_command():
    result = run("run", "--check", RUMOURS_EXTRA_SYSTEM_PACKAGES="rumours-no-such-package")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "apt-get install -y --no-install-recommends rumours-no-such-package" in lines[0]
    assert "brew install" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_old_python_is_named():
    fake = ROOT / "tests" / "data" / "python2-standin"
    result = run("run", "--check", PYTHON=str(fake))
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr
