"""The Celery worker's app: ``celery -A marmot_dash.jobs worker`` runs the dashboard's
background jobs (decks) for the web servers that share its ``REDIS_URL``.

Set the same ``REDIS_URL``, ``MARMOT_SECRET_KEY`` and ``MARMOT_DATA_DIR`` (the same dataset
build) as the web servers. Importing this module loads the dataset and builds the app, which
registers each background callback as a Celery task; the worker's processes fork from it and
share its memory. After a dataset is rebuilt, restart the workers with the web servers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from marmot_dash.app_factory import create_app
from marmot_dash.background import celery_app
from marmot_dash.cache import redis_url
from marmot_dash.data.errors import DatasetError, UserError

DATA_DIR = Path(os.environ.get("MARMOT_DATA_DIR", "data"))


def _worker_app():
    url = redis_url()
    if url is None:
        raise UserError("the job worker needs REDIS_URL (the web servers' Redis)")
    create_app(DATA_DIR)  # the tasks: every background callback, on celery_app(url)
    return celery_app(url)


try:
    celery = _worker_app()
except (DatasetError, UserError) as error:
    print(f"error: cannot run jobs for {DATA_DIR}: {error}", file=sys.stderr, flush=True)
    sys.exit(3)
