"""Start-up and memory at England scale, side by side with the figures of issue 12.

Measures, on the England-sized illustrative dataset (32,844 small areas, 17M value rows):

- worker ready: what ``app.py`` does in a fresh process, as a gunicorn worker without
  ``--preload`` (or the master with it) does: imports, ``create_app`` (the dataset load and the
  Store) and ``server.warm`` (the summaries), in wall and CPU seconds, with the process's
  resident and private (USS) memory after it and its peak (max RSS);
- gunicorn serving ``app:server`` with 2 sync workers, with ``--preload`` (the app loaded once
  in the master, workers forked: a worker is ready as soon as it is forked) and without: seconds
  until ``/`` answers, and each worker's private memory (USS) after a few page renders, and the
  whole server's proportional set size (PSS);
- callbacks (``bench_callbacks.py``'s payloads, Flask test client): the worst cold p95 (every
  cache emptied first) and the worst cached median, at England scale; the town's cold median.

    .venv/bin/python bench/bench_scale.py [--data DIR] [--town DIR] [--baseline-code DIR]
                                          [--baseline-data DIR] [--repeat 20] [--skip-gunicorn]

``--data`` / ``--town``: dataset folders, simulated there when absent (default: folders in the
system temporary directory, kept between runs). ``--baseline-code``: a checkout of the code to
compare with (``git worktree add /tmp/main-code main``); the same measurements are then made
with that code on the same machine, just before, and printed beside these; ``--baseline-data``:
the England dataset as that code writes it (default ``--data``; a dataset format change, such
as values.arrow, needs one recorded by the older code, else it is validated in full). Timings on
a shared machine are noisy: the load average is printed with them, and CPU seconds beside wall
seconds. Profiling a load: ``pip install -e '.[bench]'`` then ``pyinstrument``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
CODE_DIR = BENCH_DIR.parent
GIB = 2**30
MIB = 2**20

# Issue 12's figures for today's code (England scale, this machine) and the targets.
ISSUE = {"ready_s": 18.0, "rss_gib": 2.3, "peak_gib": 6.4,
         "cold_p95_ms": 77.0, "cached_median_ms": 3.0}
TARGETS = {"ready_s": "< 3", "worker_uss_mib_preload": "< 800", "cold_p95_ms": "< 150",
           "cold_cpu_p95_ms": "< 150", "places_pss_gib": "< 4", "places_peak_pss_gib": "< 4",
           "cached_median_ms": "< 10", "town_cold_median_ms": "< 30"}


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# --- measurements made in a child process (so that each starts fresh) -------------------------


def child_ready(data_dir: Path) -> dict:
    """Time to import, ``create_app`` and ``warm`` (as app.py); memory after it and at its
    peak."""
    import psutil

    start, start_cpu = time.perf_counter(), time.process_time()
    from marmot_dash.app_factory import create_app
    from marmot_dash.server import warm

    imported, imported_cpu = time.perf_counter(), time.process_time()
    app = create_app(data_dir)
    created, created_cpu = time.perf_counter(), time.process_time()
    warm(app)
    ready, ready_cpu = time.perf_counter(), time.process_time()
    memory = psutil.Process().memory_full_info()
    return {"import_s": imported - start, "import_cpu_s": imported_cpu - start_cpu,
            "create_app_s": created - imported, "create_app_cpu_s": created_cpu - imported_cpu,
            "warm_s": ready - created, "warm_cpu_s": ready_cpu - created_cpu,
            "ready_s": ready - start, "ready_cpu_s": ready_cpu - start_cpu,
            "rss_gib": memory.rss / GIB, "uss_gib": memory.uss / GIB,
            "anon_gib": anonymous_kib() / 2**20,
            "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB}


def anonymous_kib() -> int:
    """This process's resident anonymous memory (RssAnon): what it allocated, as opposed to
    pages of a mapped file (values.arrow), which stay in the page cache and are shared by every
    process that maps the file, though USS counts them while one process alone maps them."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("RssAnon:"))


def child_callbacks(data_dir: Path, repeat: int) -> dict:
    """Over bench_callbacks' payloads: the worst cold p95, the median of every cold post and
    the worst case's, and the worst cached median."""
    sys.path.insert(0, str(BENCH_DIR))
    from bench_callbacks import callback_cases, make_app, p95, time_cold, time_post

    from marmot_dash.app_state import EXTENSION_KEY

    app = make_app(data_dir)
    client = app.server.test_client()
    client.get("/")
    cases = callback_cases(app, app.server.extensions[EXTENSION_KEY].store)
    cached, cold, cold_cpu = {}, {}, {}
    for name, payload in cases.items():
        cached[name] = statistics.median(time_post(client, payload, repeat)[0])
        cold[name] = time_cold(client, payload, repeat)
        cold_cpu[name] = time_cold(client, payload, repeat, clock=time.thread_time)
    worst = max(cold, key=lambda name: p95(cold[name]))
    return {"cold_p95_ms": p95(cold[worst]), "cold_p95_case": worst,
            "cold_cpu_p95_ms": max(p95(times) for times in cold_cpu.values()),
            "cold_median_ms": statistics.median(t for times in cold.values() for t in times),
            "worst_cold_median_ms": max(statistics.median(times) for times in cold.values()),
            "cached_median_ms": max(cached.values()),
            "cached_case": max(cached, key=cached.get)}


def run_child(code_dir: Path, kind: str, *args: str) -> dict:
    """Run one measurement in a fresh interpreter with ``code_dir``'s marmot_dash."""
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    done = subprocess.run([sys.executable, __file__, "--child", kind, *args], env=env,
                          capture_output=True, text=True, check=False, cwd=code_dir)
    if done.returncode != 0:
        raise SystemExit(f"{kind} measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 60) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _post(url: str, payload: dict) -> int:
    request = urllib.request.Request(url, json.dumps(payload).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        return response.status


def _page_payloads(base: str) -> list[dict]:
    """Page renders (router callback) for a few views of the first indicator, as the browser
    posts them."""
    with urllib.request.urlopen(f"{base}/_dash-dependencies", timeout=60) as response:
        dependencies = json.loads(response.read())
    router = next(d["output"] for d in dependencies if "_pages_content.children" in d["output"])
    searches = ["?view=trend", "?view=places", "?view=places&level=lsoa", "?view=deprivation"]
    return [{
        "output": router,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/principle/1"},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.search"], "state": [],
    } for search in searches]


def gunicorn(code_dir: Path, data_dir: Path, preload: bool, workers: int = 2) -> dict:
    """Seconds until ``/`` answers; each worker's USS and the server's PSS after page renders."""
    import psutil

    port = free_port()
    # app.py's server (create_app, then warm), and no configuration file: gunicorn would read
    # ./gunicorn.conf.py, which preloads, so the run "without --preload" would preload too
    command = [sys.executable, "-m", "gunicorn", "--config", os.devnull, "--workers",
               str(workers), "--timeout", "900", "--bind", f"127.0.0.1:{port}",
               *(["--preload"] if preload else []), "app:server"]
    env = {**os.environ, "PYTHONPATH": str(code_dir), "MARMOT_DATA_DIR": str(data_dir)}
    start = time.perf_counter()
    server = subprocess.Popen(command, cwd=code_dir, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{server.stderr.read()[-3000:]}")
            try:
                if _get(f"{base}/", timeout=5) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        ready = time.perf_counter() - start
        for payload in _page_payloads(base) * workers * 2:  # each worker renders some pages
            _post(f"{base}/_dash-update-component", payload)
        master = psutil.Process(server.pid)
        processes = [master, *master.children()]
        memory = {p.pid: p.memory_full_info() for p in processes}
        worker_uss = [memory[p.pid].uss / MIB for p in processes[1:]]
        return {"ready_s": ready, "worker_uss_mib": worker_uss,
                "master_uss_mib": memory[master.pid].uss / MIB,
                "total_pss_gib": sum(m.pss for m in memory.values()) / GIB}
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server and its workers: a measurement only
        server.wait()


def _router_payload(path: str, search: str = "") -> dict:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def places_server(code_dir: Path, data_dir: Path, workers: int = 2, principles: int = 5
                  ) -> dict:
    """The shipped ``gunicorn.conf.py`` (preload, gthread) with ``WEB_CONCURRENCY=workers``:
    every place's overview rendered once, and principle pages of the first ``principles``
    places; the server's PSS (master and workers) then, and its largest after any 25 places."""
    import psutil

    codes = [place["code"] for place in _places(data_dir)]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code_dir), "MARMOT_DATA_DIR": str(data_dir),
           "WEB_CONCURRENCY": str(workers), "MARMOT_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                               "--timeout", "300", "app:server"], cwd=code_dir, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def pss_gib() -> float:
        master = psutil.Process(server.pid)
        return sum(p.memory_full_info().pss for p in [master, *master.children()]) / GIB

    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{server.stderr.read()[-3000:]}")
            try:
                if _get(f"{base}/", timeout=5) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        start, start_cpu, peak = time.perf_counter(), _tree_cpu(server.pid), pss_gib()
        _post(f"{base}/_dash-update-component", _router_payload("/"))
        for done, code in enumerate(codes, 1):
            _post(f"{base}/_dash-update-component", _router_payload(f"/{code}"))
            if done % 25 == 0:
                peak = max(peak, pss_gib())
        for code in codes[:principles]:
            for search in ("?view=trend", "?view=places&level=lsoa", "?view=data"):
                _post(f"{base}/_dash-update-component",
                      _router_payload(f"/{code}/principle/1", search))
        after = pss_gib()
        return {"places": len(codes), "places_pss_gib": after,
                "places_peak_pss_gib": max(peak, after),
                "places_visit_s": time.perf_counter() - start,
                "places_visit_cpu_s": _tree_cpu(server.pid) - start_cpu}
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server and its workers: a measurement only
        server.wait()


def _places(data_dir: Path) -> list[dict]:
    import yaml

    meta = yaml.safe_load((data_dir / "dataset.yaml").read_text(encoding="utf-8"))
    return meta.get("places") or [meta["area"]]


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (user + system)."""
    import psutil

    processes = [psutil.Process(pid), *psutil.Process(pid).children()]
    return sum(sum(p.cpu_times()[:2]) for p in processes)


# --- the report --------------------------------------------------------------------------------


def measure(code_dir: Path, england: Path, town: Path, repeat: int, skip_gunicorn: bool
            ) -> dict:
    figures: dict = {"load_average": [load_average()]}
    print(f"  worker ready (fresh process) ... load {load_average()}", flush=True)
    figures |= run_child(code_dir, "ready", str(england))
    print(f"  callbacks, England scale ... load {load_average()}", flush=True)
    figures |= run_child(code_dir, "callbacks", str(england), str(repeat))
    print(f"  callbacks, town ... load {load_average()}", flush=True)
    figures["town_cold_median_ms"] = run_child(code_dir, "callbacks", str(town),
                                               str(repeat))["cold_median_ms"]
    if not skip_gunicorn:
        for preload in (True, False):
            print(f"  gunicorn {'--preload' if preload else 'without --preload'}, 2 workers ..."
                  f" load {load_average()}", flush=True)
            served = gunicorn(code_dir, england, preload)
            suffix = "preload" if preload else "no_preload"
            figures[f"server_ready_s_{suffix}"] = served["ready_s"]
            figures[f"worker_uss_mib_{suffix}"] = max(served["worker_uss_mib"])
            figures[f"master_uss_mib_{suffix}"] = served["master_uss_mib"]
            figures[f"total_pss_gib_{suffix}"] = served["total_pss_gib"]
        print(f"  gunicorn -c gunicorn.conf.py, 2 workers, every place's overview ..."
              f" load {load_average()}", flush=True)
        figures |= places_server(code_dir, england)
    figures["load_average"].append(load_average())
    return figures


ROWS = [  # (key, label, format)
    ("ready_s", "worker ready: imports + create_app, s", "{:.1f}"),
    ("ready_cpu_s", "  the same in CPU seconds (less noisy), s", "{:.1f}"),
    ("import_s", "  of which imports, s", "{:.1f}"),
    ("import_cpu_s", "    CPU s", "{:.1f}"),
    ("create_app_s", "  of which create_app (dataset, Store), s", "{:.1f}"),
    ("create_app_cpu_s", "    CPU s", "{:.1f}"),
    ("warm_s", "  of which warm (summaries), s", "{:.1f}"),
    ("warm_cpu_s", "    CPU s", "{:.1f}"),
    ("rss_gib", "held after start (RSS), GiB", "{:.2f}"),
    ("uss_gib", "  private (USS), GiB", "{:.2f}"),
    ("anon_gib", "  allocated (RssAnon; not mapped files), GiB", "{:.2f}"),
    ("peak_gib", "peak while loading (max RSS), GiB", "{:.2f}"),
    ("server_ready_s_preload", "gunicorn --preload -w 2: / answers after, s", "{:.1f}"),
    ("worker_uss_mib_preload", "  private memory per worker (USS, max), MiB", "{:.0f}"),
    ("master_uss_mib_preload", "  master's private memory, MiB", "{:.0f}"),
    ("total_pss_gib_preload", "  whole server (PSS), GiB", "{:.2f}"),
    ("server_ready_s_no_preload", "gunicorn -w 2 (no preload): ready after, s", "{:.1f}"),
    ("worker_uss_mib_no_preload", "  private memory per worker (USS, max), MiB", "{:.0f}"),
    ("total_pss_gib_no_preload", "  whole server (PSS), GiB", "{:.2f}"),
    ("places", "places in the dataset", "{:.0f}"),
    ("places_pss_gib", "every place's overview served, 2 workers: PSS, GiB", "{:.2f}"),
    ("places_peak_pss_gib", "  the most while visiting (every 25 places), GiB", "{:.2f}"),
    ("places_visit_s", "  visiting them took, wall s", "{:.0f}"),
    ("places_visit_cpu_s", "    CPU s (server)", "{:.0f}"),
    ("cold_p95_ms", "cold callback p95 (worst case), ms", "{:.0f}"),
    ("cold_cpu_p95_ms", "  the same in CPU ms (less noisy), ms", "{:.0f}"),
    ("cold_median_ms", "cold callback median (all cases), ms", "{:.0f}"),
    ("worst_cold_median_ms", "cold callback median (worst case), ms", "{:.0f}"),
    ("cached_median_ms", "cached callback median (worst case), ms", "{:.1f}"),
    ("town_cold_median_ms", "town: cold callback median (all cases), ms", "{:.1f}"),
]


def report(columns: dict[str, dict]) -> None:
    names = list(columns)
    print(f"\n{'England scale':46} {'target':>8} " + " ".join(f"{n:>14}" for n in names))
    for key, label, fmt in ROWS:
        cells = [fmt.format(columns[n][key]) if key in columns[n] else "-" for n in names]
        print(f"{label:46} {TARGETS.get(key, ''):>8} " + " ".join(f"{c:>14}" for c in cells))
    for name in names:
        figures = columns[name]
        if "cold_p95_case" in figures:
            print(f"{name}: worst cold p95 in '{figures['cold_p95_case']}', worst cached median"
                  f" in '{figures['cached_case']}'; load average (1/5/15 min) before and after:"
                  f" {' -> '.join(figures['load_average'])}")
    print(f"{os.cpu_count()} CPUs; the issue's figures: {ISSUE}")


def ensure(path: Path, scale: str) -> Path:
    from marmot_dash.data import is_dataset
    from marmot_dash.data.simulate import simulate_dataset

    if not is_dataset(path):
        print(f"Simulating the {scale} dataset into {path} (once) ...", flush=True)
        start = time.perf_counter()
        simulate_dataset(path, scale=scale)
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
    return path


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, data_dir, *rest = sys.argv[2:]
        result = (child_ready(Path(data_dir)) if kind == "ready"
                  else child_callbacks(Path(data_dir), int(rest[0])))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cache = Path(tempfile.gettempdir())
    parser.add_argument("--data", type=Path, default=cache / "marmot-bench-england")
    parser.add_argument("--town", type=Path, default=cache / "marmot-bench-town")
    parser.add_argument("--baseline-code", type=Path,
                        help="a checkout of the code to compare with (e.g. main)")
    parser.add_argument("--baseline-data", type=Path,
                        help="the England dataset for the baseline code (default: --data)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-gunicorn", action="store_true")
    args = parser.parse_args()
    england, town = ensure(args.data, "england"), ensure(args.town, "town")
    columns = {"issue 12": dict(ISSUE)}
    runs = ([("baseline", args.baseline_code, args.baseline_data or england)]
            if args.baseline_code else [])
    for name, code, data in [*runs, ("this code", CODE_DIR, england)]:
        print(f"{name} ({code}, {data}):", flush=True)
        columns[name] = measure(code.resolve(), data, town, args.repeat, args.skip_gunicorn)
    report(columns)


if __name__ == "__main__":
    main()
