"""build_deprivation: bars with intervals by quantile, SII line and text, baseline series."""

from __future__ import annotations

import numpy as np
import pytest

from marmot_dash.figures.deprivation import build_deprivation, describe_deprivation, sii_line


def test_bars_in_quantile_order_with_intervals(deprivation, indicator):
    shuffled = deprivation.sample(frac=1, random_state=1)
    fig = build_deprivation(shuffled, indicator=indicator, sii=None)
    (bars,) = fig.data
    assert list(bars.x) == [1, 2, 3, 4, 5]
    assert list(bars.y) == [30.0, 26.0, 21.0, 17.0, 12.0]
    assert list(bars.error_y.array) == [2.0] * 5
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "3", "4", "5"]
    assert fig.layout.xaxis.title.text == (
        "National deprivation quintile (1 = most deprived, 5 = least)")
    assert bars.customdata[0][0] == "Quintile 1"  # the full label is on hover


def test_sii_line_runs_from_intercept_at_rank_zero(deprivation, indicator, sii):
    fig = build_deprivation(deprivation, indicator=indicator, sii=sii)
    line = next(t for t in fig.data if t.type == "scatter")
    assert (line.x[0], line.x[-1]) == (0.5, 5.5)
    assert (line.y[0], line.y[-1]) == pytest.approx((32.0, 10.0))
    assert line.y[10] == pytest.approx(21.0)  # straight for a mean
    text = next(a.text for a in fig.layout.annotations if a.name == "sii")
    assert "SII -22.0 (95% CI -26.0 to -18.0)" in text
    assert "RII 0.42 (95% CI 0.35 to 0.50)" in text
    assert fig.layout.yaxis.range[1] == pytest.approx(32.0 * 1.3)  # room for the SII box


def test_sii_line_ends_match_quantile_midpoints():
    x, y = sii_line({"sii": 10.0, "intercept": 0.0}, 10)
    assert (x[0], x[-1]) == (0.5, 10.5) and (y[0], y[-1]) == (0.0, 10.0)


def test_sii_line_follows_the_log_fit_for_rates():
    _, y = sii_line({"sii": -75.0, "intercept": 100.0}, 5, value_type="rate")
    assert y[0] == pytest.approx(100.0) and y[-1] == pytest.approx(25.0)
    assert y[10] == pytest.approx(50.0)  # geometric mid-point


def test_sii_line_follows_the_logit_fit_for_percentages():
    _, y = sii_line({"sii": -60.0, "intercept": 80.0}, 5, value_type="proportion",
                    multiplier=100)
    assert y[0] == pytest.approx(80.0) and y[-1] == pytest.approx(20.0)
    assert y[10] == pytest.approx(50.0)


def test_sii_line_matches_stats_fit_at_the_quantile_ranks(deprivation):
    from marmot_dash.stats.inequality import sii

    result = sii(deprivation["category_sort"], [100] * 5, deprivation["value"],
                 deprivation["lower_ci"], deprivation["upper_ci"], "rate",
                 repetitions=1000, seed=1)
    x, y = sii_line(result._asdict(), 5, value_type="rate")
    # the fitted line must pass between the bars' values, not miss them by a chord's sag
    assert y[2] == pytest.approx(result.intercept * result.rii ** 0.1)
    assert x[2] == pytest.approx(1.0)


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


def test_sii_line_puts_unequal_quantiles_rank_midpoints_on_their_bars():
    """National deciles of one authority differ in size: each bar spans its population share."""
    populations = [40.0, 30.0, 20.0, 5.0, 5.0]
    x, y = sii_line({"sii": 10.0, "intercept": 0.0, "populations": populations}, 5)
    bounds = np.concatenate([[0.0], np.cumsum(populations) / 100.0])
    midpoints = (bounds[:-1] + bounds[1:]) / 2  # rank of each quantile's middle
    # straight fit: value = 10 * rank, so the line's value at each bar is 10 x its mid-rank
    np.testing.assert_allclose(np.interp([1, 2, 3, 4, 5], x, y), 10 * midpoints)
    assert x[0] == 0.5 and x[-1] == 5.5
