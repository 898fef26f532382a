"""Theme call-outs: short notes from the qualitative work placed on a chart.

A call-out ("Barrier: data granularity") sits in a band added below everything else on the
chart (axis titles, source line), so it never hides data, the legend or the marks; the bottom
margin grows to hold it. Not calling ``add_theme_callouts`` is how a chart goes without them.

Themes are ``marmot_dash.qualitative.themes.Theme`` objects; this module only reads their ``id``,
``title``, ``callout`` (``text`` and ``views``), ``cross_cutting`` and ``bears_on``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Protocol

import plotly.graph_objects as go

from marmot_dash.figures.style import TEXT_COLOUR

CALLOUT_NAME_PREFIX = "theme-callout:"
MAX_CALLOUTS = 3
CALLOUT_SIZE = 13
CALLOUT_LINE = CALLOUT_SIZE + 15  # px per call-out, box and gap included
CALLOUT_FILL = "#FFF4CC"
CALLOUT_BORDER = "#8A6D00"
_UNFRAMED_BOTTOM = 80  # Plotly's default bottom margin
_GAP = 8  # px between what was at the bottom of the chart and the first call-out


class _Callout(Protocol):
    text: str
    views: tuple[str, ...]


class ThemeLike(Protocol):
    """What a call-out needs from a theme."""

    id: str
    title: str
    cross_cutting: bool
    callout: _Callout | None

    def bears_on(self, principle: int) -> bool: ...


def callout_themes(
    themes: Iterable[ThemeLike], view: str, *, principle: int | None = None
) -> list[ThemeLike]:
    """The themes whose call-out suits ``view`` (and bear on ``principle`` when given).

    Themes linked to specific principles come before cross-cutting ones; at most
    ``MAX_CALLOUTS``.
    """
    suited = [
        theme for theme in themes
        if theme.callout is not None and view in theme.callout.views
        and (principle is None or theme.bears_on(principle))
    ]
    suited.sort(key=lambda theme: theme.cross_cutting)  # stable: file order within each group
    return suited[:MAX_CALLOUTS]


def add_theme_callouts(
    fig: go.Figure, themes: Iterable[ThemeLike], view: str, *, principle: int | None = None
) -> go.Figure:
    """Add the call-outs of the themes that suit ``view`` below the chart; return ``fig``.

    Updates ``fig`` in place. Each call-out is a layout annotation named
    ``theme-callout:<theme id>``; its hover text names the theme. Text is HTML-escaped, so
    markup in a theme shows as written.
    """
    chosen = callout_themes(themes, view, principle=principle)
    if not chosen:
        return fig
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else _UNFRAMED_BOTTOM
    fig.update_layout(margin={"b": bottom + _GAP + CALLOUT_LINE * len(chosen)})
    for line, theme in enumerate(chosen):
        fig.add_annotation(
            name=f"{CALLOUT_NAME_PREFIX}{theme.id}",
            text=html.escape(theme.callout.text, quote=False),
            hovertext=html.escape(f"Theme from the qualitative work: {theme.title}", quote=False),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-(bottom + _GAP + line * CALLOUT_LINE),
            showarrow=False,
            align="left",
            font={"size": CALLOUT_SIZE, "color": TEXT_COLOUR},
            bgcolor=CALLOUT_FILL,
            bordercolor=CALLOUT_BORDER,
            borderwidth=1,
            borderpad=4,
        )
    return fig


def theme_callout_texts(fig: go.Figure) -> list[str]:
    """The call-out annotations' texts on ``fig`` (empty when it has none)."""
    return [
        annotation.text for annotation in fig.layout.annotations
        if (annotation.name or "").startswith(CALLOUT_NAME_PREFIX)
    ]
