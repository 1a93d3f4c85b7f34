"""Interface catalogs: extract messages.pot, merge it into every language's .po, measure them."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import polib
import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
TEMPLATE_NAME = "messages.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2), "_l": None}
COMMENT_TAGS = ("Translators:",)
VOCABULARIES = {
    "verdicts": "Verdict label",
    "topics": "Topic label",
    "places": "Place label",
    "strengths": "Evidence strength label",
}
WIDTH = 79
# Header lines that change on every run; a file that differs only in these is left alone.
_VOLATILE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _vocabulary_messages(site_file: Path, root: Path) -> Iterable[tuple[str, str, str]]:
    """(label, location, comment) for every label in site.yml that templates translate."""
    if not site_file.is_file():
        return
    site = yaml.safe_load(site_file.read_text(encoding="utf-8")) or {}
    location = _relative(site_file, root)
    for key, what in VOCABULARIES.items():
        for vocab_id, label in (site.get(key) or {}).items():
            vocab_id = str(vocab_id).lower() if isinstance(vocab_id, bool) else str(vocab_id)
            if str(label).strip():
                yield str(label), location, f"{what} (site.yml {key}: {vocab_id})"
    contact = site.get("contact")
    if isinstance(contact, dict):
        contact = contact.get("text")
    if isinstance(contact, str) and contact.strip():
        yield contact, location, "The contact line in the footer (site.yml contact)"
    publisher = site.get("publisher") if isinstance(site.get("publisher"), dict) else {}
    names = [
        (site.get("name"), "The site's name: header, page titles, feeds, cards (site.yml name)"),
        (publisher.get("name"), "Who publishes the site, in the footer (site.yml publisher)"),
        (site.get("city"), "The city running the site, in the footer (site.yml city)"),
    ]
    for member in site.get("team") or []:
        if isinstance(member, dict):
            names.append((member.get("role"), "An editorial team member's role (site.yml team)"))
    for verdict, text in (site.get("verdict_definitions") or {}).items():
        verdict = str(verdict).lower() if isinstance(verdict, bool) else str(verdict)
        # site_text() shows the definition with its whitespace folded, as loaded.
        names.append((" ".join(str(text).split()) if text else None,
                      f"What the verdict means, on the verdicts page (site.yml "
                      f"verdict_definitions: {verdict})"))
    for text, comment in names:
        if isinstance(text, str) and text.strip():
            yield text.strip(), location, comment


def extract_template(site_file: Path | None, root: Path = PROJECT_ROOT,
                     mapping_file: Path = MAPPING_FILE) -> Catalog:
    """Every translatable string in the code, the templates and site.yml's vocabularies."""
    with open(mapping_file, encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(mapping_file))
    catalog = Catalog(project="rumours", version="1", charset="utf-8",
                      msgid_bugs_address="", copyright_holder="rumours contributors",
                      fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    if site_file is not None:
        for label, location, comment in _vocabulary_messages(Path(site_file), root):
            existing = catalog.get(label)
            if existing is not None:
                existing.locations.append((location, None))
                existing.auto_comments.append(comment)
            else:
                catalog.add(label, None, [(location, None)], auto_comments=[comment])
    return catalog


def _render(catalog: Catalog) -> str:
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, include_lineno=False, sort_output=False)
    return out.getvalue().decode("utf-8")


def _write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already says the same (ignoring generation dates)."""
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        if _VOLATILE.sub("", old) == _VOLATILE.sub("", text):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def write_template(catalog: Catalog, path: Path) -> bool:
    """Write messages.pot; return whether it changed."""
    return _write_if_changed(Path(path), _render(catalog))


def catalog_path(translations_dir: Path, lang: str) -> Path:
    """translations/<lang>/LC_MESSAGES/messages.po"""
    return Path(translations_dir) / lang / "LC_MESSAGES" / "messages.po"


def _has_translation(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return any(strings)


def update_catalogs(template_path: Path, translations_dir: Path,
                    languages: Iterable[str]) -> dict[str, str]:
    """Merge the template into each language's catalog, creating missing ones.

    Returns {lang: "created" | "updated" | "unchanged"}. Translated strings that left the
    template are kept as obsolete entries (`#~`), and changed strings are matched to their
    old translation and marked fuzzy, so no translator's work is lost.
    """
    with open(template_path, "rb") as fh:
        template = read_po(fh)
    results = {}
    for lang in languages:
        path = catalog_path(translations_dir, lang)
        if path.is_file():
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang)
            catalog.update(template, update_header_comment=False)
            state = "updated"
        else:
            with open(template_path, "rb") as fh:
                catalog = read_po(fh, locale=lang)
            catalog.revision_date = dt.datetime.now(dt.UTC)
            state = "created"
        for key in [k for k, m in catalog.obsolete.items() if not _has_translation(m)]:
            del catalog.obsolete[key]  # nothing of a translator's to keep
        catalog.fuzzy = False
        changed = _write_if_changed(path, _render(catalog))
        results[lang] = state if changed else "unchanged"
    return results


@dataclass(frozen=True)
class CatalogStatus:
    """How much of the interface one language's catalog translates."""

    lang: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    exists: bool

    @property
    def percent(self) -> int:
        """Whole percent translated (fuzzy entries do not count: they are not used)."""
        return int(self.translated * 100 / self.total) if self.total else 100

    def as_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent}


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def template_msgids(template_path: Path) -> set[tuple[str | None, str]]:
    """The (context, msgid) pairs of a template."""
    return {_key(e) for e in polib.pofile(str(template_path)) if not e.obsolete}


def catalog_status(translations_dir: Path, lang: str,
                   template_path: Path | None = None) -> CatalogStatus:
    """Count translated, fuzzy and untranslated strings, measured against the template.

    Measuring against messages.pot (not only the .po's own entries) means a catalog that was
    never updated with new strings does not look complete.
    """
    path = catalog_path(translations_dir, lang)
    wanted = template_msgids(template_path) if template_path and Path(template_path).is_file() \
        else None
    if not path.is_file():
        total = len(wanted) if wanted is not None else 0
        return CatalogStatus(lang, total, 0, 0, total, exists=False)
    po = polib.pofile(str(path))
    entries = {_key(e): e for e in po if not e.obsolete}
    if wanted is None:
        wanted = set(entries)
    translated = fuzzy = 0
    for key in wanted:
        entry = entries.get(key)
        if entry is None:
            continue
        if entry.fuzzy:
            fuzzy += 1
        elif entry.translated():
            translated += 1
    return CatalogStatus(lang, len(wanted), translated, fuzzy,
                         len(wanted) - translated - fuzzy, exists=True)
