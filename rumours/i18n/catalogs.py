"""Interface catalogs: extract messages.pot, merge it into every language's .po, measure them,
compile them to .mo (once, under a lock, for every worker)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import polib
import yaml
from babel import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from filelock import FileLock

from rumours.files import atomic_write, atomic_writer

log = logging.getLogger("rumours")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
TEMPLATE_NAME = "messages.pot"
CATALOG_NAME = "messages.po"
COMPILED_NAME = "messages.mo"
COMPILE_LOCK = ".compile.lock"  # in the folder of the compiled catalogs (git-ignored)
COMPILE_LOCK_TIMEOUT = 300.0  # seconds: a compile takes well under one
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
    atomic_write(path, text)
    return True


def write_template(catalog: Catalog, path: Path) -> bool:
    """Write messages.pot; return whether it changed."""
    return _write_if_changed(Path(path), _render(catalog))


def catalog_path(translations_dir: Path, lang: str) -> Path:
    """translations/<lang>/LC_MESSAGES/messages.po"""
    return Path(translations_dir) / lang / "LC_MESSAGES" / CATALOG_NAME


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


# --------------------------------------------------------------------------- compiling
# Compiled catalogs are built once: by `rumours i18n compile` (run by `make install` and
# `rumours build`), else by the first process that finds one missing or stale, under a file
# lock, while the others wait and then load it. A .mo carries its .po's modification time,
# so any edit of the .po (a translator's save, a checkout) makes it stale.


def catalog_files(translations_dir: Path) -> list[Path]:
    """Every translations/<lang>/LC_MESSAGES/messages.po."""
    return sorted(Path(translations_dir).glob(f"*/LC_MESSAGES/{CATALOG_NAME}"))


def compiled_path(po_path: Path, compiled_dir: Path) -> Path:
    """Where the .mo of a .po lives under `compiled_dir` (<lang>/LC_MESSAGES/messages.mo)."""
    return Path(compiled_dir) / Path(po_path).parts[-3] / "LC_MESSAGES" / COMPILED_NAME


def is_stale(po_path: Path, mo_path: Path) -> bool:
    """Whether the .mo is missing or was not compiled from this version of the .po."""
    try:
        return Path(mo_path).stat().st_mtime_ns != Path(po_path).stat().st_mtime_ns
    except FileNotFoundError:
        return True


def compiled_dir(translations_dir: Path, fallback_dir: Path) -> Path:
    """Where the compiled catalogs live: beside the .po files (Babel's own layout), unless one
    needs compiling and that folder cannot be written (a read-only checkout): then
    `fallback_dir` (the instance folder's translations/)."""
    for po_path in catalog_files(translations_dir):
        if is_stale(po_path, compiled_path(po_path, translations_dir)) \
                and not os.access(po_path.parent, os.W_OK):
            return Path(fallback_dir)
    return Path(translations_dir)


def _read_catalog(po_path: Path) -> Catalog:
    lang = po_path.parts[-3]
    with open(po_path, "rb") as fh:
        try:
            return read_po(fh, locale=lang, abort_invalid=True)
        except UnknownLocaleError:  # a folder name Babel does not know
            fh.seek(0)
            return read_po(fh, abort_invalid=True)


def compile_catalog(po_path: Path, mo_path: Path) -> list[str]:
    """Compile one .po to a .mo with Babel, atomically (fuzzy entries are left out, as the
    site never shows a guess). Returns the problems Babel's checks find (placeholders)."""
    po_path, mo_path = Path(po_path), Path(mo_path)
    source = po_path.stat()  # before reading: an edit made meanwhile leaves the .mo stale
    catalog = _read_catalog(po_path)
    problems = [f"{po_path}: {message.id!r}: {error}"
                for message, errors in catalog.check() for error in errors]
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(mo_path) as handle:
        write_mo(handle, catalog, use_fuzzy=False)
        handle.flush()
        if os.utime in os.supports_fd:  # the .mo appears with its .po's time already set
            os.utime(handle.fileno(), ns=(source.st_atime_ns, source.st_mtime_ns))
    if os.utime not in os.supports_fd:
        os.utime(mo_path, ns=(source.st_atime_ns, source.st_mtime_ns))
    return problems


def compile_catalogs(translations_dir: Path, target_dir: Path | None = None,
                     force: bool = False) -> dict[str, str]:
    """Compile every catalog whose .mo is missing or stale (all of them with `force`).

    Returns {lang: "compiled" | "current" | "failed"}. Only one process compiles a catalog:
    the others wait on the lock, then find it current. A .po that cannot be read is reported
    once per version and its previous .mo stays in use (a broken save loses no language).
    """
    target = Path(target_dir or translations_dir)
    sources = catalog_files(translations_dir)
    results = {po.parts[-3]: "current" for po in sources}
    stale = [po for po in sources if force or is_stale(po, compiled_path(po, target))]
    for po_path in stale:
        if not force and _failed.get(po_path) == _version(po_path):
            results[po_path.parts[-3]] = "failed"  # already reported; waits for a new save
    stale = [po for po in stale if results[po.parts[-3]] != "failed"]
    if not stale:
        return results
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(target / COMPILE_LOCK, timeout=COMPILE_LOCK_TIMEOUT):
        for po_path in stale:
            results[po_path.parts[-3]] = _compile_if_stale(po_path, target, force)
    return results


_failed: dict[Path, int | None] = {}  # .po -> the version of it that failed to compile


def _version(po_path: Path) -> int | None:
    try:
        return po_path.stat().st_mtime_ns
    except OSError:
        return None


def _compile_if_stale(po_path: Path, target: Path, force: bool) -> str:
    mo_path = compiled_path(po_path, target)
    if not force and not is_stale(po_path, mo_path):
        return "current"  # another process compiled it while this one waited
    version = _version(po_path)
    try:
        problems = compile_catalog(po_path, mo_path)
    except (PoFileError, UnicodeDecodeError, OSError) as exc:
        _failed[po_path] = version
        log.error("%s cannot be compiled (%s); the previous translations stay in use",
                  po_path, exc)
        return "failed"
    _failed.pop(po_path, None)
    for problem in problems:
        log.warning("catalog: %s", problem)
    return "compiled"


def compiled_stamp(target_dir: Path) -> str:
    """Changes whenever a compiled catalog does (the pages and cards made from them too)."""
    stamps = []
    for mo_path in sorted(Path(target_dir).glob(f"*/LC_MESSAGES/{COMPILED_NAME}")):
        try:
            stamps.append(f"{mo_path.parts[-3]}:{mo_path.stat().st_mtime_ns}")
        except OSError:
            continue
    return ",".join(stamps)
