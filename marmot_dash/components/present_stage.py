"""Pieces of a presentation slide shared by ``/present/<n>`` and ``/present/event/<name>``: the
page's frame (the slide's state, the header, the stage and the QR code overlay), the header
with its keyboard-named navigation links (``assets/present.js`` clicks them for the arrow and
page keys) and the stage (the chart with its text alternative, the themes beside it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dash import dcc, html
from dash.development.base_component import Component

from marmot_dash.components.present_qr import qr_button, qr_overlay
from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.figures.style import graph_config
from marmot_dash.views import ViewResult, ViewState

KEY_WORDS = {"ArrowLeft": "left arrow", "ArrowRight": "right arrow", "PageUp": "Page Up",
             "PageDown": "Page Down"}


def nav_control(label: str, element_id: str, key: str, href: str | None) -> dcc.Link | html.Span:
    """A navigation link with its keyboard key named, or a marked unlinked label at an end."""
    if href is None:
        return html.Span(label, id=element_id, className="present-button disabled",
                         **{"aria-disabled": "true"})
    return dcc.Link(label, href=href, id=element_id, className="present-button",
                    title=f"{label} (key: {KEY_WORDS[key]})")


def present_page(slide_state: list, header: html.Header, stage: Component, view: ViewState,
                 *, class_name: str = "present-page", before: Sequence[Component] = (),
                 after: Sequence[Component] = ()) -> html.Div:
    """A presentation page: ``slide_state`` (what the focus and QR callbacks of
    ``pages/present.py`` watch), the header, the stage and the overlay with the QR code of
    ``view`` (the principle-page state of the chart shown)."""
    return html.Div(
        className=class_name,
        children=[
            *before,
            dcc.Store(id="present-slide-state", data=slide_state),
            html.Span(id="present-focus-done", hidden=True),
            header,
            stage,
            *after,
            html.Span(id="present-qr-done", hidden=True),
            qr_overlay(view),
        ],
    )


def present_header(title: str, position: list, unit: str, hrefs: Sequence[str | None],
                   tools: Sequence[Component]) -> html.Header:
    """The title, the position (``position``: "Slide 2 of 9 · ...") and the keys, then the
    controls: previous and next ``unit`` ("slide", "step"), previous and next principle
    (``hrefs`` in that order, None at an end), the QR code button and the ``tools``."""
    controls = zip(
        (f"Previous {unit}", f"Next {unit}", "Previous principle", "Next principle"),
        ("present-prev-slide", "present-next-slide", "present-prev-principle",
         "present-next-principle"),
        ("ArrowLeft", "ArrowRight", "PageUp", "PageDown"),
        hrefs, strict=True)
    return html.Header(
        className="present-header",
        children=[
            html.Div(
                className="present-heading",
                children=[
                    html.H1(title, id="present-title"),
                    html.P([
                        html.Span(position, id="present-position", role="status",
                                  tabIndex=-1),
                        html.Span(f"Keys: ← → {unit}, PageUp / PageDown principle, q QR code.",
                                  className="present-keys"),
                    ], className="present-position"),
                ],
            ),
            html.Nav(
                className="present-controls",
                **{"aria-label": "Presentation"},
                children=[*(nav_control(*control) for control in controls), qr_button(),
                          *tools],
            ),
        ],
    )


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
