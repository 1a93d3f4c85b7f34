"""Search quality: recall@1, recall@3, MRR and answers per language for resident queries.

Builds a real index of a content folder (the bundled library and its synonyms.yml by
default) in a temporary folder and runs every query of bench/search_queries.tsv
(language, expected ids or "-", query) in the language it was asked in.

- In-library queries (expected ids): recall@1, recall@3, MRR, the share whose first
  result is marked "answer", and the share whose first result is right and marked so.
- Out-of-library queries ("-", a rumour the library does not cover): the share the search
  answers plainly with "no answer yet" (no result marked "answer").

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

from rumours.content.loading import load_library  # noqa: E402
from rumours.search import SearchIndex, build_index  # noqa: E402
from rumours.search.thesaurus import load_thesaurus  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "search_queries.tsv"
DEPTH = 10
NOT_IN_LIBRARY = "-"
LANGUAGE_ORDER = ("en", "es", "ca", "fr", "ar", "ht")


@dataclass(frozen=True)
class Case:
    """One resident query and the rumours that answer it (none: not in the library)."""

    lang: str
    expected: frozenset[str]
    query: str
    line: int

    @property
    def in_library(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Outcome:
    """Where the first right answer came (0 when not in the first 10), and the verdict."""

    case: Case
    rank: int
    got: tuple[str, ...]
    answered: bool  # the first result was marked "answer"


def read_cases(path: Path = QUERIES) -> list[Case]:
    """Parse the TSV file; blank lines and lines starting with # are skipped."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        lang, expected, query = raw.split("\t")
        ids = frozenset() if expected.strip() == NOT_IN_LIBRARY else frozenset(
            expected.strip().split("|"))
        cases.append(Case(lang.strip(), ids, query.strip(), number))
    return cases


def run(content_dir: Path, cases: list[Case]) -> list[Outcome]:
    """Index `content_dir` in a temporary folder and run every case."""
    library = load_library(content_dir)
    thesaurus = load_thesaurus(content_dir, library.site.languages)
    known = {r.id for r in library.rumours}
    for case in cases:
        unknown = case.expected - known
        if unknown:
            raise SystemExit(f"line {case.line}: no rumour has the id(s) {sorted(unknown)}")
    with tempfile.TemporaryDirectory() as tmp:
        build_index(library, Path(tmp), thesaurus)
        index = SearchIndex(Path(tmp))
        outcomes = []
        for case in cases:
            results = index.search(case.query, case.lang, limit=DEPTH)
            got = tuple(hit.id for hit in results.hits)
            rank = next((i for i, rid in enumerate(got, 1) if rid in case.expected), 0)
            outcomes.append(Outcome(case, rank, got, results.answered))
        index.close()
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Per language and "all": recall@1, recall@3, MRR and answered-first for in-library
    queries; the share of out-of-library queries answered "no answer yet"."""
    inside: dict[str, list[Outcome]] = defaultdict(list)
    outside: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        group = inside if outcome.case.in_library else outside
        group[outcome.case.lang].append(outcome)
        group["all"].append(outcome)
    table = {}
    for lang in set(inside) | set(outside):
        found, missing = inside.get(lang, []), outside.get(lang, [])
        n = len(found) or 1
        table[lang] = {
            "queries": len(found),
            "recall@1": sum(1 for o in found if o.rank == 1) / n,
            "recall@3": sum(1 for o in found if 0 < o.rank <= 3) / n,
            "mrr": sum(1 / o.rank for o in found if o.rank) / n,
            "first_is_answer": sum(1 for o in found if o.answered) / n,
            "answer_first": sum(1 for o in found if o.rank == 1 and o.answered) / n,
            "not_in_library": len(missing),
            "no_answer": (sum(1 for o in missing if not o.answered) / len(missing)
                          if missing else 1.0),
        }
    return table


def report(table: dict[str, dict[str, float]]) -> str:
    """The table as printed."""
    order = [lang for lang in LANGUAGE_ORDER if lang in table]
    order += sorted(set(table) - set(order) - {"all"}) + ["all"]
    lines = [f"{'lang':<5} {'queries':>7} {'recall@1':>9} {'recall@3':>9} {'MRR':>6} "
             f"{'1st answers':>11} {'right answer 1st':>16} {'not in lib':>10} "
             f"{'no answer':>9}"]
    for lang in order:
        row = table[lang]
        lines.append(
            f"{lang:<5} {row['queries']:>7} {row['recall@1']:>9.3f} {row['recall@3']:>9.3f} "
            f"{row['mrr']:>6.3f} {row['first_is_answer']:>11.3f} {row['answer_first']:>16.3f} "
            f"{row['not_in_library']:>10} {row['no_answer']:>9.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--misses", action="store_true",
                        help="list queries not ranked first, and wrong answers")
    args = parser.parse_args()
    outcomes = run(args.content, read_cases(args.queries))
    print(report(metrics(outcomes)))
    print("1st answers: share of in-library queries whose first result is marked "
          "\"answer\"; right answer 1st: ... and is a right one; no answer: share of "
          "out-of-library queries with no result marked \"answer\".")
    if args.misses:
        for outcome in outcomes:
            case = outcome.case
            if case.in_library and (outcome.rank != 1 or not outcome.answered):
                print(f"  [{case.lang}] rank {outcome.rank or '-'}"
                      f"{'' if outcome.answered else ' (related)'}: {case.query!r} wants "
                      f"{'|'.join(sorted(case.expected))}; got {', '.join(outcome.got[:3])}")
            elif not case.in_library and outcome.answered:
                print(f"  [{case.lang}] answered but not in the library: {case.query!r}; "
                      f"got {', '.join(outcome.got[:3])}")


if __name__ == "__main__":
    main()
