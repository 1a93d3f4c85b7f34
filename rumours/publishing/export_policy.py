"""The security policy a static copy carries in a <meta> tag (a file host sends no headers)."""

from __future__ import annotations

from urllib.parse import urlsplit

# Directives a <meta> policy cannot carry (frame-ancestors) or that the copy sets itself.
LEFT_OUT = ("frame-ancestors", "form-action")


def export_policy(header_policy: str, *live_urls: str) -> str:
    """The app's Content-Security-Policy header as a static copy's <meta> policy.

    Forms may also go to the live site (search, decks, the report form): their origins are
    added to form-action; framing cannot be set from a meta tag, so it is left out.
    """
    origins = sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, live_urls)
                      if p.scheme in ("http", "https") and p.netloc})
    kept = [part.strip() for part in header_policy.split(";")
            if part.strip() and not part.strip().startswith(LEFT_OUT)]
    return "; ".join([*kept, " ".join(["form-action 'self'", *origins])])
