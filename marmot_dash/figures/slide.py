"""Slide framing: title, subtitle, source line and the "Illustrative" mark on the figure itself.

Everything is placed in pixels from the figure's edges, so the same figure reads on a laptop,
a phone and a 1920x1080 slide, and both the browser's PNG download and the server export carry
the marks.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from marmot_dash.figures.style import (
    ILLUSTRATIVE_COLOUR,
    MUTED_COLOUR,
    SOURCE_SIZE,
    TITLE_SIZE,
)

ILLUSTRATIVE_TEXT = "Illustrative: simulated values, not official statistics"

_EDGE = 16  # px between the figure's edge and the title or source line
_TITLE_LINE = TITLE_SIZE + 10
_SUBTITLE_LINE = 20
_LEGEND_BAND = 34
_SOURCE_BAND = 28


def _needs_band_above_plot(fig: go.Figure) -> bool:
    """True when a legend or a label (such as a panel title) sits just above the plot."""
    labels_above = any(
        a.yref == "paper" and (a.y or 0) >= 1 and a.yanchor == "bottom"
        for a in fig.layout.annotations
    )
    if labels_above:
        return True
    if fig.layout.showlegend is False:
        return False
    return sum(trace.showlegend is not False for trace in fig.data) > 1


def _subtitle_lines(subtitle: str | None, illustrative: bool) -> list[str]:
    lines = [html.escape(subtitle, quote=False)] if subtitle else []
    if illustrative:
        lines.append(f'<b><span style="color:{ILLUSTRATIVE_COLOUR}">{ILLUSTRATIVE_TEXT}</span></b>')
    return lines


def frame(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    illustrative: bool,
    subtitle: str | None = None,
) -> go.Figure:
    """Add the title, subtitle, source line and (if ``illustrative``) the Illustrative mark.

    Updates ``fig`` in place and returns it. The top and bottom margins grow to hold the marks;
    a legend (or a panel title) sits between the title block and the plot.
    """
    lines = _subtitle_lines(subtitle, illustrative)
    band = _LEGEND_BAND if _needs_band_above_plot(fig) else 8
    top = _EDGE + _TITLE_LINE + _SUBTITLE_LINE * len(lines) + band
    bottom = max(fig.layout.margin.b or 0, 70) + _SOURCE_BAND
    title_layout: dict = {
        "text": f"<b>{html.escape(title, quote=False)}</b>",
        "font": {"size": TITLE_SIZE},
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"l": _EDGE, "t": _EDGE},
        "automargin": False,
    }
    if lines:
        title_layout["subtitle"] = {
            "text": "<br>".join(lines),
            "font": {"size": SOURCE_SIZE + 3, "color": MUTED_COLOUR},
        }
    source_line = {
        "text": f"Source: {html.escape(source, quote=False)}", "name": "source", "xref": "paper",
        "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
        "yshift": -(bottom - _EDGE - SOURCE_SIZE), "showarrow": False, "align": "left",
        "font": {"size": SOURCE_SIZE, "color": MUTED_COLOUR},
    }
    # Plain attribute assignment: several times faster than update_layout on a built figure.
    layout = fig.layout
    layout.title = title_layout
    layout.margin.t = top
    layout.margin.b = bottom
    # One row high: on a narrow screen the legend scrolls instead of covering the title.
    layout.legend = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                     "yref": "paper", "maxheight": _LEGEND_BAND - 4}
    kept = [a for a in layout.annotations if a.name != "source"]  # framing twice: one source
    layout.annotations = [*kept, source_line]
    return fig
