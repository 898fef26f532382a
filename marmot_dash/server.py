"""What the dashboard needs to run as a service: probes, bounded requests, no version leaks.

``configure_server(app)`` (called by ``create_app``) adds:

- ``/healthz`` (the process answers: 200) and ``/readyz`` (the dataset is loaded: its
  ``built_at`` and whether it is illustrative, as JSON), for a load balancer or orchestrator;
- a cap on request bodies (``MAX_REQUEST_BYTES``: 413 beyond it) and a check of every callback
  request's shape before Dash reads it (400 with a short reason, never the value sent, instead of
  a 500 and a logged traceback);
- Dash's page config without the Python, Dash and plotly versions;
- static files (``assets/``, Dash's bundles) from memory, compressed once (``static.py``);
- ``werkzeug``'s ``ProxyFix`` when ``MARMOT_TRUSTED_PROXIES`` says how many proxies (a load
  balancer) sit in front, so ``X-Forwarded-Proto: https`` makes the request secure (HSTS).

``warm(app)`` computes the indicator summaries synchronously and completes Dash's set-up;
``app.py`` calls it once the app is built, so under ``gunicorn --preload`` this happens in the
master, before any fork, and every worker shares it (no thread ever runs across a fork).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any

import flask
from dash import Dash
from dash.exceptions import InvalidCallbackReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from marmot_dash.app_state import EXTENSION_KEY, AppState
from marmot_dash.data.comparisons import place_scorecards
from marmot_dash.data.errors import UserError
from marmot_dash.data.summaries import summaries
from marmot_dash.static import serve_static_from_memory

MAX_REQUEST_BYTES = 256 * 1024  # the largest callback body the pages send is a few KB
EXCERPT_CHARS = 40  # at most this much of a bad value goes into a log line
CALLBACK_PATH = "/_dash-update-component"
# Versions Dash writes into every page's config (only its development tools read them).
HIDDEN_CONFIG = ("python_version", "dash_version", "plotly_version", "ddk_version",
                 "dash_version_url")
# What a callback request's body holds besides the values (Dash's renderer sends exactly these).
DEPENDENCY_LISTS = ("inputs", "state")
# Errors Dash raises outside the callback functions (their own errors go to ``on_error``) when
# a body has the expected keys but not the shape of the callback it names.
MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError,
             InvalidCallbackReturnValue)

log = logging.getLogger(__name__)


class BadCallback(ValueError):
    """A callback request that no page of the dashboard sends."""


def configure_server(app: Dash) -> None:
    """Probes, request limits, a hardened callback endpoint and no versions in the page."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    server.add_url_rule("/healthz", "healthz", _healthz)
    server.add_url_rule("/readyz", "readyz", _readyz)
    server.register_error_handler(400, _short_error)
    server.register_error_handler(413, _short_error)
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules()
                    if rule.rule.endswith(CALLBACK_PATH))
    server.view_functions[endpoint] = _checked_callbacks(app, server.view_functions[endpoint])
    serve_static_from_memory(app)
    page_config = app._config
    app._config = lambda: {key: value for key, value in page_config().items()
                           if key not in HIDDEN_CONFIG}
    proxies = trusted_proxies()
    if proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies)


def trusted_proxies() -> int:
    """``MARMOT_TRUSTED_PROXIES``: how many proxies in front set X-Forwarded-For/-Proto (0)."""
    raw = os.environ.get("MARMOT_TRUSTED_PROXIES", "0").strip()
    if not raw.isdigit() or int(raw) > 10:
        raise UserError(f"MARMOT_TRUSTED_PROXIES must be a number of proxies (0-10), not "
                        f"{excerpt(raw)}")
    return int(raw)


def warm(app: Dash) -> None:
    """Compute the indicator summaries the overview needs before its first visitor asks (and
    the headline counts of every place for a dataset of several), and let Dash finish setting
    itself up (it does so on the first request a process answers)."""
    store = app.server.extensions[EXTENSION_KEY].store
    summaries(store)  # computed once and kept
    if store.is_multi_place:  # the list of places at /
        place_scorecards(store)
    # Dash's set-up registers the bundles it serves and is not thread-safe: a gthread worker's
    # first requests, answered together, found none registered (404). Done once, before forking.
    app.server.test_client().get("/healthz")


def excerpt(value: object) -> str:
    """A short, printable excerpt of a value a client sent (for logs and error messages)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)[:EXCERPT_CHARS + 1]
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return repr(text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…")


def _healthz() -> flask.Response:
    return _no_store(flask.Response("ok\n", mimetype="text/plain"))


def _readyz() -> flask.Response:
    state: AppState = flask.current_app.extensions[EXTENSION_KEY]
    meta = state.dataset.meta
    body = {"ready": True, "built_at": str(meta.get("built_at") or ""),
            "illustrative": bool(meta.get("illustrative"))}
    return _no_store(flask.jsonify(body))


def _no_store(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _short_error(error: HTTPException) -> tuple[flask.Response, int]:
    """400 and 413 as one plain line (werkzeug's pages may quote the request)."""
    words = {413: f"request body too large (the limit is {MAX_REQUEST_BYTES // 1024} KB)"}
    text = words.get(error.code or 400, "malformed request")
    return flask.Response(f"{text}\n", mimetype="text/plain"), error.code or 400


def _checked_callbacks(app: Dash, dispatch: Callable[[], Any]) -> Callable[[], Any]:
    """Dash's callback view, refusing with 400 the bodies its renderer never sends."""

    @functools.wraps(dispatch)
    def checked() -> Any:
        try:
            check_callback_body(flask.request.get_json(silent=True), app.callback_map)
            return dispatch()
        except (BadCallback, *MALFORMED) as error:
            problem = error if isinstance(error, BadCallback) else type(error).__name__
            log.warning("Refused a malformed callback request: %s", problem)
            return flask.Response("malformed callback request\n", status=400,
                                  mimetype="text/plain")

    return checked


def check_callback_body(body: Any, callbacks: dict[str, Any]) -> None:
    """Raise ``BadCallback`` unless ``body`` has the shape of a request for a known callback."""
    if not isinstance(body, dict):
        raise BadCallback("the body is not a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        raise BadCallback(f"unknown output {excerpt(output)}")
    spec = callbacks[output]
    for key in DEPENDENCY_LISTS:
        items = body.get(key, [])
        if not isinstance(items, list) or not all(_dependencies(item) for item in items):
            raise BadCallback(f"'{key}' is not a list of component properties")
    expected = len(spec.get("inputs", [])) + len(spec.get("state", []))
    if len(body.get("inputs", [])) + len(body.get("state", [])) != expected:
        raise BadCallback(f"'{output[:EXCERPT_CHARS]}' takes {expected} inputs and states")
    outputs = body.get("outputs", [])
    if not ((isinstance(outputs, list) and all(map(_dependencies, outputs)))
            or _dependency(outputs)):
        raise BadCallback("'outputs' is not a list of component properties")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        raise BadCallback("'changedPropIds' is not a list of names")


def _dependencies(item: Any) -> bool:
    """One dependency, or a list of them (a pattern-matching ALL)."""
    return _dependency(item) or (isinstance(item, list) and all(map(_dependency, item)))


def _dependency(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("id"), str | dict)
            and isinstance(item.get("property"), str))
