"""Print-ready reports: the app's own ``/report/<n>`` (a principle) or ``/report/event/<name>`` (a
run sheet) page printed to an A4 PDF by Chromium (headless, over the DevTools protocol with
choreographer, kaleido's browser driver).

``principle_report`` and ``run_sheet_report`` check what is asked for and say which page to
print; ``write_report(app, report, out)`` serves the app in this process on a free loopback
port for the print, so the PDF is exactly what the page and the browser's Print give. The page
numbers come from Chromium's footer. The output folder is checked before anything is printed
and the file is written whole or not at all.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import choreographer
import flask
import plotly.graph_objects as go

from marmot_dash.data.errors import UserError
from marmot_dash.data.run_sheets import load_run_sheet
from marmot_dash.export.png import ExportError, chromium_path
from marmot_dash.views import ViewResult, place_prefix, state_from_params, view_figure

REPORT_VIEWS = ("trend", "places", "deprivation", "cohorts")
LOOPBACK = "127.0.0.1"
LOAD_TIMEOUT = 90.0  # seconds for the report page to render every chart
# True once Dash has rendered the report, plotly.js has drawn every chart and every Markdown
# text (a lazily loaded component, drawn nowhere until its code arrives) is there.
READY_JS = """
(() => {
    if (document.querySelector('._dash-loading, [data-dash-is-loading="true"]')) return false;
    const page = document.getElementById('report-page');
    if (!page || document.fonts.status !== 'loaded') return false;
    if (page.querySelectorAll('.report-text').length < Number(page.dataset.texts || 0)) {
        return false;
    }
    return [...page.querySelectorAll('.report-graph')].every(g => g.querySelector('.main-svg'));
})()
"""
FOOTER = ('<div style="font: 8pt Arial, sans-serif; color: #595959; width: 100%; '
          'padding: 0 14mm; display: flex; justify-content: space-between;">'
          '<span>{title}</span><span>Page <span class="pageNumber"></span> of '
          '<span class="totalPages"></span></span></div>')


@dataclass(frozen=True)
class Report:
    """A report to print: the app's page, the title in the page footers, the file's stem and
    (for a run sheet, whose file may change) a digest of what the page shows, for caches."""

    path: str
    title: str
    stem: str
    contents: str = ""


def printable(figures: Iterable[go.Figure]) -> list[go.Figure]:
    """The figures a report prints: all but maps (WebGL, and on the principle page anyway)."""
    return [figure for figure in figures
            if not any(trace.type == "choroplethmap" for trace in figure.data)]


def report_charts(store, indicator_id: str) -> Iterator[tuple[go.Figure, ViewResult]]:
    """The charts of an indicator a principle report prints, each with its view (for the text):
    every printable figure of the report views. The figures are copies the caller may resize."""
    for view in REPORT_VIEWS:
        result = view_figure(store, indicator_id, view)
        for figure in printable(result.figures):
            yield figure, result


def check_principle(store, principle: object) -> int:
    """The principle number if the dataset has it; else ``UserError`` saying which exist."""
    state = state_from_params(store, principle, {})
    if state.problem:
        raise UserError(state.problem)
    return int(state.principle)


def principle_report(store, principle: object, place: str | None = None) -> Report:
    """The report of a principle of ``store`` (``UserError`` for one the dataset lacks);
    ``place``: the place of its address (None: the primary place)."""
    number = check_principle(store, principle)
    title, stem = f"Principle {number} report", f"principle-{number}-report"
    if place:
        title, stem = f"{store.area_name} · {title}", f"{place}-{stem}"
    return Report(f"{place_prefix(place)}/report/{number}", title, stem)


def run_sheet_report(data_dir: str | Path, name: object) -> Report:
    """The report of the run sheet ``name`` of the dataset in ``data_dir``: ``DatasetError``
    naming the file for a bad name, a missing file or a bad one; ``UserError`` when it has no
    steps (a report of nothing)."""
    sheet = load_run_sheet(data_dir, str(name))
    if not sheet.steps:
        raise UserError(f"Run sheet '{sheet.name}' has no steps yet: add views to it from a "
                        "principle page.")
    return Report(f"/report/event/{sheet.name}", f"{sheet.title} (run sheet report)",
                  f"run-sheet-{sheet.name}-report",
                  hashlib.sha256(repr(sheet).encode("utf-8")).hexdigest()[:32])


def check_output(out: Path) -> Path:
    """``out`` if a PDF can be written there; else ``UserError`` naming the problem."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.suffix.lower() != ".pdf":
        raise UserError(f"{out}: the report is a PDF; give a file name ending in .pdf")
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a file name ending in .pdf")
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder to write the report to")
    try:  # the real test: can a file be made there (permissions, read-only mounts, /proc...)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".marmot-probe-", suffix=".part"):
            pass
    except OSError as error:
        raise UserError(f"{folder}: this folder cannot be written to "
                        f"({error.strerror or error})") from None
    return out


def write_report(app: flask.Flask, report: Report, out: Path) -> Path:
    """Print ``report`` to ``out`` (A4 PDF) and return its path."""
    out = check_output(out)
    pdf = report_bytes(app, report)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                             dir=out.parent)
    except OSError as error:
        raise UserError(f"{out}: could not write the report ({error.strerror or error})"
                        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pdf)
        os.replace(temporary, out)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UserError(f"{out}: could not write the report ({error.strerror or error})"
                            ) from None
        raise
    return out


def report_bytes(app: flask.Flask, report: Report) -> bytes:
    """The PDF of ``report``'s page of ``app``, served on loopback while it prints."""
    with serve_on_loopback(app) as base_url, ThreadPoolExecutor(1) as thread:
        # its own thread and event loop: the caller's thread may be running one already
        printing = print_pdf(base_url + report.path, footer_title=report.title)
        return thread.submit(asyncio.run, printing).result()


@contextlib.contextmanager
def serve_on_loopback(app: flask.Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port in a thread; yields the base URL. (The browser
    tests serve their apps with it too.)"""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: object) -> None:  # the print's requests are not news
            pass

    server = make_server(LOOPBACK, 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="report-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


async def print_pdf(url: str, *, footer_title: str) -> bytes:
    """Open ``url`` in a headless Chromium, wait until it is drawn, print it to A4 PDF."""
    async with choreographer.Browser(path=chromium_path(), headless=True) as browser:
        tab = await browser.create_tab(url)
        await _wait_until_ready(tab)
        response = await tab.send_command("Page.printToPDF", params={
            "printBackground": True,
            "preferCSSPageSize": True,
            "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",
            "footerTemplate": FOOTER.format(title=html.escape(footer_title)),
        })
    if "error" in response:
        raise ExportError(f"Chromium could not print {url}: {response['error']}")
    return base64.b64decode(response["result"]["data"])


async def _wait_until_ready(tab) -> None:
    deadline = time.monotonic() + LOAD_TIMEOUT
    while time.monotonic() < deadline:
        response = await tab.send_command("Runtime.evaluate", params={
            "expression": READY_JS, "returnByValue": True})
        if response.get("result", {}).get("result", {}).get("value") is True:
            return
        await asyncio.sleep(0.2)
    raise ExportError(f"the report page did not finish drawing within {LOAD_TIMEOUT:.0f} s")
