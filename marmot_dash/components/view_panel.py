"""The chosen indicator's views: tabs, the level, period and deprivation-grouping choices, charts
and the data table.

Tabs and the level and grouping switches are links (``dcc.Link``) to the URL of the view they
open, so they are keyboard reachable, a copied link opens the same view and back and forward move
between views.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence

import pandas as pd
from dash import dcc, html

from marmot_dash.components.chart_share import chart_share_bar, data_href
from marmot_dash.figures.style import graph_config
from marmot_dash.views import (
    DEPRIVATION_LABELS,
    LEVEL_PLURALS,
    VIEW_LABELS,
    VIEWS,
    ViewResult,
    ViewState,
    no_cohorts_message,
    view_href,
)

POLARITY_WORDS = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "no_judgement": "No judgement (neither higher nor lower is better)",
}
TABLE_HEADERS = {
    "area_code": "Area code", "area_name": "Area", "area_type": "Area type", "period": "Period",
    "breakdown": "Breakdown", "category": "Category", "value": "Value", "lower_ci": "Lower 95%",
    "upper_ci": "Upper 95%", "count": "Count", "denominator": "Denominator", "note": "Note",
    "benchmark": "Compared with England", "comparison": "Compared with the authority",
    "reference": "Reference group", "gap": "Gap to reference", "ratio": "Ratio to reference",
}
COHORT_WORDS = {"sex": "sex", "age": "age", "ethnicity": "ethnicity",
                "pupil_group": "pupil group (free school meals, looked after)"}
MAX_TABLE_ROWS = 500
GRAPH_STYLE = {"height": "clamp(380px, 62vh, 680px)"}


def _choice(label: str, href: str, element_id: str, class_name: str, current: str | None):
    """A link to another choice, or (for the open one) a marked, unlinked label."""
    if current:
        return html.Span(label, id=element_id, className=f"{class_name} selected",
                         **{"aria-current": current})
    return dcc.Link(label, href=href, id=element_id, className=class_name)


def view_tabs(state: ViewState) -> html.Nav:
    """The five views as a row of links; the open one is marked ``aria-current``."""
    items = [
        html.Li(_choice(VIEW_LABELS[view], view_href(state, view=view), f"view-tab-{view}",
                        "view-tab", "page" if view == state.view else None))
        for view in VIEWS
    ]
    return html.Nav(html.Ul(items, className="view-tabs"), **{"aria-label": "Views"})


def level_switch(state: ViewState, levels: Sequence[str]) -> html.Nav | None:
    """Links to the places view at each small-area level the indicator has values for (one
    level is shown as the current one, so the reader knows which areas the map shows)."""
    if not levels:
        return None
    items = [
        html.Li(_choice(LEVEL_PLURALS.get(level, level),
                        view_href(state, level=level, period=None), f"level-{level}",
                        "level-link", "true" if level == state.level else None))
        for level in levels
    ]
    return html.Nav([html.Span("Level: ", className="control-label"),
                     html.Ul(items, className="level-switch")],
                    **{"aria-label": "Small-area level"})


def deprivation_switch(state: ViewState, choices: Sequence[str]) -> html.Nav | None:
    """Links to the deprivation view by each grouping the indicator has (national or local
    deciles and quintiles); the open one (default: the first) is marked current."""
    if not choices:
        return None
    chosen = state.deprivation if state.deprivation in choices else choices[0]
    if state.deprivation and state.deprivation not in choices:
        chosen = None  # asked for a grouping the indicator lacks: the view says so
    items = [
        html.Li(_choice(DEPRIVATION_LABELS[choice], view_href(state, deprivation=choice),
                        f"deprivation-{choice}", "level-link",
                        "true" if choice == chosen else None))
        for choice in choices
    ]
    return html.Nav([html.Span("Deprivation groups: ", className="control-label"),
                     html.Ul(items, className="level-switch")],
                    **{"aria-label": "Deprivation grouping"})


def period_choice(state: ViewState, periods: Sequence[str]) -> html.Nav | None:
    """Links to the places view in each period with small-area values (latest by default)."""
    if not periods:
        return None
    chosen = state.period or periods[-1]
    items = [
        html.Li(_choice(period, view_href(state, period=period), f"period-{index}",
                        "level-link period-link", "true" if period == chosen else None))
        for index, period in enumerate(periods)
    ]
    return html.Nav([html.Span("Period: ", className="control-label"),
                     html.Ul(items, className="level-switch period-list")],
                    **{"aria-label": "Period"})


def callout_switch(state: ViewState) -> html.Button:
    """The "Show theme call-outs" switch (a button with role switch; the page puts its state
    into the URL as ``callouts=on``)."""
    return html.Button(
        ["Show theme call-outs: ", html.Strong("on" if state.callouts else "off")],
        id="callout-switch",
        role="switch",
        n_clicks=0,
        className="callout-switch button-secondary",
        **{"aria-checked": "true" if state.callouts else "false"},
    )


def view_body(result: ViewResult, state: ViewState, indicator: Mapping,
              today: dt.date | None = None, *, about: Mapping | None = None) -> html.Div:
    """The charts (each with its text alternative) or the message saying why there are none.

    Figures go to the browser as plain dicts (serialised once, not re-validated per request).
    ``about`` holds what the Definition and data view says beyond the catalogue row (see
    ``definition``).
    """
    if result.message:
        return html.Div(html.P(result.message, className="view-message", role="status"),
                        id="view-body")
    today = (today or dt.date.today()).isoformat()
    charts = []
    for index, figure in enumerate(result.figures):
        graph_id = f"view-graph-{index}"
        filename = f"{state.indicator}_{state.view}_{today}"
        if len(result.figures) > 1:
            filename = f"{state.indicator}_{state.view}_{_figure_kind(index)}_{today}"
        charts.append(html.Figure(
            [
                dcc.Graph(id=graph_id, figure=figure.to_plotly_json(),
                          config=graph_config(filename=filename), className="view-graph",
                          style=GRAPH_STYLE),
                chart_share_bar(state, index, graph_id, filename),
                html.Figcaption(result.description if index == 0 else "",
                                id=f"{graph_id}-description", className="chart-description"),
            ],
            className="view-chart",
            **{"aria-describedby": f"{graph_id}-description"},
        ))
    children: list = [html.Div(charts, className=f"view-charts view-charts-{len(charts)}")]
    if not result.table.empty:
        children.append(html.Details([html.Summary("The numbers behind this chart"),
                                      values_table(result.table.head(MAX_TABLE_ROWS),
                                                   caption=None),
                                      _more_rows(result.table)],
                                     className="view-numbers"))
    if state.view == "data":
        children = [definition(indicator, **(about or {})), data_section(result, state, today)]
    return html.Div(children, id="view-body")


def _more_rows(table: pd.DataFrame) -> html.P | None:
    if len(table) <= MAX_TABLE_ROWS:
        return None
    return html.P(f"The first {MAX_TABLE_ROWS:,} of {len(table):,} rows; the Definition and data "
                  "view has a CSV download of all of them.", className="muted")


def _figure_kind(index: int) -> str:
    return ("map", "ranked")[index] if index < 2 else str(index)


def definition(indicator: Mapping, *, cohorts: Sequence[str] = (),
               peer_group: Mapping | None = None) -> html.Section:
    """The indicator's metadata: definition, publisher, source link, baseline, polarity in words,
    unit, the catalogue's sources (JSNA, Luton 2040 tags), and which cohort breakdowns exist
    (``cohorts``: the breakdowns with rows; none is said plainly). With ``peer_group``
    (``Store.peer_group``), how the similar authorities were chosen."""
    url = _text(indicator.get("source_url"))
    source = html.A(url, href=url, rel="noopener noreferrer", target="_blank") if url else "–"
    target = _text(indicator.get("target"))
    named = ", ".join(COHORT_WORDS.get(c, c) for c in cohorts)
    items = [
        ("Indicator", _text(indicator.get("name"))),
        ("Definition", _text(indicator.get("definition")) or "–"),
        ("Publisher", _text(indicator.get("publisher")) or "Not recorded"),
        ("Source", source),
        ("Baseline period", _text(indicator.get("baseline_period")) or "–"),
        ("Polarity", POLARITY_WORDS.get(_text(indicator.get("polarity")), "–")),
        ("Unit", _text(indicator.get("unit")) or "–"),
        ("Value type", _text(indicator.get("value_type"))),
        ("Target", f"{target} by {_text(indicator.get('target_period'))}" if target else "None"),
        ("Sources", _text(indicator.get("sources")) or "None listed (not tagged JSNA or "
                                                        "Luton 2040)"),
        ("Cohorts", f"Published by {named}." if named else no_cohorts_message(indicator)),
        ("Fingertips id", _text(indicator.get("fingertips_id")) or "–"),
    ]
    if peer_group:
        how = _text(peer_group.get("description"))
        items.append(("Similar authorities",
                      f"{_text(peer_group.get('name'))}: {how}" if how
                      else _text(peer_group.get("name"))))
    terms = []
    for term, detail in items:
        terms += [html.Dt(term), html.Dd(detail, id=f"definition-{_slug(term)}")]
    return html.Section([html.H3("Definition"), html.Dl(terms, className="definition")],
                        className="indicator-definition")


def _slug(term: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def data_section(result: ViewResult, state: ViewState, today: str) -> html.Section:
    """The values behind the charts, with a CSV download (a plain link to
    ``downloads.indicator_data``) and a note on suppressed cells."""
    table = result.table
    shown = table.head(MAX_TABLE_ROWS)
    more = (f" The table shows the first {MAX_TABLE_ROWS:,} of {len(table):,} rows; the CSV has "
            "all." if len(table) > MAX_TABLE_ROWS else "")
    return html.Section(
        [
            html.H3("Data"),
            html.P(result.description + more),
            html.P("Values based on small counts are suppressed (left blank) to protect "
                   "confidentiality; the note column says why.", className="muted"),
            html.A("Download CSV", id="data-download-button", className="button",
                   href=data_href(state), download=f"{state.indicator}_data_{today}.csv"),
            values_table(shown, caption="Values behind the charts"),
        ],
        className="indicator-data",
    )


def values_table(table: pd.DataFrame, *, caption: str | None) -> html.Div:
    """A scrollable table of view values (blank cells for suppressed values).

    Written as one Markdown table (raw HTML off) rather than hundreds of Dash components, so a
    large table costs the server little to send.
    """
    headers = [TABLE_HEADERS.get(c, c) for c in table.columns]
    lines = ["| " + " | ".join(_markdown_cell(h) for h in headers) + " |",
             "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_markdown_cell(format_cell(v)) for v in row) + " |"
              for row in table.itertuples(index=False, name=None)]
    label = caption or "Values"
    return html.Div(
        [html.P(caption, className="table-caption") if caption else None,
         dcc.Markdown("\n".join(lines), className="values-table",
                      dangerously_allow_html=False)],
        className="table-scroll", tabIndex=0, role="region", **{"aria-label": label},
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _markdown_cell(text: str) -> str:
    """Cell text with Markdown's special characters escaped, so it shows as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def format_cell(value: object) -> str:
    """A table cell: numbers to at most two decimals, blank for missing."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if value is None or value is pd.NA:
        return ""
    return str(value)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()
