"""The `rumours i18n` commands: extract, update, compile, status and stamp."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from rumours.config import default_config
from rumours.content import translations
from rumours.content.loading import check_content
from rumours.i18n import catalogs, language_name
from rumours.search.thesaurus import THESAURUS_CHECK


def _dirs() -> tuple[Path, Path]:
    config = default_config()
    return config["CONTENT_DIR"], config["TRANSLATIONS_DIR"]


def _site_languages(content_dir: Path) -> tuple[list[str], str]:
    """The translated languages in site.yml (not the default), read without full validation."""
    site_file = content_dir / "site.yml"
    try:
        site = yaml.safe_load(site_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise click.ClickException(f"cannot read {site_file}: {exc}") from exc
    default = str(site.get("default_language", "en"))
    return [str(x) for x in site.get("languages") or () if str(x) != default], default


def _extract(content_dir: Path, translations_dir: Path) -> Path:
    template = translations_dir / catalogs.TEMPLATE_NAME
    catalog = catalogs.extract_template(content_dir / "site.yml")
    changed = catalogs.write_template(catalog, template)
    click.echo(f"{template}: {len(catalog)} strings" + ("" if changed else " (unchanged)"))
    return template


@click.group(help="Interface catalogs and content translations.")
def i18n() -> None:
    """The i18n command group."""


@i18n.command()
def extract() -> None:
    """Write translations/messages.pot from the code, templates and site.yml labels."""
    content_dir, translations_dir = _dirs()
    _extract(content_dir, translations_dir)


@i18n.command()
@click.option("--no-extract", is_flag=True,
              help="Merge the existing messages.pot without extracting it first.")
@click.option("--lang", "extra", multiple=True,
              help="Also create/update this language (repeatable); site.yml's are always done.")
def update(no_extract: bool, extra: tuple[str, ...]) -> None:
    """Extract messages.pot, then merge it into every language's messages.po."""
    content_dir, translations_dir = _dirs()
    template = translations_dir / catalogs.TEMPLATE_NAME
    if not no_extract:
        template = _extract(content_dir, translations_dir)
    elif not template.is_file():
        raise click.ClickException(f"{template} does not exist: run `rumours i18n extract`")
    languages, _default = _site_languages(content_dir)
    languages = list(dict.fromkeys(languages + list(extra)))
    for lang, state in catalogs.update_catalogs(template, translations_dir, languages).items():
        status = catalogs.catalog_status(translations_dir, lang, template)
        click.echo(f"{catalogs.catalog_path(translations_dir, lang)}: {state}; "
                   f"{status.percent}% translated ({status.untranslated} untranslated, "
                   f"{status.fuzzy} fuzzy)")


@i18n.command("compile")
@click.option("--force", is_flag=True, help="Recompile every catalog, even current ones.")
def compile_command(force: bool) -> None:
    """Compile every language's messages.po to the messages.mo the site loads (only those
    missing or older than their .po). `make install` runs it; a server compiles a catalog
    itself, once for all its processes, when a .po changes."""
    config = default_config()
    translations_dir = config["TRANSLATIONS_DIR"]
    target = catalogs.compiled_dir(translations_dir, config["INSTANCE_DIR"] / "translations")
    results = catalogs.compile_catalogs(translations_dir, target, force=force)
    for lang, state in results.items():
        po_path = catalogs.catalog_path(translations_dir, lang)
        click.echo(f"{catalogs.compiled_path(po_path, target)}: {state}")
    if not results:
        click.echo(f"no catalogs in {translations_dir}")
    failed = [lang for lang, state in results.items() if state == "failed"]
    if failed:
        raise click.ClickException(f"cannot compile {', '.join(failed)}: see the errors above")


def status_report(content_dir: Path, translations_dir: Path) -> dict:
    """Per language: interface catalog completeness and content translated/outdated/missing."""
    library, problems = check_content(content_dir, include_drafts=False,
                                      checks=(THESAURUS_CHECK,))
    template = translations_dir / catalogs.TEMPLATE_NAME
    languages, default = _site_languages(content_dir)
    report: dict = {
        "default_language": default,
        "template": str(template) if template.is_file() else None,
        "content_errors": sum(1 for p in problems if p.is_error),
        "source": None,
        "languages": [],
    }
    if library is not None:
        report["source"] = {"lang": default, "rumours": len(library.rumours),
                            "pages": len(library.pages), "updates": len(library.updates)}
    for lang in languages:
        entry: dict = {
            "lang": lang, "name": language_name(lang),
            "interface": catalogs.catalog_status(translations_dir, lang, template).as_dict(),
        }
        if library is not None:
            for kind, coverage in translations.content_coverage(library, lang).items():
                entry[kind] = coverage.as_dict()
        report["languages"].append(entry)
    return report


def _cell(coverage: dict | None) -> str:
    if coverage is None:
        return "-"
    return f"{coverage['translated']}/{coverage['outdated']}/{coverage['missing']}"


def _review_cell(entry: dict) -> str:
    """Draft/reviewed translations over rumours, pages and updates together."""
    kinds = [entry.get(k) for k in ("rumours", "pages", "updates") if entry.get(k)]
    if not kinds:
        return "-"
    return f"{sum(k['draft'] for k in kinds)}/{sum(k['reviewed'] for k in kinds)}"


@i18n.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-v", "--verbose", is_flag=True, help="Also list what is missing.")
def status(as_json: bool, verbose: bool) -> None:
    """Per language: interface % translated; rumours, pages, updates translated/outdated/missing."""
    content_dir, translations_dir = _dirs()
    report = status_report(content_dir, translations_dir)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        sys.exit(1 if report["content_errors"] else 0)
    source = report["source"]
    if source:
        click.echo(f"Source language {report['default_language']}: {source['rumours']} rumours, "
                   f"{source['pages']} pages, {source['updates']} updates.")
    if report["template"] is None:
        click.echo("No translations/messages.pot yet: run `rumours i18n update`.")
    click.echo("Content columns are translated/outdated/missing; 'checked' counts the "
               "translations still draft/reviewed by a fluent speaker (`status:`).\n")
    header = f"{'lang':<5} {'language':<16} {'interface':>9}  {'rumours':>10} {'pages':>8} " \
             f"{'updates':>8} {'checked':>9}"
    click.echo(header)
    click.echo("-" * len(header))
    for entry in report["languages"]:
        interface = entry["interface"]
        percent = f"{interface['percent']}%" if interface["exists"] else "none"
        click.echo(f"{entry['lang']:<5} {entry['name']:<16} {percent:>9}  "
                   f"{_cell(entry.get('rumours')):>10} {_cell(entry.get('pages')):>8} "
                   f"{_cell(entry.get('updates')):>8} {_review_cell(entry):>9}")
    for entry in report["languages"]:
        for kind in ("rumours", "pages", "updates"):
            coverage = entry.get(kind)
            if not coverage:
                continue
            if coverage["outdated_ids"]:
                click.echo(f"{entry['lang']}: outdated {kind}: "
                           + ", ".join(coverage["outdated_ids"]))
            if verbose and coverage["draft_ids"]:
                click.echo(f"{entry['lang']}: draft {kind} (not yet checked): "
                           + ", ".join(coverage["draft_ids"]))
            if verbose and coverage["missing_ids"]:
                click.echo(f"{entry['lang']}: missing {kind}: "
                           + ", ".join(coverage["missing_ids"]))
    if report["content_errors"]:
        click.echo(f"\nThe content has {report['content_errors']} error(s): run `rumours check`.",
                   err=True)
        sys.exit(1)


@i18n.command()
@click.argument("item")
@click.argument("lang")
@click.option("--kind", type=click.Choice(translations.KINDS),
              help="What ITEM names (default: a rumour; or write pages/<slug>, updates/<slug>).")
def stamp(item: str, lang: str, kind: str | None) -> None:
    """Record that ITEM's LANG translation matches the current source.

    ITEM is a rumour id (take-our-jobs), or pages/<slug>, or updates/<slug> (the date in an
    update's file name may be left out). Run it after checking the translation against the
    source: it writes the source's fingerprint into the translation's front matter.
    """
    content_dir, _translations_dir = _dirs()
    try:
        result = translations.stamp(content_dir, item, lang, kind)
    except translations.StampError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.changed:
        click.echo(f"{result.path}: source_fingerprint {result.previous or '(none)'} -> "
                   f"{result.fingerprint}")
    else:
        click.echo(f"{result.path}: already current ({result.fingerprint})")
