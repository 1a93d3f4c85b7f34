"""gunicorn settings for rumours: one threaded worker per core, each with its own snapshot."""

import multiprocessing
import os

bind = os.environ.get("RUMOURS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RUMOURS_WORKERS", multiprocessing.cpu_count()))
# Threads keep pages flowing while one thread draws a PDF (renders are bounded per process
# by RUMOURS_RENDER_CONCURRENCY), and the worker's heartbeat never waits for a render, so a
# long deck cannot make gunicorn kill the worker.
worker_class = "gthread"
threads = int(os.environ.get("RUMOURS_THREADS", "8"))
# Each worker loads the library at start; preloading shares the parsed snapshot copy-on-write.
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
# No periodic worker recycling: a worker holds no per-request state, and a restart costs a
# library load (about a second) during which that worker serves nothing.
max_requests = 0
accesslog = os.environ.get("RUMOURS_ACCESS_LOG", None)
errorlog = "-"
loglevel = os.environ.get("RUMOURS_LOG_LEVEL", "warning")
wsgi_app = "rumours:create_app()"
