"""create_app and app.py without a browser: serving, sizes, errors, the default dataset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from marmot_dash import create_app
from marmot_dash.app_state import get_store
from marmot_dash.components.tiles import readable_text_colour
from marmot_dash.data.errors import DatasetError

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app(demo_dataset_dir: Path):
    return create_app(demo_dataset_dir)


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def test_create_app_refuses_a_folder_without_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        create_app(tmp_path)


@pytest.mark.parametrize("path", ["/", "/principle/1", "/themes", "/principle/x", "/nowhere"])
def test_every_address_serves_the_app_page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert b'<html lang="en">' in response.data


def test_first_response_is_small(client) -> None:
    index = client.get("/")
    layout = client.get("/_dash-layout")
    assert len(index.data) < 20_000
    assert len(layout.data) < 30_000
    assert "Illustrative data" in layout.get_data(as_text=True)


def test_store_is_found_inside_a_request(app, client) -> None:
    with app.server.test_request_context("/"):
        assert get_store().area_code == app.server.extensions["marmot_dash"].store.area_code


def test_server_error_is_a_plain_page_without_traceback(demo_dataset_dir: Path) -> None:
    def fail() -> str:
        raise RuntimeError("secret internals")

    fresh = create_app(demo_dataset_dir)
    fresh.server.add_url_rule("/_test_failure", "test_failure", fail)
    response = fresh.server.test_client().get("/_test_failure")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "something went wrong" in text.lower()
    assert "Traceback" not in text and "secret internals" not in text


def test_every_app_in_a_process_gets_the_shared_callbacks(app, demo_dataset_dir: Path) -> None:
    second = create_app(demo_dataset_dir)
    for each in (app, second):
        each.server.test_client().get("/")  # Dash finishes its set-up on the first request
    outputs = [
        {spec["output"] for spec in json.loads(
            each.server.test_client().get("/_dash-dependencies").data)}
        for each in (app, second)
    ]
    assert outputs[0] == outputs[1]
    assert any("nav-link" in output for output in outputs[0])


@pytest.mark.parametrize(
    ("background", "text"),
    [("#92D050", "#000000"), ("#FFC000", "#000000"), ("#C00000", "#FFFFFF"),
     ("#5555E6", "#FFFFFF"), ("#BED2FF", "#000000"), ("#C9C9C9", "#000000")],
)
def test_chip_text_has_the_better_contrast(background: str, text: str) -> None:
    assert readable_text_colour(background) == text


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_app_module_never_simulates_a_dataset(tmp_path: Path, folder: str) -> None:
    """The WSGI module serves what is there: no dataset, one line, exit 3 (gunicorn halts)."""
    data_dir = tmp_path / "data"
    if folder == "empty":
        data_dir.mkdir()
    env = {**os.environ, "MARMOT_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: cannot serve {data_dir}: ")
    assert len(result.stderr.splitlines()) == 1 and not result.stdout
    assert not data_dir.exists() or not any(data_dir.iterdir())


def test_app_module_refuses_a_bad_dataset_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "dataset.yaml").write_text("name: broken\n", encoding="utf-8")
    env = {**os.environ, "MARMOT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 3
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_create_app_starts_no_thread(demo_dataset_dir: Path) -> None:
    """gunicorn --preload forks after create_app: a thread then would not survive the fork."""
    import threading

    before = set(threading.enumerate())
    create_app(demo_dataset_dir)
    assert set(threading.enumerate()) <= before
