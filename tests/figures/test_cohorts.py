"""build_cohorts: one panel per breakdown; suppressed rows are a labelled gap, not zero."""

from __future__ import annotations

import math

from marmot_dash.figures.cohorts import build_cohorts, describe_cohorts

REFERENCE = {"sex": "Male", "ethnicity": "White"}


def test_one_panel_per_breakdown_in_order(cohorts, indicator):
    fig = build_cohorts(cohorts, indicator=indicator, reference=REFERENCE)
    assert [t.name for t in fig.data] == ["Sex", "Ethnic group"]
    assert [t.orientation for t in fig.data] == ["h", "h"]
    assert fig.data[1].yaxis == "y2"
    titles = [a.text for a in fig.layout.annotations if a.name == "panel"]
    assert titles == ["<b>Sex</b>", "<b>Ethnic group</b>"]
    top, lower = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert top[1] == 1 and lower[0] == 0 and lower[1] < top[0]
    assert top[1] - top[0] < lower[1] - lower[0]  # 2 categories against 3
    assert fig.layout.xaxis2.matches == "x"


def test_suppressed_row_is_a_labelled_gap_not_zero(cohorts, indicator):
    fig = build_cohorts(cohorts, indicator=indicator, reference=REFERENCE)
    ethnicity = fig.data[1]
    values = list(ethnicity.x)
    assert values[0] == 16.0 and values[2] == 19.0
    assert values[1] is None or math.isnan(values[1])
    notes = [a for a in fig.layout.annotations if a.name == "suppressed"]
    assert len(notes) == 1
    assert "suppressed: fewer than 5" in notes[0].text
    assert notes[0].y == "Mixed / Multiple ethnic groups"


def test_reference_group_marked(cohorts, indicator):
    fig = build_cohorts(cohorts, indicator=indicator, reference=REFERENCE)
    assert fig.data[0].y[0] == "<b>Male (reference)</b>"
    lines = [s for s in fig.layout.shapes if s.name == "reference"]
    assert sorted(s.x0 for s in lines) == [16.0, 18.0]


def test_intervals_on_every_shown_bar(cohorts, indicator):
    fig = build_cohorts(cohorts, indicator=indicator)
    assert list(fig.data[0].error_x.array) == [2.0, 2.0]


def test_description_mentions_reference_and_suppression(cohorts, indicator):
    text = describe_cohorts(cohorts, indicator=indicator, reference=REFERENCE)
    assert "Sex: highest Male (18.0), lowest Female (14.0); reference group Male." in text
    assert "1 suppressed for small numbers" in text
