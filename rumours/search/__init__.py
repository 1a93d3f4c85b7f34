"""Full-text search: the right rebuttal for a claim typed in any of the site's languages.

- analysis.py: words, folding, spelling variants, stop words and stems per language (one
  definition, also shipped to the static export's offline search);
- expansion.py: the thesaurus (content/synonyms.yml) compiled for queries;
- index.py: the Whoosh index on disk, atomic builds, and an open index;
- query_plan.py: reading a query into weighted slots; weights.py: the weights and thresholds;
- ranking.py: claim matching (how much of the query each claim covers) and answer/related;
- snippets.py: the answer with the matched words marked, in linear time;
- searcher.py: a process's search index, queries and repairs;
- whoosh_postings.py: posting lists read fast (the only use of Whoosh internals,
  version-checked, with the public API as fallback).

Everything that knows about Whoosh lives in documents.py, builds.py, index.py and
whoosh_postings.py, so the engine could be swapped.
"""

from rumours.search.analysis import fold, word_terms
from rumours.search.index import (
    CURRENT_LINK,
    SCHEMA_VERSION,
    STAMP_FILE,
    build_index,
    current_stamp,
    ensure_index,
    index_stamp,
    is_fresh,
    library_documents,
)
from rumours.search.searcher import (
    ANSWER,
    MAX_LIMIT,
    MAX_PAGE,
    MAX_QUERY_CHARS,
    RELATED,
    IndexUnavailable,
    SearchHit,
    SearchIndex,
    SearchResults,
    clean_query,
    index_builder,
    page_count,
    query_words,
)
from rumours.search.snippets import SNIPPET_CHARS, answer_snippet, highlight

__all__ = [
    "ANSWER", "CURRENT_LINK", "MAX_LIMIT", "MAX_PAGE", "MAX_QUERY_CHARS", "RELATED",
    "SCHEMA_VERSION", "SNIPPET_CHARS", "STAMP_FILE", "IndexUnavailable", "SearchHit",
    "SearchIndex", "SearchResults", "answer_snippet", "build_index", "clean_query",
    "current_stamp", "ensure_index", "fold", "highlight", "index_builder", "index_stamp",
    "is_fresh", "library_documents", "page_count", "query_words", "word_terms",
]
