"""gunicorn for Wananchi behind HAProxy: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Threads in each worker (gthread) answer other requests while one waits for the database or the object store; the
proxy in front buffers slow clients (a citizen's photo over 2G arrives at the proxy, then reaches gunicorn at once),
so a worker is never held by a slow upload. Metrics are counted across the workers in PROMETHEUS_MULTIPROC_DIR."""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60  # a worker silent this long is restarted (requests themselves end sooner: every call has a timeout)
graceful_timeout = 30  # on stop or reload, requests in flight have this long to finish
keepalive = 5  # seconds, behind the proxy's own keep-alive
max_requests = 5000  # workers are renewed now and then, staggered
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the application writes one line per request, with its id (wananchi/ops/logs.py)
errorlog = "-"
proc_name = "wananchi-web"


def on_starting(server):  # type: ignore[no-untyped-def]
    """Start with an empty metrics folder: the counts of an earlier run are not this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker that stopped leaves its counters to the others, and its gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
