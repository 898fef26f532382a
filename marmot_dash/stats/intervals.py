"""Confidence intervals as OHID Fingertips and PHEindicatormethods compute them.

Every function takes scalars or array-likes (broadcast together) and returns a named tuple
whose first three fields are ``value, lower, upper``, so ``value, lower, upper = f(...)[:3]``
always works. Arrays come back for array input, Python floats for scalar input.

Two levels in one call: pass a sequence, e.g. ``confidence=(0.95, 0.998)`` (or
``FINGERTIPS_LEVELS``). ``lower`` and ``upper`` then gain a trailing axis, one entry per
level, in the order given (``lower[..., 0]`` is 95%, ``lower[..., 1]`` is 99.8%); ``value``
keeps the input's shape. Levels are fractions in (0, 1] or percentages in [90, 100]
(``99.8`` means 0.998), as in PHEindicatormethods.

Missing inputs (NaN) give missing outputs. Impossible inputs (negative counts, a count above
its denominator for a proportion, zero denominators, shapes that do not broadcast) raise a
``ValueError`` that names the argument.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from scipy import special

from marmot_dash.stats._arrays import (
    as_float_array,
    broadcast,
    confidence_levels,
    normal_quantile,
    require,
    shape_output,
    shape_value,
    with_levels,
)

FINGERTIPS_LEVELS = (0.95, 0.998)
"""The two levels Fingertips shows: 95% and 99.8%."""

EXACT_BELOW = 10
"""Counts below this use exact Poisson limits; Byars's approximation from here up."""

DSR_MINIMUM_COUNT = 10
"""Directly standardised rates are not published for a total count below this."""

DSR_SMALL_COUNT_REASON = "total count < 10"

COUNT_METHODS = ("exact", "byars")

ESP2013_BANDS = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)
ESP2013 = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=float,
)
"""European Standard Population 2013: weights for the 19 five-year bands in ``ESP2013_BANDS``
(0-4 ... 85-89, 90+), summing to 100,000 (Eurostat 2013)."""
ESP2013.setflags(write=False)


class Interval(NamedTuple):
    """A point estimate with its confidence limits."""

    value: np.ndarray | float
    lower: np.ndarray | float
    upper: np.ndarray | float


class CountInterval(NamedTuple):
    """A count or crude rate with its limits and the method used for each ("exact"/"byars")."""

    value: np.ndarray | float
    lower: np.ndarray | float
    upper: np.ndarray | float
    method: np.ndarray | str


class DsrInterval(NamedTuple):
    """A directly standardised rate; ``reason`` says why a value is missing ("" if present)."""

    value: np.ndarray | float
    lower: np.ndarray | float
    upper: np.ndarray | float
    reason: np.ndarray | str


def _is_scalar(*values: Any) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def wilson(
    count: Any,
    denominator: Any,
    confidence: float | Any = 0.95,
    multiplier: float = 1,
) -> Interval:
    """Proportion ``count / denominator`` with Wilson score limits, scaled by ``multiplier``.

    Method: Wilson (1927), "Probable inference, the law of succession, and statistical
    inference", JASA 22:209-212; as ``phe_proportion`` / ``wilson_lower``/``wilson_upper`` in
    PHEindicatormethods. ``confidence=1`` gives limits 0 and ``multiplier``.
    """
    scalar = _is_scalar(count, denominator)
    x, n = broadcast(count=as_float_array("count", count),
                     denominator=as_float_array("denominator", denominator))
    require(~(x < 0), "count", "must not be negative")
    require(~(n <= 0), "denominator", "must be greater than zero")
    require(~(x > n), "count", "must not exceed the denominator for a proportion")
    levels, several = confidence_levels(confidence)
    z = normal_quantile(levels)
    xl, nl = with_levels(x), with_levels(n)
    p = xl / nl
    z2 = z * z
    with np.errstate(invalid="ignore"):
        root = z * np.sqrt(z2 + 4 * xl * (1 - p))
        centre, spread = 2 * xl + z2, 2 * (nl + z2)
        lower = (centre - root) / spread
        upper = (centre + root) / spread
    # At x = 0 or x = n a limit equals the proportion (0 or 1); keep rounding from crossing.
    lower = np.clip(np.minimum(lower, p), 0, 1)
    upper = np.clip(np.maximum(upper, p), 0, 1)
    if np.isinf(z).any():
        certain = np.isinf(z) & ~np.isnan(p)
        lower, upper = np.where(certain, 0.0, lower), np.where(certain, 1.0, upper)
    lower, upper = lower * multiplier, upper * multiplier
    return Interval(
        shape_value(x / n * multiplier, scalar),
        shape_output(lower, scalar, several),
        shape_output(upper, scalar, several),
    )


def _distinct_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct counts and each count's index among them (a table lookup for whole counts,
    which avoids sorting a million values)."""
    whole = counts.max() < 1e6 and np.array_equal(counts, np.floor(counts))
    if whole:
        return np.arange(int(counts.max()) + 1, dtype=float), counts.astype(np.intp)
    return np.unique(counts, return_inverse=True)


def poisson_limits(
    count: np.ndarray, levels: np.ndarray, method: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Limits for a Poisson count, with a trailing axis for ``levels``.

    ``method`` is a boolean array, True where the exact (chi-squared) limits apply:
    lower = chi2((1-c)/2, 2x)/2, upper = chi2((1+c)/2, 2x+2)/2. Elsewhere Byars's
    approximation (Breslow & Day 1987, Statistical Methods in Cancer Research vol. II, p.69):
    lower = x(1 - 1/(9x) - z/(3 sqrt x))^3, upper = (x+1)(1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3.
    """
    z = normal_quantile(levels)
    xl = with_levels(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1 - 1 / (9 * xl) - z / (3 * np.sqrt(xl))
        lower = xl * (base * base * base)
        next_count = xl + 1
        base = 1 - 1 / (9 * next_count) + z / (3 * np.sqrt(next_count))
        upper = next_count * (base * base * base)
    exact = method & ~np.isnan(count)
    if exact.any():
        small, where = _distinct_counts(count[exact])
        alpha_low, alpha_high = (1 - levels) / 2, (1 + levels) / 2
        # chi2.ppf(q, 2k) / 2 is the gamma quantile gammaincinv(k, q), the same numbers.
        exact_lower = special.gammaincinv(small[:, None], alpha_low)
        exact_lower[small == 0] = 0.0
        exact_upper = special.gammaincinv(small[:, None] + 1, alpha_high)
        lower[exact] = exact_lower[where.ravel()]
        upper[exact] = exact_upper[where.ravel()]
    return lower, upper


def byars(
    count: Any,
    denominator: Any = None,
    confidence: float | Any = 0.95,
    multiplier: float = 1,
    method: str = "auto",
) -> CountInterval:
    """A count (``denominator=None``) or crude rate ``count / denominator * multiplier``
    with Poisson limits.

    ``method="auto"`` uses exact limits from the chi-squared distribution when the count is
    below 10 and Byars's approximation otherwise, as ``phe_rate`` in PHEindicatormethods does;
    ``"exact"`` or ``"byars"`` forces one. The ``method`` field reports which was used per row
    ("" where the count is missing). Reference: Breslow & Day (1987), Statistical Methods in
    Cancer Research vol. II, IARC. A count may exceed its denominator (rates).
    """
    if method not in ("auto", *COUNT_METHODS):
        raise ValueError(f"method must be 'auto', 'exact' or 'byars', not {method!r}")
    scalar = _is_scalar(count, denominator)
    x = as_float_array("count", count)
    n = np.ones_like(x) if denominator is None else as_float_array("denominator", denominator)
    x, n = broadcast(count=x, denominator=n)
    require(~(x < 0), "count", "must not be negative")
    require(~(n <= 0), "denominator", "must be greater than zero")
    levels, several = confidence_levels(confidence)
    use_exact = x < EXACT_BELOW if method == "auto" else np.full(x.shape, method == "exact")
    lower, upper = poisson_limits(x, levels, use_exact)
    scale = with_levels(multiplier / n)
    labels = np.array(["byars", "exact", ""])[np.where(np.isnan(x), 2, use_exact.astype(int))]
    return CountInterval(
        shape_value(x / n * multiplier, scalar),
        shape_output(lower * scale, scalar, several),
        shape_output(upper * scale, scalar, several),
        str(labels) if scalar else labels,
    )


def dsr(
    events: Any,
    population: Any,
    standard_population: Any = ESP2013,
    confidence: float | Any = 0.95,
    multiplier: float = 100000,
    event_variance: Any = None,
) -> DsrInterval:
    """Directly standardised rate for grouped (age-banded) data with Dobson limits.

    The last axis of ``events`` and ``population`` runs over the bands of
    ``standard_population`` (default ``ESP2013``); leading axes are separate areas or groups.
    value = sum(w x / n) / sum(w) * multiplier; limits by Dobson et al. (1991), "Confidence
    intervals for weighted sums of Poisson parameters", Stat Med 10:457-462, using Byars
    limits on the total count, as ``calculate_dsr`` in PHEindicatormethods. Missing event
    counts in a band count as zero (as the package does). A total count below 10 gives a
    missing value and limits with ``reason`` "total count < 10".

    ``event_variance`` (per band) is for non-independent events: pass sum(f^2 * persons_f)
    over event frequencies f, with ``events`` = sum(f * persons_f); the default (the counts
    themselves) assumes independent Poisson events.
    """
    weights = as_float_array("standard_population", standard_population)
    require(weights.ndim == 1, "standard_population", "must be one-dimensional (one per band)")
    require(~(weights < 0) & ~np.isnan(weights), "standard_population",
            "must hold non-negative numbers")
    x = as_float_array("events", events)
    n = as_float_array("population", population)
    var = x if event_variance is None else as_float_array("event_variance", event_variance)
    x, n, var = broadcast(events=x, population=n, event_variance=var)
    if x.ndim == 0 or x.shape[-1] != weights.size:
        raise ValueError(f"events and population must have {weights.size} bands on their last "
                         f"axis to match standard_population, not shape {x.shape}")
    require(~(x < 0), "events", "must not be negative")
    require(~(var < 0), "event_variance", "must not be negative")
    require(n > 0, "population", "must be greater than zero in every band")
    x, var = np.nan_to_num(x), np.nan_to_num(var)
    levels, several = confidence_levels(confidence)
    total = x.sum(axis=-1)
    rate = (x * weights / n).sum(axis=-1) / weights.sum()
    variance = (var * weights**2 / n**2).sum(axis=-1) / weights.sum() ** 2
    count_lower, count_upper = poisson_limits(total, levels, np.zeros(total.shape, bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = with_levels(np.sqrt(variance / total))
        lower = with_levels(rate) + spread * (count_lower - with_levels(total))
        upper = with_levels(rate) + spread * (count_upper - with_levels(total))
    small = total < DSR_MINIMUM_COUNT
    small_levels = with_levels(small)
    scalar = total.ndim == 0
    reason = np.where(small, DSR_SMALL_COUNT_REASON, "")
    return DsrInterval(
        shape_value(np.where(small, np.nan, rate * multiplier), scalar),
        shape_output(np.where(small_levels, np.nan, lower * multiplier), scalar, several),
        shape_output(np.where(small_levels, np.nan, upper * multiplier), scalar, several),
        str(reason) if scalar else reason,
    )


def mean_ci(
    mean: Any,
    standard_deviation: Any,
    n: Any,
    confidence: float | Any = 0.95,
) -> Interval:
    """A mean with Student-t limits: mean -/+ t(1-(1-c)/2, n-1) * sd / sqrt(n).

    Works from summary statistics (mean, sample standard deviation, number of observations),
    as ``phe_mean`` in PHEindicatormethods does from the raw values (Student 1908).
    """
    scalar = _is_scalar(mean, standard_deviation, n)
    m, sd, size = broadcast(mean=as_float_array("mean", mean),
                            standard_deviation=as_float_array("standard_deviation",
                                                              standard_deviation),
                            n=as_float_array("n", n))
    require(~(sd < 0), "standard_deviation", "must not be negative")
    require(~(size < 2), "n", "must be at least 2")
    levels, several = confidence_levels(confidence)
    t = special.stdtrit(with_levels(size) - 1, (1 + levels) / 2)  # scipy.stats.t.ppf's function
    half_width = t * with_levels(sd / np.sqrt(size))
    return Interval(
        shape_value(m.astype(float, copy=True), scalar),
        shape_output(with_levels(m) - half_width, scalar, several),
        shape_output(with_levels(m) + half_width, scalar, several),
    )
