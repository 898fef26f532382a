"""Hostile and operational requests against create_app (Flask's test client, no browser)."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from marmot_dash import create_app
from marmot_dash.data.errors import UserError
from marmot_dash.server import MAX_REQUEST_BYTES

from .conftest import OVERVIEW_CALLBACK

CALLBACK = "/_dash-update-component"


def test_healthz_and_readyz(client, demo_dataset_dir: Path) -> None:
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.headers["Cache-Control"] == "no-store"
    meta = create_app(demo_dataset_dir).server.extensions["marmot_dash"].dataset.meta
    assert ready.get_json() == {"ready": True, "built_at": meta["built_at"],
                                "illustrative": True}


def test_a_well_formed_callback_is_answered(client) -> None:
    response = client.post(CALLBACK, json=OVERVIEW_CALLBACK)
    assert response.status_code == 200
    assert "_pages_content" in response.get_json()["response"]


def test_request_bodies_are_capped_and_never_echoed(client, caplog) -> None:
    secret = "EVIL" * (MAX_REQUEST_BYTES // 4 + 1)
    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, data=json.dumps({"output": secret}),
                               content_type="application/json")
    assert response.status_code == 413
    assert len(response.data) < 200 and b"EVIL" not in response.data
    assert "EVIL" not in caplog.text


MALFORMED = {
    "not JSON": b"{nope",
    "a list": b"[]",
    "no output": b"{}",
    "unknown output": json.dumps({"output": "x" * 5000 + ".children"}).encode(),
    "inputs not a list": json.dumps({**OVERVIEW_CALLBACK, "inputs": "zz"}).encode(),
    "input without id": json.dumps({**OVERVIEW_CALLBACK, "inputs": [{"value": 1}] * 2}).encode(),
    "too few inputs": json.dumps({**OVERVIEW_CALLBACK,
                                  "inputs": OVERVIEW_CALLBACK["inputs"][:1]}).encode(),
    "outputs a number": json.dumps({**OVERVIEW_CALLBACK, "outputs": 5}).encode(),
    "one output for two": json.dumps({**OVERVIEW_CALLBACK,
                                      "outputs": OVERVIEW_CALLBACK["outputs"][:1]}).encode(),
    "changed ids not names": json.dumps({**OVERVIEW_CALLBACK, "changedPropIds": [1]}).encode(),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_callbacks_get_400_without_a_traceback(client, caplog, body: bytes) -> None:
    with caplog.at_level(logging.INFO):
        response = client.post(CALLBACK, data=body, content_type="application/json")
    assert response.status_code == 400
    assert len(response.data) < 200 and b"xxxxxxxxxx" not in response.data
    assert not [record for record in caplog.records if record.exc_info or
                record.levelno >= logging.ERROR]
    assert "x" * 100 not in caplog.text  # a bad value is quoted short, if at all


def test_page_config_does_not_name_versions(client) -> None:
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'id="_dash-config" type="application/json">(.*?)</script>',
                                  page).group(1))
    assert not {"python_version", "dash_version", "plotly_version"} & set(config)
    assert "Python" not in client.get("/").headers.get("Server", "")


@pytest.mark.parametrize("path", ["/", "/principle/1", "/healthz", "/_dash-layout",
                                  "/assets/style.css", "/nowhere"])
def test_every_response_carries_the_security_headers(client, path: str) -> None:
    headers = client.get(path).headers
    policy = dict(part.split(" ", 1) for part in headers["Content-Security-Policy"].split("; "))
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] and headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_the_policy_allows_exactly_the_inline_scripts_of_the_page(client) -> None:
    import base64
    import hashlib

    response = client.get("/")
    scripts = re.findall(r"<script>(.*?)</script>|<script id=\"_dash-renderer\" "
                         r"type=\"application/javascript\">(.*?)</script>",
                         response.get_data(as_text=True), flags=re.S)
    inline = [a or b for a, b in scripts]
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_hsts_over_https_and_behind_a_trusted_proxy(demo_dataset_dir: Path, monkeypatch):
    plain = create_app(demo_dataset_dir).server.test_client()
    assert "Strict-Transport-Security" in plain.get("/", base_url="https://dash.example").headers
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" not in plain.get("/", headers=forwarded).headers
    monkeypatch.setenv("MARMOT_TRUSTED_PROXIES", "1")
    behind = create_app(demo_dataset_dir).server.test_client()
    assert "Strict-Transport-Security" in behind.get("/", headers=forwarded).headers


def test_frame_ancestors_come_from_the_environment(demo_dataset_dir: Path, monkeypatch):
    monkeypatch.setenv("MARMOT_FRAME_ANCESTORS", "'self' https://intranet.example.gov.uk")
    headers = create_app(demo_dataset_dir).server.test_client().get("/").headers
    assert ("frame-ancestors 'self' https://intranet.example.gov.uk"
            in headers["Content-Security-Policy"])
    assert "X-Frame-Options" not in headers


@pytest.mark.parametrize(("name", "value"), [
    ("MARMOT_FRAME_ANCESTORS", "'self'; script-src *"),
    ("MARMOT_FRAME_ANCESTORS", "https://a.example\r\nSet-Cookie: x=1"),
    ("MARMOT_TRUSTED_PROXIES", "lots"),
])
def test_bad_settings_are_refused_in_one_line(demo_dataset_dir: Path, monkeypatch,
                                              name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(UserError, match=name):
        create_app(demo_dataset_dir)


def test_themes_page_reads_themes_yaml_once_with_the_dataset(demo_dataset_dir: Path,
                                                             tmp_path: Path) -> None:
    dataset = Path(shutil.copytree(demo_dataset_dir, tmp_path / "dataset"))
    app = create_app(dataset)
    (dataset / "themes.yaml").unlink()  # the page must not go back to the file
    body = {"output": OVERVIEW_CALLBACK["output"], "outputs": OVERVIEW_CALLBACK["outputs"],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/themes"},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": OVERVIEW_CALLBACK["changedPropIds"]}
    client = app.server.test_client()
    client.get("/")
    page = json.dumps(client.post(CALLBACK, json=body).get_json())
    assert "stage-done" in page or "stage-planned" in page  # the stages timeline
    assert "Something went wrong" not in page
