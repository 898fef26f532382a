"""Server-side PNG export with kaleido 1.x and Debian's Chromium.

One warm headless browser (``kaleido.start_sync_server``) is started lazily on the first export,
in the process that exports (so after a server such as gunicorn has forked its workers), and
every export holds a lock because the warm server is not thread-safe. The browser is found from
``BROWSER_PATH`` (read by kaleido's browser finder, choreographer), else ``/usr/bin/chromium``,
else ``chromium`` on PATH.
"""

from __future__ import annotations

import os
import shutil
import threading

import kaleido
import plotly.graph_objects as go

DEFAULT_CHROMIUM = "/usr/bin/chromium"
SLIDE_WIDTH = 1920
SLIDE_HEIGHT = 1080

_lock = threading.Lock()
_server_pid: int | None = None


class ChromiumNotFoundError(RuntimeError):
    """No Chromium to render images with."""


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


def _ensure_server() -> None:
    """Start the warm browser in this process if it is not running here yet."""
    global _server_pid
    if _server_pid == os.getpid() and kaleido._global_server.is_running():
        return
    os.environ["BROWSER_PATH"] = chromium_path()
    # After a fork the parent's server thread is gone: forget it before starting ours.
    kaleido.stop_sync_server(silence_warnings=True)
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _server_pid = os.getpid()


def figure_to_png(
    fig: go.Figure, *, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT, scale: float = 1
) -> bytes:
    """The figure as PNG bytes at ``width`` x ``height`` pixels times ``scale``.

    Raises ``ChromiumNotFoundError`` when no browser is installed.
    """
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    with _lock:
        _ensure_server()
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def stop_browser() -> None:
    """Stop the warm browser (tests and the CLI call this when they are done)."""
    global _server_pid
    with _lock:
        if _server_pid == os.getpid():
            kaleido.stop_sync_server(silence_warnings=True)
        _server_pid = None
