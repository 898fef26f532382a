"""Cohorts view: one panel per breakdown (sex, age, ethnicity), bars with 95% intervals.

Suppressed rows (no value, a note saying why) are drawn as a labelled gap, never as zero; each
panel's reference group is marked with a dashed line at its value and a bold label.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

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


def _panels(cohorts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(breakdown, rows) in sex, age, ethnicity order, then any other breakdown."""
    present = list(dict.fromkeys(cohorts["breakdown"].astype(str)))
    order = [b for b in COHORT_BREAKDOWNS if b in present] + [
        b for b in present if b not in COHORT_BREAKDOWNS
    ]
    panels = []
    for breakdown in order:
        rows = cohorts[cohorts["breakdown"] == breakdown]
        if "category_sort" in rows:
            rows = rows.sort_values("category_sort", kind="stable")
        panels.append((breakdown, rows.reset_index(drop=True)))
    return panels


def _note(row: pd.Series) -> str:
    note = row.get("note")
    return note.strip() if isinstance(note, str) and note.strip() else DEFAULT_SUPPRESSED_NOTE


def _tick_labels(rows: pd.DataFrame, reference: str | None) -> list[str]:
    labels = []
    for category in rows["category"].astype(str):
        text = html.escape(category)
        labels.append(f"<b>{text} (reference)</b>" if category == reference else text)
    return labels


def _extra_hover(rows: pd.DataFrame) -> list[str]:
    """Gap and ratio to the reference group, where the caller supplied them."""
    if "gap" not in rows or "ratio" not in rows:
        return [""] * len(rows)
    return [
        f"<br>Gap to reference {format_value(gap)}; ratio {format_value(ratio, 2)}"
        if pd.notna(gap) else ""
        for gap, ratio in zip(rows["gap"], rows["ratio"], strict=True)
    ]


def _panel_trace(breakdown: str, rows: pd.DataFrame, ticks: list[str], number: int) -> dict:
    shown = rows["value"].notna()
    return dict(
        type="bar",
        xaxis=f"x{_axis_suffix(number)}",
        yaxis=f"y{_axis_suffix(number)}",
        x=rows["value"].where(shown).tolist(),
        y=ticks,
        orientation="h",
        name=BREAKDOWN_TITLES.get(breakdown, breakdown.title()),
        showlegend=False,
        marker={"color": _PANEL_COLOURS.get(breakdown, OKABE_ITO[-2])},
        error_x={
            "type": "data", "symmetric": False, "color": REFERENCE_COLOUR, "thickness": 1.5,
            "array": (rows["upper_ci"] - rows["value"]).tolist(),
            "arrayminus": (rows["value"] - rows["lower_ci"]).tolist(),
        },
        customdata=[
            [format_value(lo), format_value(hi), extra]
            for lo, hi, extra in zip(rows["lower_ci"], rows["upper_ci"], _extra_hover(rows),
                                     strict=True)
        ],
        hovertemplate=(
            "%{y}: %{x:,.1f}<br>95% CI %{customdata[0]} to %{customdata[1]}%{customdata[2]}"
            "<extra></extra>"
        ),
    )


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
    domains = _panel_domains([max(len(rows), 1) for _, rows in panels])
    traces, shapes, annotations = [], [], []
    layout = base_layout(bargap=0.3, hovermode="closest", showlegend=False)
    for number, ((breakdown, rows), domain) in enumerate(zip(panels, domains, strict=True), 1):
        ticks = _tick_labels(rows, reference.get(breakdown))
        traces.append(_panel_trace(breakdown, rows, ticks, number))
        annotations.append(_panel_title(breakdown, domain))
        annotations += _suppressed_notes(rows, ticks, number)
        shapes += _reference_line(rows, reference.get(breakdown), number)
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


def _panel_title(breakdown: str, domain: list[float]) -> dict:
    return {
        "text": f"<b>{BREAKDOWN_TITLES.get(breakdown, breakdown.title())}</b>", "x": 0,
        "y": domain[1], "xref": "paper", "yref": "paper", "xanchor": "left",
        "yanchor": "bottom", "showarrow": False, "name": "panel",
    }


def _axis_suffix(number: int) -> str:
    return "" if number == 1 else str(number)


def _suppressed_notes(rows: pd.DataFrame, ticks: list[str], number: int) -> list[dict]:
    """A note where each suppressed bar would be, so the gap is labelled, not drawn as zero."""
    return [
        {
            "x": 0, "y": ticks[index], "xref": f"x{_axis_suffix(number)} domain",
            "yref": f"y{_axis_suffix(number)}", "xanchor": "left", "showarrow": False,
            "name": "suppressed", "text": f"<i>{html.escape(_note(rows.loc[index]))}</i>",
            "font": {"color": MUTED_COLOUR},
        }
        for index in rows.index[rows["value"].isna()]
    ]


def _reference_line(rows: pd.DataFrame, category: str | None, number: int) -> list[dict]:
    """A dashed line at the reference group's value across its panel (none if suppressed)."""
    match = rows[rows["category"].astype(str) == category] if category else rows.iloc[0:0]
    if match.empty or pd.isna(match["value"].iloc[0]):
        return []
    value = float(match["value"].iloc[0])
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
    sentences = [f"Bar charts of {name} by {', '.join(b for b, _ in panels)}."]
    for breakdown, rows in panels:
        known = rows.dropna(subset=["value"]).sort_values("value")
        title = BREAKDOWN_TITLES.get(breakdown, breakdown.title())
        if known.empty:
            sentences.append(f"{title}: all values suppressed.")
            continue
        high, low = known.iloc[-1], known.iloc[0]
        sentence = (
            f"{title}: highest {high['category']} ({format_value(high['value'])}), "
            f"lowest {low['category']} ({format_value(low['value'])})"
        )
        if reference and breakdown in reference:
            sentence += f"; reference group {reference[breakdown]}"
        suppressed = int(rows["value"].isna().sum())
        if suppressed:
            sentence += f"; {suppressed} suppressed for small numbers"
        sentences.append(sentence + ".")
    return " ".join(sentences)
