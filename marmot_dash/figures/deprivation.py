"""Deprivation view: values by deprivation quantile, the fitted SII line, and the baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import special

from marmot_dash.figures.style import (
    MUTED_COLOUR,
    OKABE_ITO,
    REFERENCE_COLOUR,
    axis_style,
    base_layout,
    format_value,
    indicator_name,
    unit_label,
)
from marmot_dash.stats.inequality import LOG_TRANSFORMED, LOGIT_TRANSFORMED

LATEST_COLOUR = OKABE_ITO[0]
BASELINE_COLOUR = "#9E9E9E"
SII_COLOUR = OKABE_ITO[5]
_LINE_POINTS = 21
_HEADROOM = 1.3  # the value axis reaches 30% above the tallest bar: room for the SII box


def _ordered(breakdown: pd.DataFrame) -> pd.DataFrame:
    return breakdown.sort_values("category_sort").reset_index(drop=True)


def _period(rows: pd.DataFrame) -> str:
    if "period" not in rows or rows.empty:
        return ""
    return str(rows["period"].iloc[0])


def _bar_trace(rows: pd.DataFrame, name: str, colour: str, pattern: str = "") -> dict:
    return dict(
        type="bar",
        x=rows["category_sort"].tolist(),
        y=rows["value"].tolist(),
        name=name,
        marker={
            "color": colour,
            "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"},
        },
        error_y={
            "type": "data", "symmetric": False, "color": REFERENCE_COLOUR, "thickness": 1.5,
            "array": (rows["upper_ci"] - rows["value"]).tolist(),
            "arrayminus": (rows["value"] - rows["lower_ci"]).tolist(),
        },
        customdata=[
            [str(cat), format_value(lo), format_value(hi)]
            for cat, lo, hi in zip(rows["category"], rows["lower_ci"], rows["upper_ci"],
                                   strict=True)
        ],
        hovertemplate=(
            f"{name}<br>%{{customdata[0]}}: %{{y:,.1f}}<br>"
            "95% CI %{customdata[1]} to %{customdata[2]}<extra></extra>"
        ),
    )


def _fitted_ends_curve(start: float, end: float, ranks: np.ndarray, value_type: str,
                       multiplier: float) -> np.ndarray:
    """Fitted values along the ranks on the scale ``stats.inequality.sii`` fits by default:
    log for rates and counts, logit for proportions, straight otherwise (or when the ends do
    not allow the transform)."""
    if value_type in LOG_TRANSFORMED and start > 0 and end > 0:
        return start * (end / start) ** ranks
    scale = multiplier if multiplier > 0 else 1.0
    if value_type in LOGIT_TRANSFORMED and 0 < start / scale < 1 and 0 < end / scale < 1:
        low, high = special.logit(start / scale), special.logit(end / scale)
        return scale * special.expit(low + (high - low) * ranks)
    return start + (end - start) * ranks


def sii_line(
    sii: Mapping, quantiles: int, *, value_type: str = "", multiplier: float = 1
) -> tuple[list[float], list[float]]:
    """The fitted line in bar positions: rank 0 (most deprived) at 0.5, rank 1 at n + 0.5.

    Bars sit at 1..n and each spans its quantile's share of the population (``sii``'s
    ``populations`` when given, else equal shares), so every quantile's rank mid-point falls on
    its bar even when the quantiles differ in size (national deciles within one authority). The
    line runs from ``intercept`` (the fitted value at rank 0) to ``intercept + sii`` (rank 1), as
    ``stats.inequality.sii`` defines them, and follows its log or logit fit for rates and
    proportions.
    """
    start = float(sii["intercept"])
    end = start + float(sii["sii"])
    populations = np.asarray(sii.get("populations") or [1.0] * quantiles, dtype=float)
    if len(populations) != quantiles or not np.all(populations > 0):
        populations = np.ones(quantiles)
    bounds = np.concatenate([[0.0], np.cumsum(populations) / populations.sum()])
    ranks = np.union1d(np.linspace(0.0, 1.0, _LINE_POINTS), bounds)
    values = _fitted_ends_curve(start, end, ranks, value_type, multiplier)
    positions = np.interp(ranks, bounds, np.arange(quantiles + 1) + 0.5)
    return positions.tolist(), values.tolist()


def _headroom(traces: list[dict]) -> dict:
    """A value-axis range with room above the tallest bar or interval for the SII/RII box."""
    tops = []
    for trace in traces:
        plus = trace.get("error_y", {}).get("array") or [0.0] * len(trace["y"])
        tops += [
            value + (extra if math.isfinite(extra) else 0.0)
            for value, extra in zip(trace["y"], plus, strict=True)
            if value is not None and math.isfinite(value)
        ]
    if not tops or min(tops) < 0:
        return {}
    return {"range": [0, max(tops) * _HEADROOM]}


AXIS_KINDS = {  # breakdown -> (axis words, number of groups on the scale or 0: as many as shown)
    "deprivation_decile": ("National deprivation decile", 10),
    "deprivation_quintile": ("National deprivation quintile", 5),
    "local_deprivation_decile": ("Local deprivation decile", 0),
    "local_deprivation_quintile": ("Local deprivation quintile", 0),
}


def _axis_title(latest: pd.DataFrame) -> str:
    """ "National deprivation decile (1 = most deprived, 10 = least)": short ticks read on a
    phone. National groups are England's IMD deciles or quintiles (the authority may have no
    small area in some); local ones rank the authority's own small areas."""
    groups = len(latest)
    breakdown = str(latest["breakdown"].iloc[0]) if "breakdown" in latest and groups else ""
    fallback = f"Deprivation {({10: 'decile', 5: 'quintile'}.get(groups, 'group'))}"
    kind, scale = AXIS_KINDS.get(breakdown, (fallback, 0))
    return f"{kind} (1 = most deprived, {scale or groups} = least)"


def _multiplier(indicator: Mapping) -> float:
    try:
        number = float(indicator.get("multiplier") or 1)
    except (TypeError, ValueError):
        return 1.0
    return number if np.isfinite(number) else 1.0


def _index_text(sii: Mapping) -> str:
    return (
        f"SII {format_value(sii.get('sii'))} (95% CI {format_value(sii.get('sii_lower'))} to "
        f"{format_value(sii.get('sii_upper'))})<br>RII {format_value(sii.get('rii'), 2)} "
        f"(95% CI {format_value(sii.get('rii_lower'), 2)} to "
        f"{format_value(sii.get('rii_upper'), 2)})"
    )


def build_deprivation(
    breakdown: pd.DataFrame,
    *,
    indicator: Mapping,
    sii: Mapping | None,
    baseline: pd.DataFrame | None = None,
) -> go.Figure:
    """Bars with 95% intervals by deprivation quantile (1 = most deprived, on the left).

    Adds the fitted slope-index line with SII and RII (and their intervals) as text, and the
    baseline period's values as a second, hatched series so the gap now reads against the gap
    at baseline.
    """
    latest = _ordered(breakdown)
    traces, annotations = [], []
    if baseline is not None and not baseline.empty:
        then = _ordered(baseline)
        traces.append(_bar_trace(then, f"Baseline {_period(then)}".strip(), BASELINE_COLOUR, "/"))
    traces.append(_bar_trace(latest, f"Latest {_period(latest)}".strip(), LATEST_COLOUR))
    if sii is not None:
        x, y = sii_line(
            sii, len(latest), value_type=str(indicator.get("value_type") or ""),
            multiplier=_multiplier(indicator),
        )
        traces.append({
            "type": "scatter", "x": x, "y": y, "mode": "lines", "hoverinfo": "skip",
            "name": "Slope index of inequality (fitted line)",
            "line": {"color": SII_COLOUR, "width": 3, "dash": "dash"},
        })
        annotations.append({
            "text": _index_text(sii), "xref": "paper", "yref": "paper", "x": 1, "y": 1,
            "xanchor": "right", "yanchor": "top", "showarrow": False, "align": "right",
            "name": "sii", "bgcolor": "rgba(255,255,255,0.85)", "bordercolor": MUTED_COLOUR,
            "borderwidth": 1,
        })
    layout = base_layout(
        barmode="group", bargap=0.2, hovermode="closest",
        xaxis=axis_style(
            _axis_title(latest), tickmode="array", tickvals=latest["category_sort"].tolist(),
            ticktext=[str(int(sort)) for sort in latest["category_sort"]], showgrid=False,
            range=[0.4, max([len(latest), *latest["category_sort"].astype(int)]) + 0.6],
        ),
        yaxis=axis_style(unit_label(indicator), rangemode="tozero",
                         **_headroom(traces) if annotations else {}),
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout)


def _ends_gap(rows: pd.DataFrame) -> float | None:
    ordered = _ordered(rows.dropna(subset=["value"]))
    if len(ordered) < 2:
        return None
    return float(ordered["value"].iloc[0] - ordered["value"].iloc[-1])


def describe_deprivation(
    breakdown: pd.DataFrame,
    *,
    indicator: Mapping,
    sii: Mapping | None,
    baseline: pd.DataFrame | None = None,
) -> str:
    """A plain-English text alternative of the deprivation chart."""
    name = indicator_name(indicator)
    latest = _ordered(breakdown.dropna(subset=["value"]))
    if latest.empty:
        return f"No deprivation breakdown for {name}."
    most, least = latest.iloc[0], latest.iloc[-1]
    text = (
        f"Bar chart of {name} by deprivation ({len(latest)} groups, {_period(latest)}). "
        f"Most deprived ({most['category']}): {format_value(most['value'])}; "
        f"least deprived ({least['category']}): {format_value(least['value'])}."
    )
    if sii is not None:
        text += " " + _index_text(sii).replace("<br>", "; ") + "."
    gap_now = _ends_gap(latest)
    gap_then = _ends_gap(baseline) if baseline is not None and not baseline.empty else None
    if gap_now is not None and gap_then is not None:
        wider = (
            "wider" if abs(gap_now) > abs(gap_then)
            else "narrower" if abs(gap_now) < abs(gap_then) else "unchanged"
        )
        text += (
            f" The gap between the most and least deprived is {format_value(gap_now)} now "
            f"against {format_value(gap_then)} at baseline {_period(baseline)} ({wider})."
        )
    return text
