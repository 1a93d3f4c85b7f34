"""Settings from environment variables (RUMOURS_*), shared by the app and the commands."""

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
        # Reports, unanswered searches, inbox accounts: SQLite in the instance folder by default.
        "DATABASE_URL": os.environ.get("RUMOURS_DATABASE_URL", ""),
        # Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For is trusted.
        "PROXY_HOPS": int(os.environ.get("RUMOURS_PROXY_HOPS", "0")),
        "RELOAD_INTERVAL": float(os.environ.get("RUMOURS_RELOAD_INTERVAL", "5")),
        "MAX_DECK_CARDS": int(os.environ.get("RUMOURS_MAX_DECK_CARDS", "60")),
        # Bounded cost of renders (rumours/web/rendering.py) and where rate limits are counted.
        "RENDER_CONCURRENCY": int(os.environ.get("RUMOURS_RENDER_CONCURRENCY", "1")),
        "RENDER_WAIT": float(os.environ.get("RUMOURS_RENDER_WAIT", "2")),
        "RENDER_RATE_LIMIT": os.environ.get("RUMOURS_RENDER_RATE_LIMIT", "12 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RUMOURS_RATELIMIT_STORAGE", "memory://"),
        # Decks per topic and place and every share image, drawn after each new library.
        "PRERENDER": os.environ.get("RUMOURS_PRERENDER", "1") not in ("", "0", "false"),
    }
