"""Trend chart: the authority against England and its region over time, with 95% bands."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from marmot_dash.figures.style import (
    AREA_COLOURS,
    AREA_DASHES,
    BENCHMARK_LABELS,
    MUTED_COLOUR,
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


_COLUMNS = (
    "area_code", "area_name", "area_type", "period", "period_sort", "value", "lower_ci",
    "upper_ci", "benchmark",
)


def _split_areas(series: pd.DataFrame, area_code: str) -> dict[str, pd.DataFrame]:
    """The authority's, England's and the region's rows, each ordered by period."""
    ordered = series.loc[:, [c for c in _COLUMNS if c in series]].sort_values("period_sort")
    parts = {
        "la": ordered[ordered["area_code"] == area_code],
        "england": ordered[ordered["area_type"] == "england"],
        "region": ordered[ordered["area_type"] == "region"],
    }
    return {key: part for key, part in parts.items() if not part.empty}


def _area_name(rows: pd.DataFrame, fallback: str) -> str:
    names = rows["area_name"].dropna()
    return str(names.iloc[0]) if not names.empty else fallback


def _band_trace(rows: pd.DataFrame, name: str, colour: str, group: str) -> dict:
    """The 95% interval as one closed polygon (upper limits out, lower limits back)."""
    known = rows.dropna(subset=["lower_ci", "upper_ci"])
    periods = known["period"].tolist()
    return dict(
        type="scatter",
        x=periods + periods[::-1],
        y=known["upper_ci"].tolist() + known["lower_ci"].tolist()[::-1],
        fill="toself",
        fillcolor=_rgba(colour, _BAND_ALPHA),
        line={"width": 0},
        mode="lines",
        name=f"{name} 95% interval",
        legendgroup=group,
        showlegend=False,
        hoverinfo="skip",
    )


def _hover_data(rows: pd.DataFrame) -> list[list[str]]:
    return [
        [format_value(lo), format_value(hi)]
        for lo, hi in zip(rows["lower_ci"], rows["upper_ci"], strict=True)
    ]


def _line_trace(rows: pd.DataFrame, key: str, name: str, with_markers: bool) -> dict:
    return dict(
        type="scatter",
        x=rows["period"].tolist(),
        y=rows["value"].tolist(),
        mode="lines+markers" if with_markers else "lines",
        name=name,
        legendgroup=key,
        line={
            "color": AREA_COLOURS[key], "dash": AREA_DASHES[key], "width": 3 if key == "la" else 2,
        },
        marker={"size": 6},
        customdata=_hover_data(rows),
        hovertemplate=(
            f"{name}<br>%{{x}}: %{{y:,.1f}}<br>95% CI %{{customdata[0]}} to %{{customdata[1]}}"
            "<extra></extra>"
        ),
    )


def _versus_england(label: str) -> str:
    """ "Better than England", "Similar to England", ... or "Not compared"."""
    if label == "not_compared" or label not in BENCHMARK_LABELS:
        return benchmark_word("not_compared")
    joiner = "to" if label == "similar" else "than"
    return f"{benchmark_word(label)} {joiner} England"


def _benchmark_point_traces(rows: pd.DataFrame, name: str) -> list[dict]:
    """The authority's points, one trace per benchmark label: colour, symbol and word."""
    labels = rows["benchmark"].fillna("not_compared").astype(str) if "benchmark" in rows else (
        pd.Series("not_compared", index=rows.index)
    )
    traces = []
    for label in [*BENCHMARK_LABELS, *sorted(set(labels) - set(BENCHMARK_LABELS))]:
        points = rows[labels == label]
        if points.empty:
            continue
        traces.append(
            dict(
        type="scatter",
                x=points["period"].tolist(),
                y=points["value"].tolist(),
                mode="markers",
                name=_versus_england(label),
                legendgroup=f"benchmark-{label}",
                marker={
                    "color": benchmark_colour(label),
                    "symbol": benchmark_symbol(label),
                    "size": 13,
                    "line": {"color": REFERENCE_COLOUR, "width": 1},
                },
                customdata=[[_versus_england(label), *ci] for ci in _hover_data(points)],
                hovertemplate=(
                    f"{name}<br>%{{x}}: %{{y:,.1f}}<br>95% CI %{{customdata[1]}} to "
                    "%{customdata[2]}<br>%{customdata[0]}<extra></extra>"
                ),
            )
        )
    return traces


def _period_order(series: pd.DataFrame, *extra: str | None) -> list[str]:
    """Periods in ``period_sort`` order, then any extra period (baseline, target) not present."""
    periods = (
        series.drop_duplicates("period").sort_values("period_sort")["period"].astype(str).tolist()
    )
    return periods + [p for p in dict.fromkeys(extra) if p and p not in periods]


def _category_anchor(periods: list[str]) -> dict:
    """An invisible trace holding every period in order, so category indices follow it.

    Shapes and annotations on a category axis take the category's index, not its label
    (a label such as "2016" would be read as the number 2016).
    """
    return dict(
        type="scatter",
        x=periods, y=[None] * len(periods), mode="markers", showlegend=False,
        hoverinfo="skip", name="periods",
    )


def _baseline_marks(baseline_period: str, position: int) -> tuple[dict, dict]:
    """A vertical line at the baseline period and its label (shape, annotation)."""
    shape = {
        "type": "line", "xref": "x", "yref": "paper", "x0": position, "x1": position,
        "y0": 0, "y1": 1, "name": "baseline",
        "line": {"color": MUTED_COLOUR, "dash": "dashdot", "width": 2},
    }
    label = {
        "x": position, "y": 1, "xref": "x", "yref": "paper", "text": f"Baseline {baseline_period}",
        "showarrow": False, "xanchor": "left", "yanchor": "top", "xshift": 4, "name": "baseline",
        "font": {"color": MUTED_COLOUR},
    }
    return shape, label


def _target_marks(target: float, target_period: str | None) -> tuple[dict, dict, list[dict]]:
    """A dotted line at the target, its label, and a star at its period if given."""
    label = f"Target {format_value(target)}" + (f" by {target_period}" if target_period else "")
    shape = {
        "type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": target,
        "y1": target, "name": "target",
        "line": {"color": REFERENCE_COLOUR, "dash": "dot", "width": 1.5},
    }
    annotation = {
        "x": 1, "y": target, "xref": "paper", "yref": "y", "text": label, "showarrow": False,
        "xanchor": "right", "yanchor": "bottom", "name": "target",
        "font": {"color": REFERENCE_COLOUR},
    }
    stars = [] if not target_period else [{
        "type": "scatter", "x": [target_period], "y": [target], "mode": "markers", "name": label,
        "marker": {"symbol": "star", "size": 16, "color": REFERENCE_COLOUR},
        "hovertemplate": f"{label}<extra></extra>",
    }]
    return shape, annotation, stars


def build_trend(
    series: pd.DataFrame,
    *,
    indicator: Mapping,
    area_code: str,
    baseline_period: str | None,
    target: float | None = None,
    target_period: str | None = None,
) -> go.Figure:
    """The authority's values over time with 95% bands, England and the region as lines.

    The authority's points are coloured and shaped by their ``benchmark`` label against
    England; the baseline period is a vertical line and the target a dotted line with a star
    at its period. ``series`` holds ``schema.VALUE_COLUMNS`` rows for the authority (matched
    by ``area_code``), England and the region (by ``area_type``), plus ``benchmark``.
    """
    periods = _period_order(series, baseline_period, target_period)
    parts = _split_areas(series, area_code)
    names = {"la": area_code, "england": "England", "region": "Region"}
    present = [key for key in ("england", "region", "la") if key in parts]
    for key in present:
        names[key] = _area_name(parts[key], names[key])
    traces = [_category_anchor(periods)]
    traces += [_band_trace(parts[key], names[key], AREA_COLOURS[key], key) for key in present]
    traces += [_line_trace(parts[key], key, names[key], key != "la") for key in present]
    if "la" in parts:
        traces += _benchmark_point_traces(parts["la"], names["la"])
    shapes, annotations = [], []
    if baseline_period:
        shape, label = _baseline_marks(baseline_period, periods.index(baseline_period))
        shapes.append(shape)
        annotations.append(label)
    if target is not None and not pd.isna(target):
        shape, label, stars = _target_marks(float(target), target_period)
        shapes.append(shape)
        annotations.append(label)
        traces += stars
    layout = base_layout(
        hovermode="closest",
        xaxis=axis_style(
            "Period", type="category", categoryorder="array", categoryarray=periods,
            showgrid=False,
        ),
        yaxis=axis_style(unit_label(indicator)),
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout)


def describe_trend(
    series: pd.DataFrame,
    *,
    indicator: Mapping,
    area_code: str,
    baseline_period: str | None = None,
) -> str:
    """A plain-English text alternative of the trend chart.

    ``baseline_period`` defaults to the indicator's own ``baseline_period``.
    """
    name = indicator_name(indicator)
    baseline_period = baseline_period or _text(indicator.get("baseline_period"))
    parts = _split_areas(series, area_code)
    if "la" not in parts or parts["la"]["value"].dropna().empty:
        return f"No trend data for {name}."
    rows = parts["la"].dropna(subset=["value"])
    area = _area_name(rows, area_code)
    latest = rows.iloc[-1]
    text = (
        f"Line chart of {name} for {area} from {rows.iloc[0]['period']} to {latest['period']}, "
        f"with England and the region for comparison. The latest value ({latest['period']}) is "
        f"{format_value(latest['value'])} (95% CI {format_value(latest['lower_ci'])} to "
        f"{format_value(latest['upper_ci'])})"
    )
    label = latest.get("benchmark")
    if isinstance(label, str) and label != "not_compared":
        versus = _versus_england(label)
        text += f", {versus[0].lower()}{versus[1:]}"
    if "england" in parts:
        england = parts["england"][parts["england"]["period"] == latest["period"]]
        if not england.empty:
            text += f" (England {format_value(england['value'].iloc[0])})"
    text += "."
    baseline = rows[rows["period"] == baseline_period] if baseline_period else rows.iloc[0:0]
    if not baseline.empty:
        then = float(baseline["value"].iloc[0])
        now = float(latest["value"])
        direction = "higher than" if now > then else "lower than" if now < then else "the same as"
        text += (
            f" It is {direction} at the baseline {baseline_period} ({format_value(then)})."
        )
    return text
