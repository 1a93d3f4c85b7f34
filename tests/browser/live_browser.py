"""Helpers for the browser tests: a live server on a free port, screenshots, axe-core."""

from __future__ import annotations

from pathlib import Path

from live_server import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: F401 - re-exported

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot for a person to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
