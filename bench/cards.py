"""Card speed: a single A6 card and a 28-card A4 deck, rendered in-process by WeasyPrint.

Uses the bundled library when it has at least 28 rumours; otherwise a copy of it topped up
to 28 with duplicates of its own entries (so the text has real lengths). Every timing is a
real request through the Flask test client with the PDF cache and the fit cache emptied
first, so each one lays out and writes a PDF. Targets: a single card under 300 ms, a
28-card deck under 10 s.

    .venv/bin/python bench/cards.py [--cards 12] [--deck 28] [--langs en ar]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rumours import create_app  # noqa: E402
from rumours.content.loading import load_library  # noqa: E402
from rumours.printing.cards import PDF_CACHE, PLAN_CACHE  # noqa: E402

CARD_TARGET_MS = 300
DECK_TARGET_S = 10


def content_with(count: int, work: Path) -> tuple[Path, str]:
    """A content folder with at least `count` rumours, and where it came from."""
    bundled = ROOT / "content"
    library = load_library(bundled)
    if len(library.rumours) >= count:
        return bundled, f"bundled library ({len(library.rumours)} rumours)"
    content = work / "content"
    shutil.copytree(bundled, content)
    sources = sorted(p for p in (content / "rumours").glob("*.md") if p.stem.count(".") == 0)
    made = len(library.rumours)
    copy = 0
    while made < count:
        source = sources[copy % len(sources)]
        copy += 1
        new_id = f"{source.stem}-copy-{copy}"
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}", f"id: {new_id}",
                                                          1)
        (content / "rumours" / f"{new_id}.md").write_text(text, encoding="utf-8")
        made += 1
    return content, (f"bundled library ({len(library.rumours)} rumours) topped up to {count} "
                     "with copies of its entries")


def fresh(app, plans: bool = True) -> None:
    """Forget every rendered PDF and (with `plans`) every measured fit: both are artefacts
    of the live snapshot, in its caches."""
    caches = app.extensions["rumours"].snapshot.caches
    caches.pop(PDF_CACHE, None)
    if plans:
        caches.pop(PLAN_CACHE, None)


def timed(client, url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    return elapsed, response.status_code, len(response.data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=12, help="single cards to time per language")
    parser.add_argument("--deck", type=int, default=28, help="cards in the timed deck")
    parser.add_argument("--langs", nargs="+", default=["en", "ar"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        content, origin = content_with(args.deck, work)
        app = create_app({"CONTENT_DIR": content, "INSTANCE_DIR": work / "instance",
                          "RESPONSE_CACHE": False, "MAX_DECK_CARDS": max(60, args.deck)})
        client = app.test_client()
        library = load_library(content)
        ids = [r.id for r in library.rumours]
        print(f"content: {origin}")

        elapsed, status, size = timed(client, f"/en/rumours/{ids[0]}/card.pdf")
        print(f"first card in a fresh process (fonts load): {elapsed * 1000:.0f} ms "
              f"({status}, {size // 1024} KiB)")
        app.extensions["cards"].cache.folder = None  # time rendering, not the disk cache

        ok = True
        for lang in args.langs:
            times = []
            for rumour_id in ids[1:args.cards + 1]:
                fresh(app)
                elapsed, status, _size = timed(client, f"/{lang}/rumours/{rumour_id}/card.pdf")
                assert status == 200, (lang, rumour_id, status)
                times.append(elapsed * 1000)
            times.sort()
            p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
            verdict = "ok" if max(times) < CARD_TARGET_MS else "OVER TARGET"
            ok &= max(times) < CARD_TARGET_MS
            print(f"single card [{lang}], {len(times)} cards: median "
                  f"{statistics.median(times):.0f} ms, p90 {p90:.0f} ms, max {max(times):.0f} ms"
                  f"  (target < {CARD_TARGET_MS} ms: {verdict})")
        url = f"/{args.langs[0]}/rumours/{ids[1]}/card.pdf"
        client.get(url)
        elapsed, status, _size = timed(client, url)
        print(f"single card from the cache: {elapsed * 1000:.1f} ms")

        deck_ids = ",".join(ids[:args.deck])
        for lang in args.langs:
            fresh(app)
            elapsed, status, size = timed(client, f"/{lang}/cards.pdf?ids={deck_ids}")
            assert status == 200, (lang, status)
            verdict = "ok" if elapsed < DECK_TARGET_S else "OVER TARGET"
            ok &= elapsed < DECK_TARGET_S
            print(f"deck of {args.deck} cards [{lang}]: {elapsed:.2f} s, {size // 1024} KiB "
                  f"(target < {DECK_TARGET_S} s: {verdict})")
        fresh(app)
        for rumour_id in ids[:args.deck]:  # fits measured ahead, as after single-card visits
            client.get(f"/{args.langs[0]}/rumours/{rumour_id}/card.pdf")
        fresh(app, plans=False)
        elapsed, _status, _size = timed(client, f"/{args.langs[0]}/cards.pdf?ids={deck_ids}")
        print(f"deck of {args.deck} cards [{args.langs[0]}] with fits already measured: "
              f"{elapsed:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
