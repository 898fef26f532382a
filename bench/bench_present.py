"""The presentation mode's speed: server time per slide and key-press-to-drawn in Chromium.

Posts the page router's payload for ``/present/<n>?slide=<k>`` through the Flask test client
(median and 95th percentile of repeated posts served from the caches, the ratio to a no-op
callback, response bytes, and a principle's first visit with every cache emptied), then serves
the app on 127.0.0.1 and times, in headless Chromium, ArrowRight until the next slide's chart is
drawn.

    .venv/bin/python bench/bench_present.py [--data DIR] [--repeat 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import dash
from bench_callbacks import make_app, p95, page_payload, single_payload, time_post

from marmot_dash.components.present_slides import PRESENT_PATH

SLIDE_DRAWN_JS = """
(n) => (new URLSearchParams(location.search).get('slide') || '1') === String(n)
    && (document.getElementById('present-position') || {textContent: ''}).textContent
        .startsWith('Slide ' + n)
    && !document.querySelector('[data-dash-is-loading="true"]')
    && Boolean(document.querySelector('#present-graph .main-svg'))
"""


def clear_present_caches() -> None:
    """Empty the view cache and the presentation's slide-list cache (a first visit)."""
    from marmot_dash.views import _cached_view

    _cached_view.cache_clear()
    page = next(sys.modules[entry["module"]] for entry in dash.page_registry.values()
                if entry["module"].endswith(".present"))
    page.principle_slides.cache_clear()


def server_times(app, repeat: int) -> None:
    client = app.server.test_client()
    client.get("/")  # registers the page router
    cases = {
        "no-op callback": single_payload(app, ("bench-noop-out", "children"),
                                         [("bench-noop-in", "value", 1)]),
        "slide 1 (trend)": page_payload(app, f"{PRESENT_PATH}/1", "?slide=1"),
        "slide 2 (deprivation)": page_payload(app, f"{PRESENT_PATH}/1", "?slide=2"),
        "slide 2, call-outs on": page_payload(app, f"{PRESENT_PATH}/1", "?slide=2&callouts=on"),
        "bad slide (message)": page_payload(app, f"{PRESENT_PATH}/1", "?slide=99"),
    }
    print(f"{'page render':28} {'median ms':>10} {'p95 ms':>8} {'x no-op':>8} {'bytes':>9}")
    noop = None
    for name, payload in cases.items():
        times, size = time_post(client, payload, repeat)
        median = statistics.median(times)
        noop = noop or median
        print(f"{name:28} {median:10.1f} {p95(times):8.1f} {median / noop:8.1f} {size:9,}")
    cold = []
    for principle in range(1, 9):
        clear_present_caches()
        body = json.dumps(page_payload(app, f"{PRESENT_PATH}/{principle}", ""))
        start = time.perf_counter()
        client.post("/_dash-update-component", data=body, content_type="application/json")
        cold.append((time.perf_counter() - start) * 1000)
    print(f"first visit of a principle (all its slides built), 8 principles: median "
          f"{statistics.median(cold):.0f} ms, max {max(cold):.0f} ms")


def browser_times(app, presses: int) -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"http://127.0.0.1:{server.server_port}{PRESENT_PATH}/1")
            page.wait_for_function(SLIDE_DRAWN_JS, arg=1)
            total = int(page.locator("#present-position").text_content().split()[3])
            times = []
            for number in range(2, min(total, presses + 1) + 1):
                start = time.perf_counter()
                page.keyboard.press("ArrowRight")
                page.wait_for_function(SLIDE_DRAWN_JS, arg=number, polling=10)
                times.append((time.perf_counter() - start) * 1000)
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    print(f"ArrowRight to the next slide drawn (1920x1080, principle 1, {len(times)} presses): "
          f"median {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="an existing dataset folder")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    from marmot_dash.data.simulate import simulate_dataset

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data or simulate_dataset(Path(tmp) / "town")
        app = make_app(data_dir)
        server_times(app, args.repeat)
        browser_times(app, presses=12)


if __name__ == "__main__":
    main()
