"""Sharing outputs' speed: the QR code of a slide, a chart's CSV, and a principle's PDF report.

QR: segno SVG per slide address, uncached and cached (median of repeats). CSV: the download
route through the Flask test client for each chart view of an indicator (view cache warm).
Report: ``write_report`` (app served on loopback, Chromium started, page drawn, printed) for
each principle asked for, with the page count.

    .venv/bin/python bench/bench_share.py [--data DIR] [--principle 1 --principle 2] [--repeat 50]
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
from marmot_dash.export.qr import qr_svg
from marmot_dash.export.report import write_report


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

        for principle in args.principle or [1]:
            out = Path(folder) / f"principle-{principle}.pdf"
            start = time.perf_counter()
            write_report(app.server, store, principle, out)
            seconds = time.perf_counter() - start
            info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
            pages = next((line.split()[-1] for line in info.splitlines()
                          if line.startswith("Pages:")), "?")
            print(f"report principle {principle}: {seconds:.1f} s, {pages} pages, "
                  f"{out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
