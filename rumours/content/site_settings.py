"""site.yml: the site's settings and vocabularies, read and checked into a `Site`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import yaml

from rumours.content import site_identity, yaml_errors
from rumours.content.files import relative_name
from rumours.content.model import ID_PATTERN, ProblemList, Site, shown
from rumours.content.parsing import yaml_file_text
from rumours.content.schema import URL_PATTERN, SiteFields
from rumours.content.validation import validate
from rumours.content.yaml_lines import YamlDocument, read_yaml

SITE_FILE = "site.yml"
LANG_PATTERN = re.compile(r"^[a-z]{2,3}$")
VOCABULARIES = ("verdicts", "topics", "places", "strengths")


def load_site(content_dir: Path, problems: ProblemList) -> Site | None:
    """Read site.yml, reporting every problem with its line; None when it is unusable."""
    content_dir = Path(content_dir)
    path = content_dir / SITE_FILE
    rel = relative_name(path, content_dir.resolve())
    if not path.exists() and not path.is_symlink():
        problems.error(rel, 1, "file", "site.yml is missing")
        return None
    text = yaml_file_text(path, content_dir.resolve(), problems)
    if text is None:
        return None
    try:
        document = read_yaml(text, 1)
    except yaml.YAMLError as exc:
        line, message = yaml_errors.explain(exc, text, 1)
        problems.error(rel, line, SITE_FILE, message)
        return None
    meta = {} if document.value is None else document.value
    if not isinstance(meta, dict):
        problems.error(rel, 1, SITE_FILE, "must be a set of 'field: value' lines")
        return None
    before = problems.errors
    values = validate(SiteFields, meta, document, rel, problems).values
    site = _site(values, document, content_dir, rel, problems)
    return site if problems.errors == before else None


def _languages(values: dict, line: Callable[[tuple], int], rel: str,
               problems: ProblemList) -> tuple[str, ...]:
    languages = tuple(values.get("languages", ()))
    for index, lang in enumerate(languages):
        if not LANG_PATTERN.match(lang):
            problems.error(rel, line(("languages", index)), "languages",
                           f"{shown(lang)} is not a language code such as 'en' or 'es'")
    default = values.get("default_language", "")
    if languages and default and default not in languages:
        problems.error(rel, line(("default_language",)), "default_language",
                       f"{shown(default)} is not one of the site's languages")
    return languages


def _vocabularies(values: dict, line: Callable[[tuple], int], rel: str,
                  problems: ProblemList) -> dict[str, MappingProxyType]:
    vocabularies = {}
    for key in VOCABULARIES:
        vocabulary = {}
        for vocab_id, label in values.get(key, {}).items():
            if key != "strengths" and not ID_PATTERN.match(vocab_id):
                problems.error(rel, line((key, vocab_id)), key,
                               f"{shown(vocab_id)} must be lowercase letters, digits and '-'")
            vocabulary[vocab_id] = str(label)
        vocabularies[key] = MappingProxyType(vocabulary)
    return vocabularies


def _site(values: dict, document: YamlDocument, content_dir: Path, rel: str,
          problems: ProblemList) -> Site | None:
    line = document.line
    languages = _languages(values, line, rel, problems)
    default = values.get("default_language", "")
    vocabularies = _vocabularies(values, line, rel, problems)
    publisher_url = str(values.get("publisher", {}).get("url", "") or "")
    if publisher_url and not URL_PATTERN.match(publisher_url):
        problems.error(rel, line(("publisher", "url")), "publisher.url",
                       f"must be an absolute http(s) URL, not {shown(publisher_url)}")
    # site_identity names a value's line by its dotted path: {"colours.brand": 14}
    lines = {".".join(map(str, path)): number for path, number in document.lines.items()
             if path}
    identity = site_identity.read_identity(
        values, lines, languages, vocabularies["verdicts"], content_dir,
        lambda number, key, message: problems.error(rel, number, key, message))
    if any(key not in values for key in ("name", "base_url", "publisher")):
        return None  # reported as missing or mistyped
    contact = values.get("contact", {})
    ordered = (default,) + tuple(lang for lang in languages if lang != default)
    return Site(
        name=values["name"], base_url=values["base_url"].rstrip("/"),
        default_language=default, languages=ordered,
        publisher=MappingProxyType({str(k): str(v) for k, v in values["publisher"].items()}),
        contact=contact.get("text", ""), contact_email=contact.get("email", ""),
        contact_url=contact.get("url", ""), search_url=values.get("search_url", ""),
        report_url=values.get("report_url", ""),
        record_unanswered_searches=values.get("record_unanswered_searches", True),
        as_of_max_age_days=values.get("as_of_max_age_days", 1095),
        **vocabularies, **identity,
    )

