"""The overview (``/``): the eight principles as tiles, each an early-impact scorecard."""

from __future__ import annotations

import dash
from dash import html

from marmot_dash.app_state import get_dataset, get_store
from marmot_dash.components.tiles import principle_tile, scorecard_key
from marmot_dash.data.summaries import principle_scorecard, summaries


def layout(**_query: str) -> html.Div:
    """Eight tiles in principle order, with how to read them."""
    dataset = get_dataset()
    area = dataset.meta["area"]["name"]
    scorecards = principle_scorecard(summaries(get_store())).to_dict("records")
    counts = {int(card["principle"]): card for card in scorecards}
    tiles = [
        principle_tile(principle, counts[int(principle["id"])])
        for principle in dataset.principles.to_dict("records")
    ]
    return html.Div(
        className="overview",
        children=[
            html.H1(f"{area}: early impact across the eight Marmot principles"),
            html.P(
                "Each tile counts the principle's indicators by change since the baseline, "
                "comparison with England and the deprivation gap. Choose a principle to see "
                "its indicators.",
                className="lead",
            ),
            scorecard_key(),
            html.Ul(tiles, className="tiles", **{"aria-label": "The eight principles"}),
        ],
    )


dash.register_page(
    __name__, path="/", name="Overview", title="Overview · Marmot indicators", order=0,
    layout=layout,
)
