"""Reload speed: cold load of a library and edit-to-visible in `rumours serve --dev`, against
`hugo server` on the same Markdown (issue 13 point 2).

    .venv/bin/python bench/reload.py                         # 28, 1,000 and 3,000 rumours
    .venv/bin/python bench/reload.py --sizes 28,1000 --baseline /tmp/old

Synthetic libraries are copies of the bundled rumours with their translation files, each copy
with its own id, claim, aliases and source ids (URLs get a #copy-N fragment), so `rumours
check` passes. For each size it prints: the cold load (a fresh process calling check_content,
as `rumours check` does; with --baseline DIR the same for the code checked out in DIR, run
with PYTHONPATH=DIR), and the median of 3 edit-to-visible times (rewrite one rumour's claim,
poll its page until the new text is served) for a real `rumours serve --dev` and a real
`hugo server` (Debian package `hugo`, see scripts/system-deps bench).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PYTHON = sys.executable
FRONT = re.compile(r"\A---\n(.*?\n)---\n(.*)\Z", re.S)
STARTUP_TIMEOUT = 900.0
EDIT_TIMEOUT = 120.0

COLD_LOAD = """
import sys, time
from pathlib import Path
try:
    from rumours.content.loading import check_content
    from rumours.search.thesaurus import THESAURUS_CHECK
    kwargs = {"checks": (THESAURUS_CHECK,)}
except ImportError:  # the landed layout (one library module)
    from rumours.library import check_content
    kwargs = {}
started = time.perf_counter()
library, problems = check_content(Path(sys.argv[1]), **kwargs)
assert library is not None, [str(p) for p in problems if p.is_error][:5]
print(time.perf_counter() - started, len(library.rumours))
"""


# ------------------------------------------------------------------ synthetic libraries


def fingerprint(text: str) -> str:
    """What a translation's `source_fingerprint` records of its source file."""
    from rumours.content.rumours import fingerprint as content_fingerprint

    front, body = FRONT.match(text).groups()
    values = yaml.safe_load(front)
    return content_fingerprint(values["claim"], values["summary"], body)


def _copy_text(text: str, base: str, copy: int, source_ids: list[str]) -> str:
    """A rumour file (source or translation) of copy number `copy`: new id, claim, aliases,
    source ids and URLs."""
    new = f"{base}-{copy}"
    text = re.sub(rf"^id: {re.escape(base)}$", f"id: {new}", text, count=1, flags=re.M)
    text = re.sub(r'^(claim: "?)(.*?)("?)$', rf"\g<1>\g<2> ({copy})\g<3>", text, count=1,
                  flags=re.M)
    # aliases: every quoted string up to the next top-level key
    text = re.sub(r"^aliases:.*?(?=^\S)", lambda m: re.sub(r'"([^"]+)"', rf'"\1 {copy}"',
                  m.group(0)), text, count=1, flags=re.M | re.S)
    for source_id in source_ids:
        text = re.sub(rf"(\[\^|^  - id: ){re.escape(source_id)}\b", rf"\g<1>{source_id}-c{copy}",
                      text, flags=re.M)
    return re.sub(r"^(    url: \S+)$", rf"\1#copy-{copy}", text, flags=re.M)


def make_library(size: int, target: Path) -> list[str]:
    """A content folder of `size` rumours in `target`; returns the rumour ids."""
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("rumours"))
    (target / "rumours").mkdir()
    sources = sorted(p for p in (CONTENT / "rumours").glob("*.md") if "." not in p.stem)
    ids = []
    for number in range(size):
        source = sources[number % len(sources)]
        copy = number // len(sources)
        base = source.stem
        text = source.read_text(encoding="utf-8")
        source_ids = re.findall(r"^  - id: (\S+)$", text, flags=re.M)
        new_text = text if copy == 0 else _copy_text(text, base, copy, source_ids)
        old_print, new_print = fingerprint(text), fingerprint(new_text)
        name = base if copy == 0 else f"{base}-{copy}"
        (target / "rumours" / f"{name}.md").write_text(new_text, encoding="utf-8")
        ids.append(name)
        for translation in (CONTENT / "rumours").glob(f"{base}.*.md"):
            lang = translation.name.split(".")[-2]
            body = translation.read_text(encoding="utf-8")
            if copy:
                body = _copy_text(body, base, copy, source_ids).replace(
                    f"source_fingerprint: {old_print}", f"source_fingerprint: {new_print}")
            (target / "rumours" / f"{name}.{lang}.md").write_text(body, encoding="utf-8")
    for update in sorted((target / "updates").glob("*.md")):  # updates of absent rumours go
        if "." not in update.stem:
            named = yaml.safe_load(FRONT.match(update.read_text(encoding="utf-8"))[1])
            if not set(named.get("rumours") or ()) <= set(ids):
                for path in (target / "updates").glob(f"{update.stem}.*md"):
                    path.unlink()
    return ids


# ------------------------------------------------------------------ measuring


def cold_load(content: Path, code: Path) -> float:
    """Seconds a fresh process takes to load and check `content` with the code in `code`."""
    env = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run([PYTHON, "-c", COLD_LOAD, str(content)], env=env,
                          capture_output=True, text=True, cwd=code, check=False)
    if done.returncode:
        raise RuntimeError(f"loading {content} with {code} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.split()[0])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, timeout: float, process: subprocess.Popen) -> float:
    """Seconds until `url` serves a page holding `text` (polling every 10 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - started
        time.sleep(0.01)
    raise TimeoutError(f"{url} never showed {text!r}")


def edit_to_visible(process: subprocess.Popen, url: str, path: Path, label: str) -> float:
    """Median seconds from rewriting the claim in `path` to `url` serving it, over 3 edits."""
    times = []
    for number in range(3):
        token = f"edited{label}{number}x{os.getpid()}"
        text = path.read_text(encoding="utf-8")
        text = re.sub(r'^claim: "?(?:edited\S+ )?(.*?)"?$', rf'claim: "{token} \1"', text,
                      count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
        times.append(wait_for(url, token, EDIT_TIMEOUT, process))
        time.sleep(0.5)  # let the watcher settle before the next edit
    return statistics.median(times)


def ours(content: Path, instance: Path, rumour_id: str) -> float:
    port = free_port()
    env = dict(os.environ, RUMOURS_CONTENT=str(content), RUMOURS_INSTANCE=str(instance))
    process = subprocess.Popen([str(Path(PYTHON).parent / "rumours"), "serve", "--dev",
                                "--port", str(port)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/en/rumours/{rumour_id}"
        wait_for(url, "<html", STARTUP_TIMEOUT, process)
        return edit_to_visible(process, url, content / "rumours" / f"{rumour_id}.md", "r")
    finally:
        process.terminate()
        process.wait(30)


HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
defaultContentLanguage = "en"
[languages]
""" + "".join(f'[languages.{lang}]\nweight = {n}\n'
              for n, lang in enumerate(["en", "es", "ca", "fr", "ar", "ht"], 1))

HUGO_LAYOUT = """<!doctype html><html lang="{{ .Lang }}"><title>{{ .Params.claim }}</title>
<h1>{{ .Params.claim }}</h1><p>{{ .Params.summary }}</p>{{ .Content }}</html>
"""


def hugo(content: Path, site: Path, rumour_id: str) -> float:
    """The same edit under `hugo server` on the same rumour files (Hugo's own `aliases`
    key, a list of redirects, is renamed: ours is a vocabulary)."""
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name in ("single.html", "list.html"):
        (site / "layouts" / "_default" / name).write_text(HUGO_LAYOUT, encoding="utf-8")
    (site / "content" / "rumours").mkdir(parents=True)
    for path in (content / "rumours").glob("*.md"):
        text = path.read_text(encoding="utf-8").replace("\naliases:", "\nrumour_aliases:", 1)
        (site / "content" / "rumours" / path.name).write_text(text, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(["hugo", "server", "--port", str(port), "--bind", "127.0.0.1",
                                "--disableLiveReload", "--source", str(site)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/rumours/{rumour_id}/"
        wait_for(url, "<h1>", STARTUP_TIMEOUT, process)
        return edit_to_visible(process, url, site / "content" / "rumours" / f"{rumour_id}.md",
                               "h")
    finally:
        process.terminate()
        process.wait(30)


# ------------------------------------------------------------------ the table


def measure(size: int, work: Path, baseline: Path | None) -> dict[str, float | None]:
    content = work / f"content-{size}"
    ids = make_library(size, content)
    rumour_id = ids[len(ids) // 2]
    row: dict[str, float | None] = {"cold": cold_load(content, ROOT), "old": None,
                                    "ours": None, "hugo": None}
    if baseline is not None:
        row["old"] = cold_load(content, baseline)
    row["ours"] = ours(content, work / f"instance-{size}", rumour_id)
    if shutil.which("hugo"):
        row["hugo"] = hugo(content, work / f"hugo-{size}", rumour_id)
    return row


def show(value: float | None, unit: str = "s") -> str:
    return "-" if value is None else f"{value:.2f} {unit}" if unit == "s" else f"{value:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="28,1000,3000",
                        help="rumours per library, comma-separated (default 28,1000,3000)")
    parser.add_argument("--baseline", type=Path,
                        help="a checkout of older code whose cold load is measured too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not shutil.which("hugo"):
        print("hugo is not installed (scripts/system-deps bench): its column stays empty")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} cores")
    header = (f"{'rumours':>8} {'cold load':>10} {'baseline':>10} {'speed-up':>9} "
              f"{'edit (ours)':>12} {'edit (hugo)':>12} {'ours/hugo':>10}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="rumours-reload-") as tmp:
        for size in sizes:
            row = measure(size, Path(tmp), args.baseline)
            rows.append((size, row))
            print(f"  measured {size} rumours", file=sys.stderr)
    print(header)
    for size, row in rows:
        speedup = row["old"] / row["cold"] if row["old"] else None
        ratio = row["ours"] / row["hugo"] if row["hugo"] else None
        print(f"{size:>8} {show(row['cold']):>10} {show(row['old']):>10} "
              f"{show(speedup, 'x'):>9} {show(row['ours']):>12} {show(row['hugo']):>12} "
              f"{show(ratio, 'x'):>10}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
