"""Pieces of a presentation slide shared by ``/present/<n>`` and ``/present/event/<name>``: the
keyboard-named navigation links (``assets/present.js`` clicks them for the arrow and page keys)
and the stage (the chart with its text alternative, the themes beside it)."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.figures.style import graph_config
from marmot_dash.views import ViewResult

KEY_WORDS = {"ArrowLeft": "left arrow", "ArrowRight": "right arrow", "PageUp": "Page Up",
             "PageDown": "Page Down"}


def nav_control(label: str, element_id: str, key: str, href: str | None) -> dcc.Link | html.Span:
    """A navigation link with its keyboard key named, or a marked unlinked label at an end."""
    if href is None:
        return html.Span(label, id=element_id, className="present-button disabled",
                         **{"aria-disabled": "true"})
    return dcc.Link(label, href=href, id=element_id, className="present-button",
                    title=f"{label} (key: {KEY_WORDS[key]})")


def chart_stage(store, principle: int, indicator_id: str, view: str,
                result: ViewResult) -> html.Div:
    """The chart (with its text alternative) and the principle's themes beside it."""
    filename = f"{indicator_id}_{view}_{dt.date.today().isoformat()}"
    return html.Div(
        className="present-stage",
        children=[
            html.Figure(
                className="present-chart",
                **{"aria-describedby": "present-chart-description",
                   "data-indicator": indicator_id, "data-view": view},
                children=[
                    dcc.Graph(id="present-graph", figure=result.figure.to_plotly_json(),
                              config=graph_config(filename=filename), className="present-graph"),
                    html.Figcaption(result.description, id="present-chart-description",
                                    className="present-description"),
                ],
            ),
            html.Div(themes_panel(store.themes or [], principle), className="present-themes"),
        ],
    )
