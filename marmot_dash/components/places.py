"""Pieces of the pages of a dataset with several places: the place bar on a place's pages, the
list of places with their headline counts (``/``) and the comparison of every place on one
indicator (``/compare/<indicator>``). The numbers come from ``data.comparisons``."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote, urlencode

import pandas as pd
from dash import dcc, html

from marmot_dash.components.indicator_table import (
    BENCHMARK_GLYPHS,
    CHANGE_MARKS,
    ordinal,
    value_digits,
)
from marmot_dash.figures.style import TREND_ARROWS, TREND_WORDS, benchmark_word, format_value

COMPARE_PATH = "/compare"
PLACE_HEADERS = ("Place", "Indicators with values", "Better than England",
                 "Similar to England", "Worse than England", "Improved since baseline",
                 "Worsened since baseline", "Worse than England and getting worse")
COMPARE_HEADERS = ("Rank (1 = best)", "Place", "Latest (period)", "95% interval",
                   "Compared with England", "Recent trend", "Change since baseline")


def compare_href(indicator_id: str | None, place: str | None = None, *, similar: bool = False
                 ) -> str:
    """The address of the comparison of every place on an indicator (``place`` marked; with
    ``similar``, only that place and its similar places)."""
    params = {"place": place, "group": "similar" if similar and place else None}
    kept = {key: value for key, value in params.items() if value}
    query = f"?{urlencode(kept)}" if kept else ""
    return f"{COMPARE_PATH}/{quote(str(indicator_id or ''), safe='')}{query}"


def place_bar(store, place: str | None) -> html.Nav | None:
    """On a page of one place of a multi-place dataset: the place's name and the way back to
    the list of places (None for a single-place dataset)."""
    if not store.is_multi_place:
        return None
    code = place or store.area_code
    return html.Nav(
        className="place-bar", id="place-bar", **{"aria-label": "Place"},
        children=[html.Span(["Place: ", html.Strong(store.area_name, id="place-name"),
                             f" ({code})"]),
                  " · ", dcc.Link("Its overview", href=f"/{code}"),
                  " · ", dcc.Link(f"All {len(store.places)} places", href="/")],
    )


def places_table(scorecards: pd.DataFrame) -> html.Table:
    """Every place with its headline counts (``data.comparisons.place_scorecards``); each name
    links to the place's overview."""
    keys = ("indicators", "better", "similar", "worse", "improved", "worsened", "red_red")
    rows = [
        html.Tr([html.Th(dcc.Link(row["area_name"], href=f"/{row['area_code']}",
                                  className="place-link"), scope="row"),
                 *[html.Td(int(row[key]), **{"data-key": key}) for key in keys]],
                **{"data-place": row["area_code"]})
        for row in scorecards.to_dict("records")
    ]
    return _table("places-table", "Each place's indicators: how many compare better, similar "
                  "or worse than England, improved or worsened since the baseline, and are worse "
                  "than England and getting worse", PLACE_HEADERS, rows)


def comparison_table(table: pd.DataFrame, indicator: Mapping, *, england: float | None,
                     href_for: Callable[[str], str], highlight: str | None = None
                     ) -> html.Table:
    """One indicator for every place (``data.comparisons.place_comparison`` rows, shown in
    the order given), England's value first; the ``highlight`` place's row is marked."""
    digits = value_digits(indicator)
    england_row = html.Tr(
        [html.Td("–"), html.Th("England", scope="row"),
         html.Td(format_value(england, digits)), *[html.Td("–") for _ in range(4)]],
        className="england-row")
    rows = [england_row]
    for row in table.to_dict("records"):
        benchmark = str(row["benchmark"])
        trend = str(row["trend"])
        change, change_words = CHANGE_MARKS.get(str(row["change_judgement"]),
                                                CHANGE_MARKS["not_compared"])
        current = row["area_code"] == highlight
        rows.append(html.Tr(
            className="compare-row current" if current else "compare-row",
            **{"data-place": row["area_code"], "data-benchmark": benchmark,
               **({"aria-current": "true"} if current else {})},
            children=[
                html.Td(_rank(row)),
                html.Th(dcc.Link(row["area_name"], href=href_for(row["area_code"])),
                        scope="row"),
                html.Td(f"{format_value(row['value'], digits)} ({row['period'] or '–'})"),
                html.Td(_interval(row, digits)),
                html.Td(f"{BENCHMARK_GLYPHS.get(benchmark, '○')} {benchmark_word(benchmark)}",
                        className=f"benchmark benchmark-{benchmark}"),
                html.Td(f"{TREND_ARROWS.get(trend, '')} {TREND_WORDS.get(trend, trend)}".strip()),
                html.Td(f"{change} {change_words}"),
            ],
        ))
    return _table("compare-table", "Every place's latest value with its 95% interval, compared "
                  "with England in the same period, its recent trend and its change since the "
                  "baseline", COMPARE_HEADERS, rows)


def _table(name: str, caption: str, headers: Sequence[str], rows: list) -> html.Table:
    """A captioned table with one row of column headers; ``name`` is its id and class."""
    return html.Table(
        className=name, id=name,
        children=[html.Caption(caption),
                  html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
                  html.Tbody(rows)],
    )


def _rank(row: Mapping) -> str:
    rank = row["rank"]
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return "–"
    return f"{ordinal(int(rank))} of {int(row['ranked'])}"


def _interval(row: Mapping, digits: int) -> str:
    lower, upper = format_value(row["lower_ci"], digits), format_value(row["upper_ci"], digits)
    return "n/a" if "n/a" in (lower, upper) else f"{lower} to {upper}"
