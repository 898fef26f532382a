"""Static files from memory (marmot_dash/static.py): the same bytes, compressed once, cacheable."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

import brotli
import flask
import pytest

from marmot_dash import create_app, static
from marmot_dash.static import MIN_SIZE, StaticFiles, zstd

DECODE = {"zstd": zstd.decompress, "br": brotli.decompress, "gzip": gzip.decompress,
          "deflate": zlib.decompress, None: lambda data: data}
ASYNC_CHUNK = "/_dash-component-suites/dash/dcc/async-graph.js"


def page_files(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:src|href)="(/(?:assets|_dash-component-suites|_favicon)[^"]*)"', page)


def file_behind(app, url: str) -> bytes:
    """What Dash and Flask serve at ``url`` without this module (their own file lookup)."""
    path = url.split("?")[0]
    if path.startswith("/assets/"):
        return (Path(app.config.assets_folder) / path.removeprefix("/assets/")).read_bytes()
    if path.startswith("/_favicon"):
        return Path(static.FAVICON).read_bytes()
    from dash.fingerprint import check_fingerprint

    package, fingerprinted = path.removeprefix("/_dash-component-suites/").split("/", 1)
    import pkgutil

    return pkgutil.get_data(package, check_fingerprint(fingerprinted)[0])


@pytest.mark.parametrize("accept, encoding", [
    ("gzip, deflate, br, zstd", "zstd"), ("gzip, deflate, br", "br"), ("gzip", "gzip"),
    ("deflate", "deflate"), ("", None), ("identity", None), ("gzip;q=1.0, br;q=0.5", "gzip")])
def test_every_file_of_the_page_is_served_byte_for_byte(app, client, accept: str,
                                                         encoding: str | None) -> None:
    urls = [*page_files(client), ASYNC_CHUNK, "/assets/lazy/maplibre-gl.min.js"]
    assert len(urls) > 15
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200, url
        body, expected = response.get_data(), file_behind(app, url)
        sent = response.headers.get("Content-Encoding")
        assert sent == (encoding if len(expected) >= MIN_SIZE else None), url
        assert DECODE[sent](body) == expected, url
        assert int(response.headers["Content-Length"]) == len(body)
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_fingerprinted_urls_are_immutable_and_others_revalidated(client) -> None:
    for url in page_files(client):  # Dash's fingerprints: ?m=, ?v= and the bundles' stamps
        assert client.get(url).headers["Cache-Control"] == ("public, max-age=31536000, "
                                                            "immutable"), url
    style = next(url for url in page_files(client) if "style.css" in url)
    for url in (ASYNC_CHUNK, "/assets/style.css", style.split("=")[0] + "=1.0",
                "/_favicon.ico"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-cache", url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.get_data(), url


def test_each_file_is_compressed_once(demo_dataset_dir: Path, monkeypatch) -> None:
    calls: list[bytes] = []
    brotli_once = static.COMPRESS["br"]
    monkeypatch.setitem(static.COMPRESS, "br",
                        lambda data: calls.append(data) or brotli_once(data))
    client = create_app(demo_dataset_dir).server.test_client()
    client.get("/")
    for _ in range(3):
        for url in page_files(client):
            client.get(url, headers={"Accept-Encoding": "br"})
    assert len(calls) == len(set(calls)) > 10  # each file once


def test_an_edited_file_is_read_again_and_a_small_one_sent_as_it_is(tmp_path: Path) -> None:
    files, path = StaticFiles(), tmp_path / "style.css"
    app = flask.Flask(__name__)
    app.config["COMPRESS_MIMETYPES"] = ["text/css"]

    def get() -> flask.Response:
        with app.test_request_context(headers={"Accept-Encoding": "gzip"}):
            return files.response(str(path), lambda _: False)

    path.write_text("p { color: red }\n" * 200)
    first = get()
    assert first.headers["Content-Encoding"] == "gzip"
    path.write_text("p { color: blue }\n")  # a new size: read again
    second = get()
    assert "Content-Encoding" not in second.headers  # below one TCP segment
    assert second.get_data() == path.read_bytes() and second.headers["ETag"] != first.headers[
        "ETag"]


@pytest.mark.parametrize("url", [
    "/_dash-component-suites/dash/nope.js", "/_dash-component-suites/os/path.py",
    "/_dash-component-suites/dash/dcc/async-mathjax.js.map",  # registered, absent on disk
    "/assets/nope.css", "/assets/lazy", "/assets/../app.py", "/assets/%2e%2e/app.py"])
def test_anything_else_is_not_found(client, url: str, caplog) -> None:
    assert client.get(url).status_code == 404
    assert "Traceback" not in caplog.text
