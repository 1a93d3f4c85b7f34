"""The warnings policy in pyproject.toml: ours are errors, libraries' import-time deprecations are not."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = '''
import warnings

def test_warns():
    warnings.warn_explicit("{message}", {category}, "{filename}", 1, module="{module}")
'''


def run_probe(tmp_path: Path, module: str, category: str = "DeprecationWarning") -> int:
    """Run a one-test file under the project's own pytest configuration; return its exit code."""
    test_file = tmp_path / "test_probe.py"
    test_file.write_text(PROBE.format(message="old API", category=category,
                                      filename=module.replace(".", "/") + ".py", module=module))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
         str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(test_file)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    return result.returncode


def test_our_own_deprecation_warning_fails_the_suite(tmp_path):
    assert run_probe(tmp_path, "rumours.content.loading") == 1


def test_a_warning_from_a_test_module_fails_the_suite(tmp_path):
    assert run_probe(tmp_path, "tests.test_probe", "UserWarning") == 1


def test_weasyprint_import_deprecation_is_ignored(tmp_path):
    # WeasyPrint 70 warns at import when libharfbuzz-subset0 is missing.
    assert run_probe(tmp_path, "weasyprint.text.ffi") == 0


def test_only_deprecations_of_listed_libraries_are_ignored(tmp_path):
    assert run_probe(tmp_path, "weasyprint.text.ffi", "UserWarning") == 1
    assert run_probe(tmp_path, "weasyprintish") == 1
