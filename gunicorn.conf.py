"""gunicorn's configuration for the dashboard: ``gunicorn -c gunicorn.conf.py app:server``.

- The app is loaded once in the master (``preload_app``) and the workers fork from it, sharing
  the dataset's memory; a missing or broken dataset stops the master with one line (``app.py``).
- ``kill -HUP <master>`` loads the dataset again (``on_reload``: a rebuilt one is served by new
  workers while the old ones finish their requests); a broken one is refused and the dataset
  already loaded stays in service.
- Workers: ``WEB_CONCURRENCY``, else one per CPU, each answering with 4 threads (``gthread``):
  a thread waiting on a slow phone or network does not hold the worker, and the CPU-bound work
  (callbacks) runs in as many processes as there are cores. Measured by
  ``bench/bench_event.py`` (docs/deploy.md): on 2 cores, 5 sync workers queued requests behind
  clients that were still reading; 2 x 4 threads answered the same event with a callback p95
  3-17 times lower in back-to-back runs, in half the memory.
- Address: ``MARMOT_BIND`` (127.0.0.1:8050).
- One JSON object per request on stdout (no query strings: they may carry sign-in codes).
- Nothing in the home folder: heartbeat files in /dev/shm (or the temporary folder), and no
  control socket.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

bind = os.environ.get("MARMOT_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0))))
worker_class = "gthread"
threads = 4
preload_app = True
timeout = 30  # a worker whose main loop is silent this long is killed and replaced
graceful_timeout = 30  # on HUP or TERM, old workers finish their requests within this
keepalive = 5  # seconds: a phone reuses its connections for a page's files and callbacks
max_requests = 5000  # recycle workers now and then (jittered, so not all at once)
max_requests_jitter = 500
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
control_socket_disable = True  # gunicorn >= 25 would put one in ~/.gunicorn
accesslog = "-"
errorlog = "-"
loglevel = "info"

# gunicorn names itself in every response's Server header; say nothing about the software.
gunicorn.http.wsgi.SERVER = "marmot-dash"


class JsonAccessLogger(Logger):
    """gunicorn's logger with one JSON object per request in the access log."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(json.dumps({
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "agent": environ.get("HTTP_USER_AGENT", "")[:200],
            "pid": os.getpid(),
        }))


logger_class = JsonAccessLogger


def on_reload(arbiter) -> None:
    """SIGHUP: load the dataset again in the master, before the new workers fork from it."""
    if not arbiter.cfg.preload_app:
        return  # each new worker imports app.py afresh
    from marmot_dash import create_app
    from marmot_dash.data.errors import DatasetError, UserError
    from marmot_dash.server import warm

    data_dir = Path(os.environ.get("MARMOT_DATA_DIR", "data"))
    try:
        app = create_app(data_dir)
    except (DatasetError, UserError) as error:
        arbiter.log.error("Reload refused, the dataset loaded before stays in service: %s",
                          error)
        return
    warm(app)
    arbiter.app.callable = app.server  # what each new worker serves
    arbiter.log.info("Reloaded the dataset in %s", data_dir)
