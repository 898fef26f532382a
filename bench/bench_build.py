"""Benchmark the builder: the Luton build, and a 1,000,000-row Fingertips export read and
validated (time and peak memory). Run by hand: ``.venv/bin/python bench/bench_build.py``."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from marmot_dash.ingest.build import build_dataset  # noqa: E402
from marmot_dash.ingest.sources.fingertips import EXPORT_COLUMNS, read_fingertips  # noqa: E402

DECILES = ["Most deprived decile (IMD2019)", "Second most deprived decile (IMD2019)",
           "Third more deprived decile (IMD2019)", "Fourth more deprived decile (IMD2019)",
           "Fifth more deprived decile (IMD2019)", "Fifth less deprived decile (IMD2019)",
           "Fourth less deprived decile (IMD2019)", "Third less deprived decile (IMD2019)",
           "Second least deprived decile (IMD2019)", "Least deprived decile (IMD2019)"]
DECILE_TYPE = "County & UA deprivation deciles in England (IMD2019, 4/23 geography)"


def simulated_export(path: Path, rows: int = 1_000_000, seed: int = 1) -> None:
    """A Fingertips export in the real 27-column layout: 100 indicators x 153 upper-tier
    authorities x 11 periods x (total, two sexes, ten deprivation deciles) - trimmed to rows."""
    rng = np.random.default_rng(seed)
    cats = [("Persons", "", "")] + [(s, "", "") for s in ("Male", "Female")] + [
        ("Persons", DECILE_TYPE, d) for d in DECILES]
    indicators = np.arange(90000, 90100)
    areas = [f"E06{k:06d}" for k in range(153)]
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(2013, 2024)]
    grid = pd.MultiIndex.from_product([indicators, areas, periods, range(len(cats))])
    frame = grid.to_frame(index=False, name=["id", "area", "period", "cat"]).iloc[:rows]
    n = len(frame)
    denominator = rng.integers(1000, 100000, n)
    count = rng.binomial(denominator, 0.2)
    value = count / denominator * 100
    half = 1.96 * np.sqrt(value * (100 - value) / denominator)
    sex = np.array([c[0] for c in cats])[frame["cat"]]
    ctype = np.array([c[1] for c in cats])[frame["cat"]]
    category = np.array([c[2] for c in cats])[frame["cat"]]
    out = pd.DataFrame({column: "" for column in EXPORT_COLUMNS}, index=range(n))
    out["Indicator ID"] = frame["id"].to_numpy()
    out["Indicator Name"] = "Simulated indicator " + frame["id"].astype(str).to_numpy()
    out["Parent Code"], out["Parent Name"] = "E12000006", "East of England region"
    out["Area Code"] = frame["area"].to_numpy()
    out["Area Name"] = "Area " + frame["area"].to_numpy()
    out["Area Type"] = "Counties & UAs (from Apr 2023)"
    out["Sex"], out["Age"] = sex, "All ages"
    out["Category Type"], out["Category"] = ctype, category
    out["Time period"] = frame["period"].to_numpy()
    out["Value"] = value.round(3)
    out["Lower CI 95.0 limit"], out["Upper CI 95.0 limit"] = (value - half).round(3), (
        value + half).round(3)
    out["Lower CI 99.8 limit"], out["Upper CI 99.8 limit"] = (value - 1.6 * half).round(3), (
        value + 1.6 * half).round(3)
    out["Count"], out["Denominator"] = count, denominator
    out["Time period Sortable"] = frame["period"].str[:4].astype(int).to_numpy() * 10000
    out.to_csv(path, index=False)


def read_export(path: str) -> None:
    """In a fresh process: read and validate the export; print time, rows and peak memory."""
    start = time.perf_counter()
    result = read_fingertips(path)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    print(f"Fingertips export, 1,000,000 rows ({Path(path).stat().st_size / 1e6:.0f} MB): read "
          f"and validated in {elapsed:.1f} s (goal < 30 s); {len(result.values):,} dataset rows;"
          f" peak memory {peak / 1e9:.2f} GB (the whole process's maximum RSS; goal < 2 GB)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("sources.yaml", "sources_2013_wards.yaml"):
            start = time.perf_counter()
            build_dataset(REPO / "examples" / "luton" / name, Path(folder) / name,
                          progress=False)
            print(f"Luton build ({name}): {time.perf_counter() - start:.2f} s (goal < 20 s)")
        export = Path(folder) / "export.csv"
        simulated_export(export)
        subprocess.run([sys.executable, __file__, "--read", str(export)], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--read"]:
        read_export(sys.argv[2])
    else:
        main()
