"""Time the Store's queries at town size and on an England-wide values table, and its memory.

Run by hand: ``.venv/bin/python bench/bench_store.py [--skip-england] [--calls 1000]``.

- Town: the illustrative dataset (``simulate_dataset``, default seed), loaded with
  ``load_dataset``. Goal: every query under 5 ms (median over 1,000 calls).
- England: a synthetic values table generated here (32,844 LSOAs x 40 indicators x 11 years,
  plus the authority's and England's totals and deprivation deciles), handed to the Store as a
  ``Dataset`` without files. Goals: every query under 100 ms, the process under 4 GB.

Prints the build time, the median and 95th-percentile time of each query, and the resident
memory (psutil RSS) after the values table and after the Store.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from marmot_dash.data import Dataset, Store, load_dataset, schema
from marmot_dash.data.principles import PRINCIPLES
from marmot_dash.data.simulate import simulate_dataset
from marmot_dash.data.summaries import summaries, summary

N_LSOAS, N_INDICATORS, YEARS = 32_844, 40, tuple(range(2015, 2026))
LA, ENGLAND = "E06000032", "E92000001"


def rss_gb() -> float:
    return psutil.Process().memory_info().rss / 1024**3


def queries(store: Store) -> dict[str, Callable[[int], object]]:
    """The queries the pages make, each cycling over the indicators by call number."""
    ids = list(store.indicators()["indicator_id"])
    level = store.levels[-1]
    small = store.areas(level)["area_code"].tolist()

    def pick(i: int) -> str:
        return ids[i % len(ids)]

    return {
        "indicators(principle)": lambda i: store.indicators(principle=i % 8 + 1),
        "indicator": lambda i: store.indicator(pick(i)),
        "periods": lambda i: store.periods(pick(i)),
        "series (authority + comparators)": lambda i: store.series(pick(i)),
        "series (one small area)": lambda i: store.series(pick(i), [small[i % len(small)]]),
        "latest": lambda i: store.latest(pick(i)),
        "baseline": lambda i: store.baseline(pick(i)),
        f"small_areas ({level}, latest)": lambda i: store.small_areas(pick(i), level),
        "breakdown (deprivation_decile)": lambda i: store.breakdown(pick(i),
                                                                    "deprivation_decile"),
        "cohorts": lambda i: store.cohorts(pick(i)),
        f"areas ({level})": lambda i: store.areas(level),
        "summary": lambda i: summary(store, pick(i)),
    }


def time_queries(store: Store, calls: int, goal_ms: float) -> None:
    summaries(store)  # computed once, before timing the lookups
    for name, query in queries(store).items():
        times = np.empty(calls)
        for i in range(calls):
            start = time.perf_counter()
            query(i)
            times[i] = time.perf_counter() - start
        median, p95 = np.median(times) * 1e3, np.percentile(times, 95) * 1e3
        flag = "ok" if median < goal_ms else "OVER GOAL"
        print(f"  {name:<36} median {median:8.3f} ms   p95 {p95:8.3f} ms   {flag}")


def bench_town(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = simulate_dataset(Path(tmp) / "town")
        dataset = load_dataset(path)
    start = time.perf_counter()
    store = Store(dataset)
    built = time.perf_counter() - start
    start = time.perf_counter()
    summaries(store)
    summarised = time.perf_counter() - start
    print(f"Town: {len(dataset.values):,} value rows; Store built in {built:.2f} s, "
          f"summaries in {summarised:.2f} s; goal: median under 5 ms")
    time_queries(store, calls, goal_ms=5)


def england_areas() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    codes = [f"E01{n:06d}" for n in range(N_LSOAS)]
    score = rng.gamma(2.0, 10.0, N_LSOAS)
    rank = pd.Series(-score).rank(method="first").to_numpy().astype(int)
    decile = np.ceil(rank / N_LSOAS * 10).astype(int)
    areas = pd.DataFrame({
        "area_code": [LA, *codes],
        "area_name": ["England-wide authority", *[f"LSOA {n}" for n in range(N_LSOAS)]],
        "level": ["la"] + ["lsoa"] * N_LSOAS,
        "parent_code": [""] + [LA] * N_LSOAS,
        "population": np.r_[56e6, rng.integers(1000, 3000, N_LSOAS)].astype(float),
        "imd_score": np.r_[np.nan, score],
        "imd_rank": pd.array([None, *rank], dtype="Int64"),
        "imd_decile": pd.array([None, *decile], dtype="Int64"),
        "local_quintile": pd.array([None, *np.ceil(decile / 2).astype(int)], dtype="Int64"),
        "local_decile": pd.array([None, *decile], dtype="Int64"),
    })
    return areas


def england_values(areas: pd.DataFrame) -> pd.DataFrame:
    """LSOA totals for every indicator and year, then the authority's and England's totals and
    the authority's deprivation deciles. Text columns are categorical (as ``load_dataset``
    gives them), assembled from codes so no column is ever held as 14 million strings."""
    rng = np.random.default_rng(2)
    lsoa = areas[areas["level"] == "lsoa"]
    n_years = len(YEARS)
    n = N_INDICATORS * n_years * N_LSOAS
    small = {
        "indicator_id": np.repeat(np.arange(N_INDICATORS, dtype=np.int16), n_years * N_LSOAS),
        "period": np.tile(np.repeat(np.arange(n_years, dtype=np.int16), N_LSOAS), N_INDICATORS),
        "area_code": np.tile(np.arange(N_LSOAS, dtype=np.int32), N_INDICATORS * n_years),
    }
    small["area_name"] = small["area_code"]
    decile = lsoa["imd_decile"].to_numpy(dtype=np.int16)[small["area_code"]]
    small["denominator"] = rng.integers(200, 2000, n).astype(float)
    rate = np.clip(0.1 + 0.02 * (10 - decile) + 0.002 * small["period"], 0.01, 0.95)
    small["count"] = rng.binomial(small["denominator"].astype(np.int64), rate).astype(float)
    del rate
    ids = [f"indicator_{k:02d}" for k in range(N_INDICATORS)]
    periods = [str(y) for y in YEARS]
    whole = whole_area_rows(small, decile, ids, periods)
    categories = {
        "indicator_id": ids,
        "area_code": [*lsoa["area_code"], LA, ENGLAND],
        "area_name": [*lsoa["area_name"], "England-wide authority", "England"],
        "area_type": ["lsoa", "la", "england"],
        "period": periods,
        "breakdown": ["total", "deprivation_decile"],
        "category": ["Total", *[f"Decile {d}" for d in range(1, 11)]],
        "note": [],
    }
    small_codes = {"area_type": 0, "breakdown": 0, "category": 0, "note": -1}
    columns = {}
    for column, labels in categories.items():
        codes = small.get(column, small_codes.get(column))
        codes = np.broadcast_to(np.asarray(codes, dtype=np.int32), (n,))
        whole_codes = pd.Categorical(whole[column], categories=labels).codes
        columns[column] = pd.Categorical.from_codes(
            np.concatenate([codes, whole_codes]), labels)
    columns["period_sort"] = np.concatenate(
        [np.asarray(YEARS)[small["period"]], whole["period"].astype(int)])
    columns["category_sort"] = np.concatenate(
        [np.zeros(n, np.int64), whole["category_sort"].to_numpy(dtype=np.int64)])
    count = np.concatenate([small.pop("count"), whole["count"]])
    denominator = np.concatenate([small.pop("denominator"), whole["denominator"]])
    columns.update(proportion_columns(count, denominator))
    return pd.DataFrame(columns)[list(schema.VALUE_COLUMNS)]


def proportion_columns(count: np.ndarray, denominator: np.ndarray) -> dict[str, np.ndarray]:
    """Value (%) and normal-approximation 95% and 99.8% limits (a bench needs no more)."""
    value = 100 * count / denominator
    half = 196 * np.sqrt(np.maximum(value / 100 * (1 - value / 100), 1e-4) / denominator)
    return {
        "value": value, "lower_ci": np.maximum(value - half, 0),
        "upper_ci": np.minimum(value + half, 100),
        "lower_ci_998": np.maximum(value - 1.6 * half, 0),
        "upper_ci_998": np.minimum(value + 1.6 * half, 100),
        "count": count, "denominator": denominator,
    }


def whole_area_rows(small: dict[str, np.ndarray], decile: np.ndarray, ids: list[str],
                    periods: list[str]) -> pd.DataFrame:
    """The authority's and England's totals and the authority's deciles, from the LSOAs."""
    n_years = len(periods)
    series = small["indicator_id"].astype(np.int64) * n_years + small["period"]
    n_series = N_INDICATORS * n_years
    parts = []
    for code, name, area_type in ((LA, "England-wide authority", "la"),
                                  (ENGLAND, "England", "england")):
        parts.append(pd.DataFrame({
            "series": np.arange(n_series), "area_code": code, "area_name": name,
            "area_type": area_type, "breakdown": "total", "category": "Total",
            "category_sort": 0,
            "count": np.bincount(series, small["count"], n_series),
            "denominator": np.bincount(series, small["denominator"], n_series),
        }))
    by_decile = series * 10 + decile - 1
    deciles = np.arange(n_series * 10)
    parts.append(pd.DataFrame({
        "series": deciles // 10, "area_code": LA, "area_name": "England-wide authority",
        "area_type": "la", "breakdown": "deprivation_decile",
        "category": [f"Decile {d % 10 + 1}" for d in deciles], "category_sort": deciles % 10 + 1,
        "count": np.bincount(by_decile, small["count"], n_series * 10),
        "denominator": np.bincount(by_decile, small["denominator"], n_series * 10),
    }))
    rows = pd.concat(parts, ignore_index=True)
    rows["indicator_id"] = np.asarray(ids)[rows["series"] // n_years]
    rows["period"] = np.asarray(periods)[rows["series"] % n_years]
    rows["note"] = None
    return rows


def england_dataset() -> Dataset:
    areas = england_areas()
    values = england_values(areas)
    catalogue = pd.DataFrame({
        "indicator_id": values["indicator_id"].cat.categories,
        "name": [f"Indicator {k}" for k in range(N_INDICATORS)],
        "short_name": [f"Ind {k}" for k in range(N_INDICATORS)],
        "principle": [k % 8 + 1 for k in range(N_INDICATORS)],
        "sources": "JSNA", "unit": "%", "value_type": "proportion", "multiplier": 100.0,
        "polarity": "lower_is_better", "baseline_period": str(YEARS[0]), "target": np.nan,
        "target_period": None, "definition": "", "source_url": "",
        "fingertips_id": pd.array([None] * N_INDICATORS, dtype="Int64"),
    })
    meta = {"name": "England-wide benchmark", "area": {"code": LA, "name": "England-wide"},
            "comparators": [{"code": ENGLAND, "name": "England", "area_type": "england"}],
            "levels": ["lsoa"], "illustrative": True, "disclosure_threshold": 5}
    return Dataset(Path("."), meta, pd.DataFrame(PRINCIPLES), catalogue, values, areas, {}, None)


def bench_england(calls: int) -> None:
    before = rss_gb()
    start = time.perf_counter()
    dataset = england_dataset()
    made = time.perf_counter() - start
    with_values = rss_gb()
    start = time.perf_counter()
    store = Store(dataset)
    built = time.perf_counter() - start
    with_store = rss_gb()
    print(f"England: {len(dataset.values):,} value rows generated in {made:.1f} s; "
          f"Store built in {built:.1f} s; goal: median under 100 ms, under 4 GB")
    print(f"  RSS: {before:.2f} GB at start, {with_values:.2f} GB with the values table, "
          f"{with_store:.2f} GB with the Store (the Store adds {with_store - with_values:.2f} GB)")
    time_queries(store, calls, goal_ms=100)
    print(f"  RSS after the queries and summaries: {rss_gb():.2f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-england", action="store_true", help="only the town dataset")
    parser.add_argument("--calls", type=int, default=1000, help="calls per query")
    args = parser.parse_args()
    print(f"{psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f}")
    bench_town(args.calls)
    if not args.skip_england:
        bench_england(args.calls)


if __name__ == "__main__":
    main()
