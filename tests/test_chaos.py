"""Never down: gunicorn under load while the content breaks, workers die and the master restarts."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from content_fixtures import make_content
from live_server import bump, fetch, wait_for

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PATHS = ["/en/rumours/take-our-jobs", "/en/", "/es/rumours/", "/api/search?q=jobs&lang=en",
         "/en/rumours/springfield-pets-geese", "/healthz"]
GOOD_MARKERS = (b"They take our jobs", b"Jobs taken, version two")
CLIENTS = 4
KILLS = 5
SERVED_PER_STEP = 20  # requests the load completes after each step before the next one
MIN_SERVED = 200  # ... and in all

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]



def wait_for_long(predicate) -> bool:
    return wait_for(predicate, timeout=60.0, interval=0.1)


class Load:
    """Clients sending GETs in a loop; counts answers, retries and failures."""

    def __init__(self, port: int):
        self.port = port
        self.failures: list = []
        self.retried = 0
        self.served = 0
        self.counting = threading.Lock()
        self.stop = threading.Event()

    def get(self, path: str) -> tuple[int, bytes] | None:
        """One GET, retried twice when a SIGKILL cuts it (as nginx retries an idempotent
        request); None when all three attempts were cut."""
        for attempt in range(3):
            try:
                return fetch(self.port, path)
            except (OSError, http.client.HTTPException) as exc:
                if attempt == 2:
                    self.failures.append((path, repr(exc)))
                    return None
                with self.counting:
                    self.retried += 1
        return None

    def run(self, offset: int) -> None:
        index = offset
        while not self.stop.is_set():
            path = PATHS[index % len(PATHS)]
            index += 1
            answer = self.get(path)
            if answer is None:
                continue
            status, body = answer
            with self.counting:
                self.served += 1
            if status != 200:
                self.failures.append((path, status))
            elif path == "/en/rumours/take-our-jobs" and not any(m in body for m in GOOD_MARKERS):
                self.failures.append((path, "neither the last good nor the new good library"))


def test_zero_failed_requests_through_breakage_kills_and_restarts(tmp_path):
    if shutil.which("pgrep") is None:
        pytest.skip("pgrep is not installed (procps)")
    content = make_content(tmp_path)
    port = free_port()
    env = {**os.environ, "RUMOURS_CONTENT": str(content),
           "RUMOURS_INSTANCE": str(tmp_path / "instance"), "RUMOURS_BIND": f"127.0.0.1:{port}",
           "RUMOURS_WORKERS": "2", "RUMOURS_RELOAD_INTERVAL": "0.2", "RUMOURS_PRERENDER": "0",
           "RUMOURS_LOG_LEVEL": "warning"}
    log = (tmp_path / "gunicorn.log").open("wb")
    master = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy/gunicorn.conf.py")],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    load = Load(port)
    stop = load.stop

    def served_more(count: int = SERVED_PER_STEP) -> bool:
        """Wait until the load has had `count` more requests answered (by whichever
        workers are up): a number of requests, not a time, whatever the machine's speed."""
        mark = load.served
        return wait_for_long(lambda: load.served >= mark + count)

    try:
        assert wait_for_long(lambda: _up(port)), (tmp_path / "gunicorn.log").read_text()[-2000:]
        threads = [threading.Thread(target=load.run, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        source = content / "rumours" / "take-our-jobs.md"
        original = source.read_text(encoding="utf-8")
        bump(source, original.replace('verdict: "false"', "verdict: [unclosed"))
        assert wait_for_long(lambda: b"degraded" in fetch(port, "/healthz")[1])
        for _ in range(KILLS):  # every new worker boots on broken content
            before = workers(master.pid)
            os.kill(before[0], signal.SIGKILL)
            assert wait_for_long(lambda b=before: len(set(workers(master.pid)) - set(b)) >= 1)
            assert served_more(), "no requests answered after a worker was replaced"
        bump(source, original.replace('"They take our jobs"', '"Jobs taken, version two"'))
        assert wait_for_long(lambda: b"version two" in fetch(port, "/en/rumours/take-our-jobs")[1])
        site = content / "site.yml"
        site_text = site.read_text(encoding="utf-8")
        bump(site, site_text.replace("languages:", "languages: [unclosed\nlanguages:"))
        assert wait_for_long(lambda: b"degraded" in fetch(port, "/healthz")[1])
        before_hup = set(workers(master.pid))
        master.send_signal(signal.SIGHUP)  # the master restarts every worker
        assert wait_for_long(lambda: (now := set(workers(master.pid))) and not now & before_hup), \
            "the workers were not all restarted"
        assert served_more(), "no requests answered by the restarted workers"
        bump(site, site_text)
        assert wait_for_long(lambda: b'"status":"ok"' in fetch(port, "/healthz")[1].replace(b" ", b""))
        assert served_more(), "no requests answered after the content was fixed"
        assert wait_for_long(lambda: load.served >= MIN_SERVED)
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and thread.name.startswith("Thread-"):
                thread.join(30)
        master.send_signal(signal.SIGTERM)
        master.wait(30)
        log.close()
    assert load.failures == [], load.failures[:10]
    # A SIGKILL can cut at most one in-flight request per client, and only a kill cuts any.
    assert load.retried <= KILLS * CLIENTS, "requests were dropped beyond those in flight at a kill"


def _up(port: int) -> bool:
    try:
        return fetch(port, "/healthz")[0] == 200
    except OSError:
        return False
