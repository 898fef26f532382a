"""The illustrative-data banner shown on every page of a simulated dataset."""

from __future__ import annotations

from dash import html

ILLUSTRATIVE_TEXT = (
    "The values on this dashboard are simulated. They are not official statistics "
    "and must not be quoted as facts about any place."
)


def illustrative_banner() -> html.Div:
    """A prominent notice that the dataset is illustrative (simulated values)."""
    return html.Div(
        className="illustrative-banner",
        role="note",
        **{"aria-label": "Illustrative data"},
        children=[html.Strong("Illustrative data. "), ILLUSTRATIVE_TEXT],
    )
