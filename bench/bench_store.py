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
        "summary": lambda i: store.summary(pick(i)),
    }


def time_queries(store: Store, calls: int, goal_ms: float) -> None:
    store.summaries  # computed once, before timing the lookups  # noqa: B018
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
    store.summaries  # noqa: B018
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
    the authority's deprivation deciles; text columns categorical, as ``load_dataset`` gives."""
    rng = np.random.default_rng(2)
    lsoa = areas[areas["level"] == "lsoa"]
    n_years = len(YEARS)
    per_indicator = N_LSOAS * n_years
    n = N_INDICATORS * per_indicator
    indicator_codes = np.repeat(np.arange(N_INDICATORS), per_indicator)
    year_codes = np.tile(np.repeat(np.arange(n_years), N_LSOAS), N_INDICATORS)
    area_index = np.tile(np.arange(N_LSOAS), N_INDICATORS * n_years)
    decile = lsoa["imd_decile"].to_numpy(dtype=float)[area_index]
    denominator = rng.integers(200, 2000, n).astype(float)
    rate = np.clip(0.1 + 0.02 * (10 - decile) + 0.002 * year_codes, 0.01, 0.95)
    count = rng.binomial(denominator.astype(np.int64), rate).astype(float)
    value = 100 * count / denominator
    half = 196 * np.sqrt(np.maximum(value / 100 * (1 - value / 100), 1e-4) / denominator)
    ids = [f"indicator_{k:02d}" for k in range(N_INDICATORS)]
    periods = [str(y) for y in YEARS]
    small = pd.DataFrame({
        "indicator_id": pd.Categorical.from_codes(indicator_codes, ids),
        "area_code": pd.Categorical.from_codes(area_index, lsoa["area_code"].tolist()),
        "area_name": pd.Categorical.from_codes(area_index, lsoa["area_name"].tolist()),
        "area_type": pd.Categorical.from_codes(np.zeros(n, np.int8), ["lsoa"]),
        "period": pd.Categorical.from_codes(year_codes, periods),
        "period_sort": np.asarray(YEARS)[year_codes],
        "breakdown": pd.Categorical.from_codes(np.zeros(n, np.int8), ["total"]),
        "category": pd.Categorical.from_codes(np.zeros(n, np.int8), ["Total"]),
        "category_sort": np.zeros(n, np.int64),
        "value": value, "lower_ci": np.maximum(value - half, 0),
        "upper_ci": np.minimum(value + half, 100),
        "lower_ci_998": np.maximum(value - 1.6 * half, 0),
        "upper_ci_998": np.minimum(value + 1.6 * half, 100),
        "count": count, "denominator": denominator,
        "note": pd.Categorical.from_codes(np.full(n, -1, np.int8), []),
    })
    return pd.concat([small, whole_area_rows(small)], ignore_index=True)


def whole_area_rows(small: pd.DataFrame) -> pd.DataFrame:
    """The authority's and England's totals and the authority's deciles, from the LSOAs."""
    decile = small["area_code"].map(
        dict(zip(small["area_code"].cat.categories,
                 np.arange(len(small["area_code"].cat.categories)) % 10 + 1, strict=True)))
    keys = [small["indicator_id"], small["period"]]
    parts = []
    for code, name, area_type in ((LA, "England-wide authority", "la"),
                                  (ENGLAND, "England", "england")):
        totals = small.groupby(keys, observed=True)[["count", "denominator"]].sum()
        parts.append(totals.assign(area_code=code, area_name=name, area_type=area_type,
                                   breakdown="total", category="Total", category_sort=0))
    deciles = small.groupby([*keys, decile.rename("decile")], observed=True)[
        ["count", "denominator"]].sum().reset_index("decile")
    parts.append(deciles.assign(
        area_code=LA, area_name="England-wide authority", area_type="la",
        breakdown="deprivation_decile", category="Decile " + deciles["decile"].astype(str),
        category_sort=deciles["decile"]).drop(columns="decile"))
    rows = pd.concat(parts).reset_index()
    rows["period_sort"] = rows["period"].astype(int)
    rows["value"] = 100 * rows["count"] / rows["denominator"]
    half = 196 * np.sqrt(rows["value"] / 100 * (1 - rows["value"] / 100) / rows["denominator"])
    rows["lower_ci"], rows["upper_ci"] = rows["value"] - half, rows["value"] + half
    rows["lower_ci_998"] = rows["value"] - 1.6 * half
    rows["upper_ci_998"] = rows["value"] + 1.6 * half
    rows["note"] = None
    return rows[list(schema.VALUE_COLUMNS)]


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
