"""Cohorts view: one panel per breakdown (sex, age, ethnicity), bars with 95% intervals.

Suppressed rows (no value, a note saying why) are drawn as a labelled gap, never as zero; each
panel's reference group is marked with a dashed line at its value and a bold label.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from marmot_dash.data.schema import COHORT_BREAKDOWNS
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

BREAKDOWN_TITLES = {"sex": "Sex", "age": "Age band", "ethnicity": "Ethnic group"}
DEFAULT_SUPPRESSED_NOTE = "suppressed: fewer than 5"
_PANEL_GAP = 0.1  # paper fraction between panels, room for the next panel's title
_PANEL_COLOURS = dict(zip(COHORT_BREAKDOWNS, OKABE_ITO, strict=False))


@dataclass(frozen=True)
class _Panel:
    """One breakdown's rows in category order, as plain lists."""

    breakdown: str
    category: list[str]
    value: list[float]
    lower: list[float]
    upper: list[float]
    note: list[str]
    gap: list[float]
    ratio: list[float]

    @property
    def title(self) -> str:
        return BREAKDOWN_TITLES.get(self.breakdown, self.breakdown.title())


def _floats(frame: pd.DataFrame, column: str, rows: np.ndarray) -> list[float]:
    if column not in frame:
        return [math.nan] * len(rows)
    return frame[column].to_numpy(dtype=float)[rows].tolist()


def _panels(cohorts: pd.DataFrame) -> list[_Panel]:
    """One panel per breakdown, in sex, age, ethnicity order, then any other breakdown."""
    breakdowns = cohorts["breakdown"].astype(str).to_numpy()
    present = list(dict.fromkeys(breakdowns))
    order = [b for b in COHORT_BREAKDOWNS if b in present]
    order += [b for b in present if b not in COHORT_BREAKDOWNS]
    sort = (cohorts["category_sort"].to_numpy(dtype=float) if "category_sort" in cohorts
            else np.arange(len(cohorts), dtype=float))
    categories = cohorts["category"].astype(str).to_numpy()
    notes = cohorts["note"].to_numpy(dtype=object) if "note" in cohorts else None
    panels = []
    for breakdown in order:
        rows = np.flatnonzero(breakdowns == breakdown)
        rows = rows[np.argsort(sort[rows], kind="stable")]
        panels.append(_Panel(
            breakdown=breakdown,
            category=categories[rows].tolist(),
            value=_floats(cohorts, "value", rows),
            lower=_floats(cohorts, "lower_ci", rows),
            upper=_floats(cohorts, "upper_ci", rows),
            note=[_note(notes[i] if notes is not None else None) for i in rows],
            gap=_floats(cohorts, "gap", rows),
            ratio=_floats(cohorts, "ratio", rows),
        ))
    return panels


def _note(note: object) -> str:
    return note.strip() if isinstance(note, str) and note.strip() else DEFAULT_SUPPRESSED_NOTE


def _tick_labels(panel: _Panel, reference: str | None) -> list[str]:
    return [
        f"<b>{html.escape(category, quote=False)} (reference)</b>" if category == reference
        else html.escape(category, quote=False)
        for category in panel.category
    ]


def _extra_hover(panel: _Panel) -> list[str]:
    """Gap and ratio to the reference group, where the caller supplied them."""
    return [
        "" if math.isnan(gap) else
        f"<br>Gap to reference {format_value(gap)}; ratio {format_value(ratio, 2)}"
        for gap, ratio in zip(panel.gap, panel.ratio, strict=True)
    ]


def _gap_free(values: list[float]) -> list[float | None]:
    return [None if math.isnan(v) else v for v in values]


def _panel_trace(panel: _Panel, ticks: list[str], number: int) -> dict:
    return {
        "type": "bar", "xaxis": f"x{_axis_suffix(number)}", "yaxis": f"y{_axis_suffix(number)}",
        "x": _gap_free(panel.value), "y": ticks, "orientation": "h", "name": panel.title,
        "showlegend": False,
        "marker": {"color": _PANEL_COLOURS.get(panel.breakdown, OKABE_ITO[-2])},
        "error_x": {
            "type": "data", "symmetric": False, "color": REFERENCE_COLOUR, "thickness": 1.5,
            "array": _gap_free([hi - v for hi, v in zip(panel.upper, panel.value, strict=True)]),
            "arrayminus": _gap_free(
                [v - lo for v, lo in zip(panel.value, panel.lower, strict=True)]),
        },
        "customdata": [
            [format_value(lo), format_value(hi), extra]
            for lo, hi, extra in zip(panel.lower, panel.upper, _extra_hover(panel), strict=True)
        ],
        "hovertemplate": (
            "%{y}: %{x:,.1f}<br>95% CI %{customdata[0]} to %{customdata[1]}%{customdata[2]}"
            "<extra></extra>"
        ),
    }


def build_cohorts(
    cohorts: pd.DataFrame,
    *,
    indicator: Mapping,
    reference: Mapping[str, str] | None = None,
) -> go.Figure:
    """One horizontal-bar panel per breakdown, with 95% intervals and the reference group.

    ``cohorts`` has breakdown, category, category_sort, value, lower_ci, upper_ci, note (and
    optionally gap and ratio, shown on hover). ``reference`` maps a breakdown to its reference
    category.
    """
    reference = reference or {}
    panels = _panels(cohorts)
    if not panels:
        return go.Figure(layout=base_layout())
    domains = _panel_domains([max(len(panel.category), 1) for panel in panels])
    traces, shapes, annotations = [], [], []
    layout = base_layout(bargap=0.3, hovermode="closest", showlegend=False)
    for number, (panel, domain) in enumerate(zip(panels, domains, strict=True), 1):
        ticks = _tick_labels(panel, reference.get(panel.breakdown))
        traces.append(_panel_trace(panel, ticks, number))
        annotations.append(_panel_title(panel, domain))
        annotations += _suppressed_notes(panel, ticks, number)
        shapes += _reference_line(panel, reference.get(panel.breakdown), number)
        suffix = _axis_suffix(number)
        last = number == len(panels)
        layout[f"xaxis{suffix}"] = axis_style(
            unit_label(indicator) if last else None, rangemode="tozero",
            anchor=f"y{suffix}", showticklabels=last,
            **({} if number == 1 else {"matches": "x"}),
        )
        layout[f"yaxis{suffix}"] = axis_style(
            None, type="category", categoryorder="array", categoryarray=ticks[::-1],
            showgrid=False, ticks="", domain=domain, anchor=f"x{suffix}",
        )
    layout["shapes"] = shapes
    layout["annotations"] = annotations
    return go.Figure(data=traces, layout=layout)


def _panel_domains(sizes: list[int]) -> list[list[float]]:
    """Vertical [bottom, top] of each panel, top panel first, heights by category count."""
    space = 1 - _PANEL_GAP * (len(sizes) - 1)
    top, domains = 1.0, []
    for size in sizes:
        bottom = max(top - space * size / sum(sizes), 0.0)
        domains.append([round(bottom, 6), round(top, 6)])
        top = bottom - _PANEL_GAP
    return domains


def _panel_title(panel: _Panel, domain: list[float]) -> dict:
    return {
        "text": f"<b>{panel.title}</b>", "x": 0,
        "y": domain[1], "xref": "paper", "yref": "paper", "xanchor": "left",
        "yanchor": "bottom", "showarrow": False, "name": "panel",
    }


def _axis_suffix(number: int) -> str:
    return "" if number == 1 else str(number)


def _suppressed_notes(panel: _Panel, ticks: list[str], number: int) -> list[dict]:
    """A note where each suppressed bar would be, so the gap is labelled, not drawn as zero."""
    return [
        {
            "x": 0, "y": ticks[index], "xref": f"x{_axis_suffix(number)} domain",
            "yref": f"y{_axis_suffix(number)}", "xanchor": "left", "showarrow": False,
            "name": "suppressed", "text": f"<i>{html.escape(panel.note[index], quote=False)}</i>",
            "font": {"color": MUTED_COLOUR},
        }
        for index, value in enumerate(panel.value) if math.isnan(value)
    ]


def _reference_line(panel: _Panel, category: str | None, number: int) -> list[dict]:
    """A dashed line at the reference group's value across its panel (none if suppressed)."""
    if category not in panel.category:
        return []
    value = panel.value[panel.category.index(category)]
    if math.isnan(value):
        return []
    return [{
        "type": "line", "xref": f"x{_axis_suffix(number)}",
        "yref": f"y{_axis_suffix(number)} domain", "x0": value, "x1": value, "y0": 0, "y1": 1,
        "line": {"color": REFERENCE_COLOUR, "dash": "dash", "width": 1.5}, "name": "reference",
    }]


def describe_cohorts(
    cohorts: pd.DataFrame,
    *,
    indicator: Mapping,
    reference: Mapping[str, str] | None = None,
) -> str:
    """A plain-English text alternative of the cohort panels."""
    name = indicator_name(indicator)
    panels = _panels(cohorts)
    if not panels:
        return f"No cohort breakdown for {name}."
    sentences = [f"Bar charts of {name} by {', '.join(p.breakdown for p in panels)}."]
    for panel in panels:
        known = sorted((v, c) for v, c in zip(panel.value, panel.category, strict=True)
                       if not math.isnan(v))
        if not known:
            sentences.append(f"{panel.title}: all values suppressed.")
            continue
        (low, low_name), (high, high_name) = known[0], known[-1]
        sentence = (
            f"{panel.title}: highest {high_name} ({format_value(high)}), "
            f"lowest {low_name} ({format_value(low)})"
        )
        if reference and panel.breakdown in reference:
            sentence += f"; reference group {reference[panel.breakdown]}"
        suppressed = len(panel.value) - len(known)
        if suppressed:
            sentence += f"; {suppressed} suppressed for small numbers"
        sentences.append(sentence + ".")
    return " ".join(sentences)
