"""Dash's not-found page (``not_found_404``): any address that matches no page."""

from __future__ import annotations

import dash
from dash import html

from marmot_dash.components.messages import not_found_message


def layout(**_query: str) -> html.Section:
    """A helpful message and links back, for an address no page serves."""
    return not_found_message("There is no page at this address. It may have been mistyped.")


dash.register_page(
    "not_found_404", path="/404", title="Page not found · Marmot indicators", layout=layout
)
