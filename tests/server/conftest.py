"""Real gunicorn on loopback for the server tests: ``run_gunicorn(data_dir, ...)``; and the demo
app with Flask's test client (``app``, ``client``: one per test module)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import router_callback

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
LOOPBACK = "127.0.0.1"
# The overview's first callback, as Chromium sends it (the page router; it needs the summaries).
OVERVIEW_CALLBACK = router_callback("/")


@pytest.fixture(scope="module")
def app(demo_dataset_dir: Path):
    from marmot_dash import create_app

    return create_app(demo_dataset_dir)


@pytest.fixture(scope="module")
def client(app):
    client = app.server.test_client()
    client.get("/")  # Dash finishes its set-up (registers its bundles) on the first request
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    """A running gunicorn: its master process, base URL and log file."""

    process: subprocess.Popen
    url: str
    log: Path

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        return request(self.url + path, timeout=timeout)

    def post_json(self, path: str, body: object, timeout: float = 10) -> tuple[int, bytes]:
        status, _, data = request(self.url + path, json.dumps(body).encode(), timeout=timeout)
        return status, data

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def request(url: str, data: bytes | None = None, timeout: float = 10
            ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request: status, headers and body (HTTP errors are returned, not raised)."""
    headers = {"Content-Type": "application/json"} if data is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers),
                                    timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def gunicorn_env(data_dir: Path, home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "MARMOT_DATA_DIR": str(data_dir), "HOME": str(home),
            "WEB_CONCURRENCY": "2", **extra}


@contextlib.contextmanager
def run_gunicorn(data_dir: Path, tmp_path: Path, *args: str, config: str = "gunicorn.conf.py",
                 ready_timeout: float = 90, **env: str) -> Iterator[Served]:
    """gunicorn -c ``config`` app:server on a free loopback port, stopped (TERM) at the end."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    command = [str(GUNICORN), "-c", config, "--bind", f"{LOOPBACK}:{port}", *args, "app:server"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=gunicorn_env(data_dir, home, **env),
                                   stdout=output, stderr=subprocess.STDOUT)
    served = Served(process, f"http://{LOOPBACK}:{port}", log)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited ({process.returncode}):\n{served.output()}")
            with contextlib.suppress(OSError):
                if served.get("/healthz", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz:\n{served.output()}")
            time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def small_dataset(tmp_path: Path, demo_dataset_dir: Path) -> Path:
    """A copy of the session's illustrative dataset that a test may rebuild or break."""
    import shutil

    return Path(shutil.copytree(demo_dataset_dir, tmp_path / "dataset"))
