"""Beside each chart's camera button: SVG download, "Copy link to this chart" and the CSV of the
data behind the chart.

The SVG and the copied link are made in the browser (``assets/share.js``: plotly.js draws the
SVG of the very chart on screen; the link is the view's address at the address the person is
using; the clipboard needs a user's click); the CSV is a plain link to
``/download/chart-data/<principle>.csv?<view state>&chart=<k>`` (``marmot_dash/downloads.py``),
so it works without script and can be copied too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from marmot_dash.views import ViewState, place_prefix, view_href, view_state_to_search

CHART_DATA_PATH = "/download/chart-data"
DATA_PATH = "/download/data"
REPORT_PATH = "/download/report"


def chart_data_href(state: ViewState, index: int) -> str:
    """The address of the CSV of chart ``index`` (from 0) of the view in ``state``."""
    search = view_state_to_search(state)
    return (f"{place_prefix(state.place)}{CHART_DATA_PATH}/{state.principle}.csv{search}"
            f"{'&' if search else '?'}chart={index + 1}")


def data_href(state: ViewState) -> str:
    """The address of the CSV of every value behind the indicator's charts (its Definition and
    data view)."""
    return (f"{place_prefix(state.place)}{DATA_PATH}/{state.principle}.csv?"
            f"{urlencode({'indicator': state.indicator})}")


def chart_share_bar(state: ViewState, index: int, graph_id: str, filename: str) -> html.Div:
    """The three buttons of one chart and the line that confirms what they did."""
    path = view_href(state)
    status_id = f"{graph_id}-share-status"
    return html.Div(
        className="chart-share",
        **{"data-graph": graph_id},
        children=[
            html.Button("Download SVG", className="share-button", type="button",
                        id=f"{graph_id}-svg",
                        **{"data-share": "svg", "data-filename": filename,
                           "data-status": status_id}),
            html.Button("Copy link to this chart", className="share-button", type="button",
                        id=f"{graph_id}-link",
                        **{"data-share": "link", "data-href": path,
                           "data-status": status_id}),
            html.A("Download the data behind this chart (CSV)", className="share-button",
                   id=f"{graph_id}-csv", href=chart_data_href(state, index),
                   download=f"{filename}.csv"),
            html.Span(id=status_id, className="share-status", role="status"),
        ],
    )


def report_href(principle: int | None = None, *, run_sheet: str | None = None,
                place: str | None = None) -> str:
    """The address of the PDF report of a principle or (by name) of a run sheet; ``place``
    as in the page's address (a place's principle report)."""
    if run_sheet is not None:
        return f"{REPORT_PATH}/event/{run_sheet}.pdf"
    return f"{place_prefix(place)}{REPORT_PATH}/{principle}.pdf"


def report_link(principle: int | None = None, *, run_sheet: str | None = None,
                place: str | None = None, class_name: str = "report-download") -> html.A:
    """"Download report (PDF)": the A4 briefing of a principle (of ``place``) or of a run
    sheet (it takes a few seconds to print)."""
    what = "this run sheet" if run_sheet is not None else "this principle"
    return html.A("Download report (PDF)",
                  href=report_href(principle, run_sheet=run_sheet, place=place),
                  id="report-download", className=class_name,
                  title=f"An A4 briefing of {what}; it takes a few seconds to make")
