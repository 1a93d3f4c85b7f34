"""Reports under load and fault: search with unanswered searches counted, a burst of reports,
and the database down.

Runs gunicorn with deploy/gunicorn.conf.py (2 workers) on the bundled library and prints:

1. /api/search latency (p50, p99) at 8 concurrent clients with the counting of unanswered
   searches off (`record_unanswered_searches: false` in site.yml) and on: two servers, one
   per mode; each client sends every search to both, back to back, so both modes meet the
   same moments of the machine (which other work may share), and a third of the searches
   to the off server a second time, which gives the noise floor. Every URL is new, so no
   cache answers; half the queries are resident queries from bench/search_queries.tsv,
   half are nonsense that no entry answers (each one counted when counting is on). The
   direct cost of counting, measured in the process, is printed too.
2. 200 reports sent in 10 seconds by 8 clients, each report from its own reader address
   (X-Forwarded-For behind one trusted proxy, as behind nginx): how many got "thank you",
   how many are in the database, and that they are the same ones.
3. With the database unreachable: search latency as in 1, the pages, and what the report
   form answers.

    .venv/bin/python bench/reports.py [--seconds 60] [--pace 0.5]
        [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
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
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = Path(sys.executable).parent / "gunicorn"
CLIENTS = 8
UNREACHABLE = "postgresql://nobody@127.0.0.1:9/unreachable"  # nothing listens on port 9


def resident_queries() -> list[tuple[str, str]]:
    """(language, query) pairs from the search quality bench."""
    pairs = []
    for line in (ROOT / "bench" / "search_queries.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            pairs.append((parts[0], parts[2]))
    return pairs


def nonsense(rng: random.Random) -> str:
    """A query no entry answers: three made-up words (a new one each time)."""
    return " ".join("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou")
                            for _ in range(3)) for _ in range(3))


def pick_query(rng: random.Random, queries: list[tuple[str, str]],
               sent: int) -> tuple[str, str]:
    """(language, query): a resident query and nonsense in turn."""
    if sent % 2:
        return rng.choice(queries)
    return rng.choice(["en", "es", "ca", "fr", "ar", "ht"]), nonsense(rng)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn on a content copy, in the background."""

    def __init__(self, work: Path, name: str, record: bool, database_url: str):
        self.content = work / f"content-{name}"
        shutil.copytree(ROOT / "content", self.content)
        site = self.content / "site.yml"
        site.write_text(site.read_text(encoding="utf-8")
                        + f"record_unanswered_searches: {'true' if record else 'false'}\n",
                        encoding="utf-8")
        self.port = free_port()
        self.instance = work / f"instance-{name}"
        self.env = {**os.environ, "RUMOURS_CONTENT": str(self.content),
                    "RUMOURS_INSTANCE": str(self.instance),
                    "RUMOURS_BIND": f"127.0.0.1:{self.port}", "RUMOURS_WORKERS": "2",
                    "RUMOURS_PRERENDER": "0", "RUMOURS_PROXY_HOPS": "1",
                    "RUMOURS_SECRET_KEY": "bench-secret-key-not-for-production",
                    "RUMOURS_DATABASE_URL": database_url}
        self.log = work / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", str(ROOT / "deploy/gunicorn.conf.py")], cwd=ROOT,
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the server did not start; see {self.log}")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, list]:
    """(status, body, header pairs) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def run_clients(client) -> None:
    """Run `client(number)` in CLIENTS threads at once and wait for all of them."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def search_load(port: int, seconds: float, seed: int, pace: float) -> tuple[list, Counter]:
    """8 clients on keep-alive connections, each sending a search every `pace` seconds (or
    at once when the last one took longer), alternating a resident query and nonsense.
    Every URL is new (a counter), so neither the response cache nor a proxy could answer."""
    queries = resident_queries()
    times: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local: list[float] = []
        codes: Counter = Counter()
        sent = 0
        next_at = time.monotonic() + rng.random() * pace  # spread the clients out
        while next_at < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += pace
            sent += 1
            lang, query = pick_query(rng, queries, sent)
            path = "/api/search?" + urlencode({"q": query, "lang": lang,
                                               "n": f"{seed}-{number}-{sent}"})
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                codes["error"] += 1
                continue
            local.append((time.perf_counter() - started) * 1000)
            codes[response.status] += 1
        connection.close()
        with lock:
            times.extend(local)
            statuses.update(codes)

    run_clients(client)
    return times, statuses


def paired(ports: dict[bool, int], seconds: float, pace: float,
           seed: int = 1) -> tuple[dict[bool, list[float]], list[float], list[float],
                                   Counter]:
    """8 clients, each sending every search to both servers back to back (which one first
    alternates), so both modes meet the same moments of a machine that other work may share.
    Returns each mode's latencies, the off-server's latency to a third of the searches sent
    again (the noise floor), and the paired differences (on - off, same search)."""
    queries = resident_queries()
    samples: dict[bool, list[float]] = {False: [], True: []}
    repeat: list[float] = []
    differences: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def timed(connection, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        connections = {record: http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                       for record, port in ports.items()}
        local: dict[bool, list[float]] = {False: [], True: []}
        again: list[float] = []
        pairs: list[float] = []
        codes: Counter = Counter()
        sent = 0
        next_at = time.monotonic() + rng.random() * pace
        while next_at < deadline:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += pace
            sent += 1
            lang, query = pick_query(rng, queries, sent)
            params = {"q": query, "lang": lang, "n": f"{seed}-{number}-{sent}"}
            order = (False, True) if sent % 4 < 2 else (True, False)
            try:
                pair = {}
                for record in order:
                    status, elapsed = timed(connections[record],
                                            "/api/search?" + urlencode(params))
                    local[record].append(elapsed)
                    pair[record] = elapsed
                    codes[status] += 1
                pairs.append(pair[True] - pair[False])
                if sent % 3 == 0:  # the noise floor: the off server, a new URL, again
                    status, elapsed = timed(connections[False], "/api/search?" + urlencode(
                        {**params, "n": params["n"] + "-again"}))
                    again.append(elapsed)
            except (OSError, http.client.HTTPException):
                codes["error"] += 1
                for record, port in ports.items():
                    connections[record].close()
                    connections[record] = http.client.HTTPConnection("127.0.0.1", port,
                                                                     timeout=60)
        for connection in connections.values():
            connection.close()
        with lock:
            for record in local:
                samples[record] += local[record]
            repeat.extend(again)
            differences.extend(pairs)
            statuses.update(codes)

    run_clients(client)
    return samples, repeat, differences, statuses


def warm(port: int) -> None:
    for lang, query in resident_queries()[:40]:
        get(port, "/api/search?" + urlencode({"q": query, "lang": lang, "warm": "1"}))


def send_report(port: int, text: str, reader: str) -> tuple[int, float, str]:
    """GET the form (token and cookie), then POST it, as one reader; (status, seconds, page)."""
    headers = {"X-Forwarded-For": reader}
    status, body, answer = get(port, "/en/report", headers)
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    cookie = "; ".join(v.split(";", 1)[0] for k, v in answer if k.lower() == "set-cookie")
    form = urlencode({"csrf_token": token, "text": text, "heard_where": "messaging-app"})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("POST", "/en/report", body=form, headers={
            **headers, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        return response.status, time.perf_counter() - started, page
    finally:
        connection.close()


def report_burst(port: int, count: int, seconds: float, run: str) -> dict:
    """`count` reports spread evenly over `seconds` by 8 clients, each from its own reader."""
    results: dict[str, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.monotonic()

    def client(number: int) -> None:
        for index in range(number, count, CLIENTS):
            due = started + seconds * index / count
            time.sleep(max(0.0, due - time.monotonic()))
            text = f"Bench report {run}-{index}: they say the buses are only for migrants"
            reader = f"198.51.{index // 250}.{index % 250 + 1}"
            try:
                status, elapsed, _page = send_report(port, text, reader)
            except (OSError, http.client.HTTPException):
                status, elapsed = 0, 0.0
            with lock:
                results[text] = status
                latencies.append(elapsed * 1000)

    run_clients(client)
    return {"results": results, "latencies": latencies,
            "seconds": time.monotonic() - started}


def stored_reports(database_url: str, instance: Path, run: str) -> set[str]:
    from rumours.reports.database import Database
    from rumours.reports.database import database_url as configured
    from rumours.reports.store import ReportStore

    url = configured({"DATABASE_URL": database_url, "INSTANCE_DIR": instance})
    database = Database(url)
    try:
        return {r.text for r in ReportStore(database).iter_all()
                if r.text.startswith(f"Bench report {run}-")}
    finally:
        database.dispose()


def counting_cost(work: Path) -> dict[str, float]:
    """What counting costs in the process, measured directly: per search (normalising and
    adding one to a count in memory) and per background write of a batch."""
    from rumours.reports.database import Database
    from rumours.reports.search_counts import SearchCounts
    from rumours.reports.unanswered import UnansweredSearches

    rng = random.Random(7)
    database = Database(f"sqlite:///{work / 'cost.db'}")
    recorder = UnansweredSearches(SearchCounts(database), flush_interval=3600)
    queries = [nonsense(rng) for _ in range(20_000)]
    started = time.perf_counter()
    for query in queries:
        recorder.record(query, "en")
    per_search = (time.perf_counter() - started) / len(queries) * 1e6
    recorder.flush()  # creates the table
    for query in queries[:40]:
        recorder.record(query + " again", "en")
    started = time.perf_counter()
    recorder.flush()
    per_write = (time.perf_counter() - started) * 1000
    database.dispose()
    return {"per_search_us": per_search, "write_40_ms": per_write}


def line(label: str, times: list[float]) -> str:
    return (f"{label:<34} p50 {percentile(times, 0.5):6.2f} ms  p99 "
            f"{percentile(times, 0.99):6.2f} ms  ({len(times)} searches)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60,
                        help="length of the paired search run (half that with the "
                             "database down)")
    parser.add_argument("--pace", type=float, default=0.5,
                        help="seconds between one client's searches (8 clients, each search "
                             "sent to both servers: about 40 requests a second in all)")
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--report-seconds", type=float, default=10)
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL for the reports (default: SQLite in the instance)")
    args = parser.parse_args()
    if args.database_url:
        from rumours.reports.database import Database

        database = Database(args.database_url)
        database.upgrade()
        database.dispose()
    work = Path(tempfile.mkdtemp(prefix="rumours-reports-bench-"))
    try:
        cost = counting_cost(work)
        with Server(work, "off", False, args.database_url) as off_server, \
                Server(work, "on", True, args.database_url) as on_server:
            for server in (off_server, on_server):
                warm(server.port)
            ports = {False: off_server.port, True: on_server.port}
            samples, repeat, differences, statuses = paired(ports, args.seconds, args.pace)
            burst = report_burst(on_server.port, args.reports, args.report_seconds, "burst")
        stored = stored_reports(args.database_url, on_server.instance, "burst")
        down = Server(work, "down", True, UNREACHABLE)
        with down as server:
            warm(server.port)
            down_times, down_codes = search_load(server.port, args.seconds / 2, 99,
                                                 args.pace)
            pages = Counter(get(server.port, path)[0] for path in (
                "/en/", "/es/rumours/", "/ar/rumours/take-our-jobs", "/fr/search?q=emplois",
                "/en/search?q=" + quote("the moon is made of cheese")))
            form_status, _elapsed, page = send_report(server.port, "Kept in the page?",
                                                      "192.0.2.9")
            down_log = down.log.read_text(errors="replace")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    off, on = samples[False], samples[True]
    # The noise floor: the off server answering the same kind of search a second time.
    floor = abs(percentile(repeat, 0.99) - percentile(off, 0.99))
    print(f"Search, {CLIENTS} concurrent clients each searching every {args.pace:g} s for "
          f"{args.seconds:g} s, every search sent to both servers back to back "
          "(every URL new: no cache answers):")
    print(line("  counting unanswered searches off", off))
    print(line("  counting unanswered searches on", on))
    difference = percentile(on, 0.99) - percentile(off, 0.99)
    print(f"  p99 on - off: {difference:+.2f} ms (target: within 1 ms: "
          f"{'met' if abs(difference) <= 1.0 else 'NOT met'}); p50 ratio on/off "
          f"{percentile(on, 0.5) / percentile(off, 0.5):.2f}; statuses {dict(statuses)}")
    print(f"  noise floor on this machine: the off server asked again (a third of the "
          f"searches) differs from itself by {floor:.2f} ms at p99, "
          f"{abs(percentile(repeat, 0.5) - percentile(off, 0.5)):.2f} ms at p50 "
          f"({len(repeat)} searches)")
    print(f"  the same search, on minus off: median {statistics.median(differences):+.2f} ms, "
          f"mean {statistics.fmean(differences):+.2f} ms over {len(differences)} pairs")
    print(f"  in the process, counting costs {cost['per_search_us']:.1f} µs per unanswered "
          f"search, and {cost['write_40_ms']:.1f} ms per background write of a second's "
          "counts (40 new searches), off the request's path")
    results = burst["results"]
    thanked = {text for text, status in results.items() if status == 303}
    print(f"\n{args.reports} reports in {args.report_seconds:g} s from {CLIENTS} clients "
          f"(took {burst['seconds']:.1f} s): {len(thanked)} got 'thank you', "
          f"{len(stored)} stored, {len(thanked - stored)} thanked but lost, "
          f"{len(stored - thanked)} stored without thanks; statuses "
          f"{dict(Counter(results.values()))}; POST p50 "
          f"{percentile(burst['latencies'], 0.5):.1f} ms, p99 "
          f"{percentile(burst['latencies'], 0.99):.1f} ms")
    print(f"  {'none lost' if thanked == stored and len(stored) == args.reports else 'LOST'}")
    print(f"\nDatabase unreachable ({UNREACHABLE}):")
    print(line("  search", down_times))
    print(f"  search statuses {dict(down_codes)}; pages {dict(pages)}")
    kept = "Kept in the page?</textarea>" in page
    print(f"  report form: {form_status} "
          f"({'fails clearly' if form_status == 503 else 'UNEXPECTED'}, "
          f"{'text kept in the page' if kept else 'text LOST'}); unanswered-search writes "
          f"that failed and were logged: {down_log.count('unanswered searches not written')}")


if __name__ == "__main__":
    main()
