"""The `rumours` command: serve, check, index, new, i18n and build."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from pathlib import Path

import click

from rumours.config import default_config
from rumours.content.loading import check_content
from rumours.files import atomic_write


def _content_dir() -> Path:
    return default_config()["CONTENT_DIR"]


@click.group(help="An anti-rumour library for cities.")
def main() -> None:
    """The command group."""


@main.command()
@click.option("--dev", is_flag=True, help="Reload content on save, show drafts and errors.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(dev: bool, host: str, port: int) -> None:
    """Serve the library."""
    from werkzeug.serving import run_simple

    from rumours import create_app
    from rumours.reports.commands import upgrade_or_warn

    upgrade_or_warn()
    app = create_app({"DEV": dev} if dev else None)
    click.echo(f"Serving {app.config['CONTENT_DIR']} on http://{host}:{port}/"
               + (" (dev mode: drafts shown, edits reload)" if dev else ""))
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def check(strict: bool, as_json: bool) -> None:
    """Validate the content folder; each problem names file, line and field."""
    from rumours.search.thesaurus import THESAURUS_CHECK

    library, problems = check_content(_content_dir(), checks=(THESAURUS_CHECK,))
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    failed = bool(errors) or (strict and bool(warnings))
    if as_json:
        click.echo(json.dumps({
            "ok": not failed, "errors": len(errors), "warnings": len(warnings),
            "rumours": len(library.rumours) if library else None,
            "problems": [p.as_dict() for p in problems],
        }, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        summary = f"{len(errors)} error(s), {len(warnings)} warning(s)"
        if library is not None:
            drafts = sum(1 for r in library.rumours if r.draft)
            summary = (f"{len(library.rumours) - drafts} rumours ({drafts} draft), "
                       f"{len(library.pages)} pages, {len(library.updates)} updates; " + summary)
        click.echo(("FAILED: " if failed else "OK: ") + summary)
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--if-stale", is_flag=True,
              help="Only rebuild when the index is missing, broken or older than the content.")
@click.option("--drafts", is_flag=True, help="Include drafts, as `rumours serve --dev` does.")
def index(if_stale: bool, drafts: bool) -> None:
    """(Re)build the search index atomically; searches keep using the old one until the swap."""
    import time

    from rumours import search
    from rumours.content.loading import load_library
    from rumours.content.model import ContentError
    from rumours.search.thesaurus import load_thesaurus

    config = default_config()
    click.echo(f"Reading {config['CONTENT_DIR']}...")
    try:
        library = load_library(config["CONTENT_DIR"], include_drafts=drafts)
    except ContentError as exc:
        for problem in exc.problems:
            if problem.is_error:
                click.echo(str(problem), err=True)
        raise click.ClickException("the content has errors; fix them (see `rumours check`) "
                                   "and index again") from exc
    root = config["INSTANCE_DIR"] / "index"
    thesaurus = load_thesaurus(config["CONTENT_DIR"], library.site.languages)
    if if_stale and search.is_fresh(library, root, thesaurus):
        click.echo(f"The search index is up to date: {root / search.CURRENT_LINK}")
        return
    started = time.perf_counter()
    click.echo(f"Indexing {len(library.rumours)} rumours in {len(library.site.languages)} "
               "languages (this can take a minute)...")
    target = search.build_index(library, root, thesaurus)
    documents = sum(1 for _ in search.library_documents(library))
    click.echo(f"Indexed {len(library.rumours)} rumours ({documents} documents) in "
               f"{time.perf_counter() - started:.1f} s: {target}")


def slugify(text: str) -> str:
    """A lowercase ASCII id from a claim in any script: "They take our jobs!" ->
    "they-take-our-jobs", "يأخذون وظائفنا" -> "yakhdhwn-wzayfna" (transliterated by anyascii)."""
    from anyascii import anyascii

    folded = anyascii(unicodedata.normalize("NFC", text)).replace("'", "").replace("`", "")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    slug = "-".join(slug.split("-")[:8])[:60].strip("-")
    return slug or "rumour"


def _claim_note(reported_lang: str | None, default_lang: str) -> str:
    """A YAML comment on the claim line when the report it came from is in another language."""
    if not reported_lang or reported_lang == default_lang:
        return ""
    return (f"  # reported in {reported_lang}: write the claim in {default_lang}; "
            f"the wording stays as a {reported_lang} alias")


RUMOUR_SCAFFOLD = """\
---
id: {id}
claim: {claim}
aliases:
  {lang}: {aliases}                     # at least three other ways people say it
verdict: ""                      # one of: {verdicts}
summary: ""                      # fact first, one or two sentences
topics: []                       # from: {topics}
places: []                       # from: {places}
sources:
  - id: first-source             # cite it in the text as [^first-source]
    publisher: ""
    title: ""
    date: ""                     # YYYY-MM-DD
    url: ""                      # https://...
    strength: ""                 # one of: {strengths}
published: {today}
reviewed: {today}
next_review: {next_review}
draft: true                      # remove when it is ready to publish
---

## The facts {{#facts}}

- A fact with a figure, citing its source. [^first-source]

## The real concern {{#concern}}

What worry is behind this rumour, said with respect.

## How to talk about it {{#talk}}

A question to ask, a short story, and a bridge to common ground.
"""

UPDATE_SCAFFOLD = """\
---
title: {claim}
date: {today}
summary: ""                      # one sentence for the feeds and the home page
rumours: []                      # ids of related rumours
draft: true                      # remove when it is ready to publish
---

Write the update here.
"""


@main.command()
@click.argument("claim", required=False)
@click.option("--id", "item_id", help="The id (file name); made from the claim when omitted.")
@click.option("--update", "is_update", is_flag=True, help="Scaffold a news update instead.")
@click.option("--from-report", "report_number", type=int,
              help="Start from inbox report N: its wording is the claim and an alias.")
def new(claim: str | None, item_id: str | None, is_update: bool,
        report_number: int | None) -> None:
    """Scaffold a rumour (or, with --update, a news item) with every field."""
    alias_lang = alias = None
    if report_number is not None and is_update:
        raise click.UsageError("--from-report scaffolds a rumour, not an update")
    if report_number is not None:
        from rumours.reports.commands import report_for_entry

        claim, alias_lang = report_for_entry(report_number)
        alias = claim
        item_id = item_id or (slugify(claim) if slugify(claim) != "rumour"
                              else f"report-{report_number}")
    if not claim:
        raise click.UsageError("give the claim, or --from-report N")
    content = _content_dir()
    library, _problems = check_content(content)
    import yaml

    site = yaml.safe_load((content / "site.yml").read_text(encoding="utf-8"))
    today = dt.date.today()
    slug = item_id or slugify(claim)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise click.BadParameter("use lowercase letters, digits and '-'", param_hint="--id")
    fields = {
        "id": slug, "claim": json.dumps(claim, ensure_ascii=False) + _claim_note(
            alias_lang, site.get("default_language", "en")),
        "lang": alias_lang or site.get("default_language", "en"),
        "aliases": json.dumps([alias], ensure_ascii=False) if alias else "[]",
        "today": today.isoformat(),
        "next_review": (today + dt.timedelta(days=182)).isoformat(),
        "verdicts": ", ".join(str(v).lower() for v in site.get("verdicts", {})),
        "topics": ", ".join(site.get("topics", {})),
        "places": ", ".join(site.get("places", {})),
        "strengths": ", ".join(site.get("strengths", {})),
    }
    if is_update:
        path = content / "updates" / f"{today.isoformat()}-{slug}.md"
        text = UPDATE_SCAFFOLD.format(**fields)
    else:
        path = content / "rumours" / f"{slug}.md"
        text = RUMOUR_SCAFFOLD.format(**fields)
    if path.exists():
        raise click.ClickException(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)  # a running server's watcher never reads half a scaffold
    click.echo(f"Wrote {path}. Fill it in, then run `rumours check`.")
    if report_number is not None:
        from rumours.reports.commands import mark_scaffolded

        mark_scaffolded(report_number, path)


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--decks/--no-decks", default=True, show_default=True,
              help="Ship the A4 deck PDFs a copy can have: the whole library, each topic and "
                   "each place, in every language (minutes the first time; cached after).")
def build(out: Path, decks: bool) -> None:
    """Write the whole site as static files into OUT (relative links, offline search)."""
    from rumours import create_app
    from rumours.publishing.export import ExportError, build_site

    click.echo("Loading the content and building the search index "
               "(a minute the first time)...")
    # The export draws its cards and decks itself, for no visitor: no background drawing
    # competing with it, and no per-client limit on new renders (rumours/web/rendering.py).
    app = create_app({"DEV": False, "PRERENDER": False, "RATELIMIT_ENABLED": False})
    click.echo("Fetching every page" + (", card and deck" if decks else " and card")
               + " (progress every few seconds)...")
    try:
        report = build_site(app, out, decks=decks, log=click.echo)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    for url, referrer, status in report.broken:
        click.echo(f"broken link: {url} ({status}), linked from {referrer}", err=True)
    click.echo(f"Wrote {report.pages} pages and {report.files} files "
               f"({report.size / 1_000_000:.1f} MB) to {report.out} in {report.seconds:.1f} s"
               + (f"; {len(report.broken)} broken link(s)" if report.broken else ""))
    sys.exit(1 if report.broken else 0)


from rumours.i18n.commands import i18n  # noqa: E402

main.add_command(i18n)

from rumours.reports.commands import COMMANDS as REPORT_COMMANDS  # noqa: E402

for _command in REPORT_COMMANDS:
    main.add_command(_command)
