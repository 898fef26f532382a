"""The dashboard as a WSGI app: ``gunicorn -c gunicorn.conf.py app:server`` (or ``python app.py``).

Serves the dataset in ``MARMOT_DATA_DIR`` (default ``data/``) and never writes one: simulating
the illustrative dataset is for a person to ask for (``make run``, ``marmot-dash demo``,
``marmot-dash serve --demo``). A missing or broken dataset stops with one line and exit status
3, which gunicorn's master takes as "a worker cannot boot": it stops instead of respawning.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from marmot_dash import create_app
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.server import warm

DATA_DIR = Path(os.environ.get("MARMOT_DATA_DIR", "data"))
BOOT_ERROR = 3  # gunicorn's Arbiter.WORKER_BOOT_ERROR

try:
    app = create_app(DATA_DIR)
except (DatasetError, UserError) as error:
    print(f"error: cannot serve {DATA_DIR}: {error}", file=sys.stderr, flush=True)
    sys.exit(BOOT_ERROR)
warm(app)  # under gunicorn --preload: in the master, before the workers fork
server = app.server

if __name__ == "__main__":
    print("Marmot indicators: http://127.0.0.1:8050", flush=True)
    app.run(host="127.0.0.1", port=8050, debug=False)
