"""The overview: ``/`` shows the eight principles as tiles, each an early-impact scorecard; for
a dataset of several places ``/`` lists the places with their headline counts and
``/<place>`` is each place's overview."""

from __future__ import annotations

import functools

import dash
from dash import html

from marmot_dash.app_state import get_store, place_store
from marmot_dash.components.json_tree import json_tree
from marmot_dash.components.messages import unknown_place_message
from marmot_dash.components.places import place_bar, places_table
from marmot_dash.components.tiles import principle_tile, scorecard_key
from marmot_dash.data.comparisons import place_scorecards
from marmot_dash.data.summaries import principle_scorecard, summaries
from marmot_dash.views import StoreKey, place_prefix


def layout(**_query: str) -> dict:
    """The list of places (several), else the overview of the one place."""
    store = get_store()
    if store.is_multi_place:
        return places_overview(StoreKey(store))
    return place_overview(StoreKey(store), None)


def place_layout(place: str | None = None, **_query: str) -> html.Section | dict:
    """``/<place>``: the overview of one place (a message with links back if there is none)."""
    store = place_store(place)
    if store is None:
        return unknown_place_message(place)
    return place_overview(StoreKey(store), place)


@functools.lru_cache(maxsize=64)
def place_overview(key: StoreKey, place: str | None) -> dict:
    """Eight tiles in principle order, with how to read them; links keep ``place`` (cached per
    place)."""
    store = key.store
    scorecards = principle_scorecard(summaries(store)).to_dict("records")
    counts = {int(card["principle"]): card for card in scorecards}
    tiles = [
        principle_tile(principle, counts[int(principle["id"])], place_prefix(place))
        for principle in store.principles().to_dict("records")
    ]
    return json_tree(html.Div(
        className="overview",
        children=[
            place_bar(store, place),
            html.H1(f"{store.area_name}: early impact across the eight Marmot principles"),
            html.P(
                "Each tile counts the principle's indicators by change since the baseline, "
                "comparison with England and the deprivation gap. Choose a principle to see "
                "its indicators.",
                className="lead",
            ),
            scorecard_key(),
            html.Ul(tiles, className="tiles", **{"aria-label": "The eight principles"}),
        ],
    ))


@functools.lru_cache(maxsize=4)
def places_overview(key: StoreKey) -> dict:
    """Every place of the dataset with its headline counts, each linking to its overview
    (cached per dataset: 150 places make a 150 KB table)."""
    store = key.store
    name = str(store.meta.get("name") or "This dataset")
    return json_tree(html.Div(
        className="overview places-overview",
        children=[
            html.H1(f"{name}: {len(store.places)} places"),
            html.P(
                "Each row counts a place's indicators by comparison with England, change since "
                "the baseline and recent trend, computed as on the place's own pages. Choose a "
                "place to see its eight principles.",
                className="lead",
            ),
            html.Div(places_table(place_scorecards(store)), className="table-scroll",
                     tabIndex=0, role="region", **{"aria-label": "Places table"}),
        ],
    ))


def title(place: str | None = None, **_: str) -> str:
    """The browser tab's title of a place's overview."""
    return f"{place} · Marmot indicators" if place else "Overview · Marmot indicators"


dash.register_page(
    __name__, path="/", name="Overview", title="Overview · Marmot indicators", order=0,
    layout=layout,
)
# "place_overview" sorts after every "marmot_dash.pages.*" page (and "not_found_404"), so Dash
# tries this catch-all template last: /themes, /events and the rest keep their pages.
dash.register_page(
    "place_overview", path_template="/<place>", name="Place", title=title,
    layout=place_layout,
)
