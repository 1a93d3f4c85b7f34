"""gunicorn settings for rumours: a few sync workers per core, each with its own snapshot."""

import multiprocessing
import os

bind = os.environ.get("RUMOURS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RUMOURS_WORKERS", multiprocessing.cpu_count()))
# Requests only read an in-memory snapshot, so threads add little; keep workers simple.
worker_class = "sync"
threads = 1
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
