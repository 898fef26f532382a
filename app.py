"""Run the dashboard: ``python app.py`` or ``gunicorn app:server``.

Serves the dataset in ``MARMOT_DATA_DIR`` (default ``data/``). If that folder holds no dataset,
the illustrative one (simulated values, not official statistics) is written there first.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from marmot_dash import create_app
from marmot_dash.data.default import ensure_dataset
from marmot_dash.data.errors import DatasetError, UserError

DATA_DIR = Path(os.environ.get("MARMOT_DATA_DIR", "data"))

if ensure_dataset(DATA_DIR):
    print(f"No dataset in {DATA_DIR}/: simulated the illustrative one there "
          "(simulated values, not official statistics).", flush=True)

try:
    app = create_app(DATA_DIR)
except (DatasetError, UserError) as error:  # a bad dataset or setting: one line
    sys.exit(f"error: {error}")
server = app.server

if __name__ == "__main__":
    print("Marmot indicators: http://127.0.0.1:8050", flush=True)
    app.run(host="127.0.0.1", port=8050, debug=False)
