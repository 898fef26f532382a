"""Server-side PNG export with kaleido 1.x and Debian's Chromium.

One warm headless browser is started lazily on the first export, in the process that exports
(so after a server such as gunicorn has forked its workers), and reused; a lock serialises the
exports because one browser tab renders one figure at a time. The browser runs on its own
event-loop thread (what ``kaleido.start_sync_server`` does), but every call waits with a
timeout and a failed start or render raises here instead of hanging, and a failed browser is
replaced on the next export.

The browser is found from ``BROWSER_PATH`` (read by kaleido's browser finder, choreographer),
else ``/usr/bin/chromium``, else ``chromium`` on PATH.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout

import kaleido
import plotly.graph_objects as go

from marmot_dash.data.errors import UserError
from marmot_dash.figures.places import fit_map_to_size

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SLIDE_WIDTH = 1920
SLIDE_HEIGHT = 1080
START_TIMEOUT = 60.0  # seconds for Chromium to start
RENDER_TIMEOUT = 60.0  # seconds for one figure


class ChromiumNotFoundError(UserError, RuntimeError):
    """No Chromium to render images with."""


class ExportError(RuntimeError):
    """The browser failed to start or to render a figure in time."""


def chromium_path() -> str:
    """The browser kaleido will drive; raises ``ChromiumNotFoundError`` when there is none."""
    candidates = [os.environ.get("BROWSER_PATH"), DEFAULT_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise ChromiumNotFoundError(
        "PNG export needs Chromium: install it (Debian: apt-get install -y chromium) or set "
        f"BROWSER_PATH to a Chrome or Chromium executable. Looked for: BROWSER_PATH="
        f"{os.environ.get('BROWSER_PATH')!r}, {DEFAULT_CHROMIUM}, and 'chromium' on PATH."
    )


class _WarmBrowser:
    """A kaleido browser kept open on a private event-loop thread."""

    def __init__(self, browser_path: str) -> None:
        self.pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="kaleido-browser", daemon=True
        )
        self._thread.start()
        self._stack = contextlib.AsyncExitStack()
        try:
            self._kaleido = self._wait(self._open(browser_path), START_TIMEOUT, "start")
        except BaseException:
            self._stop_loop()
            raise

    async def _open(self, browser_path: str) -> kaleido.Kaleido:
        browser = kaleido.Kaleido(n=1, mathjax=False, timeout=RENDER_TIMEOUT, path=browser_path)
        return await self._stack.enter_async_context(browser)

    def _wait(self, coroutine, timeout: float, what: str):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise ExportError(f"Chromium did not {what} within {timeout:.0f} s") from None

    def render(self, figure: dict, opts: dict) -> bytes:
        return self._wait(self._kaleido.calc_fig(figure, opts=opts), RENDER_TIMEOUT + 5, "render")

    def close(self) -> None:
        try:
            with contextlib.suppress(Exception):  # closing a broken browser must not raise
                self._wait(self._stack.aclose(), START_TIMEOUT, "close")
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


_lock = threading.Lock()
_browser: _WarmBrowser | None = None


def _warm_browser() -> _WarmBrowser:
    """The browser of this process, started if there is none (or only a parent's, after fork)."""
    global _browser
    if _browser is None or _browser.pid != os.getpid():
        _browser = _WarmBrowser(chromium_path())
    return _browser


def figure_to_png(
    fig: go.Figure, *, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT, scale: float = 1
) -> bytes:
    """The figure as PNG bytes at ``width`` x ``height`` pixels times ``scale``.

    A places map is first re-zoomed to fill the image (``figures.places.fit_map_to_size``).
    Raises ``ChromiumNotFoundError`` when no browser is installed and ``ExportError`` (or
    kaleido's own error) when rendering fails; the browser is then restarted on the next call.
    """
    global _browser
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    figure = fit_map_to_size(fig, width, height).to_dict()
    with _lock:
        browser = _warm_browser()
        try:
            return browser.render(figure, opts)
        except Exception:
            browser.close()
            _browser = None
            raise


def stop_browser() -> None:
    """Close this process's browser, if it has one (tests and the CLI call this at the end)."""
    global _browser
    with _lock:
        if _browser is not None and _browser.pid == os.getpid():
            _browser.close()
        _browser = None


atexit.register(stop_browser)
