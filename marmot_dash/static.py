"""Static files from memory, each compressed once: what every new phone at an event downloads.

A first visit fetches 23 files (plotly.js, MapLibre, React, Dash's bundles, ``assets/``).
flask-compress would compress each of them again on every request (Flask's static view streams,
and streamed responses are compressed chunk by chunk, never cached). ``serve_static_from_memory``
replaces the views of ``/assets/``, ``/_dash-component-suites/`` and ``/_favicon.ico``: a file is
read once per worker and compressed once per encoding the browsers ask for (zstd, br, gzip,
deflate), kept beside its modification time and size (an edited file is read again), and sent
from memory with an ETag (``If-None-Match`` gets 304).

Caching in browsers: URLs Dash fingerprints (the component bundles' version stamp, ``?m=`` of
an asset when it is the file's current modification time, ``?v=`` of the favicon) are
``immutable`` for a year; the rest (webpack's async chunks, ``assets/lazy``) are revalidated.

The files served are those Dash's and Flask's views served: regular files inside ``assets/``,
the bundles Dash registered, its favicon; anything else is a 404 (Dash answered an unknown
bundle with a 500 and a logged traceback). The memory used is bounded by those files. Responses
under ``COMPRESS_MIN_SIZE`` (one TCP segment) are sent as they are, here and by flask-compress.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import stat
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import dash
import flask
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask_compress.flask_compress import _choose_algorithm  # its Accept-Encoding q-values
from werkzeug.security import safe_join

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

MIN_SIZE = 1400  # bytes: a response this small fits one TCP segment; compressing it gains nothing
ENCODINGS = ("zstd", "br", "gzip", "deflate")  # the server's preference, as flask-compress's
# Levels for a file compressed once per worker (a few tenths of a second for the largest, 1.7 MB):
# close to the best ratio each format reaches at speeds that keep a cold worker responsive.
COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": lambda data: zstd.compress(data, 9),
    "br": lambda data: brotli.compress(data, quality=5),
    "gzip": lambda data: gzip.compress(data, 6, mtime=0),
    "deflate": lambda data: zlib.compress(data, 6),
}
# Levels for a generated download, compressed once when first asked for and kept (flask-compress's
# own levels): a 5 MB CSV takes 5 ms with zstd, 30 with br, 46 with gzip.
QUICK_COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "zstd": lambda data: zstd.compress(data, 3),
    "br": lambda data: brotli.compress(data, quality=4),
    "gzip": lambda data: gzip.compress(data, 6, mtime=0),
    "deflate": lambda data: zlib.compress(data, 6),
}
YEAR = 365 * 24 * 3600
ASSETS_ENDPOINT = "_dash_assets.static"
SUITES_RULE = "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"
FAVICON_RULE = "/_favicon.ico"
FAVICON = os.path.join(os.path.dirname(dash.__file__), "favicon.ico")  # Dash's own

Current = Callable[[os.stat_result], bool]  # does the URL name this version of the file?


@dataclass
class StaticFile:
    """One file's bytes as read, and its encodings made so far."""

    stamp: tuple[int, int]  # modification time (ns) and size when read
    mimetype: str
    identity: bytes
    encoded: dict[str, bytes] = field(default_factory=dict)

    def body(self, encoding: str | None) -> bytes:
        if encoding is None:
            return self.identity
        if encoding not in self.encoded:
            # Two threads of a worker may both compress a cold file: the same bytes, stored twice.
            self.encoded[encoding] = COMPRESS[encoding](self.identity)
        return self.encoded[encoding]


class StaticFiles:
    """The files a worker has served, by absolute path."""

    def __init__(self, min_size: int = MIN_SIZE) -> None:
        self.min_size = min_size
        self.files: dict[str, StaticFile] = {}

    def response(self, path: str, current: Current) -> flask.Response | None:
        """The file at ``path`` for this request, or None if it is not a regular file.

        ``current(status)`` says whether the URL names this version of the file (immutable).
        """
        try:
            status = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        cached = self.files.get(path)
        if cached is None or cached.stamp != stamp:
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            cached = self.files[path] = StaticFile(stamp, mimetype, Path(path).read_bytes())
        compressible = (len(cached.identity) >= self.min_size
                        and cached.mimetype in flask.current_app.config["COMPRESS_MIMETYPES"])
        encoding = accepted_encoding() if compressible else None
        response = flask.Response(cached.body(encoding), mimetype=cached.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        response.set_etag(f"{stamp[0]:x}-{stamp[1]:x}" + (f"-{encoding}" if encoding else ""))
        response.last_modified = status.st_mtime
        if current(status):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response.make_conditional(flask.request)


def accepted_encoding() -> str | None:
    """The encoding to send this request's response in (None: as it is), by the server's
    preference among those its ``Accept-Encoding`` accepts."""
    return _choose_algorithm(ENCODINGS, flask.request.headers.get("Accept-Encoding", ""))


def serve_static_from_memory(app: Dash) -> None:
    """Serve ``assets/``, Dash's component bundles and its favicon through ``StaticFiles``."""
    server = app.server
    server.config["COMPRESS_MIN_SIZE"] = MIN_SIZE
    files = StaticFiles(MIN_SIZE)
    assets = app.config.assets_folder
    suites = next(rule.endpoint for rule in server.url_map.iter_rules()
                  if rule.rule == SUITES_RULE)
    favicon = next(rule.endpoint for rule in server.url_map.iter_rules()
                   if rule.rule == FAVICON_RULE)

    def asset(filename: str) -> tuple[str | None, Current]:
        stamp = flask.request.args.get("m")  # Dash writes the file's st_mtime there
        return safe_join(assets, filename), lambda status: stamp == str(status.st_mtime)

    def suite(package_name: str, fingerprinted_path: str) -> tuple[str | None, Current]:
        path_in_package, fingerprinted = check_fingerprint(fingerprinted_path)
        if path_in_package not in app.registered_paths.get(package_name, ()):
            return None, _never  # not a bundle Dash serves
        folder = os.path.dirname(sys.modules[package_name].__file__)
        return os.path.join(folder, path_in_package), lambda _: fingerprinted

    def dash_favicon() -> tuple[str | None, Current]:
        version = flask.request.args.get("v")
        return FAVICON, lambda _: version == dash.__version__

    for endpoint, locate in ((ASSETS_ENDPOINT, asset), (suites, suite), (favicon, dash_favicon)):
        server.view_functions[endpoint] = _from_memory(files, locate)


def _from_memory(files: StaticFiles, locate: Callable[..., tuple[str | None, Current]]
                 ) -> Callable[..., flask.Response]:
    """A view answering from ``files`` with the file ``locate`` finds (404 if none)."""

    def serve(**arguments: str) -> flask.Response:
        path, current = locate(**arguments)
        response = files.response(path, current) if path else None
        if response is None:
            flask.abort(404)
        return response

    return serve


def _never(_: os.stat_result) -> bool:
    return False
