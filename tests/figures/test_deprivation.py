"""build_deprivation: bars with intervals by quantile, SII line and text, baseline series."""

from __future__ import annotations

import pytest

from marmot_dash.figures.deprivation import build_deprivation, describe_deprivation, sii_line


def test_bars_in_quantile_order_with_intervals(deprivation, indicator):
    shuffled = deprivation.sample(frac=1, random_state=1)
    fig = build_deprivation(shuffled, indicator=indicator, sii=None)
    (bars,) = fig.data
    assert list(bars.x) == [1, 2, 3, 4, 5]
    assert list(bars.y) == [30.0, 26.0, 21.0, 17.0, 12.0]
    assert list(bars.error_y.array) == [2.0] * 5
    assert list(fig.layout.xaxis.ticktext) == [f"Quintile {i}" for i in range(1, 6)]
    assert "most deprived" in fig.layout.xaxis.title.text


def test_sii_line_runs_from_intercept_at_rank_zero(deprivation, indicator, sii):
    fig = build_deprivation(deprivation, indicator=indicator, sii=sii)
    line = next(t for t in fig.data if t.type == "scatter")
    assert list(line.x) == [0.5, 5.5]
    assert list(line.y) == pytest.approx([32.0, 10.0])
    text = next(a.text for a in fig.layout.annotations if a.name == "sii")
    assert "SII -22.0 (95% CI -26.0 to -18.0)" in text
    assert "RII 0.42 (95% CI 0.35 to 0.50)" in text


def test_sii_line_ends_match_quantile_midpoints():
    x, y = sii_line({"sii": 10.0, "intercept": 0.0}, 10)
    assert x == [0.5, 10.5] and y == [0.0, 10.0]


def test_baseline_is_a_second_series(deprivation, indicator):
    baseline = deprivation.assign(period="2016", value=deprivation["value"] - 1)
    fig = build_deprivation(deprivation, indicator=indicator, sii=None, baseline=baseline)
    names = [t.name for t in fig.data]
    assert names == ["Baseline 2016", "Latest 2019"]
    assert list(fig.data[0].y) == [29.0, 25.0, 20.0, 16.0, 11.0]
    assert fig.data[0].marker.pattern.shape == "/"


def test_description_gives_ends_indices_and_gap_change(deprivation, indicator, sii):
    baseline = deprivation.assign(period="2016", value=[28.0, 25.0, 21.0, 18.0, 15.0])
    text = describe_deprivation(deprivation, indicator=indicator, sii=sii, baseline=baseline)
    assert "Most deprived (Quintile 1): 30.0" in text
    assert "SII -22.0" in text
    assert "18.0 now against 13.0 at baseline 2016 (wider)" in text
