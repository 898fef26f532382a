"""Time the illustrative dataset simulator: a town dataset and the England-wide one.

Run by hand: ``.venv/bin/python bench/bench_simulate.py [--skip-england]``. Prints the wall
time of each build (simulation, writing and validation by ``load_dataset``), the rows written
and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from marmot_dash.data.schema import VALUES_FILE
from marmot_dash.data.simulate import simulate_dataset


def _peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _time_build(out: Path, **options) -> None:
    start = time.perf_counter()
    path = simulate_dataset(out, **options)
    seconds = time.perf_counter() - start
    rows = pq.ParquetFile(path / VALUES_FILE).metadata.num_rows
    size_mb = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024**2
    print(f"{options.get('scale', 'town'):>8}: {seconds:6.1f} s, {rows:,} value rows, "
          f"{size_mb:,.1f} MB on disk, peak memory so far {_peak_memory_gb():.2f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-england", action="store_true", help="only the town dataset")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(3):
            _time_build(Path(tmp) / f"town{repeat}", scale="town")
        if not args.skip_england:
            _time_build(Path(tmp) / "england", scale="england")


if __name__ == "__main__":
    main()
