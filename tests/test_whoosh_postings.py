"""rumours.search.whoosh_postings: posting blocks and the public API give the same documents.

Real Whoosh indexes in a tmp folder, large enough that every common term spans several
posting blocks (Whoosh writes at most 128 postings per block), in one segment and in
several segments with deleted documents (what incremental updates leave behind).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.memory import MemoryCodec
from whoosh.fields import ID, KEYWORD, Schema

from rumours.search import whoosh_postings
from rumours.search.documents import terms_field
from rumours.search.whoosh_postings import InternalsUnavailable, postings

DOCUMENTS = 1_000
BLOCK = 128  # Whoosh's posting block limit


def schema() -> Schema:
    """The two posting formats the site's index uses: its terms fields and keywords."""
    return Schema(key=ID(unique=True, stored=True), head=terms_field(),
                  topics=KEYWORD(commas=True, scorable=False))


def terms_of(n: int) -> dict[str, str]:
    """Document n's fields: "all" everywhere, "third" on every third, "last" on the final
    200, "one" on document 500 alone; topics likewise."""
    head = ["all"]
    if n % 3 == 0:
        head.append("third")
    if n >= DOCUMENTS - 200:
        head.append("last")
    if n == 500:
        head.append("one")
    topics = ["every"] + (["seventh"] if n % 7 == 0 else [])
    return {"key": str(n), "head": " ".join(head), "topics": ",".join(topics)}


QUERIES = [("head", "all"), ("head", "third"), ("head", "last"), ("head", "one"),
           ("topics", "every"), ("topics", "seventh")]


def expected(reader, name: str, term_text: str) -> list[int]:
    """The live documents having the term, found through their stored keys alone."""
    found = []
    for docnum in reader.all_doc_ids():
        fields = terms_of(int(reader.stored_fields(docnum)["key"]))
        if term_text in fields[name].replace(",", " ").split():
            found.append(docnum)
    return found


@pytest.fixture
def one_segment(tmp_path: Path):
    ix = whoosh_index.create_in(str(tmp_path), schema())
    with ix.writer() as writer:
        for n in range(DOCUMENTS):
            writer.add_document(**terms_of(n))
    with ix.reader() as reader:
        yield reader
    ix.close()


@pytest.fixture
def segments_with_deletions(tmp_path: Path):
    """Three segments (never merged), with documents deleted from the first two."""
    ix = whoosh_index.create_in(str(tmp_path), schema())
    for part in (range(0, 450), range(450, 800), range(800, DOCUMENTS)):
        writer = ix.writer()
        for n in part:
            writer.add_document(**terms_of(n))
        writer.commit(merge=False)
    writer = ix.writer()
    for n in [0, 1, 2, 3, 129, 130, 255, 256, 499, 500, 777, *range(300, 420)]:
        writer.delete_by_term("key", str(n))
    writer.commit(merge=False)
    with ix.reader() as reader:
        yield reader
    ix.close()


def test_the_installed_version_is_the_one_the_block_reader_was_written_for():
    # pyproject.toml bounds whoosh-reloaded to the same range: widening one means
    # checking the adapter against the new version and widening the other.
    assert whoosh_postings.internals_supported()


@pytest.mark.parametrize(("version", "supported"), [
    ("2.7.5", True), ("2.7.6", True), ("2.7.5.post1", True), ("2.7.9rc1", True),
    ("2.7.4", False), ("2.8.0", False), ("2.8", False), ("3.0.0", False), ("", False),
    ("unknown", False)])
def test_versions_outside_the_range_use_the_public_api(version, supported):
    assert whoosh_postings.internals_supported(version) is supported


@pytest.mark.parametrize(("name", "term_text"), QUERIES)
def test_blocks_and_public_api_agree_on_one_segment(one_segment, name, term_text):
    reader = one_segment
    assert reader.doc_frequency("head", "all") > 3 * BLOCK  # several posting blocks
    truth = expected(reader, name, term_text)
    assert truth  # every query term is in the index
    assert postings(reader, name, term_text, fast=True) == truth
    assert postings(reader, name, term_text, fast=False) == truth
    assert postings(reader, name, term_text) == truth


@pytest.mark.parametrize(("name", "term_text"), QUERIES)
def test_blocks_and_public_api_agree_across_segments_with_deletions(
        segments_with_deletions, name, term_text):
    reader = segments_with_deletions
    assert len(list(reader.leaf_readers())) == 3
    assert reader.has_deletions()
    truth = expected(reader, name, term_text)
    assert postings(reader, name, term_text, fast=True) == truth
    assert postings(reader, name, term_text, fast=False) == truth
    assert postings(reader, name, term_text) == truth


def test_the_deleted_documents_are_left_out(segments_with_deletions):
    reader = segments_with_deletions
    assert postings(reader, "head", "one", fast=True) == []  # document 500 was deleted
    live = postings(reader, "head", "all", fast=True)
    assert len(live) == reader.doc_count() == DOCUMENTS - 131
    assert all(not reader.is_deleted(docnum) for docnum in live)


def test_a_term_no_document_has(one_segment):
    for fast in (True, False, None):
        assert postings(one_segment, "head", "nowhere", fast=fast) == []
        assert postings(one_segment, "topics", "nowhere", fast=fast) == []


def test_a_matcher_without_posting_blocks_is_read_publicly():
    # Whoosh's own in-memory codec lists postings without blocks.
    codec = MemoryCodec()
    writer = codec.writer(schema())
    for n in range(300):
        writer.add_document(**terms_of(n))
    writer.commit()
    reader = codec.reader(schema())
    truth = expected(reader, "head", "third")
    assert postings(reader, "head", "third") == truth
    assert postings(reader, "head", "third", fast=False) == truth
    with pytest.raises(InternalsUnavailable):
        postings(reader, "head", "third", fast=True)


LOG_ONCE = """
import logging, sys, tempfile
from whoosh import index as whoosh_index
sys.path.insert(0, {tests!r})
from test_whoosh_postings import schema, terms_of
from rumours.search.whoosh_postings import postings
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
with tempfile.TemporaryDirectory() as folder:
    ix = whoosh_index.create_in(folder, schema())
    with ix.writer() as writer:
        for n in range(300):
            writer.add_document(**terms_of(n))
    with ix.reader() as reader:
        for _ in range(3):
            postings(reader, "head", "all")
            postings(reader, "topics", "every")
            postings(reader, "head", "all", fast=False)
    ix.close()
"""


def test_which_way_is_logged_once_per_process():
    done = subprocess.run(
        [sys.executable, "-c", LOG_ONCE.format(tests=str(Path(__file__).parent))],
        capture_output=True, text=True, timeout=120, check=True)
    lines = [line for line in done.stdout.splitlines() if "search postings" in line]
    assert len(lines) == 2, done.stdout
    assert "posting blocks" in lines[0] and "whoosh-reloaded 2.7" in lines[0]
    assert "public matcher API" in lines[1]
