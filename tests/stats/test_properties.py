"""Property tests (hypothesis) for the interval and benchmarking functions."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from marmot_dash.stats.compare import POLARITIES, benchmark, compare_overlap
from marmot_dash.stats.inequality import gap, local_quantiles, ratio
from marmot_dash.stats.intervals import byars, dsr, mean_ci, wilson

counts = st.integers(min_value=0, max_value=10**6)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)

SWAP = {"better": "worse", "worse": "better", "similar": "similar", "higher": "higher",
        "lower": "lower", "not_compared": "not_compared"}


@st.composite
def count_and_denominator(draw):
    denominator = draw(st.integers(min_value=1, max_value=10**7))
    return draw(st.integers(min_value=0, max_value=denominator)), denominator


@given(count_and_denominator(), levels)
def test_wilson_is_ordered_and_within_zero_one(pair, confidence):
    value, lower, upper = wilson(*pair, confidence=confidence)
    assert 0.0 <= lower <= value <= upper <= 1.0


@given(count_and_denominator())
def test_wilson_widens_with_confidence(pair):
    _, lower, upper = wilson(*pair, confidence=(0.9, 0.95, 0.998))
    assert np.all(np.diff(lower) <= 1e-12) and np.all(np.diff(upper) >= -1e-12)


@given(counts, st.integers(min_value=1, max_value=10**7), levels)
def test_byars_is_ordered(count, denominator, confidence):
    value, lower, upper, method = byars(count, denominator, confidence, multiplier=1000)
    assert 0.0 <= lower <= value <= upper
    assert method == ("exact" if count < 10 else "byars")


@given(counts)
def test_byars_widens_with_confidence(count):
    _, lower, upper, _ = byars(count, confidence=(0.9, 0.95, 0.998))
    assert np.all(np.diff(lower) <= 1e-9) and np.all(np.diff(upper) >= -1e-9)


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=19, max_size=19),
       st.lists(st.integers(min_value=500, max_value=10**5), min_size=19, max_size=19))
def test_dsr_is_ordered_or_missing_with_reason(events, population):
    value, lower, upper, reason = dsr(events, population, confidence=(0.95, 0.998))
    if sum(events) < 10:
        assert np.isnan(value) and reason == "total count < 10"
    else:
        assert reason == ""
        assert lower[1] <= lower[0] <= value <= upper[0] <= upper[1]


@given(finite, st.floats(min_value=0, max_value=1e3), st.integers(min_value=2, max_value=10**5))
def test_mean_ci_is_ordered_and_widens(mean, sd, n):
    value, lower, upper = mean_ci(mean, sd, n, confidence=(0.95, 0.998))
    assert lower[1] <= lower[0] <= value <= upper[0] <= upper[1]


intervals = st.tuples(finite, st.floats(min_value=0, max_value=1e3),
                      st.floats(min_value=0, max_value=1e3))


@given(intervals, finite)
def test_benchmark_is_symmetric_under_polarity_swap(interval, comparator):
    value, below, above = interval
    args = (value, value - below, value + above, comparator)
    higher = benchmark(*args, "higher_is_better")
    lower = benchmark(*args, "lower_is_better")
    neutral = benchmark(*args, "no_judgement")
    assert SWAP[str(higher)] == str(lower)
    assert (str(higher) == "similar") == (str(neutral) == "similar")


@given(intervals, finite, st.sampled_from(POLARITIES))
def test_benchmark_similar_iff_comparator_inside(interval, comparator, polarity):
    value, below, above = interval
    label = benchmark(value, value - below, value + above, comparator, polarity)
    inside = value - below <= comparator <= value + above
    assert (str(label) == "similar") == inside


@given(intervals, intervals, st.sampled_from(POLARITIES))
def test_overlap_comparison_is_antisymmetric(first, second, polarity):
    a = (first[0], first[0] - first[1], first[0] + first[2])
    b = (second[0], second[0] - second[1], second[0] + second[2])
    forward = str(compare_overlap(*a, *b, polarity))
    backward = str(compare_overlap(*b, *a, polarity))
    opposite = {"better": "worse", "worse": "better", "higher": "lower", "lower": "higher",
                "similar": "similar"}
    assert opposite[forward] == backward


@given(count_and_denominator(), count_and_denominator())
def test_gap_and_ratio_limits_contain_the_estimate(first, second):
    v1, l1, u1 = wilson(*first)
    v2, l2, u2 = wilson(*second)
    difference = gap(v1, v2, l1, u1, l2, u2)
    assert difference.lower <= difference.value <= difference.upper
    relative = ratio(v1, v2, l1, u1, l2, u2)
    if v1 > 0 and v2 > 0 and l1 > 0 and l2 > 0:
        assert relative.lower <= relative.value * (1 + 1e-12)
        assert relative.value <= relative.upper * (1 + 1e-12)


@settings(max_examples=50)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=10,
                max_size=60), st.sampled_from([5, 10]))
def test_local_quantiles_are_monotone_in_deprivation(scores, n):
    scores = np.array(scores)
    quantiles = local_quantiles(scores, n=n)
    assert quantiles.min() >= 1 and quantiles.max() <= n
    order = np.argsort(-scores, kind="stable")
    assert np.all(np.diff(quantiles[order]) >= 0)


@settings(max_examples=100)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=10, max_size=80),
       st.sampled_from([5, 10]))
def test_local_quantiles_match_the_phe_quantile_formula(scores, n):
    scores = np.array(scores, dtype=float)
    count = len(scores)
    rank = rankdata(scores.max() - scores, method="min")
    expected = np.floor((n + 1) - np.ceil(((count + 1) - rank) / (count / n)))
    expected[expected == 0] = 1
    np.testing.assert_array_equal(local_quantiles(scores, n=n), expected)
