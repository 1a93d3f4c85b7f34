"""Configuration: where the content and the generated state live, read from the environment."""

from __future__ import annotations

import os
from pathlib import Path


def default_config() -> dict:
    """Return the settings taken from environment variables, with sane defaults."""
    return {
        "CONTENT_DIR": Path(os.environ.get("RUMOURS_CONTENT", "content")).resolve(),
        "INSTANCE_DIR": Path(os.environ.get("RUMOURS_INSTANCE", "instance")).resolve(),
        "TRANSLATIONS_DIR": Path(
            os.environ.get("RUMOURS_TRANSLATIONS", "translations")
        ).resolve(),
        "DEV": os.environ.get("RUMOURS_DEV", "") not in ("", "0", "false"),
        "HSTS": os.environ.get("RUMOURS_HSTS", "") not in ("", "0", "false"),
        "SECRET_KEY": os.environ.get("RUMOURS_SECRET_KEY", "rumours-not-secret"),
        "RELOAD_INTERVAL": float(os.environ.get("RUMOURS_RELOAD_INTERVAL", "5")),
        "MAX_DECK_CARDS": int(os.environ.get("RUMOURS_MAX_DECK_CARDS", "60")),
    }
