"""Benchmarking, recent trend and change since baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from marmot_dash.stats.compare import (
    BENCHMARK_LABELS,
    CHANGE_LABELS,
    TREND_ASSESSMENTS,
    TREND_LABELS,
    TREND_THRESHOLD,
    TWO_LEVEL_LABELS,
    benchmark,
    benchmark_two_level,
    change_since_baseline,
    compare_overlap,
    recent_trend,
    recent_trends,
)


def test_benchmark_labels_by_polarity():
    value, lower, upper = [10.0] * 4, [8.0] * 4, [12.0] * 4
    comparator = [9.0, 7.0, 13.0, np.nan]
    assert list(benchmark(value, lower, upper, comparator, "higher_is_better")) == [
        "similar", "better", "worse", "not_compared"]
    assert list(benchmark(value, lower, upper, comparator, "lower_is_better")) == [
        "similar", "worse", "better", "not_compared"]
    assert list(benchmark(value, lower, upper, comparator, "no_judgement")) == [
        "similar", "higher", "lower", "not_compared"]


def test_benchmark_comparator_on_the_limit_is_similar():
    assert benchmark([10], [8], [12], [12], "higher_is_better")[0] == "similar"


def test_benchmark_accepts_a_polarity_per_row():
    labels = benchmark([10, 10], [8, 8], [12, 12], [7, 7], ["higher_is_better", "no_judgement"])
    assert list(labels) == ["better", "higher"]
    assert set(labels) <= set(BENCHMARK_LABELS)


def test_two_level_benchmark():
    labels = benchmark_two_level([10] * 4, [8] * 4, [12] * 4, [7] * 4, [13] * 4,
                                 [10, 12.5, 14, np.nan], "lower_is_better")
    assert list(labels) == ["similar", "better_95", "better_998", "not_compared"]
    assert set(labels) <= set(TWO_LEVEL_LABELS)


def test_overlap_test_for_two_intervals():
    labels = compare_overlap([10, 10, 10], [8, 8, 8], [12, 12, 12],
                             [11, 5, 15], [9, 4, 13], [13, 6, 17], "higher_is_better")
    assert list(labels) == ["similar", "better", "worse"]


def test_recent_trend_straight_line_is_significant():
    years = np.arange(2015, 2022)
    values = np.arange(7, dtype=float) + 10
    trend = recent_trend(years, values, values - 0.5, values + 0.5, "lower_is_better")
    assert (trend.direction, trend.assessment) == ("increasing", "getting_worse")
    assert trend.method == "weighted_regression" and trend.points == 7
    assert trend.chi_squared > TREND_THRESHOLD


def test_recent_trend_uses_only_the_latest_five_points():
    years = np.arange(2010, 2020)
    values = np.array([30, 25, 20, 15, 10, 10.0, 10.1, 9.9, 10.0, 10.05])
    trend = recent_trend(years[::-1], values[::-1], values[::-1] - 1, values[::-1] + 1)
    assert trend.direction == "no_significant_change"


def test_recent_trend_needs_five_points():
    trend = recent_trend([1, 2, 3, 4, 5], [1, 2, 3, np.nan, 5], [0, 1, 2, 3, 4], [2, 3, 4, 5, 6])
    assert (trend.direction, trend.points) == ("cannot_be_calculated", 4)


def test_recent_trend_leave_one_out_rejects_a_single_outlier():
    values = np.array([10.2, 10.1, 10.0, 9.9, 30.0])
    trend = recent_trend(range(5), values, values - 0.1, values + 0.1)
    assert trend.chi_squared > TREND_THRESHOLD
    assert trend.direction == "no_significant_change"


def altman_chi_squared_for_trend(count, denominator):
    """Chi-squared for trend written as a regression of proportions on time (Altman 1991)."""
    t = np.arange(1, 6)
    p_bar = count.sum() / denominator.sum()
    t_bar = (denominator * t).sum() / denominator.sum()
    sxx = (denominator * (t - t_bar) ** 2).sum()
    slope = (denominator * (count / denominator - p_bar) * (t - t_bar)).sum() / sxx
    return slope**2 * sxx / (p_bar * (1 - p_bar))


def test_recent_trend_proportion_uses_chi_squared_for_trend():
    count = np.array([100.0, 108, 121, 130, 142])
    denominator = np.array([1000.0, 1010, 1000, 990, 1005])
    trend = recent_trend(range(5), count / denominator, None, None, "higher_is_better",
                         count=count, denominator=denominator, value_type="proportion")
    assert trend.method == "chi_squared_for_trend"
    assert trend.chi_squared == pytest.approx(altman_chi_squared_for_trend(count, denominator))
    assert (trend.direction, trend.assessment) == ("increasing", "getting_better")


def test_recent_trends_matches_one_series_at_a_time():
    rng = np.random.default_rng(7)
    rows = []
    for indicator in ("a", "b"):
        for area in ("E1", "E2", "E3"):
            slope = rng.normal(0, 1)
            for year in range(2012, 2020 if area != "E3" else 2016):
                value = 50 + slope * year / 10 + rng.normal(0, 0.3)
                rows.append((indicator, area, "total", "Total", year, value, value - 1,
                             value + 1))
    values = pd.DataFrame(rows, columns=["indicator_id", "area_code", "breakdown", "category",
                                         "period_sort", "value", "lower_ci", "upper_ci"])
    catalogue = pd.DataFrame({"indicator_id": ["a", "b"],
                              "polarity": ["higher_is_better", "no_judgement"],
                              "value_type": ["rate", "rate"]})
    table = recent_trends(values.sample(frac=1, random_state=1), catalogue)
    assert len(table) == 6
    assert set(table["direction"]) <= set(TREND_LABELS)
    assert set(table["assessment"]) <= set(TREND_ASSESSMENTS)
    for row in table.itertuples():
        series = values[(values["indicator_id"] == row.indicator_id)
                        & (values["area_code"] == row.area_code)]
        polarity = catalogue.set_index("indicator_id").loc[row.indicator_id, "polarity"]
        alone = recent_trend(series["period_sort"], series["value"], series["lower_ci"],
                             series["upper_ci"], polarity)
        assert (alone.direction, alone.assessment, alone.points) == (
            row.direction, row.assessment, row.points)


def test_recent_trends_requires_every_indicator_in_the_catalogue():
    values = pd.DataFrame({"indicator_id": ["x"], "area_code": ["E1"], "breakdown": ["total"],
                           "category": ["Total"], "period_sort": [1], "value": [1.0],
                           "lower_ci": [0.5], "upper_ci": [1.5]})
    catalogue = pd.DataFrame({"indicator_id": ["y"], "polarity": ["no_judgement"],
                              "value_type": ["rate"]})
    with pytest.raises(ValueError, match="indicators"):
        recent_trends(values, catalogue)


def test_change_since_baseline_two_proportion_test_matches_chi_squared():
    change = change_since_baseline(0.10, 0.08, 0.12, 0.13, 0.11, 0.15, "higher_is_better",
                                   value_type="proportion", baseline_count=100,
                                   baseline_denominator=1000, latest_count=130,
                                   latest_denominator=1000)
    table = [[100, 900], [130, 870]]
    _, p_value, _, _ = sps.chi2_contingency(table, correction=False)
    assert change.test == "two_proportion_z"
    assert change.p_value == pytest.approx(p_value)
    assert change.significant and change.label == "improved"
    assert change.difference == pytest.approx(0.03) and change.ratio == pytest.approx(1.3)


def test_change_since_baseline_picks_the_test_per_row():
    change = change_since_baseline(
        [10.0, 10.0, 10.0, np.nan], [9.0, 9.0, 9.5, 9.0], [11.0, 11.0, 10.5, 11.0],
        [12.0, 12.0, 10.2, 12.0], [11.0, 11.0, 9.7, 11.0], [13.0, 13.0, 10.7, 13.0],
        "lower_is_better", value_type="rate",
        baseline_count=[100, np.nan, np.nan, 100], baseline_denominator=[1000] * 4,
        latest_count=[120, np.nan, np.nan, 120], latest_denominator=[1000] * 4,
    )
    assert list(change.test) == ["poisson_rate_ratio", "z_from_intervals", "z_from_intervals",
                                 "not_tested"]
    assert list(change.label) == ["no_significant_change", "worsened", "no_significant_change",
                                  "not_compared"]
    assert set(change.label) <= set(CHANGE_LABELS)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: benchmark([1], [0], [2], [1], "up_is_good"), "polarity"),
        (lambda: benchmark([1], [0], [2], [1], ["higher_is_better", "sideways"]), "polarity"),
        (lambda: benchmark([1, 2], [0, 1, 2], [2, 3], [1, 1], "no_judgement"), "lower"),
        (lambda: benchmark([1], [3], [2], [1], "no_judgement"), "lower"),
        (lambda: change_since_baseline(1, 0, 2, 1, 0, 2, "no_judgement", baseline_count=-1),
         "baseline_count"),
        (lambda: change_since_baseline(1, 0, 2, 1, 0, 2, "no_judgement",
                                       latest_denominator=0), "latest_denominator"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
