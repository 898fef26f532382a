"""The shipped gunicorn configuration, run for real on loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import (
    GUNICORN,
    LOOPBACK,
    OVERVIEW_CALLBACK,
    REPO_ROOT,
    free_port,
    gunicorn_env,
    run_gunicorn,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("config", ["gunicorn.conf.py", "/dev/null"], ids=["shipped", "bare"])
@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_no_dataset_stops_gunicorn_in_one_line_and_writes_nothing(
        tmp_path: Path, config: str, folder: str) -> None:
    """Shipped config (preload): one line from the master. Bare ``gunicorn app:server``: the
    workers cannot boot and the master stops (no respawn loop). Neither simulates data."""
    data_dir = tmp_path / "data"
    if folder == "empty":
        data_dir.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    started = time.monotonic()
    result = subprocess.run(
        [str(GUNICORN), "-c", config, "--workers", "2", "--bind", f"{LOOPBACK}:{free_port()}",
         "app:server"],
        cwd=REPO_ROOT, env=gunicorn_env(data_dir, home), capture_output=True, text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 30
    output = (result.stdout + result.stderr).strip()
    assert f"error: cannot serve {data_dir}: " in output
    if config == "gunicorn.conf.py":
        assert result.returncode == 3, result.stderr
        assert len(output.splitlines()) == 1, output
    else:
        # gunicorn's own master: when both workers fail at the same moment it can trip over its
        # own HaltServer while halting (exit 1 and its traceback, not ours); either way it stops
        assert result.returncode in (1, 3), result.stderr
        assert output.count("Booting worker") <= 2, output  # no worker was respawned
        assert "Traceback" not in output or "HaltServer" in output, output
        assert "marmot_dash" not in output.split("Traceback", 1)[-1], output
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_preloaded_workers_answer_their_first_requests_promptly(
        small_dataset: Path, tmp_path: Path) -> None:
    """No lock or thread crosses the fork: every worker's first overview answers at once."""
    pids: set[int] = set()
    with run_gunicorn(small_dataset, tmp_path, "--preload", "--timeout", "60") as served, \
            ThreadPoolExecutor(4) as pool:
        for _ in range(10):  # a gthread worker may take them all: ask until both have answered
            answers = list(pool.map(
                lambda _: served.post_json("/_dash-update-component", OVERVIEW_CALLBACK,
                                           timeout=15), range(4)))
            assert [status for status, _ in answers] == [200] * 4
            assert all(b'"_pages_content"' in body for _, body in answers)
            log = served.output()
            entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
            pids = {entry["pid"] for entry in entries
                    if entry["path"] == "/_dash-update-component"}
            if len(pids) == 2:
                break
    assert len(pids) == 2, log  # both workers answered


def test_shipped_config_logs_json_hides_gunicorn_and_keeps_out_of_home(
        small_dataset: Path, tmp_path: Path) -> None:
    with run_gunicorn(small_dataset, tmp_path) as served:
        status, headers, _ = served.get("/")
    log = served.output()  # read once gunicorn has stopped: a worker logs after it answers
    assert status == 200
    assert "gunicorn" not in headers.get("Server", "").lower()
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    # workers log in their own order (a readiness probe may come last): find the page's line
    assert any({"path": "/", "status": 200, "method": "GET"}.items() <= entry.items()
               for entry in entries)
    assert not any((tmp_path / "home").iterdir())  # no ~/.gunicorn control socket


def test_hup_serves_a_rebuilt_dataset_without_dropping_requests(
        small_dataset: Path, tmp_path: Path) -> None:
    from marmot_dash.data.simulate import simulate_dataset

    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    with run_gunicorn(small_dataset, tmp_path) as served:
        before = json.loads(served.get("/readyz")[2])["built_at"]

        def keep_asking() -> None:
            nonlocal answered
            while not stop.is_set():
                try:
                    status, _ = served.post_json("/_dash-update-component", OVERVIEW_CALLBACK)
                except OSError as error:
                    failures.append(repr(error))
                else:
                    answered += 1
                    if status != 200:
                        failures.append(str(status))

        clients = [threading.Thread(target=keep_asking) for _ in range(2)]
        for client in clients:
            client.start()
        try:
            time.sleep(1.1)  # built_at has a resolution of one second
            simulate_dataset(small_dataset, seed=7)  # atomic, like marmot-dash build
            served.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 90
            while json.loads(served.get("/readyz")[2])["built_at"] == before:
                assert time.monotonic() < deadline, served.output()
                time.sleep(0.5)
            time.sleep(1)
            # a broken dataset is refused on HUP: the one loaded stays in service
            (small_dataset / "dataset.yaml").write_text("name: broken\n", encoding="utf-8")
            after = json.loads(served.get("/readyz")[2])["built_at"]
            served.process.send_signal(signal.SIGHUP)
            time.sleep(3)
            assert served.process.poll() is None
            assert json.loads(served.get("/readyz")[2])["built_at"] == after
        finally:
            stop.set()
            for client in clients:
                client.join()
    log = served.output()
    assert after != before
    assert not failures, failures
    assert answered > 10
    assert "Reload refused" in log
