"""Every place on one indicator, ``/compare/<indicator>?place=<code>&group=similar``: each
place's latest value, its benchmark against England, recent trend and change since the baseline,
ranked (``data.comparisons.place_comparison``). ``place`` marks a place's row; with
``group=similar`` only that place and its similar places are listed.
"""

from __future__ import annotations

import functools

import dash
import pandas as pd
from dash import dcc, html

from marmot_dash.app_state import get_store
from marmot_dash.components.json_tree import json_tree
from marmot_dash.components.messages import not_found_message, unknown_place_message
from marmot_dash.components.places import compare_href, comparison_table
from marmot_dash.data.comparisons import england_code, place_comparison
from marmot_dash.views import StoreKey, ViewState, view_href

SIMILAR = "similar"


def title(indicator: str | None = None, **_: str) -> str:
    """The browser tab's title."""
    return f"Compare places: {indicator} · Marmot indicators"


def layout(indicator: str | None = None, **query: str) -> html.Section | dict:
    """The comparison table of the indicator in the URL (a message with links if it is bad)."""
    store = get_store()
    if not store.is_multi_place:
        return not_found_message(f"This dataset holds one place ({store.area_name}): there "
                                 "are no places to compare.")
    try:
        row = store.indicator(str(indicator or ""))
    except KeyError:
        return _unknown_indicator(store, indicator)
    place = _query(query, "place")
    if place is not None:
        try:
            store.place(place)
        except KeyError:
            return unknown_place_message(place)
    return comparison_page(StoreKey(store), row["indicator_id"], place,
                           _query(query, "group") == SIMILAR)


@functools.lru_cache(maxsize=64)
def comparison_page(key: StoreKey, indicator_id: str, place: str | None, group: bool) -> dict:
    """The page of one indicator (cached per dataset, indicator, place and grouping)."""
    store = key.store
    row = store.indicator(indicator_id)
    own = store.place(place) if place is not None else None
    group = group and own is not None
    table = place_comparison(store, indicator_id)
    note = None
    if group:
        members = [m["code"] for m in (own.peer_group or {"members": []})["members"]]
        table = table[table["area_code"].isin([place, *members])]
        note = html.P((own.peer_group or {}).get("description", ""), id="compare-group-note",
                      className="muted")
    table = table.sort_values(["rank", "area_name"], na_position="last")
    name = row.get("short_name") or row.get("name")
    return json_tree(html.Div(
        className="compare-page",
        children=[
            html.H1(f"{name}: every place" if not group else
                    f"{name}: {own.area_name} and its similar places", id="compare-title"),
            html.P(f"{row.get('name')}. Each place's latest value with its 95% interval, "
                   "compared with England's in the same period (Fingertips method), its recent "
                   "trend and its change since the baseline; ranked 1 = best"
                   + (" (highest first: this indicator is not judged better or worse)."
                      if row["polarity"] == "no_judgement" else "."), className="lead"),
            html.P(_choices(indicator_id, place, group, own), className="compare-choices"),
            note,
            html.Div(comparison_table(table, row, england=_england(store, row["indicator_id"]),
                                      href_for=lambda code: _place_href(row, code),
                                      highlight=place),
                     className="table-scroll", tabIndex=0, role="region",
                     **{"aria-label": "Places compared"}),
        ],
    ))


def _query(query: dict, key: str) -> str | None:
    value = query.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def _choices(indicator_id: str, place: str | None, group: bool, own) -> list:
    every = dcc.Link("Every place", href=compare_href(indicator_id, place), id="compare-all")
    if place is None:
        return ["Showing every place. Choose a place to see it among its similar places."]
    similar = dcc.Link(f"{own.area_name} and its similar places",
                       href=compare_href(indicator_id, place, similar=True),
                       id="compare-similar")
    return (["Showing ", html.Strong(f"{own.area_name} and its similar places"), " · ", every]
            if group else ["Showing every place · ", similar])


def _place_href(indicator: dict, code: str) -> str:
    """The place's principle page open at the indicator."""
    return view_href(ViewState(principle=int(indicator["principle"]),
                               indicator=indicator["indicator_id"], place=code))


def _england(store, indicator_id: str) -> float | None:
    """England's latest value (the table compares each place in its own latest period)."""
    code = england_code(store)
    if code is None:
        return None
    rows = store.series(indicator_id, [code]).dropna(subset=["value"])
    return None if rows.empty else float(rows["value"].iloc[-1])


def _unknown_indicator(store, indicator: object) -> html.Section:
    panel = not_found_message(f"There is no indicator '{str(indicator or '')[:60]}' in this "
                              "dataset.")
    catalogue: pd.DataFrame = store.indicators()
    links = [html.Li(dcc.Link(str(row["short_name"] or row["name"]),
                              href=compare_href(row["indicator_id"])))
             for row in catalogue.to_dict("records")]
    panel.children = [*panel.children, html.H2("Compare places on"), html.Ul(links)]
    return panel


dash.register_page(
    __name__,
    path_template="/compare/<indicator>",
    title=title,
    name="Compare places",
    layout=layout,
)
