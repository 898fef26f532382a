"""Principle tiles of the overview: an early-impact scorecard per principle.

Each count carries a word and a symbol as well as its Fingertips colour, so colour is never
the only carrier of meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dash import dcc, html

from marmot_dash.components.header import principle_path
from marmot_dash.figures.style import BENCHMARK_COLOURS


@dataclass(frozen=True)
class Mark:
    """One scorecard count: its key in the scorecard, words, symbol and benchmark colour."""

    key: str
    words: str
    symbol: str
    benchmark: str


# (group heading, marks) in display order.
SCORECARD_GROUPS: tuple[tuple[str, tuple[Mark, ...]], ...] = (
    ("Since the baseline", (
        Mark("improved", "improved", "▲", "better"),
        Mark("no_change", "no significant change", "●", "similar"),
        Mark("worsened", "worsened", "▼", "worse"),
    )),
    ("Compared with England", (
        Mark("better", "better", "▲", "better"),
        Mark("similar", "similar", "●", "similar"),
        Mark("worse", "worse", "▼", "worse"),
    )),
    ("Deprivation gap since the baseline", (
        Mark("narrowed", "narrowed", "→←", "better"),
        Mark("widened", "widened", "←→", "worse"),
    )),
)
RED_RED = Mark("red_red", "worse than England and getting worse", "‼", "worse")


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def readable_text_colour(background: str) -> str:
    """Black or white, whichever has the higher WCAG contrast on ``background``."""
    luminance = _relative_luminance(background)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def _chip(mark: Mark) -> html.Span:
    colour = BENCHMARK_COLOURS[mark.benchmark]
    return html.Span(
        mark.symbol,
        className="chip",
        style={"backgroundColor": colour, "color": readable_text_colour(colour)},
        **{"aria-hidden": "true"},
    )


def _count_item(mark: Mark, count: int) -> html.Li:
    return html.Li(
        className=f"count count-{mark.key}",
        children=[
            _chip(mark),
            html.Span(str(count), className="count-number", **{"data-key": mark.key}),
            html.Span(f" {mark.words}", className="count-words"),
        ],
    )


def principle_tile(principle: Mapping, counts: Mapping[str, int], prefix: str = "") -> html.Li:
    """A tile: the principle's name (a link to its page, after ``prefix``: a place's
    ``/<code>``), title and early-impact scorecard.

    ``counts`` is a row of ``data.summaries.principle_scorecard``: ``indicators`` and the count
    of each mark's key.
    """
    number = int(principle["id"])
    n_indicators = int(counts.get("indicators", 0))
    groups = [
        html.Div(
            className="score-group",
            children=[
                html.H3(heading, className="score-heading"),
                html.Ul([_count_item(mark, int(counts.get(mark.key, 0))) for mark in marks],
                        className="score-list"),
            ],
        )
        for heading, marks in SCORECARD_GROUPS
    ]
    red_red = int(counts.get(RED_RED.key, 0))
    return html.Li(
        className="tile",
        id=f"tile-{number}",
        style={"borderTopColor": principle.get("colour") or "#595959"},
        children=[
            html.H2(
                dcc.Link(
                    [html.Span(f"Principle {number}", className="tile-number"),
                     html.Span(str(principle["short_name"]), className="tile-name")],
                    href=prefix + principle_path(number),
                    className="tile-link",
                ),
                className="tile-heading",
            ),
            html.P(str(principle["title"]), className="tile-title"),
            html.P(
                [html.Span(str(n_indicators), className="count-number",
                           **{"data-key": "indicators"}),
                 " indicator" if n_indicators == 1 else " indicators"],
                className="tile-indicators",
            ),
            *groups,
            html.P(
                className="red-red" + (" red-red-some" if red_red else ""),
                children=[
                    _chip(RED_RED),
                    html.Span(str(red_red), className="count-number",
                              **{"data-key": RED_RED.key}),
                    html.Span(f" {RED_RED.words}", className="count-words"),
                ],
            ),
        ],
    )


def scorecard_key() -> html.Details:
    """How to read a tile: what each group counts and what the symbols mean."""
    return html.Details(
        className="scorecard-key",
        children=[
            html.Summary("How to read the tiles"),
            html.P(
                "Each tile counts the principle's indicators. Since the baseline: whether the "
                "latest value is significantly better (▲ improved), not significantly different "
                "(● no significant change) or significantly worse (▼ worsened) than at the "
                "baseline. Compared with England: whether the latest value is better, similar "
                "or worse, judged by the 95% confidence interval (Fingertips method). "
                "Deprivation gap: whether the gap between the most and least deprived areas "
                "has narrowed or widened since the baseline. ‼ counts indicators that are "
                "worse than England and getting worse. Indicators that cannot be judged are "
                "not counted."
            ),
        ],
    )
