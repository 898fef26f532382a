"""Sparkline: a tiny static line of an indicator's recent values for the principle table."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

SPARKLINE_WIDTH = 120
SPARKLINE_HEIGHT = 36
_HIDDEN_AXIS = {"visible": False, "fixedrange": True}
SPARKLINE_CONFIG = {"staticPlot": True, "displayModeBar": False}
"""``dcc.Graph(config=...)`` for a sparkline: a static image, no mode bar."""


def build_sparkline(values: Sequence[float], *, colour: str) -> go.Figure:
    """A line of ``values`` in order with the last point marked; no axes, legend or hover.

    Missing values break the line rather than being drawn as zero.
    """
    points = [None if v is None or math.isnan(float(v)) else float(v) for v in values]
    last = max((i for i, v in enumerate(points) if v is not None), default=None)
    traces = [{
        "type": "scatter", "x": list(range(len(points))), "y": points, "mode": "lines",
        "line": {"color": colour, "width": 2}, "hoverinfo": "skip", "connectgaps": False,
    }]
    if last is not None:
        traces.append({
            "type": "scatter", "x": [last], "y": [points[last]], "mode": "markers",
            "hoverinfo": "skip", "marker": {"color": colour, "size": 6},
        })
    layout = {
        "width": SPARKLINE_WIDTH, "height": SPARKLINE_HEIGHT,
        "margin": {"l": 2, "r": 4, "t": 4, "b": 4}, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False, "hovermode": False,
        "dragmode": False, "xaxis": _HIDDEN_AXIS, "yaxis": _HIDDEN_AXIS, "template": "none",
    }
    return go.Figure(data=traces, layout=layout)


def describe_sparkline(values: Sequence[float]) -> str:
    """A short text alternative: the first and last values shown."""
    known = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not known:
        return "No values to show."
    return f"Recent values from {known[0]:,.1f} to {known[-1]:,.1f} over {len(known)} periods."
