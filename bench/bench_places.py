"""What serving many places costs: the Store's place views, the list of places at ``/`` and a
place's pages, at England scale (150 simulated places, 32,844 small areas).

Prints the time to load the dataset and build the Store, to make every place's view and the
memory they add, the places' headline counts (``/``), one comparison table, a place's
summaries, and the first (cold) and repeated (cached) render of a place's pages through the
page router.

    .venv/bin/python bench/bench_places.py --data DIR     # e.g. marmot-dash demo --scale england
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.conftest import router_callback  # noqa: E402  (the callback the tests send)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def timed(what: str, action, repeat: int = 1):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    shown = f"{times[0] * 1000:9.1f} ms" if repeat == 1 else \
        f"median {statistics.median(times) * 1000:7.1f} ms (n={repeat})"
    print(f"{what:<55} {shown}")
    return result


def render(client, path: str, search: str = "") -> int:
    response = client.post("/_dash-update-component",
                           data=json.dumps(router_callback(path, search)),
                           content_type="application/json")
    assert response.status_code == 200, response.status_code
    return len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    data = parser.parse_args().data

    from marmot_dash import create_app
    from marmot_dash.data.comparisons import compute_place_comparison, place_scorecards
    from marmot_dash.data.summaries import summarise

    app = timed("create_app (load, validate, Store)", lambda: create_app(data))
    base = app.server.extensions["marmot_dash"].store.all_places
    codes = [p["code"] for p in base.places]
    print(f"{len(codes)} places, {len(base.dataset.values):,} value rows; RSS {rss_mb():,.0f} MB")
    before = rss_mb()
    timed(f"all {len(codes)} place views (first time)", lambda: [base.place(c) for c in codes])
    print(f"{'memory the place views add':<55} {rss_mb() - before:9.1f} MB")
    timed("one place view again (kept)", lambda: base.place(codes[77]), repeat=200)
    indicator = base.indicators()["indicator_id"].iloc[0]
    timed(f"comparison of {len(codes)} places on one indicator",
          lambda: compute_place_comparison(base, indicator), repeat=5)
    timed("headline counts of every place (/)", lambda: place_scorecards(base))
    timed("a place's summaries (its overview)", lambda: summarise(base.place(codes[77])))
    client = app.server.test_client()
    place = codes[77]
    pages = [("/", ""), (f"/{place}", ""),
             (f"/{place}/principle/1", "?view=trend"),
             (f"/{place}/principle/1", "?view=places&level=lsoa"),
             (f"/{place}/principle/1", "?view=deprivation"),
             (f"/{place}/present/1", "?slide=2"),
             (f"/compare/{indicator}", f"?place={place}")]
    for path, search in pages:
        size = timed(f"cold  {path}{search}"[:55], lambda p=path, s=search: render(client, p, s))
        timed(f"again {path}{search} ({size / 1024:.0f} KB)"[:55],
              lambda p=path, s=search: render(client, p, s), repeat=20)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RSS {rss_mb():,.0f} MB, peak {peak:,.0f} MB")


if __name__ == "__main__":
    main()
