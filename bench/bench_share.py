"""Sharing outputs' speed: the QR code of a slide, a chart's CSV, and the PDF reports of
principles and of a run sheet.

QR: segno SVG per slide address, uncached and cached (median of repeats). CSV: the download
route through the Flask test client for each chart view of an indicator (view cache warm).
Report: ``write_report`` (app served on loopback, Chromium started, page drawn, printed) for
each principle asked for, and for a run sheet (``--run-sheet NAME`` of the dataset, or by
default a 12-step one written into the fresh demo: three charts of each of principles 1-4),
with the page count.

    .venv/bin/python bench/bench_share.py [--data DIR] [--principle 1 --principle 2]
        [--run-sheet NAME] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from marmot_dash import create_app
from marmot_dash.app_state import EXTENSION_KEY
from marmot_dash.data.run_sheets import RunSheet, Step, save_run_sheet
from marmot_dash.export.qr import qr_svg
from marmot_dash.export.report import Report, principle_report, run_sheet_report, write_report


def timed(function, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="dataset folder (default: a fresh demo)")
    parser.add_argument("--principle", type=int, action="append", help="repeat; default 1")
    parser.add_argument("--run-sheet", help="a run sheet of --data to report on")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = args.data
        if data is None:
            from marmot_dash.data.simulate import simulate_dataset

            data = simulate_dataset(Path(folder) / "demo")
        app = create_app(data)
        store = app.server.extensions[EXTENSION_KEY].store
        indicator = store.indicators(principle=1)["indicator_id"].iloc[0]

        urls = [f"https://marmot.example.org/principle/1?indicator={indicator}&view=v{i}"
                for i in range(args.repeat)]
        cold = iter(urls)
        print(f"QR SVG, uncached: {timed(lambda: qr_svg(next(cold)), args.repeat):.2f} ms; "
              f"cached: {timed(lambda: qr_svg(urls[0]), args.repeat):.3f} ms; "
              f"{len(qr_svg(urls[0])):,} bytes")

        client = app.server.test_client()
        for view in ("trend", "places", "deprivation", "cohorts"):
            url = f"/download/chart-data/1.csv?indicator={indicator}&view={view}"
            size = len(client.get(url).data)
            print(f"chart CSV {view:12s} {timed(lambda u=url: client.get(u), 20):7.1f} ms, "
                  f"{size:,} bytes")

        reports = [principle_report(store, principle) for principle in args.principle or [1]]
        if args.run_sheet or args.data is None:
            reports.append(run_sheet_report(data, args.run_sheet or demo_run_sheet(store, data)))
        for report in reports:
            print_report(app, report, Path(folder) / f"{report.stem}.pdf")


def demo_run_sheet(store, data: Path) -> str:
    """Write a 12-step run sheet into the demo dataset: three views of the first indicator
    of each of principles 1 to 4; returns its name."""
    steps = tuple(
        Step(principle, store.indicators(principle=principle)["indicator_id"].iloc[0], view,
             None, None, view == "trend", f"Principle {principle}, {view}", "Notes to say.")
        for principle in range(1, 5) for view in ("trend", "places", "deprivation"))
    save_run_sheet(data, RunSheet("bench", "Bench event", steps))
    return "bench"


def print_report(app, report: Report, out: Path) -> None:
    start = time.perf_counter()
    write_report(app.server, report, out)
    seconds = time.perf_counter() - start
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines()
                  if line.startswith("Pages:")), "?")
    print(f"{report.title}: {seconds:.1f} s, {pages} pages, "
          f"{out.stat().st_size / 1e6:.2f} MB")

if __name__ == "__main__":
    main()
