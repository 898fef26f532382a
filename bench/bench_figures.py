"""Build time per figure builder (and frame, describe, JSON size), plus server PNG export time.

The builders get the tables a view would give them, taken once from the illustrative dataset,
so only the figure code is timed. Prints the median and 95th percentile per builder of the
process's CPU time (steady when other work shares the machine) and of wall time.

    .venv/bin/python bench/bench_figures.py [--data DIR] [--indicator ID] [--repeat 50] [--png]

Without ``--data`` the illustrative town is simulated into a temporary folder. ``--png`` also
times ``export.png.figure_to_png`` (first call starts Chromium; then warm).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from marmot_dash.data import Store, load_dataset
from marmot_dash.figures.cohorts import build_cohorts, describe_cohorts
from marmot_dash.figures.deprivation import build_deprivation, describe_deprivation
from marmot_dash.figures.places import build_places_bar, build_places_map, describe_places
from marmot_dash.figures.slide import frame
from marmot_dash.figures.trend import build_trend, describe_trend
from marmot_dash.stats.compare import benchmark
from marmot_dash.stats.inequality import sii


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _benchmarked(store: Store, indicator: dict) -> pd.DataFrame:
    series = store.series(indicator["indicator_id"])
    england = series[series["area_type"] == "england"].set_index("period")["value"]
    labels = benchmark(
        series["value"].to_numpy(float), series["lower_ci"].to_numpy(float),
        series["upper_ci"].to_numpy(float), series["period"].map(england).to_numpy(float),
        indicator["polarity"],
    )
    return series.assign(benchmark=np.where(series["area_code"] == store.area_code, labels, None))


def _places(store: Store, indicator: dict, level: str, authority: float) -> pd.DataFrame:
    rows = store.small_areas(indicator["indicator_id"], level)
    return rows.assign(comparison=benchmark(
        rows["value"].to_numpy(float), rows["lower_ci"].to_numpy(float),
        rows["upper_ci"].to_numpy(float), np.full(len(rows), authority), indicator["polarity"],
    ))


def _sii(rows: pd.DataFrame, indicator: dict) -> dict | None:
    try:
        return sii(
            rows["category_sort"].to_numpy(), rows["denominator"].to_numpy(float),
            rows["value"].to_numpy(float), rows["lower_ci"].to_numpy(float),
            rows["upper_ci"].to_numpy(float), indicator["value_type"], repetitions=1000, seed=1,
        )._asdict()
    except ValueError:
        return None


def builders(store: Store, indicator_id: str) -> dict[str, Callable]:
    """Each builder as a no-argument call on the indicator's tables."""
    indicator = store.indicator(indicator_id)
    series = _benchmarked(store, indicator)
    own = series[series["area_code"] == store.area_code].sort_values("period_sort")
    target = indicator.get("target")
    level = next(lv for lv in store.levels if store.periods(indicator_id, area_type=lv))
    places = _places(store, indicator, level, float(own["value"].iloc[-1]))
    geojson = store.geometry(level)
    breakdown = next(
        rows for b in ("deprivation_decile", "deprivation_quintile")
        if len(rows := store.breakdown(indicator_id, b))
    )
    index = _sii(breakdown, indicator)
    cohorts = store.cohorts(indicator_id)
    reference = {"sex": "Female", "ethnicity": "White"}
    trend_options = {
        "indicator": indicator, "area_code": store.area_code,
        "baseline_period": _text(indicator.get("baseline_period")),
    }
    return {
        "trend": lambda: build_trend(
            series, **trend_options, target=None if pd.isna(target) else float(target),
            target_period=_text(indicator.get("target_period")),
        ),
        "places_map": lambda: build_places_map(places, geojson, indicator=indicator),
        "places_bar": lambda: build_places_bar(
            places, indicator=indicator, reference_value=float(own["value"].iloc[-1]),
            reference_label=store.area_name,
        ),
        "deprivation": lambda: build_deprivation(breakdown, indicator=indicator, sii=index),
        "cohorts": lambda: build_cohorts(cohorts, indicator=indicator, reference=reference),
        "describe_all": lambda: (
            describe_trend(series, **trend_options),
            describe_places(places, indicator=indicator),
            describe_deprivation(breakdown, indicator=indicator, sii=index),
            describe_cohorts(cohorts, indicator=indicator, reference=reference),
        ),
    }


def timed(call: Callable, repeat: int) -> tuple[list[float], list[float]]:
    """(CPU ms, wall ms) of each of ``repeat`` calls, after one warm-up call."""
    call()  # warm caches (validators, imports)
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        call()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return cpu, wall


def _row(name: str, times: tuple[list[float], list[float]], extra: str = "") -> str:
    cpu, wall = times
    return (
        f"{name:<16} cpu median {statistics.median(cpu):7.2f} ms p95 "
        f"{float(np.percentile(cpu, 95)):7.2f} ms | wall median {statistics.median(wall):7.2f} "
        f"ms p95 {float(np.percentile(wall, 95)):7.2f} ms {extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--indicator", default="P2-attainment-8")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--png", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            from marmot_dash.data.simulate import simulate_dataset

            data = simulate_dataset(Path(tmp) / "dataset")
        store = Store(load_dataset(data))
        print(f"dataset {data}; indicator {args.indicator}; {args.repeat} repeats; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        figures = {}
        calls = builders(store, args.indicator)
        for name, call in calls.items():
            times = timed(call, args.repeat)
            size = ""
            if name != "describe_all":
                figures[name] = call()
                size = f"  json {len(figures[name].to_json()) / 1024:6.1f} KB"
            print(_row(name, times, size))
        trend = figures["trend"]
        fresh = iter([calls["trend"]() for _ in range(args.repeat + 1)])
        framed = timed(lambda: frame(next(fresh), title="T", source="S", illustrative=True,
                                     subtitle="Sub"), args.repeat)
        print(_row("frame", framed))
        if args.png:
            from marmot_dash.export.png import figure_to_png, stop_browser

            try:
                start = time.perf_counter()
                figure_to_png(trend)
                cold = (time.perf_counter() - start) * 1000
                print(f"png cold     {cold:9.1f} ms (starts Chromium)")
                for name, fig in figures.items():
                    times = timed(lambda fig=fig: figure_to_png(fig), max(3, args.repeat // 10))
                    print(_row(f"png {name}", times))  # CPU here is Python's share only
            finally:
                stop_browser()


if __name__ == "__main__":
    main()
