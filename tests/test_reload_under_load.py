"""Nothing lost on reload: a live server under load while the content is edited and reindexed."""

from __future__ import annotations

import json
import shutil
import threading
from urllib.parse import quote

from live_server import LiveServer, bump, fetch, wait_for

from rumours import create_app, search
from rumours.content.loading import load_library

EDITS = 10
SERVED_PER_EDIT = 20  # requests the load must complete while each edit is under way





def test_ten_edits_and_reindexes_under_load_lose_nothing(content_dir, tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"CONTENT_DIR": content_dir, "INSTANCE_DIR": instance,
                      "RELOAD_INTERVAL": 0.1})
    live = app.extensions["rumours"]
    source = content_dir / "rumours" / "take-our-jobs.md"
    original = source.read_text(encoding="utf-8")
    paths = ["/en/rumours/take-our-jobs", "/en/", "/es/rumours/", "/api/search?q=jobs&lang=en",
             "/api/search?q=trabajo&lang=es", "/en/rumours/springfield-pets-geese"]
    failures: list = []
    counts = {"requests": 0}
    counting = threading.Lock()
    stop = threading.Event()

    with LiveServer(app) as server:
        port = server.server.server_port

        def load(offset: int) -> None:
            index = offset
            while not stop.is_set():
                path = paths[index % len(paths)]
                index += 1
                try:
                    status, _body = fetch(port, path)
                except OSError as exc:
                    failures.append((path, repr(exc)))
                    continue
                with counting:
                    counts["requests"] += 1
                if status != 200:
                    failures.append((path, status))

        workers = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for worker in workers:
            worker.start()
        try:
            for edit in range(1, EDITS + 1):
                marker = f"Jobsedit{edit}"
                served_before = counts["requests"]
                if edit % 3 == 0:  # a broken edit: reported, the last good library kept
                    before = live.library.version
                    bump(source, original.replace('verdict: "false"', "verdict: nonsense"))
                    assert wait_for(lambda: bool(live.errors)), "broken edit not reported"
                    assert live.library.version == before
                    status, body = fetch(port, "/en/rumours/take-our-jobs")
                    assert status == 200 and b"verdict-false" in body
                    assert wait_for(lambda n=served_before: counts["requests"] >= n + SERVED_PER_EDIT)
                    continue
                bump(source, original.replace('"They take our jobs"', f'"{marker} they take"'))
                # a reindex from another process (as `rumours index` does) while serving
                search.build_index(load_library(content_dir), instance / "index")
                assert wait_for(lambda m=marker: m.encode() in fetch(
                    port, "/en/rumours/take-our-jobs")[1]), f"edit {edit} never served"
                assert wait_for(lambda m=marker: m.lower() in json.dumps(json.loads(fetch(
                    port, f"/api/search?q={quote(m)}&lang=en")[1])).lower()), \
                    f"edit {edit} never searchable"
                assert not live.errors
                # the load kept being served through the edit and its reindex (a count of
                # requests, not a time: the same on a slow machine and a fast one)
                assert wait_for(lambda n=served_before: counts["requests"] >= n + SERVED_PER_EDIT)
        finally:
            stop.set()
            for worker in workers:
                worker.join(30)
    assert failures == []
    assert counts["requests"] >= EDITS * SERVED_PER_EDIT


def test_a_missing_or_corrupted_index_is_rebuilt(content_dir, tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": instance})
    client = app.test_client()
    assert client.get("/api/search?q=jobs&lang=en").get_json()["total"] >= 1
    index_root = instance / "index"
    # corrupted: every file of the current build overwritten with junk
    current = (index_root / search.CURRENT_LINK).resolve()
    for path in current.iterdir():
        path.write_bytes(b"\x00garbage")
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": instance})
    assert app.test_client().get("/api/search?q=jobs&lang=en").get_json()["total"] >= 1
    # missing: the whole index folder gone
    shutil.rmtree(index_root)
    app = create_app({"TESTING": True, "CONTENT_DIR": content_dir, "INSTANCE_DIR": instance})
    assert app.test_client().get("/api/search?q=jobs&lang=en").get_json()["total"] >= 1
    assert app.test_client().get("/healthz").status_code == 200
