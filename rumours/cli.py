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
from rumours.library import check_content


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

    app = create_app({"DEV": dev} if dev else None)
    click.echo(f"Serving {app.config['CONTENT_DIR']} on http://{host}:{port}/"
               + (" (dev mode: drafts shown, edits reload)" if dev else ""))
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def check(strict: bool, as_json: bool) -> None:
    """Validate the content folder; each problem names file, line and field."""
    library, problems = check_content(_content_dir())
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
    from rumours.library import ContentError, load_library

    config = default_config()
    try:
        library = load_library(config["CONTENT_DIR"], include_drafts=drafts)
    except ContentError as exc:
        for problem in exc.problems:
            if problem.is_error:
                click.echo(str(problem), err=True)
        raise click.ClickException("the content has errors; fix them (see `rumours check`) "
                                   "and index again") from exc
    root = config["INSTANCE_DIR"] / "index"
    if if_stale and search.is_fresh(library, root):
        click.echo(f"The search index is up to date: {root / search.CURRENT_LINK}")
        return
    started = time.perf_counter()
    target = search.build_index(library, root)
    documents = sum(1 for _ in search.library_documents(library))
    click.echo(f"Indexed {len(library.rumours)} rumours ({documents} documents) in "
               f"{time.perf_counter() - started:.1f} s: {target}")


def slugify(text: str) -> str:
    """A lowercase ASCII id from a claim: "They take our jobs!" -> "they-take-our-jobs"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return "-".join(slug.split("-")[:8]) or "rumour"


RUMOUR_SCAFFOLD = """\
---
id: {id}
claim: {claim}
aliases:
  {lang}: []                     # at least three other ways people say it
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
@click.argument("claim")
@click.option("--id", "item_id", help="The id (file name); made from the claim when omitted.")
@click.option("--update", "is_update", is_flag=True, help="Scaffold a news update instead.")
def new(claim: str, item_id: str | None, is_update: bool) -> None:
    """Scaffold a rumour (or, with --update, a news item) with every field."""
    content = _content_dir()
    library, _problems = check_content(content)
    import yaml

    site = yaml.safe_load((content / "site.yml").read_text(encoding="utf-8"))
    today = dt.date.today()
    slug = item_id or slugify(claim)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise click.BadParameter("use lowercase letters, digits and '-'", param_hint="--id")
    fields = {
        "id": slug, "claim": json.dumps(claim, ensure_ascii=False),
        "lang": site.get("default_language", "en"), "today": today.isoformat(),
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
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path}. Fill it in, then run `rumours check`.")


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--decks", is_flag=True,
              help="Also print an A4 deck PDF per topic and per place (slow: minutes).")
def build(out: Path, decks: bool) -> None:
    """Write the whole site as static files into OUT (relative links, offline search)."""
    from rumours import create_app
    from rumours.export import ExportError, build_site

    app = create_app({"DEV": False})
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


from rumours.i18n_commands import i18n  # noqa: E402

main.add_command(i18n)
