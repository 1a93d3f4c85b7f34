"""Pages stay fast while visitors ask for expensive new decks.

Starts gunicorn with deploy/gunicorn.conf.py on a synthetic library of 72 rumours, measures a
rumour page's latency alone (the reference), then again while 8 clients keep asking for
distinct, uncached 60-card decks. Prints p50/p99 of both, their ratio, what the deck
clients got (200, 429 rate-limited, 503 busy) and whether any worker timed out.

    .venv/bin/python bench/render_storm.py [--seconds 30] [--no-rate-limit]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PAGE = "/en/rumours/take-our-jobs"


def synthetic_content(target: Path, copies: int = 2) -> list[str]:
    """The bundled library with every English entry repeated under new ids."""
    shutil.copytree(ROOT / "content", target)
    ids = []
    for source in sorted((ROOT / "content" / "rumours").glob("*.md")):
        if source.stem.count("."):
            continue
        ids.append(source.stem)
        for n in range(1, copies):
            new_id = f"{source.stem}-copy-{n}"
            text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}",
                                                             f"id: {new_id}", 1)
            (target / "rumours" / f"{new_id}.md").write_text(text, encoding="utf-8")
            ids.append(new_id)
    return ids


def fetch(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_page(port: int, seconds: float) -> list[float]:
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, elapsed = fetch(port, PAGE)
        if status == 200:
            times.append(elapsed * 1000)
        time.sleep(0.02)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--no-rate-limit", action="store_true",
                        help="measure the render slots alone (per-client limit off)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rumours-storm-"))
    ids = synthetic_content(work / "content")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RUMOURS_CONTENT": str(work / "content"),
           "RUMOURS_INSTANCE": str(work / "instance"), "RUMOURS_BIND": f"127.0.0.1:{port}",
           "RUMOURS_WORKERS": "2", "RUMOURS_PRERENDER": "0"}
    if args.no_rate_limit:
        env["RUMOURS_RENDER_RATE_LIMIT"] = "100000 per minute"
    log_path = work / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if fetch(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            for _ in range(20):
                fetch(port, PAGE)  # warm both workers' page caches
            alone = measure_page(port, args.seconds / 3)
            stop = threading.Event()
            outcomes: Counter[int] = Counter()

            def deck_client(seed: int) -> None:
                rng = random.Random(seed)
                while not stop.is_set():
                    deck = rng.sample(ids, 60)
                    status, _ = fetch(port, "/en/cards.pdf?ids=" + ",".join(deck))
                    outcomes[status] += 1

            clients = [threading.Thread(target=deck_client, args=(n,)) for n in range(8)]
            for client in clients:
                client.start()
            time.sleep(1.0)
            storm = measure_page(port, args.seconds)
            stop.set()
            for client in clients:
                client.join(180)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    timeouts = log_path.read_text(errors="replace").count("WORKER TIMEOUT")
    shutil.rmtree(work, ignore_errors=True)
    p50a, p99a = percentile(alone, 0.5), percentile(alone, 0.99)
    p50s, p99s = percentile(storm, 0.5), percentile(storm, 0.99)
    print(f"rumour page alone:        p50 {p50a:6.1f} ms  p99 {p99a:6.1f} ms  "
          f"({len(alone)} requests)")
    print(f"rumour page, deck storm:  p50 {p50s:6.1f} ms  p99 {p99s:6.1f} ms  "
          f"({len(storm)} requests)")
    print(f"p99 ratio storm/alone: {p99s / p99a:.1f}x; target p99 < 100 ms: "
          f"{'met' if p99s < 100 else 'NOT met'}")
    print(f"deck requests: {dict(sorted(outcomes.items()))} "
          "(200 drawn, 429 rate-limited, 503 busy)")
    print(f"worker time-outs: {timeouts}; mean page {statistics.fmean(storm):.1f} ms")


if __name__ == "__main__":
    main()
