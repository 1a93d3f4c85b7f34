"""Publishing speed: feeds, sitemap, share images and a full static export of the bundled library.

Every figure is a real request through the Flask test client on a fresh instance folder
(so share images are drawn, not read from the disk cache), then `rumours build` into a
temporary folder. Targets: a feed under 100 ms, a share image under 300 ms once the fonts
are built, the whole export in a few minutes on a 2-core machine.

    .venv/bin/python bench/publishing.py [--no-export]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rumours import create_app  # noqa: E402
from rumours.publishing.export import build_site  # noqa: E402


def timed(client, url: str) -> float:
    started = time.perf_counter()
    with client.get(url) as response:
        response.get_data()
        assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-export", action="store_true", help="skip the static export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Measures render times, so neither the per-client render limit nor drawing ahead.
        app = create_app({"INSTANCE_DIR": Path(tmp) / "instance", "RATELIMIT_ENABLED": False,
                          "PRERENDER": False})
        client = app.test_client()
        library = app.extensions["rumours"].library
        langs = library.site.languages
        timed(client, "/en/")  # warm up templates and catalogs
        feeds = [timed(client, f"/{lang}/feed.{kind}") for lang in langs
                 for kind in ("xml", "atom")]
        print(f"feeds: {len(feeds)}, median {statistics.median(feeds):.1f} ms, "
              f"max {max(feeds):.1f} ms")
        print(f"sitemap.xml: {timed(client, '/sitemap.xml'):.1f} ms")
        first = timed(client, f"/ar/rumours/{library.rumours[0].id}/share.png")
        print(f"first Arabic share image (builds the merged font): {first:.0f} ms")
        images = [timed(client, f"/{lang}/rumours/{rumour.id}/share.png")
                  for lang in langs for rumour in library.rumours[1:6]]
        print(f"share images: {len(images)}, median {statistics.median(images):.0f} ms, "
              f"max {max(images):.0f} ms")
        cached = [timed(client, f"/{lang}/rumours/{rumour.id}/share.png")
                  for lang in langs for rumour in library.rumours[1:6]]
        print(f"share images from the disk cache: median {statistics.median(cached):.1f} ms")
        if args.no_export:
            return
        out = Path(tmp) / "site"
        report = build_site(app, out)
        kinds = Counter(path.suffix for path in out.rglob("*") if path.is_file())
        print(f"export: {report.pages} pages, {report.files} files, "
              f"{report.size / 1e6:.1f} MB in {report.seconds:.1f} s; "
              f"{len(report.broken)} broken links")
        print("  by type: " + ", ".join(f"{ext or '(none)'} {n}" for ext, n in
                                         kinds.most_common()))


if __name__ == "__main__":
    main()
