#!/bin/sh
# Rebuild assets/plotly-custom.min.js (plotly.js with only the traces the dashboard draws)
# and assets/lazy/maplibre-gl.min.js (MapLibre, fetched by the first map drawn).
# Run by hand after changing plotly.js's version (keep it the one the plotly package ships:
# head -2 .venv/lib/python3*/site-packages/plotly/package_data/plotly.min.js) or the traces
# in entry.js. Needs node and npm; node_modules stays here, ignored by git.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node build.mjs ../../assets
