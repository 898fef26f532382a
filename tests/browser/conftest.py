"""Browser-test harness: the app served on loopback, a headless Chromium, error-recording pages.

Fixtures (session-wide unless noted):

- ``live_server``: base URL (``http://127.0.0.1:<port>``) of ``create_app`` over the illustrative
  dataset (``demo_dataset_dir``), served by werkzeug in a background thread.
- ``live_app``: that Dash app (its store: ``marmot_dash.app_state`` inside a request, or
  ``live_app.server.extensions["marmot_dash"].store``).
- ``browser``: Playwright Chromium (Debian's ``/usr/bin/chromium``, headless).
- ``open_page`` (per test): ``open_page(width=1366, height=768)`` opens a page in a fresh
  context; ``page`` (per test) is ``open_page()``. Both record console errors, uncaught page
  errors and requests that leave loopback (which are blocked), and fail the test if any appear
  or if the app's "something went wrong" message is showing at the end.

- ``live_store``: the ``Store`` the served app reads.

Helpers, also given as fixtures so tests need no imports: ``wait_for_dash(page)`` waits until
Dash has rendered and every visible graph is drawn; ``axe_violations(page)`` runs axe-core and
returns the serious and critical violations; ``horizontal_overflow(page)`` is how many pixels the
page body is wider than the viewport. Mark browser tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK = "127.0.0.1"
SERIOUS = ("serious", "critical")

# True when Dash is idle: renderer mounted, page content present, nothing loading, and every
# visible graph drawn by plotly.js.
_DASH_IDLE_JS = """
() => {
    if (document.querySelector('._dash-loading')) return false;
    if (document.querySelector('[data-dash-is-loading="true"]')) return false;
    const content = document.getElementById('_pages_content');
    if (!content || content.childElementCount === 0) return false;
    for (const graph of document.querySelectorAll('.dash-graph')) {
        if (graph.offsetParent !== null && !graph.querySelector('.main-svg')) return false;
    }
    return true;
}
"""


@pytest.fixture(scope="session")
def live_app(demo_dataset_dir: Path):
    """The Dash app over the illustrative dataset."""
    from marmot_dash import create_app

    return create_app(demo_dataset_dir)


@pytest.fixture(scope="session")
def live_store(live_app):
    """The store the served app reads."""
    from marmot_dash.app_state import EXTENSION_KEY

    return live_app.server.extensions[EXTENSION_KEY].store


def serve_on_loopback(app) -> contextlib.AbstractContextManager[str]:
    """Serve a Dash app on 127.0.0.1 at a free port (as the PDF reports are served for their
    print); yields the base URL; stops at the end."""
    from marmot_dash.export.report import serve_on_loopback as serve_flask

    return serve_flask(app.server)


@pytest.fixture(scope="session")
def serve() -> Callable:
    """``serve_on_loopback`` as a fixture, for tests that serve an app of their own."""
    return serve_on_loopback


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """Serve ``live_app`` on 127.0.0.1 at a free port; yields the base URL; stops at the end."""
    with serve_on_loopback(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """What went wrong in the pages of one test: console errors, page errors, blocked requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.blocked_requests: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def all(self) -> list[str]:
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"request leaving loopback: {url}" for url in self.blocked_requests]
        )


def _keep_on_loopback(problems: PageProblems) -> Callable:
    def route(route) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if host == LOOPBACK or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            problems.blocked_requests.append(url)
            route.abort()

    return route


# True when the app shows its "something went wrong" message (a failed callback or page).
_APP_ERROR_JS = """
() => {
    const region = document.getElementById('app-error');
    return Boolean(document.querySelector('.app-failure') || (region && !region.hidden));
}
"""


def _app_error_showing(page) -> bool:
    try:
        return bool(page.evaluate(_APP_ERROR_JS))
    except Exception:  # the page was closed or navigated away from the app
        return False


@pytest.fixture
def page_problems() -> PageProblems:
    """The problems recorded by this test's pages (tests that expect some may clear them)."""
    return PageProblems()


@pytest.fixture
def open_page(browser, page_problems: PageProblems) -> Iterator[Callable]:
    """``open_page(width=1366, height=768)``: a new page that records problems; all closed after.

    The test fails if any page logged a console error or page error, tried to reach beyond
    loopback, or shows the app's error message when the test ends.
    """
    contexts = []
    pages = []

    def open_(width: int = 1366, height: int = 768):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.route("**/*", _keep_on_loopback(page_problems))
        page = context.new_page()
        page_problems.watch(page)
        contexts.append(context)
        pages.append(page)
        return page

    yield open_
    showing_error = [page.url for page in pages if _app_error_showing(page)]
    for context in contexts:
        context.close()
    problems = page_problems.all()
    problems += [f"'something went wrong' shown on {url}" for url in showing_error]
    if problems:
        pytest.fail("Problems in the browser:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(open_page):
    """A 1366 x 768 page that fails the test on console errors (see ``open_page``)."""
    return open_page()


def wait_until_dash_idle(page, timeout: float = 15.0, settle: float = 0.15) -> None:
    """Wait until Dash has rendered the page and drawn every visible graph.

    The idle state must hold twice, ``settle`` seconds apart, so chained callbacks that start
    just after the page renders are waited for too.
    """
    deadline = time.monotonic() + timeout
    while True:
        remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        page.wait_for_function(_DASH_IDLE_JS, timeout=remaining_ms, polling=50)
        time.sleep(settle)
        if page.evaluate(_DASH_IDLE_JS):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("Dash did not settle")


def serious_axe_violations(page, context: str | dict | None = None) -> list[dict]:
    """Run axe-core in the page; return its serious and critical violations.

    Each violation is reduced to ``id``, ``impact``, ``help`` and the CSS ``targets`` of its
    nodes. ``context`` restricts the audit (axe-core's context argument).
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in results.response["violations"]
        if violation.get("impact") in SERIOUS
    ]


def body_overflow_px(page) -> int:
    """How many CSS pixels the page body is wider than the viewport (0 when it fits)."""
    return int(page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    ))


@pytest.fixture(scope="session")
def wait_for_dash() -> Callable:
    """``wait_for_dash(page, timeout=15.0)``: see ``wait_until_dash_idle``."""
    return wait_until_dash_idle


@pytest.fixture(scope="session")
def axe_violations() -> Callable:
    """``axe_violations(page, context=None)``: see ``serious_axe_violations``."""
    return serious_axe_violations


@pytest.fixture(scope="session")
def horizontal_overflow() -> Callable:
    """``horizontal_overflow(page)``: see ``body_overflow_px``."""
    return body_overflow_px
