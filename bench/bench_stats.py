"""Speed of the statistics engine (run by hand: ``.venv/bin/python bench/bench_stats.py``).

Targets (issue 2, this 2-core machine): Wilson and Byars on 1,000,000 rows under 100 ms each;
SII with 100,000 repetitions over deciles under 200 ms for one indicator and under 5 s for 40;
benchmark and recent_trend over a 500,000-row values table under 1 s each.
Each figure is the best of a few runs, after one warm-up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from marmot_dash.stats.compare import benchmark, recent_trends
from marmot_dash.stats.inequality import sii
from marmot_dash.stats.intervals import byars, wilson

ROWS = 1_000_000
TABLE_ROWS = 500_000
REPETITIONS = 100_000
INDICATORS = 40


class Timing:
    """Fastest wall time and fastest CPU time of several runs, in milliseconds."""

    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} ms (CPU {self.cpu:.1f} ms)"


def best_of(function: Callable[[], object], runs: int = 5) -> Timing:
    """Time ``runs`` calls after one warm-up. CPU time is printed too because wall time on
    a shared machine includes waiting for the processor."""
    function()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls) * 1000, min(cpus) * 1000)


def values_table(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long values table: 40 indicators x 1,250 areas x 10 periods."""
    series = TABLE_ROWS // 10
    indicator = np.array([f"ind{i:02d}" for i in range(INDICATORS)])
    table = pd.DataFrame({
        "indicator_id": np.repeat(indicator[np.arange(series) % INDICATORS], 10),
        "area_code": np.repeat([f"E05{i // INDICATORS:06d}" for i in range(series)], 10),
        "breakdown": "total",
        "category": "Total",
        "period_sort": np.tile(np.arange(2014, 2024), series),
    })
    count = rng.poisson(200, TABLE_ROWS).astype(float)
    denominator = np.full(TABLE_ROWS, 1000.0)
    value, lower, upper = wilson(count, denominator, multiplier=100)
    table = table.assign(value=value, lower_ci=lower, upper_ci=upper, count=count,
                         denominator=denominator)
    catalogue = pd.DataFrame({
        "indicator_id": indicator,
        "polarity": np.resize(["higher_is_better", "lower_is_better", "no_judgement"],
                              INDICATORS),
        "value_type": np.resize(["proportion", "rate"], INDICATORS),
    })
    return table, catalogue


def main() -> None:
    rng = np.random.default_rng(2026)
    denominator = rng.integers(50, 200_000, ROWS).astype(float)
    count = np.minimum(rng.poisson(denominator * 0.02), denominator).astype(float)
    print(f"wilson, {ROWS:,} rows: {best_of(lambda: wilson(count, denominator))}")
    print(f"byars, {ROWS:,} rows: {best_of(lambda: byars(count, denominator))} "
          f"({(count < 10).mean():.1%} exact)")
    small = rng.poisson(rng.uniform(0, 20, ROWS)).astype(float)
    print(f"byars, {ROWS:,} small counts: {best_of(lambda: byars(small))} "
          f"({(small < 10).mean():.1%} exact)")

    population = rng.integers(20_000, 30_000, 10).astype(float)
    value = np.linspace(70, 80, 10) + rng.normal(0, 0.5, 10)

    def one_sii(i: int = 0) -> object:
        return sii(np.arange(1, 11), population, value + i, value + i - 1.5, value + i + 1.5,
                   "life_expectancy", repetitions=REPETITIONS, seed=i)

    print(f"sii, deciles, {REPETITIONS:,} repetitions, 1 indicator: "
          f"{best_of(one_sii)}")
    forty = best_of(lambda: [one_sii(i) for i in range(INDICATORS)], runs=2)
    print(f"sii, deciles, {REPETITIONS:,} repetitions, {INDICATORS} indicators: {forty}")

    table, catalogue = values_table(rng)
    comparator = table["value"].to_numpy() + rng.normal(0, 1, len(table))
    polarity = table["indicator_id"].map(catalogue.set_index("indicator_id")["polarity"])
    polarity = polarity.to_numpy(dtype=str)
    arrays = (table["value"].to_numpy(), table["lower_ci"].to_numpy(),
              table["upper_ci"].to_numpy(), comparator, polarity)
    print(f"benchmark, {len(table):,} rows: {best_of(lambda: benchmark(*arrays))}")
    trends = recent_trends(table, catalogue)
    print(f"recent_trend, {len(table):,} rows ({len(trends):,} series): "
          f"{best_of(lambda: recent_trends(table, catalogue), runs=3)}")


if __name__ == "__main__":
    main()
