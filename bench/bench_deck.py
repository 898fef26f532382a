"""How long a PowerPoint deck of one principle takes to build (the target: under 15 s on the
town dataset), and how the time splits between the charts' views, their PNGs and python-pptx.

For each principle asked for: the deck built from cold caches (the views computed afresh; the
first deck also starts Chromium), then again with the views cached. Prints slides, seconds,
seconds per chart and the file's size. ``--pdf`` also times LibreOffice's conversion to PDF.

    .venv/bin/python bench/bench_deck.py [--data DIR] [--principle 1 --principle 4] [--pdf]

Without ``--data`` the illustrative town is simulated into a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from marmot_dash.data import Store, load_dataset
from marmot_dash.data.simulate import simulate_dataset
from marmot_dash.export import png
from marmot_dash.export.deck import build_deck, principle_deck
from marmot_dash.views import _cached_view


def timed_deck(store: Store, principle: int) -> tuple[float, float, int, bytes]:
    """Seconds to choose the slides, seconds to build the deck, charts drawn, the file."""
    start = time.perf_counter()
    deck = principle_deck(store, principle)
    chosen = time.perf_counter()
    data = build_deck(store, deck)
    return chosen - start, time.perf_counter() - chosen, len(deck.steps), data


def to_pdf(data: bytes, folder: Path) -> float:
    deck = folder / "deck.pptx"
    deck.write_bytes(data)
    start = time.perf_counter()
    subprocess.run(["soffice", "--headless", "--norestore",
                    f"-env:UserInstallation=file://{folder / 'profile'}", "--convert-to", "pdf",
                    "--outdir", str(folder), str(deck)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--principle", type=int, action="append")
    parser.add_argument("--pdf", action="store_true", help="also time LibreOffice's PDF")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        data_dir = args.data or simulate_dataset(Path(temp) / "town")
        store = Store(load_dataset(data_dir))
        print(f"dataset: {store.meta.get('name')} ({data_dir})")
        print(f"{'principle':>9} {'caches':>6} {'charts':>6} {'choose s':>8} {'build s':>8} "
              f"{'s/chart':>7} {'total s':>7} {'MB':>5}")
        try:
            for principle in args.principle or [1]:
                for caches in ("cold", "warm"):
                    if caches == "cold":
                        _cached_view.cache_clear()
                    choose, build, charts, data = timed_deck(store, principle)
                    print(f"{principle:>9} {caches:>6} {charts:>6} {choose:>8.2f} {build:>8.2f} "
                          f"{build / max(charts, 1):>7.2f} {choose + build:>7.2f} "
                          f"{len(data) / 1e6:>5.1f}")
                if args.pdf and shutil.which("soffice"):
                    print(f"  LibreOffice to PDF: {to_pdf(data, Path(temp)):.2f} s")
        finally:
            png.stop_browser()


if __name__ == "__main__":
    main()
