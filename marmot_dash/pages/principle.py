"""A principle page, ``/principle/<n>``: its indicators as a spine-chart-like table, then the
chosen indicator's views (Trend, Places, Deprivation, Cohorts, Definition and data) with the
qualitative themes beside them.

The state lives in the URL (``?indicator=&view=&level=&period=&deprivation=``): Dash's page
router calls :func:`layout` with it, so a copied link opens the same view and back and forward
work. Tabs, the level, period and deprivation-grouping switches are links; the call-out switch (a
button) rewrites the URL's search. Callbacks are thin: parse the URL, ask ``views.view_figure``,
return.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

import dash
from dash import Input, Output, State, dcc, html

from marmot_dash import cache
from marmot_dash.app_state import place_store
from marmot_dash.components.chart_share import report_link
from marmot_dash.components.deck_button import deck_button
from marmot_dash.components.indicator_table import indicator_table
from marmot_dash.components.json_tree import json_tree
from marmot_dash.components.messages import not_found_message, unknown_place_message
from marmot_dash.components.places import compare_href, place_bar
from marmot_dash.components.run_sheet_controls import run_sheet_controls
from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.components.view_panel import (
    callout_switch,
    deprivation_switch,
    level_switch,
    period_choice,
    view_body,
    view_tabs,
)
from marmot_dash.data.summaries import summaries
from marmot_dash.views import (
    VIEW_LABELS,
    StoreKey,
    ViewState,
    cohort_breakdowns,
    deprivation_choices,
    indicator_levels,
    parse_view_state,
    place_of_path,
    place_prefix,
    state_from_params,
    view_figure,
    view_href,
    view_state_to_search,
)

LOCATION_ID = "principle-location"
# Below this many indicators with values, a principle's note (what is missing and why) is shown
# prominently at the top of its page.
FEW_INDICATORS = 3


def title(principle: str | None = None, **_: str) -> str:
    """The browser tab's title."""
    return f"Principle {principle} · Marmot indicators" if principle else "Marmot indicators"


def layout(principle: str | None = None, place: str | None = None, **query: str
           ) -> html.Div | html.Section:
    """The page for the place, principle and view state in the URL (a helpful message if it is
    bad); ``place`` absent: the primary place at the single-place addresses."""
    store = place_store(place)
    if store is None:
        return unknown_place_message(place)
    state = state_from_params(store, principle, query, place=place)
    if state.problem:
        return problem_message(store, state)
    row = store.principle(state.principle)
    prefix = place_prefix(place)
    outputs: list = [dcc.Link("Present these charts", href=f"{prefix}/present/{state.principle}",
                              id="present-link"),
                     " · ", report_link(state.principle, place=place)]
    if store.is_multi_place:
        outputs += [" · ", dcc.Link("Compare every place on this indicator",
                                    href=compare_href(state.indicator, store.area_code),
                                    id="compare-link")]
    return html.Div(
        className="principle-page",
        children=[
            dcc.Location(id=LOCATION_ID, refresh="callback-nav"),
            place_bar(store, place),
            html.H1(f"Principle {state.principle}: {row['title']}", id="principle-title"),
            principle_note(StoreKey(store), state.principle),
            html.P(outputs, className="principle-outputs"),
            html.Div([deck_button(principle=state.principle, place=place),
                      run_sheet_controls(state)],
                     className="page-tools"),
            html.Div(
                className="principle-columns",
                children=[
                    html.Div(
                        [indicators_section(StoreKey(store), state),
                         indicator_views(StoreKey(store), state, dt.date.today())],
                        className="principle-main",
                    ),
                    html.Div(side_panel(StoreKey(store), state.principle),
                             className="principle-side"),
                ],
            ),
        ],
    )


@functools.lru_cache(maxsize=64)
def principle_note(key: StoreKey, principle: int) -> dict | None:
    """dataset.yaml's note on the principle (e.g. which Marmot indicators are missing and why);
    prominent when fewer than ``FEW_INDICATORS`` indicators have values, when a sentence says
    so even without a note."""
    store = key.store
    rows = summaries(store)
    with_values = int(rows.loc[rows["principle"] == principle, "value"].notna().sum())
    note = store.principle_note(principle)
    few = with_values < FEW_INDICATORS
    if few:
        counted = (f"{with_values} of this principle's indicators "
                   f"{'has' if with_values == 1 else 'have'} values in this dataset.")
        note = f"{counted} {note}".strip()
    if not note:
        return None
    return json_tree(html.P(note, id="principle-note", role="note" if few else None,
                            className="principle-note prominent" if few else "principle-note"))


@functools.lru_cache(maxsize=64)
def side_panel(key: StoreKey, principle: int) -> dict:
    """The qualitative themes beside the numbers (cached per dataset and principle)."""
    return json_tree(themes_panel(key.store.themes or [], principle))


@functools.lru_cache(maxsize=512)
def indicators_section(key: StoreKey, state: ViewState) -> dict:
    """The principle's indicator table (cached: the same state always gives the same table)."""
    store = key.store
    indicators = store.indicators(principle=state.principle)
    table_rows = summaries(store)
    table_rows = table_rows[table_rows["indicator_id"].isin(indicators["indicator_id"])]
    group = store.peer_group
    # Another indicator opens at its own default level and deprivation grouping.
    table = indicator_table(indicators, table_rows, selected=state.indicator,
                            href_for=lambda i: view_href(state, indicator=i, level=None,
                                                         period=None, deprivation=None),
                            peer_name=group["name"] if group else None)
    how_chosen = None
    if group:
        how_chosen = html.P([html.Strong(f"{group['name']}: "),
                             group["description"] or f"{len(group['members'])} authorities.",
                             f" Members: {', '.join(m['name'] for m in group['members'])}."],
                            id="peer-group-note", className="muted peer-group-note")
    return json_tree(html.Section(
        [html.H2("Indicators"),
         html.Div(table, className="table-scroll", tabIndex=0, role="region",
                  **{"aria-label": "Indicators table"}),
         how_chosen],
        className="indicators", **{"aria-label": "Indicators"},
    ))


@cache.memoize("view", maxsize=256)
def indicator_views(key: StoreKey, state: ViewState, today: dt.date) -> dict:
    """The chosen indicator's tabs, controls and the open view (cached per state and day: the
    PNG file names carry the date; shared between machines with ``REDIS_URL``)."""
    store = key.store
    indicator = store.indicator(state.indicator)
    result = view_figure(store, state.indicator, state.view, level=state.level,
                         period=state.period, deprivation=state.deprivation,
                         callouts=state.callouts, copy=False)
    controls: list = []
    if state.view == "places":
        periods = list(store.periods(state.indicator, area_type=state.level)) if state.level else []
        controls += [level_switch(state, indicator_levels(store, state.indicator)),
                     period_choice(state, periods)]
    if state.view == "deprivation":
        controls.append(deprivation_switch(state, deprivation_choices(store, state.indicator)))
    about = None
    if state.view == "data":
        about = {"cohorts": cohort_breakdowns(store, state.indicator),
                 "peer_group": store.peer_group}
    if state.view != "data":
        controls.append(callout_switch(state))
    name = indicator.get("short_name") or indicator.get("name")
    return json_tree(html.Section(
        id="indicator-views",
        className="indicator-views",
        **{"aria-labelledby": "indicator-views-heading", "data-indicator": state.indicator,
           "data-view": state.view},
        children=[
            html.H2([f"{name}: ", html.Span(VIEW_LABELS[state.view], id="open-view-name")],
                    id="indicator-views-heading", tabIndex=-1),
            dcc.Store(id="view-opened", data=[state.principle, view_state_to_search(state)]),
            html.Span(id="view-focus-done", hidden=True),
            view_tabs(state),
            html.Div([c for c in controls if c is not None], className="view-controls"),
            view_body(result, state, indicator, today, about=about),
        ],
    ))


def problem_message(store, state: ViewState) -> html.Section:
    """The helpful message for a bad principle, indicator, view, level or period."""
    panel = not_found_message(state.problem)
    if state.principle is not None and store.principle_note(state.principle):
        panel.children = [*panel.children, html.P(store.principle_note(state.principle),
                                                  id="principle-note", className="principle-note")]
    links = [html.Li(dcc.Link(f"Principle {p['id']}: {p['short_name']}",
                              href=f"{place_prefix(state.place)}/principle/{p['id']}"))
             for p in store.principles().to_dict("records")]
    panel.children = [*panel.children, html.H2("The principles"), html.Ul(links)]
    return panel


# After a tab, level, period or indicator link re-renders the views (same principle), move focus
# to the views' heading, as keyboard and screen-reader users would otherwise be left on <body>.
dash.clientside_callback(
    """
    function(opened) {
        const last = window.marmotOpenedView;
        window.marmotOpenedView = opened;
        if (last && opened && last[0] === opened[0] && last[1] !== opened[1]) {
            const heading = document.getElementById("indicator-views-heading");
            if (heading) { heading.focus(); }
        }
        return "";
    }
    """,
    Output("view-focus-done", "children"),
    Input("view-opened", "data"),
)


@dash.callback(
    Output(LOCATION_ID, "search"),
    Input("callout-switch", "n_clicks"),
    State(LOCATION_ID, "pathname"),
    State(LOCATION_ID, "search"),
    prevent_initial_call=True,
)
def switch_callouts(n_clicks: int, pathname: str, search: str) -> str:
    """Flip the call-out switch in the URL (``callouts=on``); the page router then draws it."""
    store = place_store(place_of_path(pathname))
    if store is None:
        return dash.no_update
    state = parse_view_state(store, pathname, search)
    if not n_clicks or state.problem:
        return dash.no_update
    return view_state_to_search(replace(state, callouts=not state.callouts))


dash.register_page(
    __name__,
    path_template="/principle/<principle>",
    title=title,
    name="Principle",
    layout=layout,
)
dash.register_page(
    f"{__name__}_place",
    path_template="/<place>/principle/<principle>",
    title=title,
    name="Principle of a place",
    layout=layout,
)
