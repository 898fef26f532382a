#!/bin/sh
# Rebuild assets/plotly-custom.min.js: plotly.js with only the traces the dashboard draws.
# Run by hand after changing plotly.js's version (keep it the one the plotly package ships:
# head -2 .venv/lib/python3*/site-packages/plotly/package_data/plotly.min.js) or the traces
# in entry.js. Needs node and npm; node_modules stays here, ignored by git.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build.mjs ../../assets/plotly-custom.min.js
