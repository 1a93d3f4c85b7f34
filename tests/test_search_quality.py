"""bench/search_quality.py as a floor: resident queries find the right rebuttal in the bundled library."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"en", "es", "ca", "fr", "ar", "ht"}


@pytest.fixture(scope="module")
def harness():
    spec = importlib.util.spec_from_file_location("search_quality",
                                                  ROOT / "bench" / "search_quality.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_query_file_covers_six_languages_in_residents_words(harness):
    cases = harness.read_cases()
    assert len(cases) >= 60
    per_language = {lang: [c for c in cases if c.lang == lang] for lang in LANGUAGES}
    assert all(len(group) >= 5 for group in per_language.values()), {
        lang: len(group) for lang, group in per_language.items()}
    # Phrased differently from the aliases: no query is an alias or claim word for word.
    from rumours.library import load_library

    library = load_library(ROOT / "content")
    phrasings = {p.casefold() for r in library.rumours for text in r.texts.values()
                 for p in (text.claim, *text.aliases)}
    phrasings |= {p.casefold() for r in library.rumours for group in r.aliases.values()
                  for p in group}
    assert not [c.query for c in cases if c.query.casefold() in phrasings]


def test_recall_at_3_is_at_least_90_percent(harness):
    outcomes = harness.run(ROOT / "content", harness.read_cases())
    table = harness.metrics(outcomes)
    misses = [(o.case.lang, o.case.query, o.got[:3]) for o in outcomes if not 0 < o.rank <= 3]
    assert table["all"]["recall@3"] >= 0.9, misses
    assert table["all"]["mrr"] >= 0.8, table["all"]
