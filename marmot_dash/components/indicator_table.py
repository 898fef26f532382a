"""A principle's indicators as one table, in the manner of a Fingertips spine chart.

One row per indicator: its name (a link that opens its views) with its sources (JSNA, Luton 2040
badges), the latest value, the baseline, the change since baseline with its significance,
England's value, the benchmark against England, the recent trend, the deprivation gap and whether
it narrowed, the rank among similar authorities (when the dataset has a peer group), and a
sparkline.
Every judgement is a word and a symbol, with colour only as a third cue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

import pandas as pd
from dash import dcc, html

from marmot_dash.figures.style import (
    BENCHMARK_COLOURS,
    TREND_ARROWS,
    TREND_WORDS,
    benchmark_word,
    format_value,
)

# Text glyphs that echo the chart markers of figures.style.BENCHMARK_SYMBOLS.
BENCHMARK_GLYPHS = {
    "better": "▲", "similar": "●", "worse": "▼", "higher": "◆", "lower": "■", "not_compared": "○",
}
CHANGE_MARKS = {
    "improved": ("▲", "Improved"),
    "worsened": ("▼", "Worsened"),
    "no_significant_change": ("●", "No significant change"),
    "not_compared": ("○", "Not compared"),
}
GAP_MARKS = {
    "narrowed": ("▼", "Narrowed"),
    "widened": ("▲", "Widened"),
    "no_significant_change": ("●", "No significant change"),
    "not_available": ("○", "Not available"),
}
JUDGEMENT_PHRASES = {"improving": "getting better", "worsening": "getting worse"}
SOURCE_BADGES = ("JSNA", "Luton 2040")

HEADERS = (
    "Indicator", "Latest (period)", "Baseline (period)", "Change since baseline", "England",
    "Compared with England", "Recent trend", "Deprivation gap", "Last 10 values",
)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10,
                                                                                    "th")
    return f"{number}{suffix}"


def rank_text(rank: object, count: object, polarity: object) -> str:
    """ "3rd of 16" (1 = best), or "3rd highest of 16" for an indicator without a polarity;
    "Not ranked" when there is no rank."""
    try:
        place, of = int(float(rank)), int(float(count))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "Not ranked"
    highest = " highest" if polarity == "no_judgement" else ""
    return f"{ordinal(place)}{highest} of {of}"


def indicator_table(
    indicators: pd.DataFrame,
    summaries: pd.DataFrame,
    *,
    href_for: Callable[[str], str],
    selected: str | None = None,
    peer_name: str | None = None,
) -> html.Table:
    """The table of ``indicators`` (catalogue rows) with their ``summaries`` (one row each).

    With ``peer_name`` (the dataset's peer group) a column ranks the authority among it.
    """
    by_id = summaries.set_index("indicator_id") if len(summaries) else summaries
    rows = []
    for indicator in indicators.to_dict("records"):
        indicator_id = indicator["indicator_id"]
        summary = by_id.loc[indicator_id].to_dict() if indicator_id in by_id.index else {}
        rows.append(_row(indicator, summary, href_for(indicator_id), indicator_id == selected,
                         with_rank=peer_name is not None))
    headers = list(HEADERS)
    if peer_name is not None:
        headers.insert(-1, "Rank among similar authorities (1 = best)")
    return html.Table(
        className="indicator-table",
        id="indicator-table",
        children=[
            html.Caption("Indicators: latest values, change since the baseline, comparison with "
                         "England, recent trend and the deprivation gap"
                         + (f", and the rank among {peer_name}" if peer_name else "")),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody(rows),
        ],
    )


def _row(indicator: Mapping, summary: Mapping, href: str, selected: bool, *,
         with_rank: bool = False) -> html.Tr:
    digits = value_digits(indicator)
    name = indicator.get("short_name") or indicator.get("name")
    tooltip = str(indicator.get("name") or "")
    if selected:
        name_link = html.Span(name, title=tooltip, className="indicator-link current",
                              **{"aria-current": "true"})
    else:
        name_link = dcc.Link(name, href=href, title=tooltip, className="indicator-link")
    unit = _text(indicator.get("unit"))
    by_sex = summary.get("by_sex") or []
    return html.Tr(
        className="indicator-row selected" if selected else "indicator-row",
        **{"data-indicator": indicator["indicator_id"]},
        children=[
            html.Th([name_link, html.Div(_sources(indicator.get("sources")),
                                         className="sources")], scope="row"),
            _latest_cell(summary, digits, unit),
            html.Td(_baseline(summary, digits, indicator.get("baseline_period")),
                    className="number"),
            html.Td(_per_sex(by_sex, lambda sex: _change_mark(sex, digits)) if by_sex
                    else _change_mark(summary, digits)),
            html.Td(_per_sex(by_sex, lambda sex: format_value(sex["england_value"], digits))
                    if by_sex else format_value(summary.get("england_value"), digits),
                    className="number"),
            html.Td(_per_sex(by_sex, lambda sex: _benchmark(sex["benchmark"])) if by_sex
                    else _benchmark(summary.get("benchmark"))),
            html.Td(_trend(summary.get("trend"), summary.get("trend_judgement"))),
            html.Td(_mark(GAP_MARKS, summary.get("gap_change"), "not_available",
                          _gap_detail(summary, digits))),
            html.Td(_per_sex(by_sex, lambda sex: rank_text(
                sex.get("peer_rank"), sex.get("peer_count"), indicator.get("polarity")))
                if by_sex else rank_text(summary.get("peer_rank"), summary.get("peer_count"),
                                         indicator.get("polarity")), className="peer-rank")
            if with_rank else None,
            html.Td(sparkline_image(summary.get("sparkline") or (), indicator)),
        ],
    )


def _latest_cell(summary: Mapping, digits: int, unit: str) -> html.Td:
    """The latest value and period; for an indicator published by sex only, each sex's latest
    value and the summary's note saying so (never a blank)."""
    unit_span = html.Span(f" {unit}", className="unit") if unit else None
    by_sex = summary.get("by_sex") or []
    if by_sex:
        return html.Td(
            [*_per_sex(by_sex, lambda sex: format_value(sex["value"], digits)), unit_span,
             html.Br(), html.Span(f"({by_sex[0]['period']})", className="muted"), html.Br(),
             html.Span(_text(summary.get("note")), className="muted by-sex-note")],
            className="number")
    return html.Td([format_value(summary.get("value"), digits), unit_span,
                    html.Br(), html.Span(f"({_text(summary.get('latest_period')) or '–'})",
                                         className="muted")],
                   className="number", **{"data-value": _raw(summary.get("value"))})


def _per_sex(by_sex: Sequence[Mapping], show: Callable[[Mapping], object]) -> list:
    """ "Male <shown>", "Female <shown>", one a line."""
    lines: list = []
    for sex in by_sex:
        lines += [html.Br()] if lines else []
        lines += [f"{sex['category']} ", show(sex)]
    return lines


def value_digits(indicator: Mapping) -> int:
    """Decimal places shown for the indicator's values (0 for counts, else 1)."""
    return 0 if indicator.get("value_type") == "count" else 1


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _raw(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(number) else repr(number)


def _baseline(summary: Mapping, digits: int, catalogue_period: object) -> list:
    """The baseline value and period; each sex's for an indicator published by sex only."""
    by_sex = summary.get("by_sex") or []
    if by_sex:
        values = _per_sex(by_sex, lambda sex: format_value(sex["baseline_value"], digits))
        period = _text(catalogue_period)
    else:
        values = [format_value(summary.get("baseline_value"), digits)]
        period = _text(summary.get("baseline_period"))
    return [*values, html.Br(), html.Span(f"({period})", className="muted") if period else None]


def _change_mark(summary: Mapping, digits: int) -> html.Span:
    return _mark(CHANGE_MARKS, summary.get("change_judgement"), "not_compared",
                 _change_detail(summary, digits))


def _change_detail(summary: Mapping, digits: int) -> str:
    change = summary.get("change")
    text = format_value(change, digits)
    if text == "n/a":
        return ""
    return f"{'+' if float(change) > 0 else ''}{text}"


def _gap_detail(summary: Mapping, digits: int) -> str:
    text = format_value(summary.get("gap_latest"), digits)
    return "" if text == "n/a" else f"gap {text}"


def _mark(marks: Mapping[str, tuple[str, str]], label: object, fallback: str, detail: str
          ) -> html.Span:
    glyph, word = marks.get(_text(label), marks[fallback])
    return html.Span(
        [html.Span(glyph, className="glyph", **{"aria-hidden": "true"}), f" {word}",
         html.Span(f" ({detail})", className="muted") if detail else None],
        className=f"mark mark-{_text(label) or fallback}",
    )


def _benchmark(label: object) -> html.Span:
    key = _text(label) if _text(label) in BENCHMARK_COLOURS else "not_compared"
    return html.Span(
        [
            html.Span(
                BENCHMARK_GLYPHS[key],
                className="benchmark-swatch",
                style={"color": BENCHMARK_COLOURS[key]},
                **{"aria-hidden": "true"},
            ),
            f" {benchmark_word(key)}",
        ],
        className=f"benchmark benchmark-{key}",
    )


def _trend(trend: object, judgement: object) -> html.Span:
    key = _text(trend)
    arrow = TREND_ARROWS.get(key, "·")
    words = TREND_WORDS.get(key, TREND_WORDS["cannot_be_calculated"])
    qualifier = JUDGEMENT_PHRASES.get(_text(judgement))
    return html.Span(
        [html.Span(arrow, className="glyph", **{"aria-hidden": "true"}), f" {words}",
         html.Span(f", {qualifier}", className="muted") if qualifier else None],
        className=f"trend trend-{key or 'none'}",
    )


def _sources(sources: object) -> list:
    named = [s.strip() for s in _text(sources).split(";") if s.strip()]
    badges = [s for s in named if s in SOURCE_BADGES]
    return [html.Span(s, className="source-badge", title=f"In the {s}") for s in badges]


def sparkline_image(values: Sequence[float], indicator: Mapping, *, colour: str = "#0072B2",
                    width: int = 72, height: int = 24) -> html.Img | str:
    """A tiny static line of recent values as an inline SVG image (a few hundred bytes)."""
    points = [(i, float(v)) for i, v in enumerate(values)
              if v is not None and not math.isnan(float(v))]
    if len(points) < 2:
        return "–"
    ys = [y for _, y in points]
    low, high = min(ys), max(ys)
    span = (high - low) or 1.0
    last = max(x for x, _ in points) or 1
    coords = " ".join(
        f"{2 + x / last * (width - 4):.1f},{height - 2 - (y - low) / span * (height - 4):.1f}"
        for x, y in points
    )
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}'><polyline fill='none' stroke='{colour}' "
           f"stroke-width='1.5' points='{coords}'/></svg>")
    digits = value_digits(indicator)
    alt = (f"Last {len(points)} values, from {format_value(ys[0], digits)} to "
           f"{format_value(ys[-1], digits)}")
    return html.Img(src="data:image/svg+xml," + quote(svg), alt=alt, width=width, height=height,
                    className="sparkline")
