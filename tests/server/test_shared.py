"""Across machines: two app servers, a real redis-server and a real Celery worker on loopback.

Each test starts ``redis-server`` (Debian's package) on a free port with its files in a temporary
folder, and gunicorn servers with ``REDIS_URL`` pointing at it, as two machines would.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from .conftest import LOOPBACK, OVERVIEW_CALLBACK, REPO_ROOT, free_port, request, run_gunicorn

REDIS_SERVER = shutil.which("redis-server")
CELERY = Path(sys.executable).with_name("celery")
SECRET = "a-test-secret-of-more-than-thirty-two-characters"
CALLBACK_PATH = "/_dash-update-component"
RUN_SHEET = "one-chart"
ERROR_WORDS = ("went wrong", "Traceback", "Error")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of its own on a free loopback port (stopped at the end, or by a test)."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    url = f"redis://{LOOPBACK}:{free_port()}/0"
    start_redis(url, tmp_path / "redis")
    try:
        yield url
    finally:
        stop_redis(url)


_redis_processes: dict[str, subprocess.Popen] = {}


def start_redis(url: str, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    port = url.rsplit(":", 1)[1].split("/")[0]
    with (folder / "redis.log").open("a") as log:
        process = subprocess.Popen(
            [REDIS_SERVER, "--bind", LOOPBACK, "--port", port, "--dir", str(folder),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT)
    _redis_processes[url] = process
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        with contextlib.suppress(redis.ConnectionError):
            if client.ping():
                return
        assert process.poll() is None and time.monotonic() < deadline, "redis did not start"
        time.sleep(0.1)


def stop_redis(url: str) -> None:
    process = _redis_processes[url]
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=20)


def shared_env(url: str) -> dict[str, str]:
    return {"REDIS_URL": url, "MARMOT_SECRET_KEY": SECRET, "WEB_CONCURRENCY": "1"}


@contextlib.contextmanager
def two_servers(data_dir: Path, tmp_path: Path, url: str) -> Iterator[tuple]:
    with (run_gunicorn(data_dir, tmp_path, **shared_env(url)) as first,
          run_gunicorn(data_dir, tmp_path, **shared_env(url)) as second):
        yield first, second


def page_callback(pathname: str, search: str = "") -> dict:
    """The page router's callback for an address, as Chromium sends it."""
    body = json.loads(json.dumps(OVERVIEW_CALLBACK))
    body["inputs"][0]["value"] = pathname
    body["inputs"][1]["value"] = search
    return body


def post(served, body: dict, query: dict | None = None) -> tuple[int, dict, bytes]:
    path = CALLBACK_PATH + (f"?{urlencode(query)}" if query else "")
    return request(served.url + path, json.dumps(body).encode(), timeout=60)


@pytest.mark.slow
def test_a_view_drawn_by_one_server_is_served_from_redis_by_the_other_and_redis_down_is_no_error(
        small_dataset: Path, tmp_path: Path, redis_url: str) -> None:
    view = page_callback("/principle/1", "?view=deprivation")
    csv = "/download/chart-data/1.csv?view=trend"
    with two_servers(small_dataset, tmp_path, redis_url) as (first, second):
        status, headers, drawn = post(first, view)
        assert status == 200 and headers["X-Marmot-Cache"] == "miss"
        status, headers, served = post(second, view)
        assert status == 200 and headers["X-Marmot-Cache"] == "shared"  # not drawn again
        # the same response (Dash writes a component's wildcard props in set order, which
        # differs between processes, so compare the parsed JSON, not the bytes)
        assert json.loads(served) == json.loads(drawn)
        assert b'"indicator-views"' in served and b'"data-view":"deprivation"' in served
        status, headers, repeat = post(second, view)
        assert headers["X-Marmot-Cache"] == "local" and json.loads(repeat) == json.loads(drawn)

        status, headers, data = first.get(csv)
        assert status == 200 and headers["X-Marmot-Cache"] == "miss"
        status, headers, shared = second.get(csv)
        assert status == 200 and headers["X-Marmot-Cache"] == "shared" and shared == data
        assert headers["Content-Type"].startswith("text/csv")

        keys = {key.decode() for key in redis.Redis.from_url(redis_url).keys("marmot:*")}
        assert {key.split(":")[1] for key in keys} == {"view", "chart-csv"}
        assert len({key.split(":")[2] for key in keys}) == 1  # one dataset build

        stop_redis(redis_url)  # mid-run: both servers go on drawing, uncached
        for served_by in (first, second, first):
            for search in ("?view=trend", "?view=cohorts", "?view=deprivation"):
                status, headers, body = post(served_by, page_callback("/principle/2", search))
                assert status == 200, body[:300]
                assert headers["X-Marmot-Cache"] in ("uncached", "local")
                assert b'"indicator-views"' in body
                assert not any(word.encode() in body for word in ERROR_WORDS)
            status, headers, body = served_by.get(csv.replace("1.csv", "2.csv"))
            assert status == 200 and body.count(b"\n") > 5
        logs = first.output(), second.output()
    for log in logs:
        assert log.count("is not answering") == 1, log  # one warning per worker, no traceback
        assert "Traceback" not in log


def dash_config(served) -> dict:
    status, _, page = served.get("/")
    assert status == 200
    found = re.search(rb'<script id="_dash-config" type="application/json">(.*?)</script>', page,
                      re.S)
    return json.loads(found.group(1))


def deck_callback(served) -> dict:
    """The deck button's callback for the run sheet's page, as Chromium sends it."""
    _, _, raw = served.get("/_dash-dependencies")
    spec = next(item for item in json.loads(raw) if "deck-download.data" in item["output"])
    return {
        "output": spec["output"],
        "outputs": [{"id": "deck-download", "property": "data"},
                    {"id": "deck-status", "property": "children"}],
        "inputs": [{"id": "deck-button", "property": "n_clicks", "value": 1}],
        "state": [{"id": "deck-source", "property": "data", "value": {"run_sheet": RUN_SHEET}}],
        "changedPropIds": ["deck-button.n_clicks"],
    }


@contextlib.contextmanager
def celery_worker(data_dir: Path, tmp_path: Path, url: str) -> Iterator[Path]:
    """``celery -A marmot_dash.jobs worker`` (one process), stopped (TERM) at the end."""
    log = tmp_path / "celery.log"
    env = {**os.environ, "MARMOT_DATA_DIR": str(data_dir), "HOME": str(tmp_path),
           **shared_env(url)}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(CELERY), "-A", "marmot_dash.jobs", "worker", "--concurrency", "1",
             "--loglevel", "info", "--without-gossip", "--without-mingle"],
            cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while " ready." not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_deck_started_on_one_server_is_made_by_a_celery_worker_and_fetched_from_the_other(
        small_dataset: Path, tmp_path: Path, redis_url: str) -> None:
    from pptx import Presentation

    from marmot_dash.data import load_dataset
    from marmot_dash.data.run_sheets import RunSheet, Step, save_run_sheet
    from marmot_dash.data.store import Store

    indicator = Store(load_dataset(small_dataset)).indicators(principle=1)["indicator_id"][0]
    save_run_sheet(small_dataset, RunSheet(RUN_SHEET, "One chart", (
        Step(1, indicator, "trend", None, None, False, "", ""),)))
    with (celery_worker(small_dataset, tmp_path, redis_url) as worker_log,
          two_servers(small_dataset, tmp_path, redis_url) as (first, second)):
        end_id = dash_config(first)["end_id"]
        body = deck_callback(first)
        status, _, started = post(first, body, {"endId": end_id})
        assert status == 200, started
        handles = json.loads(started)
        assert {"cacheKey", "job"} <= handles.keys()

        deadline = time.monotonic() + 180
        while True:  # the page's polls, answered by the other server
            status, _, polled = post(second, body, {**handles, "endId": end_id})
            assert status == 200, polled[:300]
            answer = json.loads(polled)
            if "response" in answer:
                break
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(1)
        download = answer["response"]["deck-download"]["data"]
        assert download["filename"].endswith(".pptx")
        deck = Presentation(io.BytesIO(base64.b64decode(download["content"])))
        assert len(deck.slides) == 3  # title, the chart, sources
        assert "Slides ready" in json.dumps(answer["response"]["deck-status"])
        assert "succeeded" in worker_log.read_text()  # made by the worker, not a web server

        stop_redis(redis_url)  # the queue is down: the deck's status line says so
        asked = time.monotonic()
        status, _, refused = post(first, body, {"endId": dash_config(first)["end_id"]})
        assert time.monotonic() - asked < 10
        assert status == 200, refused[:300]
        told = json.loads(refused)["response"]
        assert told["deck-status"]["children"] == (
            "The job could not be started: the job queue is not answering just now. "
            "Please try again in a few minutes.")
        assert "deck-download" not in told
        assert "Traceback" not in first.output()


def test_the_cache_skips_a_stopped_redis_with_one_warning_and_uses_it_again_when_it_is_back(
        tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import flask

    from marmot_dash import cache

    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setattr(cache, "RETRY_SECONDS", 0.5)
    cache.configure(flask.Flask(__name__))
    shared = cache.shared_cache()
    try:
        assert shared.set("probe", b"drawn") and shared.get("probe") == b"drawn"
        stop_redis(redis_url)
        with caplog.at_level("WARNING", logger="marmot_dash.cache"):
            assert [shared.set("probe", b"again"), shared.get("probe"), shared.get("probe")] \
                == [False, None, None]
            start_redis(redis_url, tmp_path / "redis")  # empty: nothing was saved
            time.sleep(0.6)
            assert shared.set("probe", b"back") and shared.get("probe") == b"back"
        assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
            f"The shared cache at {redis_url} is not answering",
            f"The shared cache at {redis_url} answers again"]
    finally:
        monkeypatch.delenv("REDIS_URL")
        cache.configure(flask.Flask(__name__))  # back to one machine for the next tests


@pytest.mark.parametrize(("env", "problem"), [
    ({"REDIS_URL": "http://redis:6379"}, "REDIS_URL must start with redis://"),
    ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL needs MARMOT_SECRET_KEY"),
    ({"REDIS_URL": "redis://127.0.0.1:1/0", "MARMOT_SECRET_KEY": "short"},
     "REDIS_URL needs MARMOT_SECRET_KEY"),
])
def test_a_bad_shared_setting_stops_the_app_in_one_line(
        monkeypatch: pytest.MonkeyPatch, env: dict, problem: str) -> None:
    from marmot_dash.background import background_manager
    from marmot_dash.data.errors import UserError

    monkeypatch.delenv("MARMOT_SECRET_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UserError, match=problem):
        background_manager()
