"""The cache of rendered views, CSV downloads and finished exports, shared between machines
when ``REDIS_URL`` is set.

Two levels:

- in-process (``functools.lru_cache``, as on one machine): a repeat in the same worker costs a
  dictionary lookup;
- shared (flask-caching's Redis backend, only with ``REDIS_URL``): what one worker or machine
  rendered, every other one reads instead of drawing it again.

Keys name the dataset (:func:`dataset_identity`: its folder, its ``dataset.yaml`` with the build's
``built_at`` and the themes loaded with it), so a rebuilt dataset never serves an old view. Redis
holds bytes this module wrote (JSON, or a file's bytes), never pickles: a value read back is
parsed as data and cannot run code here.

Redis failing is never the user's problem: a connection error or time-out logs one warning, the
shared level is left alone for ``RETRY_SECONDS`` (pages are rendered without it), then tried
again. The ``X-Marmot-Cache`` header of a response says where its cached parts came from:
``local`` (this process), ``shared`` (Redis), ``miss`` (rendered, and stored when shared) or
``uncached`` (rendered; Redis did not answer).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask
from flask_caching import Cache
from plotly.io.json import to_json_plotly
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from marmot_dash.data.errors import UserError
from marmot_dash.views import StoreKey

T = TypeVar("T")

HEADER = "X-Marmot-Cache"
KEY_PREFIX = "marmot:"
SHARED_SECONDS = 24 * 60 * 60  # keys carry the day where it matters; Redis evicts them after
RETRY_SECONDS = 30.0  # after a failure, Redis is left alone this long
MAX_SHARED_BYTES = 32 << 20  # larger values stay in the process only
CONNECT_SECONDS = 1.0  # a Redis that does not accept a connection this fast is down
REPLY_SECONDS = 2.0
REDIS_SCHEMES = ("redis", "rediss", "unix")

log = logging.getLogger(__name__)


def redis_url() -> str | None:
    """``REDIS_URL`` (``redis://``, ``rediss://`` or ``unix://``), or None for one machine."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return None
    if urlsplit(url).scheme not in REDIS_SCHEMES:
        raise UserError("REDIS_URL must start with redis://, rediss:// or unix:// "
                        "(e.g. redis://redis.internal:6379/0)")
    return url


def redis_where(url: str) -> str:
    """Where a Redis URL points, without its password (for log lines)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}" \
        f"{parts.path}"


@dataclass(frozen=True)
class Codec:
    """How a cached value travels as bytes."""

    dumps: Callable[[Any], bytes]
    loads: Callable[[bytes], Any]


# Component trees with plotly figures, CSV text, lists: plotly's JSON (numpy arrays included).
JSON = Codec(lambda value: to_json_plotly(value).encode(), json.loads)
BYTES = Codec(bytes, bytes)  # finished files: PDF, PPTX


class _RawBytes:
    """cachelib's serializer slot, holding bytes as they are (no pickle)."""

    @staticmethod
    def dumps(value: bytes) -> bytes:
        return value

    @staticmethod
    def loads(value: bytes | None) -> bytes | None:
        return value


class SharedCache:
    """flask-caching's Redis backend, with failures turned into "not cached" and one warning."""

    def __init__(self, server: flask.Flask, url: str) -> None:
        self.where = redis_where(url)
        cache = Cache(server, config={
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_KEY_PREFIX": KEY_PREFIX,
            "CACHE_DEFAULT_TIMEOUT": SHARED_SECONDS,
            # fail fast, no retries: the page is drawn instead of waiting for Redis
            "CACHE_OPTIONS": {"socket_connect_timeout": CONNECT_SECONDS,
                              "socket_timeout": REPLY_SECONDS, "retry": Retry(NoBackoff(), 0)},
        })
        self.backend = cache.cache
        self.backend.serializer = _RawBytes()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False

    def get(self, key: str) -> bytes | None:
        return self._call(lambda: self.backend.get(key))

    def set(self, key: str, value: bytes) -> bool:
        """Store ``value``; False when Redis did not take it (down, or the value too big)."""
        if len(value) > MAX_SHARED_BYTES:
            return False
        return bool(self._call(lambda: self.backend.set(key, value)))

    def _call(self, action: Callable[[], T]) -> T | None:
        if time.monotonic() < self._down_until:
            return None
        try:
            result = action()
        except (RedisError, OSError) as error:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_SECONDS
                first, self._down = not self._down, True
            if first:
                log.warning("The shared cache at %s is not answering (%s): pages are drawn "
                            "without it; trying again every %d s", self.where,
                            type(error).__name__, RETRY_SECONDS)
            return None
        if self._down:
            with self._lock:
                self._down = False
            log.warning("The shared cache at %s answers again", self.where)
        return result


_shared: SharedCache | None = None


def configure(server: flask.Flask) -> None:
    """Connect the shared level when ``REDIS_URL`` is set (one client per process, made lazily
    by redis-py, so it is safe to call before gunicorn forks) and add the ``X-Marmot-Cache``
    header to ``server``'s responses."""
    global _shared
    url = redis_url()
    if url is None:
        _shared = None
    elif _shared is None or _shared.where != redis_where(url):
        _shared = SharedCache(server, url)
    server.after_request(_mark_response)


def shared_cache() -> SharedCache | None:
    """The shared level of this process, None on one machine."""
    return _shared


@functools.lru_cache(maxsize=32)
def _identity(key: StoreKey) -> str:
    store = key.store
    dataset = store.dataset
    blob = repr((str(Path(dataset.path).resolve()), store.meta, dataset.themes, dataset.stages))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def dataset_identity(store) -> str:
    """A name for the dataset ``store`` was built from, the same in every process that loaded
    the same build: its folder, its ``dataset.yaml`` (``built_at``, checksum, sources) and its
    themes, as loaded."""
    return _identity(StoreKey(store))


def shared_key(kind: str, store, parts: tuple) -> str:
    """The Redis key (after the prefix) of ``kind`` for ``parts`` of ``store``'s dataset."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{kind}:{dataset_identity(store)}:{digest}"


def remember(kind: str, store, parts: tuple, make: Callable[[], T], codec: Codec = JSON) -> T:
    """``make()``, or what the shared cache holds for it (``parts``: plain values with a stable
    ``repr``, the same in every process)."""
    shared = _shared
    if shared is None:
        _note("miss")
        return make()
    key = shared_key(kind, store, parts)
    raw = shared.get(key)
    if raw is not None and len(raw) <= MAX_SHARED_BYTES:
        try:
            value = codec.loads(raw)
        except ValueError:
            log.warning("Ignored an unreadable %s in the shared cache", kind)
        else:
            _note("shared")
            return value
    value = make()
    _note("miss" if shared.set(key, codec.dumps(value)) else "uncached")
    return value


def memoize(kind: str, *, maxsize: int, codec: Codec = JSON) -> Callable:
    """``functools.lru_cache`` for a function of a ``StoreKey`` and plain values, with the shared
    cache behind it: a miss here asks Redis before calling the function."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.lru_cache(maxsize=maxsize)
        def local(key: StoreKey, *args: Any) -> T:
            return remember(kind, key.store, args, lambda: function(key, *args), codec)

        @functools.wraps(function)
        def cached(key: StoreKey, *args: Any) -> T:
            marks = _marks()
            count = len(marks)
            value = local(key, *args)
            if len(marks) == count:
                marks.append("local")
            return value

        cached.cache_clear = local.cache_clear  # type: ignore[attr-defined]
        return cached

    return decorate


def _marks() -> list[str]:
    if not flask.has_request_context():
        return []
    if "marmot_cache" not in flask.g:
        flask.g.marmot_cache = []
    return flask.g.marmot_cache


def _note(outcome: str) -> None:
    _marks().append(outcome)


def _mark_response(response: flask.Response) -> flask.Response:
    marks = flask.g.get("marmot_cache")
    if marks:
        response.headers[HEADER] = ", ".join(dict.fromkeys(marks))
    return response
