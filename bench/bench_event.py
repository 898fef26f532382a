"""A stakeholder event: 100 people open a shared link, a principle and 5 views, at once.

The shipped configuration (``gunicorn -c gunicorn.conf.py app:server``) serves the dataset on
127.0.0.1. One person's visit is recorded once from headless Chromium (every request that
reaches the server, with its body: the overview from a shared link with its scripts and
styles, then a principle from the header, then the Places, Deprivation, Cohorts, Data and
Trend views). The visit is then replayed by 100 people with a stdlib asyncio HTTP client:
each person arrives at a random moment of the arrival window, fetches a step's files 6 at a
time (like a browser) and its callbacks in the recorded order, and pauses 1-3 s between steps.

Scenarios: arrivals spread over 30 s (target: 0 errors, callback p95 < 150 ms), over 5 s
(target: 0 errors, p99 < 1 s), and over 30 s with one worker killed (SIGKILL) 10 s in, the
first moment after that when a worker holds a connection, the one holding most (target: no
request lost but those that worker was answering; the lost ones are counted). Printed per
scenario: requests/s, p50/p95/p99 per kind of request (page, static file, layout, callback),
errors, the workers' memory (RSS, and PSS: RSS with the pages shared after the fork divided
among the sharers), the machine's load average before and after (the machine may be shared:
compare runs made back to back) and the CPU time of this client (a busy client slows every
figure down).

    .venv/bin/python bench/bench_event.py [--data DIR] [--people 100] [--seed 1]
        [--only 30s|5s|kill ...] [--visits FILE]

Without ``--data`` the illustrative town is simulated into a temporary folder first. With
``--visits`` the recorded visits are read from FILE if it exists, else recorded and saved
there, so that two versions of the server can be replayed the same requests. gunicorn's settings
can be changed for one run through its ``GUNICORN_CMD_ARGS`` and ``WEB_CONCURRENCY``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

from conftest import (  # noqa: E402  (the browser-test harness: one definition of "drawn")
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOPBACK,
    wait_until_dash_idle,
)

VIEWS = ("places", "deprivation", "cohorts", "data", "trend")
BROWSER_CONNECTIONS = 6  # per person and step, as a browser fetches files from one host
THINK_SECONDS = (1.0, 3.0)
REQUEST_TIMEOUT = 30.0
KINDS = ("page", "static", "layout", "callback")


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query
    body: bytes | None
    kind: str


@dataclass
class Result:
    kind: str
    started: float  # time.perf_counter()
    seconds: float
    ok: bool
    problem: str = ""


@dataclass
class Scenario:
    name: str
    window: float
    kill_after: float | None = None
    killed_at: float | None = None  # time.perf_counter() of the kill
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    memory: list[tuple[int, int]] = field(default_factory=list)  # (rss, pss) per worker


def kind_of(path: str) -> str:
    if path.startswith("/_dash-update-component"):
        return "callback"
    if path.startswith(("/_dash-layout", "/_dash-dependencies")):
        return "layout"
    if path.startswith(("/assets/", "/_dash-component-suites/", "/_favicon")):
        return "static"
    return "page"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def start_gunicorn(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "MARMOT_DATA_DIR": str(data_dir), "MARMOT_BIND": f"{LOOPBACK}:{port}"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        process = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "app:server"],
                                   cwd=REPO_ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/readyz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not become ready")


def record_visit(base: str, principle: int) -> list[list[Request]]:
    """One person's visit from Chromium, as steps of requests that reached the server."""
    from playwright.sync_api import sync_playwright

    steps: list[list[Request]] = []

    def capture(route) -> None:
        request = route.request
        url = urlparse(request.url)
        if url.hostname != LOOPBACK:
            route.abort()
            return
        target = url.path + (f"?{url.query}" if url.query else "")
        body = request.post_data_buffer if request.method == "POST" else None
        steps[-1].append(Request(request.method, target, body, kind_of(url.path)))
        route.continue_()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.route("**/*", capture)  # (routing turns the HTTP cache off: files count once)
        steps.append([])
        page.goto(base + "/")
        wait_until_dash_idle(page, timeout=60)
        steps.append([])
        page.locator(f"a[href='/principle/{principle}']").first.click()
        page.wait_for_selector("#indicator-views")
        wait_until_dash_idle(page, timeout=60)
        for view in VIEWS:
            steps.append([])
            page.locator(f"#view-tab-{view}").click()
            page.wait_for_selector(f"#indicator-views[data-view='{view}']")
            wait_until_dash_idle(page, timeout=60)
        browser.close()
    return steps


async def fetch(port: int, request: Request) -> Result:
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close each one)."""
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(LOOPBACK, port), REQUEST_TIMEOUT)
        body = request.body or b""
        head = (f"{request.method} {request.target} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n"
                "Accept-Encoding: gzip, deflate, br, zstd\r\nConnection: close\r\n")
        if request.method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
        writer.close()
        status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
        ok = 200 <= status < 400
        problem = "" if ok else f"status {status or 'none (connection closed)'}"
    except (OSError, TimeoutError) as error:
        ok, problem = False, type(error).__name__
    return Result(request.kind, started, time.perf_counter() - started, ok, problem)


async def person(port: int, visit: list[list[Request]], arrival: float, rng: random.Random,
                 results: list[Result]) -> None:
    slots = asyncio.Semaphore(BROWSER_CONNECTIONS)

    async def bounded(request: Request) -> Result:
        async with slots:
            return await fetch(port, request)

    await asyncio.sleep(arrival)
    for number, step in enumerate(visit):
        if number:
            await asyncio.sleep(rng.uniform(*THINK_SECONDS))
        files = [request for request in step if request.kind != "callback"]
        callbacks = [request for request in step if request.kind == "callback"]
        results.extend(await asyncio.gather(*(bounded(request) for request in files)))
        for request in callbacks:
            results.append(await fetch(port, request))


def worker_memory(master: int) -> list[tuple[int, int]]:
    memory = []
    for worker in psutil.Process(master).children():
        try:
            info = worker.memory_full_info()
        except psutil.Error:
            continue
        memory.append((info.rss, info.pss))
    return memory


def busiest_worker(master: int) -> tuple[psutil.Process, int]:
    """The worker with the most open client connections, and how many it has."""
    counts = []
    for worker in psutil.Process(master).children():
        try:
            counts.append((sum(c.status == psutil.CONN_ESTABLISHED
                               for c in worker.net_connections("tcp")), worker.pid, worker))
        except psutil.Error:
            continue
    count, _, worker = max(counts)
    return worker, count


def run(scenario: Scenario, port: int, master: int, visits: list[list[list[Request]]],
        people: int, seed: int) -> None:
    rng = random.Random(seed)
    arrivals = sorted(rng.uniform(0, scenario.window) for _ in range(people))
    peak: dict[int, tuple[int, int]] = {}
    done = threading.Event()

    def watch() -> None:
        started = measured = time.perf_counter()
        while not done.wait(0.02):
            if time.perf_counter() - measured > 0.5:
                measured = time.perf_counter()
                for number, usage in enumerate(worker_memory(master)):
                    peak[number] = max(peak.get(number, (0, 0)), usage)
            if (scenario.kill_after is not None and scenario.killed_at is None
                    and time.perf_counter() - started > scenario.kill_after):
                victim, connections = busiest_worker(master)
                if not connections:
                    continue  # every worker idle: look again (the kill must cost something)
                scenario.killed_at = time.perf_counter()
                os.kill(victim.pid, signal.SIGKILL)
                print(f"  kill -9 worker {victim.pid} at {scenario.killed_at - started:.1f} s, "
                      f"its open connections: {connections}")

    watcher = threading.Thread(target=watch)
    watcher.start()
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()

    async def event() -> None:
        await asyncio.gather(*(
            person(port, visits[number % len(visits)], arrival, random.Random(seed + number),
                   scenario.results)
            for number, arrival in enumerate(arrivals)))

    asyncio.run(event())
    scenario.wall = time.perf_counter() - started
    scenario.client_cpu = time.process_time() - cpu
    scenario.load = (load_before, os.getloadavg()[0])
    done.set()
    watcher.join()
    scenario.memory = list(peak.values())


def report(scenario: Scenario) -> None:
    results = scenario.results
    errors = [result for result in results if not result.ok]
    print(f"\n{scenario.name}: {len(results)} requests in {scenario.wall:.1f} s = "
          f"{len(results) / scenario.wall:.1f} requests/s, {len(errors)} errors"
          + (f" ({', '.join(sorted({e.problem for e in errors}))})" if errors else ""))
    if scenario.killed_at is not None:
        in_flight = [e for e in errors
                     if e.started <= scenario.killed_at <= e.started + e.seconds]
        print(f"  lost at the kill: {len(in_flight)} requests in flight then, "
              f"{len(errors) - len(in_flight)} other errors")
    print(f"  load average {scenario.load[0]:.1f} before, {scenario.load[1]:.1f} after; "
          f"this client used {scenario.client_cpu:.1f} s of CPU")
    print(f"  {'kind':<9}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind in (*KINDS, "all"):
        times = sorted(r.seconds * 1000 for r in results if r.ok and kind in (r.kind, "all"))
        if len(times) < 2:
            continue
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        print(f"  {kind:<9}{len(times):>7}{cuts[49]:>9.0f}{cuts[94]:>9.0f}{cuts[98]:>9.0f}"
              f"{times[-1]:>9.0f}")
    if scenario.memory:
        rss = [usage[0] / 2**20 for usage in scenario.memory]
        pss = [usage[1] / 2**20 for usage in scenario.memory]
        print(f"  workers' peak memory: RSS {max(rss):.0f} MB each at most, PSS "
              f"{max(pss):.0f} MB each at most, {sum(pss):.0f} MB for all {len(pss)}")


def load_or_record(base: str, saved: Path | None) -> list[list[list[Request]]]:
    """Visits of principles 1, 4 and 6: read from ``saved`` if it exists, else recorded."""
    if saved is not None and saved.exists():
        return [[[Request(r["method"], r["target"],
                          None if r["body"] is None else r["body"].encode(), r["kind"])
                  for r in step] for step in visit]
                for visit in json.loads(saved.read_text())]
    visits = [record_visit(base, principle) for principle in (1, 4, 6)]
    if saved is not None:
        saved.write_text(json.dumps([[[
            {"method": r.method, "target": r.target, "kind": r.kind,
             "body": None if r.body is None else r.body.decode()} for r in step]
            for step in visit] for visit in visits]))
    return visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="dataset folder (default: simulate the town)")
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=("30s", "5s", "kill"),
                        default=["30s", "5s", "kill"], help="scenarios to run")
    parser.add_argument("--visits", type=Path, help="recorded visits (read, or written)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data
        if data is None:
            from marmot_dash.data.simulate import simulate_dataset

            data = simulate_dataset(Path(scratch) / "dataset")
        port = free_port()
        log = Path(scratch) / "gunicorn.log"
        server = start_gunicorn(data, port, log)
        try:
            base = f"http://{LOOPBACK}:{port}"
            visits = load_or_record(base, args.visits)
            for visit in visits:
                bodies = [len(r.body or b"") for step in visit for r in step]
                print(f"recorded a visit: {sum(map(len, visit))} requests in {len(visit)} steps,"
                      f" largest body {max(bodies)} bytes")
            time.sleep(2)  # the workers' boot lines come after the first one answered
            booted = log.read_text().count("Booting worker")
            print(f"gunicorn -c gunicorn.conf.py {os.environ.get('GUNICORN_CMD_ARGS', '')}: "
                  f"{booted} workers on {os.cpu_count()} CPUs")
            scenarios = {
                "30s": Scenario(f"{args.people} people arriving within 30 s", 30),
                "5s": Scenario(f"{args.people} people arriving within 5 s", 5),
                "kill": Scenario(f"{args.people} people within 30 s, a worker killed", 30,
                                 kill_after=10)}
            for scenario in (scenarios[name] for name in args.only):
                run(scenario, port, server.pid, visits, args.people, args.seed)
                report(scenario)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        print(f"\nserver log lines with errors: "
              f"{sum('[ERROR]' in line for line in log.read_text().splitlines())}")


if __name__ == "__main__":
    main()
