"""Page speed: app start, a principle page drawn in headless Chromium, and bytes per first view.

1. App start on an existing illustrative dataset: a fresh Python process that imports the app,
   builds it and serves; time from launch to the first served page (``GET /``) and to the
   overview drawn in Chromium (target: first page under 3 s).
2. A principle page fully drawn in headless Chromium, navigation start to the last chart
   rendered (the last ``.main-svg`` added), for each of the eight principles; with a cold
   browser cache (a new context each time) and a warm one (target under 1.5 s).
3. Bytes transferred for a principle page's first view (cold cache), split into the static
   bundles a browser caches (Dash, React, plotly.js, CSS) and the page's own data (index,
   layout, dependencies, callbacks) (target under 1 MB).

    .venv/bin/python bench/bench_pages.py [--data DIR] [--repeat 3]

Without ``--data`` the illustrative town is simulated into a temporary folder first. The server
and the browser run on 127.0.0.1 and are stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from conftest import (  # noqa: E402  (the browser-test harness: one definition of "drawn")
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOPBACK,
    wait_until_dash_idle,
)

SERVE = """
import sys
from werkzeug.serving import make_server
from marmot_dash import create_app
server = make_server("127.0.0.1", int(sys.argv[2]), create_app(sys.argv[1]).server, threaded=True)
server.serve_forever()
"""

# Where start-up time goes, measured in a fresh process: imports, validation, store, summaries.
BREAKDOWN = """
import sys, time
t0 = time.perf_counter()
import marmot_dash.app_factory, marmot_dash.views, marmot_dash.data.summaries
t1 = time.perf_counter()
from marmot_dash.data import load_dataset
from marmot_dash.data.store import Store
from marmot_dash.data.summaries import summaries
dataset = load_dataset(sys.argv[1])
t2 = time.perf_counter()
store = Store(dataset)
t3 = time.perf_counter()
summaries(store)
t4 = time.perf_counter()
print(f"imports {t1 - t0:.2f} s, load_dataset {t2 - t1:.2f} s, Store {t3 - t2:.2f} s, "
      f"summaries {t4 - t3:.2f} s")
"""

# Records the time (ms since navigation start) at which the last plotly chart was drawn.
LAST_CHART_RECORDER = """
window.__lastChart = null;
new MutationObserver(records => {
    for (const record of records) {
        for (const node of record.addedNodes) {
            if (node.nodeType !== 1) continue;
            if (node.matches('.main-svg') || node.querySelector('.main-svg')) {
                window.__lastChart = performance.now();
            }
        }
    }
}).observe(document, {childList: true, subtree: true});
"""
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")
TARGETS = {"start": 3.0, "draw": 1.5, "bytes": 1_000_000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str, float]:
    """Launch a server process; returns it, its URL and its launch time (``perf_counter``)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(data_dir), str(port)],
                               cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(url + "/")
    except BaseException:
        process.terminate()
        raise
    return process, url, started


def time_to_last_chart(context, url: str) -> float:
    """Seconds from navigation start to the last chart drawn, in a page of ``context``."""
    page = context.new_page()
    page.add_init_script(LAST_CHART_RECORDER)
    page.goto(url)
    wait_until_dash_idle(page, timeout=60, settle=0.5)
    last = page.evaluate("() => window.__lastChart")
    page.close()
    if last is None:
        raise RuntimeError(f"no chart was drawn on {url}")
    return last / 1000


def first_view_bytes(browser, url: str) -> tuple[int, int]:
    """(static bundle bytes, page data bytes) transferred for a first view with a cold cache."""
    context = browser.new_context()
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    wait_until_dash_idle(page, timeout=60, settle=0.5)
    static = data = 0
    for request in finished:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if urlparse(request.url).path.startswith(STATIC_PREFIXES):
            static += size
        else:
            data += size
    context.close()
    return static, data


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def time_start(browser, data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start the server; print launch to first page and launch to overview drawn."""
    process, url, launched = start_server(data_dir)
    start_seconds = time.perf_counter() - launched
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/")
    page.wait_for_selector(".tile", timeout=60_000)
    overview_seconds = time.perf_counter() - launched
    context.close()
    print(f"App start to first served page (GET /): {start_seconds:.2f} s "
          f"[target < {TARGETS['start']} s: {verdict(start_seconds < TARGETS['start'])}]")
    print(f"App start to overview drawn in Chromium: {overview_seconds:.2f} s")
    breakdown = subprocess.run([sys.executable, "-c", BREAKDOWN, str(data_dir)], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True)
    print(f"  where start-up goes (fresh process): {breakdown.stdout.strip()}")
    return process, url


def time_principle_pages(browser, url: str, repeat: int) -> None:
    """Print the median load-to-last-chart time of the eight principle pages."""
    cold, warm = [], []
    for number in range(1, 9):
        page_url = f"{url}/principle/{number}"
        for _ in range(repeat):
            context = browser.new_context()
            cold.append(time_to_last_chart(context, page_url))
            warm.append(time_to_last_chart(context, page_url))
            context.close()
    for label, times in (("cold cache", cold), ("warm cache", warm)):
        median = statistics.median(times)
        print(f"Principle page, load to last chart ({label}): median {median:.2f} s, "
              f"max {max(times):.2f} s over {len(times)} loads "
              f"[target < {TARGETS['draw']} s: {verdict(median < TARGETS['draw'])}]")


def run(data_dir: Path, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"Load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs (times stretch when the machine is busy)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        process = None
        try:
            process, url = time_start(browser, data_dir)
            time_principle_pages(browser, url, repeat)
            static, data = first_view_bytes(browser, url + "/principle/1")
            total = static + data
            print(f"Principle page first view: {total / 1e6:.2f} MB transferred "
                  f"({static / 1e6:.2f} MB static bundles, {data / 1e3:.0f} kB page data) "
                  f"[target < 1 MB: {verdict(total < TARGETS['bytes'])}]")
        finally:
            browser.close()
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    print(f"Load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="an existing dataset (default: simulate one)")
    parser.add_argument("--repeat", type=int, default=3, help="loads per principle page")
    args = parser.parse_args()
    if args.data is not None:
        run(args.data, args.repeat)
        return
    from marmot_dash.data.simulate import simulate_dataset

    with tempfile.TemporaryDirectory() as folder:
        data_dir = simulate_dataset(Path(folder) / "dataset")
        run(data_dir, args.repeat)


if __name__ == "__main__":
    main()
