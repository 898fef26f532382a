"""The Dash app: pages from ``marmot_dash/pages``, the shared shell, one dataset.

``create_app(data_dir)`` loads and validates the dataset, builds the ``Store`` once and installs
both where pages find them (``marmot_dash.app_state``). The page layouts are functions that read
the store at request time; the shell (header, banner, footer) is built per page load from
``dataset.yaml``. No thread is started: the app may be built before gunicorn forks (the summaries
are warmed by ``server.warm``). Users never see a traceback: ``debug`` is off, a failing callback
shows a plain message in the page (and is logged), and a server error returns a short HTML page.
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
import flask
from dash import Dash, _callback, callback_context, html, set_props

from marmot_dash import cache
from marmot_dash.app_state import AppState, current_state, install
from marmot_dash.auth import setup_auth
from marmot_dash.background import JobQueueDown, background_manager
from marmot_dash.components.banner import illustrative_banner
from marmot_dash.components.footer import site_footer
from marmot_dash.components.header import (
    MAIN_ID,
    register_nav_callbacks,
    site_header,
    skip_link,
)
from marmot_dash.components.messages import (
    APP_ERROR_ID,
    app_error_props,
    app_error_region,
    error_message,
)
from marmot_dash.data import load_dataset
from marmot_dash.data.store import Store
from marmot_dash.downloads import register_downloads
from marmot_dash.security import add_security_headers
from marmot_dash.server import configure_server

PACKAGE_DIR = Path(__file__).resolve().parent
PAGES_DIR = PACKAGE_DIR / "pages"
APP_TITLE = "Marmot indicators"
PAGE_CONTENT_ID = "_pages_content"  # where Dash's router puts a page's layout
LAZY_ASSETS = "^lazy$"  # assets/lazy: MapLibre, loaded by plotly-custom.min.js for a map

log = logging.getLogger(__name__)

# Dash's page with the language declared and without its extra <footer> around the scripts.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
{%config%}
{%scripts%}
{%renderer%}
</body>
</html>"""

SERVER_ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Something went wrong</title></head>
<body style="font-family: Arial, sans-serif; max-width: 40em; margin: 3em auto; color: #1a1a1a">
<h1>Sorry, something went wrong</h1>
<p>The dashboard could not answer this request. The problem has been logged.</p>
<p><a href="/">Back to the overview</a></p>
</body></html>
"""

# Callbacks registered with ``dash.callback`` (output id -> spec and handler), and inline
# clientside scripts, kept for every app made in this process; see ``_adopt_callbacks``.
_callback_specs: dict[str, dict] = {}
_callback_handlers: dict[str, dict] = {}
_inline_scripts: list[str] = []


def create_app(data_dir: str | Path) -> Dash:
    """Build the dashboard over the dataset in ``data_dir`` (raises ``DatasetError`` if bad)."""
    dataset = load_dataset(data_dir)
    state = AppState(Path(data_dir), dataset, Store(dataset).place())
    name = str(dataset.meta.get("name") or APP_TITLE)
    app = Dash(
        "marmot_dash",
        use_pages=True,
        pages_folder=str(PAGES_DIR),
        assets_folder=str(assets_dir()),
        assets_path_ignore=[LAZY_ASSETS],  # fetched when needed, not by every page
        suppress_callback_exceptions=True,
        title=f"{APP_TITLE}: {name}",
        update_title=None,
        compress=True,  # flask-compress: plotly.js and the bundles travel zstd/br/gzip-encoded
        on_error=_show_callback_error,
        # decks: own processes, or Celery workers with REDIS_URL (marmot_dash/background.py)
        background_callback_manager=background_manager(data_dir),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    # probes, request limits, callback bodies checked, no versions (marmot_dash/server.py): before
    # sign-in, whose hook reads callback bodies
    configure_server(app)
    setup_auth(app)  # MARMOT_AUTH: public, basic or oidc (raises UserError if misconfigured)
    install(app.server, state)
    app.layout = shell_layout
    register_nav_callbacks(app)
    register_downloads(app.server)
    cache.configure(app.server)  # views and downloads shared through Redis with REDIS_URL
    _adopt_callbacks(app)
    app.server.register_error_handler(500, _server_error)
    add_security_headers(app)
    return app


def assets_dir() -> Path:
    """The stylesheets: ``assets/`` beside the package in a checkout, else in the working
    directory (an installed package run from the project folder, as in the Docker image)."""
    beside = PACKAGE_DIR.parent / "assets"
    return beside if beside.is_dir() else Path.cwd() / "assets"


def shell_layout() -> html.Div:
    """Every page's frame: skip link, header, illustrative banner, main content, footer."""
    state = current_state()
    meta = state.dataset.meta
    principles = state.dataset.principles.to_dict("records")
    return html.Div(
        className="app-shell",
        children=[
            skip_link(),
            site_header(str(meta.get("name", "")), principles),
            illustrative_banner() if meta.get("illustrative") else None,
            html.Main(
                id=MAIN_ID,
                tabIndex="-1",
                className="page",
                children=[app_error_region(), dash.page_container],
            ),
            site_footer(meta.get("sources") or [], meta.get("built_at")),
        ],
    )


def _show_callback_error(error: Exception) -> list | None:
    """Log a failing callback and tell the user in words, never with a traceback.

    When the page itself failed to render, the page becomes an error message; otherwise the
    failing callback's outputs are left unchanged and a message appears above the page. A
    background job the queue could not take (``JobQueueDown``, logged where it happened) is told
    in the job's status line: its ``<name>-status`` output's children.
    """
    listed = callback_context.outputs_list
    outputs = listed if isinstance(listed, list) else [listed]
    if isinstance(error, JobQueueDown):
        told = [str(error) if isinstance(output, dict) and output.get("property") == "children"
                and str(output.get("id")).endswith("-status") else dash.no_update
                for output in outputs]
        return told if isinstance(listed, list) else told[0]
    log.error("Callback failed", exc_info=error)
    if any(isinstance(output, dict) and output.get("id") == PAGE_CONTENT_ID for output in outputs):
        return [error_message(), {"title": "Something went wrong · " + APP_TITLE}]
    set_props(APP_ERROR_ID, app_error_props())
    return None


def _server_error(error: Exception) -> tuple[str, int]:
    """A short HTML page for a server error, never a traceback."""
    log.error("Request failed: %s", flask.request.path, exc_info=error)
    return SERVER_ERROR_PAGE, 500


def _adopt_callbacks(app: Dash) -> None:
    """Give ``app`` every ``dash.callback`` registered so far in this process.

    Dash hands the module-level callback registry to the first app that serves a request and
    empties it, so a module imported once (a component with its own callbacks) would only work
    in the first app made in a process. Page modules are re-run for each app and register their
    callbacks again (the latest registration wins).
    """
    for spec in _callback.GLOBAL_CALLBACK_LIST:
        _callback_specs[spec["output"]] = spec
    _callback_handlers.update(_callback.GLOBAL_CALLBACK_MAP)
    _inline_scripts.extend(s for s in _callback.GLOBAL_INLINE_SCRIPTS if s not in _inline_scripts)
    _callback.GLOBAL_CALLBACK_LIST.clear()
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_INLINE_SCRIPTS.clear()
    app.callback_map.update(_callback_handlers)
    app._callback_list.extend(_callback_specs.values())
    app._inline_scripts.extend(_inline_scripts)
