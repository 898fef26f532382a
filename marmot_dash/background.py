"""Background jobs (decks) as Dash background callbacks, configured once here.

On one machine the jobs run in their own processes through ``dash.DiskcacheManager`` (results
and progress in a diskcache folder), so a long job never holds a server worker: other users'
callbacks go on being answered. The folder is shared by every worker of one server, so any
worker can answer a job's progress polls, and is one per dataset, so two servers on one machine
never read each other's results.

With ``REDIS_URL`` set, ``dash.CeleryManager`` sends the jobs to Celery workers through Redis
(broker and result backend): ``celery -A marmot_dash.jobs worker``, on any machine with the same
dataset. A job started from one web server is polled and downloaded from any other. The handles
Dash gives the browser for a job are signed with a key derived from ``MARMOT_SECRET_KEY`` (the
same on every machine, required in this mode). A queue that does not answer is reported to the
user in one sentence (:class:`JobQueueDown`), never as a failed page.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from marmot_dash.cache import CONNECT_SECONDS, REPLY_SECONDS, redis_url, redis_where
from marmot_dash.data.errors import UserError

T = TypeVar("T")

JOB_RESULT_SECONDS = 10 * 60  # a fetched result is kept this long, then evicted
JOBS_SIZE_LIMIT = 1 << 30  # bytes: results a closed page never fetched are evicted oldest first
JOB_TIME_LIMIT = 15 * 60  # seconds: a Celery job running longer is stopped
MIN_SECRET_KEY = 32
QUEUE_ERRORS = (OperationalError, RedisError, OSError)

log = logging.getLogger(__name__)


class JobQueueDown(RuntimeError):
    """The job queue (Redis) did not answer; the message is for the user."""


def jobs_dir(data_dir: str | Path | None = None) -> Path:
    """Where the background jobs of the app serving ``data_dir`` keep progress and results:
    ``MARMOT_JOBS_DIR`` (default the system's temporary folder) / marmot-dash-jobs / a hash
    of the dataset's folder."""
    root = Path(os.environ.get("MARMOT_JOBS_DIR") or tempfile.gettempdir()) / "marmot-dash-jobs"
    key = str(Path(data_dir).resolve()) if data_dir is not None else "default"
    return root / hashlib.sha256(key.encode()).hexdigest()[:16]


def _request_id() -> str:
    # Part of every job's key: two people asking for the same deck at once get a job each, and
    # neither fetches (and deletes) the other's result.
    return uuid.uuid4().hex


def background_manager(data_dir: str | Path | None = None) -> DiskcacheManager | CeleryManager:
    """The background-callback manager an app is created with (``Dash(...,
    background_callback_manager=background_manager(data_dir))``): Celery on Redis with
    ``REDIS_URL``, else diskcache."""
    url = redis_url()
    if url:
        return QueueManager(celery_app(url), job_signing_key(), cache_by=[_request_id],
                            expire=JOB_RESULT_SECONDS)
    cache = diskcache.Cache(str(jobs_dir(data_dir)), size_limit=JOBS_SIZE_LIMIT)
    return DiskcacheManager(cache, cache_by=[_request_id], expire=JOB_RESULT_SECONDS)


def job_signing_key() -> bytes:
    """The key that signs job handles, from ``MARMOT_SECRET_KEY`` (``UserError`` without it)."""
    secret = os.environ.get("MARMOT_SECRET_KEY", "")
    if len(secret) < MIN_SECRET_KEY:
        raise UserError(f"REDIS_URL needs MARMOT_SECRET_KEY: {MIN_SECRET_KEY} or more random "
                        "characters, the same on every machine (it signs the background jobs)")
    return hmac.new(secret.encode(), b"marmot-dash background jobs", hashlib.sha256).digest()


@functools.cache
def celery_app(url: str) -> Celery:
    """The Celery app of this process for the Redis at ``url`` (broker and result backend).

    Dash registers each background callback as a task on it (named from the callback's
    source, so the web servers and the workers agree)."""
    app = Celery("marmot_dash", broker=url, backend=url, set_as_current=False)
    transport = {"socket_connect_timeout": CONNECT_SECONDS, "socket_timeout": REPLY_SECONDS}
    app.conf.update(
        result_expires=JOB_RESULT_SECONDS,
        task_time_limit=JOB_TIME_LIMIT,
        task_acks_late=True,  # a job whose worker died is run again by another
        worker_prefetch_multiplier=1,  # jobs are long: one at a time per worker process
        worker_max_tasks_per_child=50,  # the chart renderer's memory is given back now and then
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=CONNECT_SECONDS,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        redis_socket_connect_timeout=CONNECT_SECONDS,
        redis_socket_timeout=REPLY_SECONDS,
        # a down broker is reported to the user at once, not after minutes of retries
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.2},
    )
    return app


class QueueManager(CeleryManager):
    """Dash's Celery manager, with a configured signing key and Redis failures reported to the
    user as :class:`JobQueueDown`."""

    def __init__(self, app: Celery, signing_key: bytes, **options: Any) -> None:
        super().__init__(app, **options)
        self._signing_key = signing_key
        self._where = redis_where(app.conf.broker_url)

    def get_or_create_signing_secret(self, generate: Callable[[], bytes]) -> bytes:
        return self._signing_key  # never from Redis: a page loaded while it is down still works

    def call_job_fn(self, key, job_fn, args, context):
        return self._queue(lambda: super(QueueManager, self).call_job_fn(key, job_fn, args,
                                                                         context),
                           "could not be started")

    def job_running(self, job):
        return self._queue(lambda: super(QueueManager, self).job_running(job), "stopped")

    def get_progress(self, key):
        return self._queue(lambda: super(QueueManager, self).get_progress(key), "stopped")

    def result_ready(self, key):
        return self._queue(lambda: super(QueueManager, self).result_ready(key), "stopped")

    def get_result(self, key, job):
        return self._queue(lambda: super(QueueManager, self).get_result(key, job), "stopped")

    def get_updated_props(self, key):
        return self._queue(lambda: super(QueueManager, self).get_updated_props(key), "stopped")

    def terminate_job(self, job):
        return self._queue(lambda: super(QueueManager, self).terminate_job(job), "stopped")

    def _queue(self, action: Callable[[], T], what: str) -> T:
        try:
            return action()
        except QUEUE_ERRORS as error:
            log.warning("The job queue at %s is not answering: %s", self._where,
                        type(error).__name__)
            raise JobQueueDown(f"The job {what}: the job queue is not answering just now. "
                               "Please try again in a few minutes.") from None
