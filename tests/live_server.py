"""A Flask app served by werkzeug on a free local port, for tests that need real HTTP."""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


class LiveServer:
    """A Flask app served by werkzeug on a free local port, in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """GET `path` from a server on this machine on a new connection: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.02) -> bool:
    """Wait until `predicate()` holds (True), or `timeout` seconds pass (False): the
    condition a test waits on, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def bump(path: Path, text: str) -> None:
    """Write a file and make sure its modification time moves forward."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
