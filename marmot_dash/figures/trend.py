"""Trend chart: the authority against England and its region over time, with 95% bands, and
against its peer group of similar authorities (median line and min-max range band).

An indicator published by sex only (no total) is drawn as one panel per sex, side by side on a
shared value axis and named on it, each with the same lines, bands and marks as the single
chart.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from marmot_dash.figures.style import (
    AREA_COLOURS,
    AREA_DASHES,
    BENCHMARK_LABELS,
    MUTED_COLOUR,
    PEER_COLOUR,
    REFERENCE_COLOUR,
    axis_style,
    base_layout,
    benchmark_colour,
    benchmark_symbol,
    benchmark_word,
    format_value,
    indicator_name,
    unit_label,
)

_BAND_ALPHA = 0.15


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class _Area:
    """One area's points in period order, as plain lists (cheaper than DataFrame slices)."""

    name: str
    period: list[str]
    value: list[float]
    lower: list[float]
    upper: list[float]
    benchmark: list[str]

    def points(self, keep: list[bool]) -> _Area:
        def pick(items: list) -> list:
            return [item for item, wanted in zip(items, keep, strict=True) if wanted]

        return _Area(self.name, pick(self.period), pick(self.value), pick(self.lower),
                     pick(self.upper), pick(self.benchmark))


def _label(value: object) -> str:
    return value if isinstance(value, str) and value else "not_compared"


def _split_areas(series: pd.DataFrame, area_code: str) -> dict[str, _Area]:
    """The authority's (by ``area_code``), England's and the region's (by ``area_type``)
    points, each in ``period_sort`` order."""
    ordered = series.sort_values("period_sort", kind="stable")
    codes = ordered["area_code"].to_numpy()
    types = ordered["area_type"].to_numpy()
    columns = {
        column: ordered[column].to_numpy()
        for column in ("area_name", "period", "value", "lower_ci", "upper_ci")
    }
    labels = ordered["benchmark"].to_numpy() if "benchmark" in ordered else None
    masks = {"la": codes == area_code, "england": types == "england", "region": types == "region"}
    parts = {}
    for key, mask in masks.items():
        if not mask.any():
            continue
        names = [n for n in columns["area_name"][mask] if isinstance(n, str) and n]
        parts[key] = _Area(
            name=names[0] if names else {"la": area_code}.get(key, key.title()),
            period=[str(p) for p in columns["period"][mask]],
            value=columns["value"][mask].astype(float).tolist(),
            lower=columns["lower_ci"][mask].astype(float).tolist(),
            upper=columns["upper_ci"][mask].astype(float).tolist(),
            benchmark=[_label(b) for b in labels[mask]] if labels is not None
            else ["not_compared"] * int(mask.sum()),
        )
    return parts


def _band_trace(area: _Area, colour: str, group: str) -> dict:
    """The 95% interval as one closed polygon (upper limits out, lower limits back)."""
    known = area.points([
        not (math.isnan(lo) or math.isnan(hi)) for lo, hi in zip(area.lower, area.upper,
                                                                 strict=True)
    ])
    return {
        "type": "scatter", "x": known.period + known.period[::-1],
        "y": known.upper + known.lower[::-1], "fill": "toself",
        "fillcolor": _rgba(colour, _BAND_ALPHA), "line": {"width": 0}, "mode": "lines",
        "name": f"{area.name} 95% interval", "legendgroup": group, "showlegend": False,
        "hoverinfo": "skip",
    }


def _interval_text(lower: float, upper: float) -> str:
    """ " (95% CI a to b)", or nothing when either limit is missing."""
    if math.isnan(lower) or math.isnan(upper):
        return ""
    return f" (95% CI {format_value(lower)} to {format_value(upper)})"


def _intervals(area: _Area) -> list[list[str]]:
    return [[format_value(lo), format_value(hi)] for lo, hi in zip(area.lower, area.upper,
                                                                  strict=True)]


def _line_trace(area: _Area, key: str, with_markers: bool) -> dict:
    return {
        "type": "scatter", "x": area.period, "y": area.value,
        "mode": "lines+markers" if with_markers else "lines", "name": area.name,
        "legendgroup": key, "marker": {"size": 6}, "customdata": _intervals(area),
        "line": {
            "color": AREA_COLOURS[key], "dash": AREA_DASHES[key], "width": 3 if key == "la" else 2,
        },
        "hovertemplate": (
            f"{area.name}<br>%{{x}}: %{{y:,.1f}}<br>95% CI %{{customdata[0]}} to "
            "%{customdata[1]}<extra></extra>"
        ),
    }


# Legend order: the areas' lines, then the peer group, then the benchmark markers (the legend is
# one scrolling row, so the lines come first whatever the drawing order).
_PEER_LEGEND_RANK, _MARKER_LEGEND_RANK = 1001, 1002


def _peer_traces(band: pd.DataFrame, name: str) -> list[dict]:
    """The peer group's range (minimum to maximum, a shaded polygon) and median (a line), one
    legend entry for both (clicking it hides both)."""
    periods = band["period"].astype(str).tolist()
    low, high = band["minimum"].astype(float).tolist(), band["maximum"].astype(float).tolist()
    median = band["median"].astype(float).tolist()
    counts = band["areas"].astype(int).tolist()
    return [
        {
            "type": "scatter", "x": periods + periods[::-1], "y": high + low[::-1],
            "fill": "toself", "fillcolor": _rgba(PEER_COLOUR, 0.18), "mode": "lines",
            "line": {"width": 0}, "name": f"{name}: range", "legendgroup": "peer",
            "showlegend": False, "hoverinfo": "skip",
        },
        {
            "type": "scatter", "x": periods, "y": median, "mode": "lines",
            "name": name, "legendgroup": "peer",  # the subtitle says median and range
            "legendrank": _PEER_LEGEND_RANK,
            "line": {"color": PEER_COLOUR, "dash": "longdash", "width": 2},
            "customdata": [[format_value(lo), format_value(hi), n]
                           for lo, hi, n in zip(low, high, counts, strict=True)],
            "hovertemplate": (f"{name}<br>%{{x}}: median %{{y:,.1f}}<br>range %{{customdata[0]}}"
                              " to %{customdata[1]} (%{customdata[2]} areas)<extra></extra>"),
        },
    ]


def _versus_england(label: str) -> str:
    """ "Better than England", "Similar to England", ... or "Not compared"."""
    if label == "not_compared" or label not in BENCHMARK_LABELS:
        return benchmark_word("not_compared")
    joiner = "to" if label == "similar" else "than"
    return f"{benchmark_word(label)} {joiner} England"


def _benchmark_point_traces(area: _Area) -> list[dict]:
    """The authority's points, one trace per benchmark label: colour, symbol and word."""
    present = set(area.benchmark)
    traces = []
    for label in [*BENCHMARK_LABELS, *sorted(present - set(BENCHMARK_LABELS))]:
        if label not in present:
            continue
        points = area.points([b == label for b in area.benchmark])
        versus = _versus_england(label)
        traces.append({
            "type": "scatter", "x": points.period, "y": points.value, "mode": "markers",
            "name": versus, "legendgroup": f"benchmark-{label}",
            "legendrank": _MARKER_LEGEND_RANK,
            "marker": {
                "color": benchmark_colour(label), "symbol": benchmark_symbol(label), "size": 13,
                "line": {"color": REFERENCE_COLOUR, "width": 1},
            },
            "customdata": [[versus, *ci] for ci in _intervals(points)],
            "hovertemplate": (
                f"{area.name}<br>%{{x}}: %{{y:,.1f}}<br>95% CI %{{customdata[1]}} to "
                "%{customdata[2]}<br>%{customdata[0]}<extra></extra>"
            ),
        })
    return traces


def _period_order(series: pd.DataFrame, *extra: str | None) -> list[str]:
    """Periods in ``period_sort`` order, then any extra period (baseline, target) not present."""
    pairs = dict(zip(series["period"].astype(str), series["period_sort"], strict=True))
    periods = sorted(pairs, key=pairs.__getitem__)
    return periods + [p for p in dict.fromkeys(extra) if p and p not in pairs]


def _category_anchor(periods: list[str]) -> dict:
    """An invisible trace holding every period in order, so category indices follow it.

    Shapes and annotations on a category axis take the category's index, not its label
    (a label such as "2016" would be read as the number 2016).
    """
    return {
        "type": "scatter", "x": periods, "y": [None] * len(periods), "mode": "markers",
        "showlegend": False, "hoverinfo": "skip", "name": "periods",
    }


def _baseline_marks(baseline_period: str, position: int, count: int, axis: str = ""
                    ) -> tuple[dict, dict]:
    """A vertical line at the baseline period (``position`` of ``count`` periods) and its label
    (shape, annotation) on the panel whose axes end in ``axis`` ("" for the first, "2" for the
    second). In the right half the label sits left of the line: plotly widens the axis to
    hold a label, which would leave empty periods after the last."""
    right_half = position > (count - 1) / 2
    shape = {
        "type": "line", "xref": f"x{axis}", "yref": "paper", "x0": position, "x1": position,
        "y0": 0, "y1": 1, "name": "baseline",
        "line": {"color": MUTED_COLOUR, "dash": "dashdot", "width": 2},
    }
    label = {
        "x": position, "y": 1, "xref": f"x{axis}", "yref": "paper",
        "text": f"Baseline {baseline_period}",
        "showarrow": False, "xanchor": "right" if right_half else "left", "yanchor": "top",
        "xshift": -4 if right_half else 4, "name": "baseline",
        "font": {"color": MUTED_COLOUR},
    }
    return shape, label


def _target_marks(target: float, target_period: str | None, axis: str = ""
                  ) -> tuple[dict, dict, list[dict]]:
    """A dotted line at the target, its label, and a star at its period if given (on the panel
    whose axes end in ``axis``)."""
    label = f"Target {format_value(target)}" + (f" by {target_period}" if target_period else "")
    across = "paper" if not axis else f"x{axis} domain"
    shape = {
        "type": "line", "xref": across, "yref": f"y{axis}", "x0": 0, "x1": 1, "y0": target,
        "y1": target, "name": "target",
        "line": {"color": REFERENCE_COLOUR, "dash": "dot", "width": 1.5},
    }
    annotation = {
        "x": 1, "y": target, "xref": across, "yref": f"y{axis}", "text": label,
        "showarrow": False,
        "xanchor": "right", "yanchor": "bottom", "name": "target",
        "font": {"color": REFERENCE_COLOUR},
    }
    stars = [] if not target_period else [{
        "type": "scatter", "x": [target_period], "y": [target], "mode": "markers", "name": label,
        "legendgroup": "target",
        "marker": {"symbol": "star", "size": 16, "color": REFERENCE_COLOUR},
        "hovertemplate": f"{label}<extra></extra>",
    }]
    return shape, annotation, stars


_PANEL_GAP = 0.09  # paper fraction between the panels of an indicator published by sex
_PANEL_TICKS = 6  # at most this many period labels under each panel


def _panels(series: pd.DataFrame) -> list[str | None]:
    """The categories drawn as panels, in ``category_sort`` order: [None] (one chart) for
    totals, e.g. ["Male", "Female"] for an indicator published by sex only."""
    if "breakdown" not in series or (series["breakdown"] == "total").all():
        return [None]
    ordered = series.sort_values("category_sort", kind="stable")
    return list(dict.fromkeys(ordered["category"].astype(str)))


def _rows_of(frame: pd.DataFrame | None, category: str | None) -> pd.DataFrame | None:
    if frame is None or category is None or "category" not in frame:
        return frame
    return frame[frame["category"] == category]


def _panel_traces(series: pd.DataFrame, band: pd.DataFrame | None, *, area_code: str,
                  periods: list[str], peer_name: str | None) -> list[dict]:
    """One panel's traces: period anchor, peer range and median, bands, lines and points."""
    parts = _split_areas(series, area_code)
    present = [key for key in ("england", "region", "la") if key in parts]
    traces = [_category_anchor(periods)]
    if band is not None and not band.empty:
        traces += _peer_traces(band, peer_name or "Similar authorities")
    traces += [_band_trace(parts[key], AREA_COLOURS[key], key) for key in present]
    traces += [_line_trace(parts[key], key, key != "la") for key in present]
    if "la" in parts:
        traces += _benchmark_point_traces(parts["la"])
    return traces


def _on_panel(traces: list[dict], category: str | None, axis: str, legend: set[str]
              ) -> list[dict]:
    """Place a panel's traces on its axes, name its category in the hover text, and keep one
    legend entry per legend group across panels (clicking it hides the group in every panel)."""
    if category is None:
        return traces
    for trace in traces:
        trace.update(xaxis=f"x{axis}", yaxis=f"y{axis}")
        if "hovertemplate" in trace:
            trace["hovertemplate"] = f"{category}: {trace['hovertemplate']}"
        group = trace.get("legendgroup")
        if group and trace.get("showlegend") is not False:
            trace["showlegend"] = group not in legend
            legend.add(group)
    return traces


def build_trend(
    series: pd.DataFrame,
    *,
    indicator: Mapping,
    area_code: str,
    baseline_period: str | None,
    target: float | None = None,
    target_period: str | None = None,
    peer_band: pd.DataFrame | None = None,
    peer_name: str | None = None,
) -> go.Figure:
    """The authority's values over time with 95% bands, England and the region as lines.

    With ``peer_band`` (``data.summaries.peer_band``: period, period_sort, category, median,
    minimum, maximum, areas) the peer group ``peer_name`` is drawn behind them as a shaded
    range with its median line.

    The authority's points are coloured and shaped by their ``benchmark`` label against
    England; the baseline period is a vertical line and the target a dotted line with a star
    at its period. ``series`` holds ``schema.VALUE_COLUMNS`` rows for the authority (matched
    by ``area_code``), England and the region (by ``area_type``), plus ``benchmark``. When its
    rows are a breakdown (an indicator published by sex only), each category is a panel with
    its own comparator lines and peer band (matched by ``category``).
    """
    with_peers = peer_band is not None and not peer_band.empty
    ordered = pd.concat([series[["period", "period_sort"]], peer_band[["period", "period_sort"]]]
                        ) if with_peers else series
    periods = _period_order(ordered, baseline_period, target_period)
    panels = _panels(series)
    width = (1 - _PANEL_GAP * (len(panels) - 1)) / len(panels)
    traces, shapes, annotations, axes, legend = [], [], [], {}, set()
    for number, category in enumerate(panels):
        axis = str(number + 1) if number else ""
        traces += _on_panel(_panel_traces(
            _rows_of(series, category), _rows_of(peer_band, category) if with_peers else None,
            area_code=area_code, periods=periods, peer_name=peer_name), category, axis, legend)
        if baseline_period:
            shape, label = _baseline_marks(baseline_period, periods.index(baseline_period),
                                           len(periods), axis)
            shapes.append(shape)
            annotations.append(label)
        if target is not None and not pd.isna(target):
            shape, label, stars = _target_marks(float(target), target_period, axis)
            shapes.append(shape)
            annotations.append(label)
            traces += _on_panel(stars, category, axis, legend)
        axes[f"xaxis{axis}"] = axis_style(
            "Period" if category is None else None,
            type="category", categoryorder="array", categoryarray=periods, showgrid=False)
        # A panel is named on its value axis: above it the legend would hide the name, below
        # it the period labels need the room.
        axes[f"yaxis{axis}"] = axis_style(
            unit_label(indicator) if category is None
            else f"<b>{html.escape(category, quote=False)}</b> ({unit_label(indicator)})")
        if category is not None:
            start = number * (width + _PANEL_GAP)
            # Half the width each: fewer period labels, so they need not stand on end.
            axes[f"xaxis{axis}"].update(domain=[start, start + width], anchor=f"y{axis}",
                                        nticks=_PANEL_TICKS)
            axes[f"yaxis{axis}"].update(anchor=f"x{axis}")
            if number:
                axes[f"xaxis{axis}"]["matches"] = "x"
                axes[f"yaxis{axis}"]["matches"] = "y"
    layout = base_layout(hovermode="closest", shapes=shapes, annotations=annotations, **axes)
    return go.Figure(data=traces, layout=layout)



def describe_trend(
    series: pd.DataFrame,
    *,
    indicator: Mapping,
    area_code: str,
    baseline_period: str | None = None,
    peer_band: pd.DataFrame | None = None,
    peer_name: str | None = None,
) -> str:
    """A plain-English text alternative of the trend chart (each panel's, for an indicator
    published by sex only).

    ``baseline_period`` defaults to the indicator's own ``baseline_period``; with ``peer_band``
    the peer group's median and range in the latest period are said too.
    """
    name = indicator_name(indicator)
    baseline_period = baseline_period or _text(indicator.get("baseline_period"))
    panels = _panels(series)
    said = []
    for category in panels:
        parts = _split_areas(_rows_of(series, category), area_code)
        area = parts.get("la")
        known = area.points([not math.isnan(v) for v in area.value]) if area else None
        if known and known.period:
            said.append((category, known, parts))
    if not said:
        return f"No trend data for {name}."
    area_name = said[0][1].name
    if panels == [None]:
        known = said[0][1]
        text = f"Line chart of {name} for {area_name} from {known.period[0]} to {known.period[-1]}"
    else:
        text = (f"Line charts of {name} for {area_name}, one for each of "
                f"{' and '.join(c for c, _, _ in said)} (published by sex only, with no figure "
                f"for persons)")
    text += ", with England and the region for comparison."
    for category, known, parts in said:
        subject = "The latest value" if category is None else f"{category}: the latest value"
        text += " " + _latest_words(subject, known, parts, baseline_period,
                                    _rows_of(peer_band, category), peer_name)
    return text


def _latest_words(subject: str, known: _Area, parts: dict[str, _Area], baseline_period: str,
                  peer_band: pd.DataFrame | None, peer_name: str | None) -> str:
    """The latest value with its interval, the comparison with England, the change since the
    baseline and the peer group's median and range, as sentences."""
    text = (f"{subject} ({known.period[-1]}) is {format_value(known.value[-1])}"
            f"{_interval_text(known.lower[-1], known.upper[-1])}")
    if known.benchmark[-1] != "not_compared":
        versus = _versus_england(known.benchmark[-1])
        text += f", {versus[0].lower()}{versus[1:]}"
    england = parts.get("england")
    if england and known.period[-1] in england.period:
        text += f" (England {format_value(england.value[england.period.index(known.period[-1])])})"
    text += "."
    if baseline_period in known.period:
        then, now = known.value[known.period.index(baseline_period)], known.value[-1]
        direction = "higher than" if now > then else "lower than" if now < then else "the same as"
        text += f" It is {direction} at the baseline {baseline_period} ({format_value(then)})."
    if peer_band is not None and not peer_band.empty:
        last = peer_band.iloc[-1]
        text += (f" Among {peer_name or 'similar authorities'} ({int(last['areas'])} with a value "
                 f"in {last['period']}) the median was {format_value(last['median'])}, ranging "
                 f"from {format_value(last['minimum'])} to {format_value(last['maximum'])}.")
    return text
