"""File downloads served beside the pages: a chart's data and an indicator's data (its Definition
and data view) as CSV, and the PDF report of a principle or of a run sheet.

All go through ``marmot_dash.cache`` (shared between machines with ``REDIS_URL``), keyed by the
dataset's build, the request and the day (the files carry the date). An indicator's data is the
largest (5 MB for a place of England's 32,844 small areas): it is kept as bytes, compressed once
per encoding a browser asks for, and sent as it is kept.

``register_downloads(server)`` adds the routes to the app's Flask server (``create_app`` calls
it). Each reads the view state from its query string exactly as the principle page does
(``views.state_from_params``), so a bad request gets the page's one-line message, as plain
text with status 400, never a server error.
"""

from __future__ import annotations

import datetime as dt
import threading

import flask
from werkzeug.utils import secure_filename

from marmot_dash import cache
from marmot_dash.app_state import current_state, get_store, place_store
from marmot_dash.components.chart_share import CHART_DATA_PATH, DATA_PATH, REPORT_PATH
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.export.qr import public_link
from marmot_dash.static import MIN_SIZE, QUICK_COMPRESS, accepted_encoding
from marmot_dash.views import (
    StoreKey,
    ViewState,
    chart_csv,
    state_from_params,
    table_to_csv,
    view_figure,
    view_href,
)

_report_lock = threading.Lock()  # one report print at a time per process


def register_downloads(server: flask.Flask) -> None:
    """Add the CSV and PDF download routes to ``server``, for the primary place and, after
    ``/<place>``, for each place."""
    server.add_url_rule(f"{CHART_DATA_PATH}/<principle>.csv", "chart_data", chart_data)
    server.add_url_rule(f"{DATA_PATH}/<principle>.csv", "indicator_data", indicator_data)
    server.add_url_rule(f"/<place>{DATA_PATH}/<principle>.csv", "place_indicator_data",
                        indicator_data)
    server.add_url_rule(f"{REPORT_PATH}/<principle>.pdf", "report_pdf", report_pdf)
    server.add_url_rule(f"{REPORT_PATH}/event/<name>.pdf", "run_sheet_report_pdf",
                        run_sheet_report_pdf)
    server.add_url_rule(f"/<place>{CHART_DATA_PATH}/<principle>.csv", "place_chart_data",
                        chart_data)
    server.add_url_rule(f"/<place>{REPORT_PATH}/<principle>.pdf", "place_report_pdf",
                        report_pdf)


def _refuse(problem: str) -> flask.Response:
    return flask.Response(problem + "\n", status=400, mimetype="text/plain")


def _attachment(body: str | bytes, filename: str, mimetype: str) -> flask.Response:
    response = flask.Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(place: str) -> flask.Response:
    return flask.Response(f"There is no place '{place[:40]}' in this dataset.\n", status=404,
                          mimetype="text/plain")


def chart_data(principle: str, place: str | None = None) -> flask.Response:
    """``[/<place>]/download/chart-data/<n>.csv?indicator=&view=&level=&period=&callouts=
    &chart=<k>``."""
    store = place_store(place)
    if store is None:
        return _not_found(place or "")
    params = flask.request.args.to_dict(flat=True)
    state = state_from_params(store, principle, params, place=place)
    if state.problem:
        return _refuse(state.problem)
    chart = params.get("chart", "1").strip()[:20]
    path = view_href(state)
    link = public_link(path) or path
    today = dt.date.today().isoformat()
    try:
        filename, body = _chart_csv(StoreKey(store), state, chart, link, today)
    except _Refused as refused:
        return _refuse(str(refused))
    return _attachment(body, filename, "text/csv")


class _Refused(ValueError):
    """A request for a chart the view does not have (never cached)."""


@cache.memoize("chart-csv", maxsize=64)
def _chart_csv(key: StoreKey, state: ViewState, chart: str, link: str, today: str) -> list[str]:
    """The file name and the CSV of chart ``chart`` (numbered from 1) of the view ``state``."""
    result = view_figure(key.store, state.indicator, state.view, level=state.level,
                         period=state.period, deprivation=state.deprivation,
                         callouts=state.callouts, copy=False)
    count = len(result.figures)
    if not (chart.isdigit() and 1 <= int(chart) <= count):
        if not count:
            raise _Refused(f"The {state.view} view has no chart; its data is on the page.")
        raise _Refused(f"There is no chart '{chart}' in this view: it has {count} "
                       f"chart{'s' if count != 1 else ''}, numbered from 1.")
    suffix = f"_{chart}" if count > 1 else ""
    name = f"{state.place}_" if state.place else ""
    return [f"{name}{state.indicator}_{state.view}{suffix}_{today}.csv",
            chart_csv(result, int(chart) - 1, link=link, today=today)]


def indicator_data(principle: str, place: str | None = None) -> flask.Response:
    """``[/<place>]/download/data/<n>.csv?indicator=``: every value behind the indicator's
    charts (its Definition and data view), formula cells neutralised, suppressed cells blank."""
    store = place_store(place)
    if store is None:
        return _not_found(place or "")
    state = state_from_params(store, principle, {"indicator": flask.request.args.get("indicator")},
                              place=place)
    if state.problem:
        return _refuse(state.problem)
    key = StoreKey(store)
    encoding = accepted_encoding() if len(indicator_csv(key, state.indicator, None)) >= MIN_SIZE \
        else None
    today = dt.date.today().isoformat()
    name = f"{state.place}_" if state.place else ""
    response = _attachment(indicator_csv(key, state.indicator, encoding),
                           f"{name}{state.indicator}_data_{today}.csv", "text/csv")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


@cache.memoize("indicator-csv", maxsize=32, codec=cache.BYTES)
def indicator_csv(key: StoreKey, indicator_id: str, encoding: str | None) -> bytes:
    """The CSV of an indicator's data view as UTF-8, compressed in ``encoding`` (one of
    ``static.QUICK_COMPRESS``) when given. Kept: an England-wide place's is 5 MB, 60 ms to
    write; 5 ms more to compress with zstd, 300 KB."""
    if encoding is not None:
        return QUICK_COMPRESS[encoding](indicator_csv(key, indicator_id, None))
    return table_to_csv(view_figure(key.store, indicator_id, "data", copy=False).table).encode()


def report_pdf(principle: str, place: str | None = None) -> flask.Response:
    """``[/<place>]/download/report/<n>.pdf``: the principle's A4 report, printed by
    Chromium."""
    from marmot_dash.export.report import principle_report

    store = place_store(place)
    if store is None:
        return _not_found(place or "")
    try:
        report = principle_report(store, principle, place)
    except UserError as error:
        return _refuse(str(error))
    return _printed(store, report)


def run_sheet_report_pdf(name: str) -> flask.Response:
    """``/download/report/event/<name>.pdf``: the run sheet's A4 report, printed by Chromium."""
    from marmot_dash.export.report import run_sheet_report

    try:
        report = run_sheet_report(current_state().data_dir, name)
    except (DatasetError, UserError) as error:
        return _refuse(str(error))
    return _printed(get_store(), report)


def _printed(store, report) -> flask.Response:
    """The PDF of ``report`` (an ``export.report.Report``) of ``store`` (a place's), printed
    once a day per dataset and place."""
    from marmot_dash.export.report import report_bytes

    app = flask.current_app._get_current_object()
    today = dt.date.today().isoformat()

    def make() -> bytes:
        with _report_lock:
            return report_bytes(app, report)

    # the Report names the page (with its place) and, for a run sheet, a digest of its contents
    pdf = cache.remember("report-pdf", store, (report, today), make, cache.BYTES)
    return _attachment(pdf, f"{report.stem}_{today}.pdf", "application/pdf")
