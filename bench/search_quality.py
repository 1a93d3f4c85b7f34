"""Search quality: recall@1, recall@3 and MRR per language for resident queries.

Builds a real index of a content folder (the bundled library by default) in a temporary
folder and runs every query of bench/search_queries.tsv (language, expected ids, query)
in the language it was asked in.

    .venv/bin/python bench/search_quality.py [--content content] [--queries FILE] [--misses]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rumours.library import load_library  # noqa: E402
from rumours.search import SearchIndex, build_index  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "search_queries.tsv"
DEPTH = 10


@dataclass(frozen=True)
class Case:
    """One resident query and the rumours that answer it."""

    lang: str
    expected: frozenset[str]
    query: str
    line: int


@dataclass(frozen=True)
class Outcome:
    """Where the first right answer came (0 when it was not in the first 10)."""

    case: Case
    rank: int
    got: tuple[str, ...]


def read_cases(path: Path = QUERIES) -> list[Case]:
    """Parse the TSV file; blank lines and lines starting with # are skipped."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        lang, expected, query = raw.split("\t")
        cases.append(Case(lang.strip(), frozenset(expected.strip().split("|")), query.strip(),
                          number))
    return cases


def run(content_dir: Path, cases: list[Case]) -> list[Outcome]:
    """Index `content_dir` in a temporary folder and run every case."""
    library = load_library(content_dir)
    known = {r.id for r in library.rumours}
    for case in cases:
        unknown = case.expected - known
        if unknown:
            raise SystemExit(f"line {case.line}: no rumour has the id(s) {sorted(unknown)}")
    with tempfile.TemporaryDirectory() as tmp:
        build_index(library, Path(tmp))
        index = SearchIndex(Path(tmp))
        outcomes = []
        for case in cases:
            results = index.search(case.query, case.lang, limit=DEPTH)
            got = tuple(hit.id for hit in results.hits)
            rank = next((i for i, rid in enumerate(got, 1) if rid in case.expected), 0)
            outcomes.append(Outcome(case, rank, got))
        index.close()
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """recall@1, recall@3 and MRR per language, plus "all"."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.case.lang].append(outcome)
        groups["all"].append(outcome)
    table = {}
    for lang, group in groups.items():
        n = len(group)
        table[lang] = {
            "queries": n,
            "recall@1": sum(1 for o in group if o.rank == 1) / n,
            "recall@3": sum(1 for o in group if 0 < o.rank <= 3) / n,
            "mrr": sum(1 / o.rank for o in group if o.rank) / n,
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--misses", action="store_true", help="list queries not ranked first")
    args = parser.parse_args()
    outcomes = run(args.content, read_cases(args.queries))
    table = metrics(outcomes)
    order = [lang for lang in ("en", "es", "ca", "fr", "ar", "ht") if lang in table]
    order += sorted(set(table) - set(order) - {"all"}) + ["all"]
    print(f"{'lang':<5} {'queries':>7} {'recall@1':>9} {'recall@3':>9} {'MRR':>6}")
    for lang in order:
        row = table[lang]
        print(f"{lang:<5} {row['queries']:>7} {row['recall@1']:>9.3f} {row['recall@3']:>9.3f} "
              f"{row['mrr']:>6.3f}")
    if args.misses:
        for outcome in outcomes:
            if outcome.rank != 1:
                case = outcome.case
                print(f"  [{case.lang}] rank {outcome.rank or '-'}: {case.query!r} "
                      f"wants {'|'.join(sorted(case.expected))}; got {', '.join(outcome.got[:3])}")


if __name__ == "__main__":
    main()
