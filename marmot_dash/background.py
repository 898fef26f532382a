"""Background jobs (decks, reports) as Dash background callbacks, configured once here.

On one machine the jobs run in their own processes through ``dash.DiskcacheManager`` (results
and progress in a diskcache folder), so a long job never holds a server worker: other users'
callbacks go on being answered. The folder is shared by every worker of one server, so any
worker can answer a job's progress polls, and is one per dataset, so two servers on one machine
never read each other's results. Past one machine the scale issue swaps in Dash's Celery
manager here.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import diskcache
from dash import DiskcacheManager

JOB_RESULT_SECONDS = 10 * 60  # a fetched result is kept this long, then evicted
JOBS_SIZE_LIMIT = 1 << 30  # bytes: results a closed page never fetched are evicted oldest first


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


def background_manager(data_dir: str | Path | None = None) -> DiskcacheManager:
    """The background-callback manager an app is created with (``Dash(...,
    background_callback_manager=background_manager(data_dir))``)."""
    cache = diskcache.Cache(str(jobs_dir(data_dir)), size_limit=JOBS_SIZE_LIMIT)
    return DiskcacheManager(cache, cache_by=[_request_id], expire=JOB_RESULT_SECONDS)
