"""Theme call-outs on charts and the prevalence chart builder."""

from __future__ import annotations

import copy

import pandas as pd
import plotly.graph_objects as go
import pytest

from marmot_dash.figures.callouts import (
    CALLOUT_NAME_PREFIX,
    MAX_CALLOUTS,
    add_theme_callouts,
    callout_themes,
    theme_callout_texts,
)
from marmot_dash.figures.slide import frame
from marmot_dash.figures.themes import build_theme_prevalence, describe_theme_prevalence
from marmot_dash.qualitative.themes import DEFAULT_THEMES, parse_themes, theme_counts_table


@pytest.fixture
def themes():
    return parse_themes(DEFAULT_THEMES, "default")


def framed_chart() -> go.Figure:
    fig = go.Figure([go.Scatter(x=[1, 2, 3], y=[4, 5, 6], name="Luton"),
                     go.Scatter(x=[1, 2, 3], y=[5, 5, 5], name="England")])
    return frame(fig, title="An indicator", source="Somewhere", illustrative=True)


def test_call_outs_go_below_everything_else_on_the_chart(themes) -> None:
    fig = framed_chart()
    bottom_before = fig.layout.margin.b
    source = next(a for a in fig.layout.annotations if a.name == "source")
    add_theme_callouts(fig, themes, "places")
    assert theme_callout_texts(fig) == ["Opportunity: empower communities",
                                        "Barrier: data granularity"]
    callouts = [a for a in fig.layout.annotations if a.name.startswith(CALLOUT_NAME_PREFIX)]
    for annotation in callouts:
        # hanging from the bottom edge of the plot area, past the old margin: never over the
        # data, the axis titles or the source line
        assert (annotation.xref, annotation.yref, annotation.y) == ("paper", "paper", 0)
        assert annotation.yanchor == "top" and annotation.showarrow is False
        assert -annotation.yshift > bottom_before > -source.yshift
    assert fig.layout.margin.b >= bottom_before + 2 * 20
    lowest = min(a.yshift for a in callouts)
    assert -lowest + 20 <= fig.layout.margin.b  # the last call-out fits in the margin
    assert len({a.yshift for a in callouts}) == len(callouts)  # stacked, not overlapping


def test_without_the_call_that_adds_them_a_chart_has_none(themes) -> None:
    assert theme_callout_texts(framed_chart()) == []
    assert theme_callout_texts(add_theme_callouts(framed_chart(), themes, "data")) == []


def test_linked_themes_come_first_and_principle_filters(themes) -> None:
    chosen = callout_themes(themes, "deprivation")
    assert [t.id for t in chosen] == ["existing_inequalities_work", "opportunities",
                                      "marmot_indicators"]
    assert [t.id for t in callout_themes(themes, "deprivation", principle=5)] == [
        "opportunities", "marmot_indicators"]
    assert len(callout_themes(themes * 2, "trend")) == MAX_CALLOUTS


def test_call_out_text_is_escaped(themes) -> None:
    raw = copy.deepcopy(DEFAULT_THEMES)
    raw[4]["callout"]["text"] = '<img src="x" onerror=alert(1)> & co'
    fig = add_theme_callouts(framed_chart(), parse_themes(raw, "x"), "cohorts")
    assert theme_callout_texts(fig) == ['&lt;img src="x" onerror=alert(1)&gt; &amp; co']


def test_prevalence_builder_stacks_counts_per_category() -> None:
    raw = copy.deepcopy(DEFAULT_THEMES)
    raw[4]["counts"] = {"by_group": {"Officers": 3, "VCS": 1}, "by_stage": {"interviews": 4}}
    raw[2]["counts"] = {"by_group": {"VCS": 2}, "by_stage": {"focus_groups": 2}}
    counts = theme_counts_table(parse_themes(raw, "x"), "group")
    assert counts.to_dict("records") == [
        {"theme": "Existing inequalities work", "category": "VCS", "count": 2},
        {"theme": "Barriers", "category": "Officers", "count": 3},
        {"theme": "Barriers", "category": "VCS", "count": 1},
    ]
    fig = build_theme_prevalence(counts, category_label="Stakeholder group",
                                 category_order=["VCS"])
    assert [trace.name for trace in fig.data] == ["VCS", "Officers"]
    assert list(fig.data[0].x) == [2, 1] and list(fig.data[1].x) == [0, 3]
    assert fig.layout.barmode == "stack"
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape
    assert describe_theme_prevalence(counts, category_label="Stakeholder group") == (
        "Coded excerpts per theme by stakeholder group: Existing inequalities work 2, "
        "Barriers 4. Most excerpts came from VCS (3 of 6)."
    )
    by_stage = theme_counts_table(parse_themes(raw, "x"), "stage")
    assert set(by_stage["category"]) == {"Interviews", "Focus groups"}


def test_prevalence_of_nothing_is_described_plainly() -> None:
    empty = pd.DataFrame(columns=["theme", "category", "count"])
    assert describe_theme_prevalence(empty, category_label="Stage") == "No coded-excerpt counts."


def test_prevalence_labels_are_escaped() -> None:
    counts = pd.DataFrame({"theme": ["<b>T</b>"], "category": ["<a href='x'>G</a>"],
                           "count": [1]})
    fig = build_theme_prevalence(counts, category_label="Group")
    assert fig.data[0].name == "&lt;a href='x'&gt;G&lt;/a&gt;"
    assert list(fig.data[0].y) == ["&lt;b&gt;T&lt;/b&gt;"]
