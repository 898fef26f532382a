"""Server time per principle-page callback, against a no-op Dash callback in the same run.

Posts the payloads the browser would send to ``/_dash-update-component`` through the Flask test
client: the page render (Dash's page router calling ``pages.principle.layout``) for each view
and the call-out switch; and gets the indicator's CSV download and a small-area chart's CSV
(links, ``downloads.py``) as Chromium asks for them (zstd, br, gzip accepted). Prints, per
case, the median and 95th percentile of repeated requests (served from the view caches) and
the median's ratio to the no-op, the response bytes, the median and 95th percentile with every
cache emptied first (a first visit), and the bytes of a small-area map.

    .venv/bin/python bench/bench_callbacks.py [--data DIR] [--england | --england-data DIR]
                                              [--repeat 60]

Without ``--data`` the illustrative town is simulated into a temporary folder; ``--england``
also simulates and times the England-wide dataset (slow to build).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import dash
from dash import Input, Output

NOOP_IN, NOOP_OUT = "bench-noop-in", "bench-noop-out"


def _router_key(app) -> str:
    return next(key for key in app.callback_map if "_pages_content.children" in key)


def _key_for(app, output: str) -> str:
    return next(key for key in app.callback_map if output in key)


def page_payload(app, path: str, search: str) -> dict:
    """What the browser posts when the URL changes: the page router's inputs."""
    return {
        "output": _router_key(app),
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.search"],
        "state": [],
    }


def single_payload(app, output: tuple[str, str], inputs: list[tuple[str, str, object]],
                   state: list[tuple[str, str, object]] = ()) -> dict:
    """A one-output callback's payload."""
    return {
        "output": _key_for(app, f"{output[0]}.{output[1]}"),
        "outputs": {"id": output[0], "property": output[1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }


# What Chromium sends: a download is compressed in the first of these the server prefers.
ACCEPT_ENCODING = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def get_payload(url: str) -> dict:
    """A plain GET (a download link), timed as the callbacks are."""
    return {"get": url}


def request(client, payload: dict):
    """Send one case: a GET for a link, else a callback's post."""
    if "get" in payload:
        return client.get(payload["get"], headers=ACCEPT_ENCODING)
    return client.post("/_dash-update-component", data=json.dumps(payload),
                       content_type="application/json")


def time_post(client, payload: dict, repeat: int) -> tuple[list[float], int]:
    """Server times in ms of ``repeat`` requests (after one warm-up), and the response bytes."""
    first = request(client, payload)
    if first.status_code not in (200, 204):
        raise RuntimeError(f"{payload.get('output') or payload['get']}: HTTP "
                           f"{first.status_code} {first.data[:300]!r}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        request(client, payload)
        times.append((time.perf_counter() - start) * 1000)
    return times, len(first.data)


def clear_caches() -> None:
    """Empty the view cache and the principle page's section caches (a first visit)."""
    from marmot_dash.downloads import _chart_csv, indicator_csv
    from marmot_dash.views import _cached_view

    for cached in (_cached_view, indicator_csv, _chart_csv):
        cached.cache_clear()
    page = next(sys.modules[entry["module"]] for entry in dash.page_registry.values()
                if entry["module"].endswith("principle"))
    for name in ("indicators_section", "indicator_views", "side_panel"):
        getattr(page, name).cache_clear()


def time_cold(client, payload: dict, repeat: int, clock=time.perf_counter) -> list[float]:
    """Server times in ms of posts each made with every cache emptied first (``clock``:
    ``time.thread_time`` counts the CPU time of the serving thread only)."""
    times = []
    for _ in range(repeat):
        clear_caches()
        start = clock()
        request(client, payload)
        times.append((clock() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def make_app(data_dir: Path):
    from marmot_dash import create_app

    app = create_app(data_dir)
    app.callback(Output(NOOP_OUT, "children"), Input(NOOP_IN, "value"))(lambda value: value)
    return app


def callback_cases(app, store) -> dict[str, dict]:
    """The payloads timed, by name: a no-op, each view's page render, the call-out switch, the
    CSV download of the first indicator of principle 1 and its small-area map's CSV."""
    from marmot_dash.components.chart_share import chart_data_href, data_href
    from marmot_dash.views import state_from_params

    principle = 1
    indicator = str(store.indicators(principle=principle)["indicator_id"].iloc[0])
    path = f"/principle/{principle}"
    level_small = store.levels[-1]
    cases: dict[str, dict] = {
        "no-op callback": single_payload(app, (NOOP_OUT, "children"), [(NOOP_IN, "value", 1)]),
    }
    for view in ("trend", "places", "deprivation", "cohorts", "data"):
        search = "?" + urlencode({"indicator": indicator, "view": view})
        cases[f"page: {view}"] = page_payload(app, path, search)
    search = "?" + urlencode({"indicator": indicator, "view": "places", "level": level_small})
    cases[f"page: places ({level_small})"] = page_payload(app, path, search)
    period = store.periods(indicator, area_type=store.levels[0])[0]
    search = "?" + urlencode({"indicator": indicator, "view": "places", "period": period})
    cases["page: places (earlier period)"] = page_payload(app, path, search)
    cases["call-out switch"] = single_payload(
        app, ("principle-location", "search"), [("callout-switch", "n_clicks", 1)],
        [("principle-location", "pathname", path),
         ("principle-location", "search", f"?indicator={indicator}&view=trend")])
    state = state_from_params(store, principle, {"indicator": indicator})
    cases["CSV download"] = get_payload(data_href(state))
    cases["chart CSV download (places, lsoa)"] = get_payload(chart_data_href(
        state_from_params(store, principle, {"indicator": indicator, "view": "places",
                                             "level": level_small}), 0))
    return cases


def run(data_dir: Path, label: str, repeat: int) -> None:
    from marmot_dash.app_state import EXTENSION_KEY

    app = make_app(data_dir)
    store = app.server.extensions[EXTENSION_KEY].store
    client = app.server.test_client()
    client.get("/")  # registers the page router
    cases = callback_cases(app, store)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{label}: {len(store.indicators())} indicators, levels {', '.join(store.levels)};"
          f" {repeat} posts each (after a warm-up; results cached per view);"
          f" load average {load} on {os.cpu_count()} CPUs")
    print(f"{'callback':32} {'median ms':>10} {'p95 ms':>8} {'x no-op':>8} {'bytes':>10}"
          f" {'cold median':>12} {'cold p95':>9}")
    noop = None
    for name, payload in cases.items():
        times, size = time_post(client, payload, repeat)
        median = statistics.median(times)
        noop = noop or median
        cold = time_cold(client, payload, max(5, repeat // 6))
        print(f"{name:32} {median:10.1f} {p95(times):8.1f} {median / noop:8.1f} {size:10,}"
              f" {statistics.median(cold):12.1f} {p95(cold):9.1f}")
    first_view_cold(app, store, label)


def first_view_cold(app, store, label: str) -> None:
    """A view's first (uncached) render, and a small-area map figure's JSON size."""
    from plotly.io.json import to_json_plotly

    from marmot_dash.views import _cached_view, view_figure

    indicator = str(store.indicators(principle=2)["indicator_id"].iloc[0])
    for view in ("trend", "places", "deprivation", "cohorts"):
        _cached_view.cache_clear()
        start = time.perf_counter()
        view_figure(store, indicator, view)
        print(f"{label}: first (uncached) view_figure {view}: "
              f"{(time.perf_counter() - start) * 1000:.1f} ms")
    for level in store.levels:
        figures = view_figure(store, indicator, "places", level=level).figures
        if len(figures) == 2:
            print(f"{label}: {level} map figure JSON: {len(to_json_plotly(figures[0])):,} bytes")
        else:
            print(f"{label}: {level}: too many areas, map left out")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="an existing dataset folder")
    parser.add_argument("--england", action="store_true", help="also the England-wide dataset")
    parser.add_argument("--england-data", type=Path,
                        help="an existing England-wide dataset folder (implies --england)")
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    from marmot_dash.data.simulate import simulate_dataset

    with tempfile.TemporaryDirectory() as tmp:
        town = args.data or simulate_dataset(Path(tmp) / "town")
        run(town, "town", args.repeat)
        england = args.england_data
        if args.england and england is None:
            start = time.perf_counter()
            england = simulate_dataset(Path(tmp) / "england", scale="england")
            print(f"\nEngland-wide dataset simulated in {time.perf_counter() - start:.0f} s")
        if england is not None:
            run(england, "England-wide", max(10, args.repeat // 4))


if __name__ == "__main__":
    main()
