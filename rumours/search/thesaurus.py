"""The multilingual thesaurus, content/synonyms.yml: loading and checking (no Flask).

Comms teams group the words and phrases residents use for one idea, across the site's
languages and their dialects, under a concept name:

    benefits:
      note: social aid in general, and the slang for it
      en: [benefits, welfare, handouts]
      es: [ayudas, paguita, subsidios]
      ar: [مساعدات, المعاونات]

Search reads a query word that belongs to a concept as every word of the concept, in every
language, with a lower weight than the words typed (rumours/search/expansion.py). Problems
are reported like every other content problem, as `file:line: field: message`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import yaml

from rumours.content.files import relative_name
from rumours.content.loading import ContentCheck
from rumours.content.model import ID_PATTERN, Problem, ProblemList, Site, shown
from rumours.content.parsing import yaml_file_text
from rumours.content.yaml_lines import ContentYamlLoader

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

FILE_NAME = "synonyms.yml"
NOTE_KEY = "note"
MAX_PHRASE_CHARS = 80
MAX_PHRASE_WORDS = 6


@dataclass(frozen=True)
class Concept:
    """One idea and the words and phrases for it, per language."""

    id: str
    phrases: Mapping[str, tuple[str, ...]]
    note: str = ""
    line: int = 1


@dataclass(frozen=True)
class Thesaurus:
    """Every concept of synonyms.yml that passed the checks."""

    concepts: tuple[Concept, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Changes whenever a concept or one of its phrases does (not with notes or lines)."""
        data = [[c.id, sorted((lang, list(p)) for lang, p in c.phrases.items())]
                for c in self.concepts]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:12]


EMPTY = Thesaurus()


def check_thesaurus(content_dir: Path, site: Site, col: ProblemList) -> Thesaurus:
    """Read content/synonyms.yml (optional), report every problem, return the valid part."""
    root = Path(content_dir).resolve()
    path = root / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return EMPTY
    rel = relative_name(path, root)
    text = yaml_file_text(path, root, col)
    if text is None:
        return EMPTY
    try:
        root = yaml.compose(text, Loader=ContentYamlLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        col.error(rel, mark.line + 1 if mark else 1, FILE_NAME,
                  f"YAML syntax error: {getattr(exc, 'problem', None) or 'unreadable'}")
        return EMPTY
    if root is None:
        return EMPTY
    if not isinstance(root, yaml.MappingNode):
        col.error(rel, _line(root), FILE_NAME,
                  "must be a list of concepts: 'concept-name:' lines, each with its languages")
        return EMPTY
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for key_node, value_node in root.value:
        concept = _concept(rel, key_node, value_node, site.languages, seen, col)
        if concept is not None:
            concepts.append(concept)
    return Thesaurus(tuple(concepts))


def load_thesaurus(content_dir: Path, languages: Iterable[str]) -> Thesaurus:
    """The valid concepts of content/synonyms.yml, problems left to `rumours check`."""
    site = Site(name="", base_url="", default_language="", languages=tuple(languages),
                publisher={}, contact="", verdicts={}, topics={}, places={}, strengths={})
    return check_thesaurus(Path(content_dir), site, ProblemList())


def thesaurus_problems(content_dir: Path, site: Site) -> list[Problem]:
    """Every problem of content/synonyms.yml alone."""
    col = ProblemList()
    check_thesaurus(Path(content_dir), site, col)
    return col.problems


# The content check's part for synonyms.yml: `rumours check` and the snapshot pass it to
# rumours.content.loading, so that a broken thesaurus refuses the edit like any content.
THESAURUS_CHECK = ContentCheck(FILE_NAME, thesaurus_problems)


# ------------------------------------------------------------------------ checking


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _concept(rel: str, key_node: yaml.Node, value_node: yaml.Node, languages: tuple[str, ...],
             seen: dict[str, int], col: ProblemList) -> Concept | None:
    """One concept, checked; None (reported) when it cannot be used at all."""
    line = _line(key_node)
    name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
    if not isinstance(name, str) or not ID_PATTERN.match(name):
        col.error(rel, line, "concept", f"a concept name must be lowercase letters, digits and "
                  f"'-' (like 'social-housing'), not {shown(name)}")
        return None
    if name in seen:
        col.error(rel, line, name, f"the concept {shown(name)} is defined twice (also on line "
                  f"{seen[name]}); merge the two")
        return None
    seen[name] = line
    if not isinstance(value_node, yaml.MappingNode):
        col.error(rel, _line(value_node), name, "must list its words per language, "
                  "e.g. 'en: [benefits, welfare]'")
        return None
    note = ""
    phrases: dict[str, tuple[str, ...]] = {}
    for sub_key, sub_value in value_node.value:
        key = sub_key.value if isinstance(sub_key, yaml.ScalarNode) else ""
        field = f"{name}.{key}"
        if key == NOTE_KEY:
            if isinstance(sub_value, yaml.ScalarNode):
                note = str(sub_value.value)
            else:
                col.error(rel, _line(sub_value), field, "a note must be text")
            continue
        if key not in languages:
            col.error(rel, _line(sub_key), f"{name}.{shown(key, 20)}",
                      f"unknown language {shown(key, 20)}; use one of "
                      f"{', '.join(languages)} (or 'note')")
            continue
        if key in phrases:
            col.error(rel, _line(sub_key), field, "this language is listed twice in the concept")
            continue
        phrases[key] = _phrases(rel, field, key, sub_value, col)
    usable = sum(len(p) for p in phrases.values())
    if usable < 2:
        col.warn(rel, line, name, "a concept needs at least two words or phrases to link; "
                 "search ignores it")
        return None
    return Concept(name, MappingProxyType(phrases), note, line)


def _phrases(rel: str, field: str, lang: str, node: yaml.Node,
             col: ProblemList) -> tuple[str, ...]:
    """The words and phrases of one language, checked (a bad one is left out, reported)."""
    from rumours.search.expansion import content_terms, pattern_of

    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None:
        col.error(rel, _line(node), field, "must be a list in brackets, "
                  "e.g. [benefits, welfare, \"benefit money\"]")
        return ()
    kept: list[str] = []
    analysed: dict[tuple[str, ...], str] = {}
    for item in items:
        line = _line(item)
        if not isinstance(item, yaml.ScalarNode):
            col.error(rel, line, field, "each entry must be a word or a phrase, not a list")
            continue
        phrase = " ".join(str(item.value).split())
        if not phrase:
            col.error(rel, line, field, "an entry is empty")
            continue
        if len(phrase) > MAX_PHRASE_CHARS or len(phrase.split()) > MAX_PHRASE_WORDS:
            col.error(rel, line, field, f"{shown(phrase)} is too long: keep an entry to "
                      f"{MAX_PHRASE_WORDS} words (search matches it as one unit)")
            continue
        terms = pattern_of(lang, phrase)
        if not content_terms(terms):
            col.warn(rel, line, field, f"{shown(phrase)} has only words search skips "
                     "(like 'the', 'of'); it is ignored")
            continue
        if terms in analysed:
            col.warn(rel, line, field, f"{shown(phrase)} reads the same as "
                     f"{shown(analysed[terms])} for search; one of them is enough")
            continue
        analysed[terms] = phrase
        kept.append(phrase)
    return tuple(kept)
