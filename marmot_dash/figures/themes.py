"""Prevalence of the qualitative themes: coded excerpts by stakeholder group or by stage."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from marmot_dash.figures.style import OKABE_ITO, TEXT_COLOUR, axis_style, base_layout

# Bar fill patterns so a category reads without its colour.
PATTERNS = ("", "/", ".", "x", "\\", "-", "+", "|")


def build_theme_prevalence(
    counts: pd.DataFrame, *, category_label: str, category_order: Sequence[str] | None = None
) -> go.Figure:
    """Stacked horizontal bars: coded excerpts per theme, one segment per category.

    ``counts`` is long: ``theme``, ``category``, ``count`` (themes in display order).
    Categories follow ``category_order`` (those absent from it, or all when it is None, by total
    count, largest first). Each category has its own colour (Okabe-Ito) and fill pattern, and
    every segment is labelled with its count. Theme and category names are HTML-escaped, so
    markup in them shows as written.
    """
    themes = list(dict.fromkeys(counts["theme"]))
    totals = counts.groupby("category", sort=False)["count"].sum().sort_values(
        ascending=False, kind="stable")
    order = [c for c in (category_order or ()) if c in totals.index]
    order += [c for c in totals.index if c not in order]
    fig = go.Figure()
    for number, category in enumerate(order):
        rows = counts[counts["category"] == category]
        by_theme = rows.groupby("theme", sort=False)["count"].sum()
        values = [int(by_theme.get(theme, 0)) for theme in themes]
        fig.add_trace(go.Bar(
            name=_plain(category),
            y=[_plain(theme) for theme in themes],
            x=values,
            orientation="h",
            text=[str(value) if value else "" for value in values],
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            insidetextfont={"color": TEXT_COLOUR, "size": 15,
                            "shadow": "0px 0px 3px #FFFFFF"},
            marker={"color": OKABE_ITO[number % len(OKABE_ITO)],
                    "pattern": {"shape": PATTERNS[number % len(PATTERNS)], "fillmode": "overlay",
                                "fgcolor": "#FFFFFF", "fgopacity": 0.6, "size": 10}},
            hovertemplate="%{y}<br>%{fullData.name}: %{x} excerpts<extra></extra>",
        ))
    fig.update_layout(
        **base_layout(),
        barmode="stack",
        height=240 + 48 * len(themes),
        legend_title_text=category_label,
        legend_traceorder="normal",
        showlegend=True,
    )
    most = int(counts.groupby("theme")["count"].sum().max()) if not counts.empty else 0
    fig.update_xaxes(**axis_style("Coded excerpts", rangemode="tozero",
                                  dtick=1 if most <= 10 else None, tickformat="d"))
    fig.update_yaxes(**axis_style(None, showgrid=False, autorange="reversed"))
    return fig


def _plain(text: object) -> str:
    """Text Plotly shows as written (its labels otherwise accept a little HTML)."""
    return html.escape(str(text), quote=False)


def describe_theme_prevalence(counts: pd.DataFrame, *, category_label: str) -> str:
    """A plain-English text alternative: the most-coded theme and each theme's total."""
    if counts.empty:
        return "No coded-excerpt counts."
    totals = counts.groupby("theme", sort=False)["count"].sum()
    top = counts.groupby("category", sort=False)["count"].sum().sort_values(ascending=False)
    parts = ", ".join(f"{theme} {int(total)}" for theme, total in totals.items())
    return (
        f"Coded excerpts per theme by {category_label.lower()}: {parts}. "
        f"Most excerpts came from {top.index[0]} ({int(top.iloc[0])} of {int(top.sum())})."
    )
