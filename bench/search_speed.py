"""Search speed: build time, index size and /api/search latency on synthetic libraries.

Generates libraries of 1,000 and 10,000 rumour-language documents whose words are drawn
from the bundled library's own text in each language (so the analyzers see real words at
real frequencies), builds the Whoosh index with the bundled thesaurus, serves it from the
real app and times /api/search through the Flask test client (expansion, claim matching and
answer snippets included). The same documents go
into SQLite FTS5 (porter + unicode61, no accents) and the same queries run there, for a
ratio. Targets at 10,000 documents: API p99 under 30 ms, build under 60 s.

Each process keeps the scores of recently searched terms, so repeated queries are warm;
"cold" is each query's first run on a freshly opened index (its terms read from disk).

    .venv/bin/python bench/search_speed.py [--sizes 1000 10000] [--rounds 25]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rumours import create_app  # noqa: E402
from rumours.content.loading import load_library  # noqa: E402
from rumours.content.model import Library, RumourText  # noqa: E402
from rumours.search import SearchIndex, build_index, clean_query  # noqa: E402
from rumours.search.thesaurus import load_thesaurus  # noqa: E402

QUERIES = [  # (query, lang): two or three words, as residents type them
    ("take our jobs", "en"), ("pay taxes", "en"), ("health system abuse", "en"),
    ("crime went up", "en"), ("social housing priority", "en"), ("eating pets", "en"),
    ("tuberculosis cases", "en"), ("school places grants", "en"),
    ("quitan trabajo", "es"), ("ayudas sociales", "es"), ("paguen impostos", "ca"),
    ("urgences hôpitaux", "fr"),
]
OTHER_LANGUAGES = ("es", "ca", "fr", "ar", "ht")
WORD = re.compile(r"[^\W\d_]+")


def word_pools(library: Library) -> dict[str, list[str]]:
    """Every word of the bundled library, per language, with repeats (natural frequencies)."""
    pools: dict[str, list[str]] = {}
    for rumour in library.rumours:
        for lang, text in rumour.texts.items():
            words = WORD.findall(" ".join((text.claim, *text.aliases, text.summary,
                                           text.body_text)))
            pools.setdefault(lang, []).extend(words)
    return pools


def synthetic_library(template: Library, documents: int, seed: int = 7) -> Library:
    """A library of `documents` rumour-language texts: each rumour in English and 3 more."""
    rng = random.Random(seed)
    pools = word_pools(template)
    languages = [lang for lang in OTHER_LANGUAGES if len(pools.get(lang, ())) > 500]
    base_rumour = template.rumours[0]
    base_text = base_rumour.texts[base_rumour.source_lang]

    def words(lang: str, low: int, high: int) -> str:
        return " ".join(rng.choices(pools[lang], k=rng.randint(low, high)))

    def text(lang: str) -> RumourText:
        body = "\n\n".join(words(lang, 50, 80) + "." for _ in range(5))
        return dataclasses.replace(
            base_text, lang=lang, claim=words(lang, 4, 9).capitalize(),
            aliases=tuple(words(lang, 3, 7) for _ in range(3)),
            summary=words(lang, 30, 45) + ".", body_text=body, body_html="<p>x</p>",
            status="source" if lang == "en" else "current",
        )

    rumours = []
    count = documents // 4
    for number in range(count):
        langs = ["en", *rng.sample(languages, 3)]
        rumours.append(dataclasses.replace(
            base_rumour, id=f"synthetic-{number:05d}",
            verdict=rng.choice(list(template.site.verdicts)),
            topics=tuple(rng.sample(list(template.site.topics), 2)),
            places=(rng.choice(list(template.site.places)),),
            texts=MappingProxyType({lang: text(lang) for lang in langs}),
            aliases=MappingProxyType({}),
        ))
    return Library(site=template.site, rumours=tuple(rumours), pages=(), updates=(),
                   version=f"synthetic-{documents}-{seed}")


class SyntheticLoader:
    """Stands in for the live library's content loader: always "loads" one library."""

    def __init__(self, library: Library):
        self.library = library

    def load(self, *_when, **_how) -> tuple[Library, list]:
        return self.library, []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def fts5_corpus(library: Library) -> tuple[sqlite3.Connection, float]:
    """The same documents in an in-memory SQLite FTS5 table; returns it and its build time."""
    started = time.perf_counter()
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(rid UNINDEXED, lang UNINDEXED, claim, "
               "aliases, summary, body, tokenize='porter unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", (
        (rumour.id, lang, text.claim, "\n".join(text.aliases), text.summary, text.body_text)
        for rumour in library.rumours for lang, text in rumour.texts.items()))
    db.commit()
    return db, time.perf_counter() - started


def fts5_search(db: sqlite3.Connection, query: str) -> list:
    """Any of the words, weighted like the Whoosh fields, best 10 with a snippet."""
    words = WORD.findall(clean_query(query))
    match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
    return db.execute(
        "SELECT rid, lang, bm25(docs, 0, 0, 3.0, 2.5, 1.2, 1.0) AS score, "
        "snippet(docs, 5, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ? "
        "ORDER BY score LIMIT 10", (match,)).fetchall()


def timed(call, rounds: int) -> list[float]:
    """Milliseconds per call over `rounds` rounds of every query (after one warm-up round)."""
    for query, lang in QUERIES:
        call(query, lang)
    samples = []
    for _ in range(rounds):
        for query, lang in QUERIES:
            started = time.perf_counter()
            call(query, lang)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(documents: int, rounds: int, template: Library) -> dict:
    """Build, serve and time one synthetic library."""
    library = synthetic_library(template, documents)
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content",
                          "INSTANCE_DIR": instance, "RESPONSE_CACHE": False,
                          "RELOAD_INTERVAL": 1e9})
        thesaurus = load_thesaurus(ROOT / "content", library.site.languages)
        started = time.perf_counter()
        target = build_index(library, instance / "index", thesaurus)
        build_seconds = time.perf_counter() - started
        live = app.extensions["rumours"]
        live.loader = SyntheticLoader(library)  # serve it as if loaded from the content folder
        live.reload(force=True)  # its search artefact opens the index just built
        assert live.library is library and not live.errors
        client = app.test_client()

        def api(query: str, lang: str) -> None:
            response = client.get("/api/search?" + urlencode({"q": query, "lang": lang}))
            assert response.status_code == 200, response.data
            assert response.json["results"], query

        api_ms = timed(api, rounds)
        engine = SearchIndex(instance / "index", library, thesaurus)
        engine.search("zzz", "en")  # opens the index; the queries' terms are not read yet
        cold_ms = []
        for query, lang in QUERIES:
            started = time.perf_counter()
            engine.search(query, lang)
            cold_ms.append((time.perf_counter() - started) * 1000)
        engine_ms = timed(engine.search, rounds)
        engine.close()
        db, fts_build = fts5_corpus(library)
        fts_ms = timed(lambda q, _lang: fts5_search(db, q), rounds)
        db.close()
        return {
            "documents": documents, "build_s": build_seconds,
            "index_mb": folder_size(target) / 1e6,
            "api_median": statistics.median(api_ms), "api_p99": percentile(api_ms, 0.99),
            "engine_median": statistics.median(engine_ms),
            "engine_p99": percentile(engine_ms, 0.99),
            "cold_median": statistics.median(cold_ms), "cold_max": max(cold_ms),
            "fts_build_s": fts_build, "fts_median": statistics.median(fts_ms),
            "fts_p99": percentile(fts_ms, 0.99), "requests": len(api_ms),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    template = load_library(ROOT / "content")
    print(f"{len(QUERIES)} queries x {args.rounds} rounds per size; times in ms unless noted")
    print(f"{'docs':>6} {'build s':>8} {'index MB':>9} {'API med':>8} {'API p99':>8} "
          f"{'engine med':>10} {'engine p99':>10} {'cold med':>8} {'cold max':>8} "
          f"{'FTS5 build s':>12} {'FTS5 med':>9} "
          f"{'FTS5 p99':>9} {'API/FTS5 med':>12} {'API/FTS5 p99':>12}")
    for size in args.sizes:
        row = measure(size, args.rounds, template)
        print(f"{row['documents']:>6} {row['build_s']:>8.1f} {row['index_mb']:>9.1f} "
              f"{row['api_median']:>8.2f} {row['api_p99']:>8.2f} {row['engine_median']:>10.2f} "
              f"{row['engine_p99']:>10.2f} {row['cold_median']:>8.2f} {row['cold_max']:>8.2f} "
              f"{row['fts_build_s']:>12.2f} {row['fts_median']:>9.3f} "
              f"{row['fts_p99']:>9.3f} {row['api_median'] / row['fts_median']:>12.1f} "
              f"{row['api_p99'] / row['fts_p99']:>12.1f}")
        if size >= 10000:
            print(f"       targets at {size}: API p99 < 30 ms: "
                  f"{'met' if row['api_p99'] < 30 else 'MISSED'}; build < 60 s: "
                  f"{'met' if row['build_s'] < 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
