"""Comparisons: benchmarking against a comparator, recent trend, change since baseline.

Methods follow OHID Fingertips (Public Health England, "Technical guide: Fingertips
statistical methods"): an area is "similar" to its comparator when the comparator lies inside
the area's confidence interval; otherwise better/worse by the indicator's polarity, or
higher/lower when there is no judgement. The label vocabularies are module constants so pages
can map them to colours, symbols and words.

Polarity strings are those of the dataset catalogue: ``POLARITIES``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from marmot_dash.stats._arrays import as_float_array, broadcast, require

POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")

BETTER, SIMILAR, WORSE = "better", "similar", "worse"
HIGHER, LOWER, NOT_COMPARED = "higher", "lower", "not_compared"
BENCHMARK_LABELS = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)

TWO_LEVEL_LABELS = (
    "better_998", "better_95", SIMILAR, "worse_95", "worse_998",
    "higher_998", "higher_95", "lower_95", "lower_998", NOT_COMPARED,
)
"""Labels of ``benchmark_two_level``: the suffix is the widest interval the comparator lies
outside (99.8% or only 95%), as in Fingertips's two-level benchmarking."""

INCREASING, DECREASING = "increasing", "decreasing"
NO_SIGNIFICANT_CHANGE, CANNOT_BE_CALCULATED = "no_significant_change", "cannot_be_calculated"
TREND_LABELS = (INCREASING, DECREASING, NO_SIGNIFICANT_CHANGE, CANNOT_BE_CALCULATED)
GETTING_BETTER, GETTING_WORSE, NOT_JUDGED = "getting_better", "getting_worse", "no_judgement"
TREND_ASSESSMENTS = (
    GETTING_BETTER, GETTING_WORSE, NOT_JUDGED, NO_SIGNIFICANT_CHANGE, CANNOT_BE_CALCULATED,
)
"""``recent_trend`` assessment: a significant trend read by polarity ("no_judgement" when the
indicator has none), or the direction label when there is no significant trend."""
TREND_METHODS = ("chi_squared_for_trend", "weighted_regression")
"""The test ``recent_trend`` used ("" when the trend cannot be calculated)."""

IMPROVED, WORSENED, INCREASED, DECREASED = "improved", "worsened", "increased", "decreased"
CHANGE_LABELS = (IMPROVED, WORSENED, INCREASED, DECREASED, NO_SIGNIFICANT_CHANGE, NOT_COMPARED)
CHANGE_TESTS = ("two_proportion_z", "poisson_rate_ratio", "z_from_intervals", "not_tested")

TREND_POINTS = 5
TREND_THRESHOLD = float(2 * special.gammaincinv(0.5, 0.998))  # chi2.ppf(0.998, 1)
"""Chi-squared (1 df) threshold for a significant recent trend: 99.8% (9.5495...)."""
CI95_WIDTH_IN_SE = 3.92
"""A 95% interval spans 2 x 1.96 standard errors (Fingertips's trend weights)."""

TREND_KEYS = ("indicator_id", "area_code", "breakdown", "category")
TREND_COLUMNS = ("direction", "assessment", "slope", "chi_squared", "method", "points")

_DIRECTION_LOWER, _DIRECTION_SIMILAR, _DIRECTION_HIGHER = 0, 1, 2
# Rows: polarity (POLARITIES order); columns: area lower / similar / higher than comparator.
_BENCHMARK_TABLE = np.array([
    [BENCHMARK_LABELS.index(WORSE), 1, BENCHMARK_LABELS.index(BETTER)],
    [BENCHMARK_LABELS.index(BETTER), 1, BENCHMARK_LABELS.index(WORSE)],
    [BENCHMARK_LABELS.index(LOWER), 1, BENCHMARK_LABELS.index(HIGHER)],
])
_LABELS = np.array(BENCHMARK_LABELS)


def polarity_codes(polarity: Any, shape: tuple[int, ...] = ()) -> np.ndarray:
    """Index into ``POLARITIES`` for a polarity string or array of them (``ValueError`` if
    any is unknown)."""
    if isinstance(polarity, str):
        if polarity not in POLARITIES:
            raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
        return np.full(shape, POLARITIES.index(polarity))
    array = np.asarray(polarity)
    codes = np.full(array.shape, -1)
    for code, name in enumerate(POLARITIES):
        codes[array == name] = code
    if (codes < 0).any():
        unknown = sorted({str(p) for p in array.ravel()[codes.ravel() < 0]})[:5]
        raise ValueError(f"polarity must be one of {POLARITIES}; unknown: {unknown}")
    try:
        return np.broadcast_to(codes, shape) if shape else codes
    except ValueError:
        raise ValueError(f"mismatched lengths: polarity {codes.shape}, values {shape}") from None


def _direction(lower: np.ndarray, upper: np.ndarray, comparator: np.ndarray) -> np.ndarray:
    """0 where the interval lies below the comparator, 2 above, 1 where it contains it."""
    direction = np.full(lower.shape, _DIRECTION_SIMILAR)
    direction[comparator < lower] = _DIRECTION_HIGHER
    direction[comparator > upper] = _DIRECTION_LOWER
    return direction


def _labels(direction: np.ndarray, polarity: np.ndarray, missing: np.ndarray) -> np.ndarray:
    index = np.where(missing, BENCHMARK_LABELS.index(NOT_COMPARED),
                     _BENCHMARK_TABLE[polarity, direction])
    return _LABELS[index]


def _interval_arrays(**arrays: Any) -> list[np.ndarray]:
    return broadcast(**{name: as_float_array(name, a) for name, a in arrays.items()})


def benchmark(value: Any, lower: Any, upper: Any, comparator: Any, polarity: Any) -> np.ndarray:
    """Fingertips benchmarking: one of ``BENCHMARK_LABELS`` per element.

    "similar" when ``lower <= comparator <= upper``; otherwise "better"/"worse" by polarity,
    or "higher"/"lower" for ``no_judgement``. Any missing input gives "not_compared".
    """
    v, lo, hi, c = _interval_arrays(value=value, lower=lower, upper=upper, comparator=comparator)
    require(~(lo > hi), "lower", "must not exceed upper")
    codes = polarity_codes(polarity, v.shape)
    missing = np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(c)
    return _labels(_direction(lo, hi, c), codes, missing)


def benchmark_two_level(
    value: Any,
    lower_95: Any,
    upper_95: Any,
    lower_998: Any,
    upper_998: Any,
    comparator: Any,
    polarity: Any,
) -> np.ndarray:
    """Two-level benchmarking (95% and 99.8%): one of ``TWO_LEVEL_LABELS`` per element.

    "better_998" when the comparator is outside the 99.8% interval, "better_95" when it is
    outside the 95% interval only, and so on; "similar" inside both.
    """
    at_95 = benchmark(value, lower_95, upper_95, comparator, polarity)
    at_998 = benchmark(value, lower_998, upper_998, comparator, polarity)
    outside_998 = ~np.isin(at_998, (SIMILAR, NOT_COMPARED))
    outside_95 = ~np.isin(at_95, (SIMILAR, NOT_COMPARED))
    labels = at_95.astype(object)
    labels[outside_95] = np.char.add(at_95[outside_95], "_95")
    labels[outside_998] = np.char.add(at_998[outside_998], "_998")
    return labels.astype(str)


def compare_overlap(
    value: Any,
    lower: Any,
    upper: Any,
    other_value: Any,
    other_lower: Any,
    other_upper: Any,
    polarity: Any,
) -> np.ndarray:
    """Compare two estimates that both have intervals (e.g. subgroup with subgroup).

    Overlapping intervals give "similar" (a conservative test: Fingertips's comparison of
    two subgroups); otherwise the first estimate is better/worse or higher/lower than the
    other. Returns ``BENCHMARK_LABELS``.
    """
    v, lo, hi, ov, olo, ohi = _interval_arrays(
        value=value, lower=lower, upper=upper,
        other_value=other_value, other_lower=other_lower, other_upper=other_upper,
    )
    require(~(lo > hi), "lower", "must not exceed upper")
    require(~(olo > ohi), "other_lower", "must not exceed other_upper")
    codes = polarity_codes(polarity, v.shape)
    direction = np.full(v.shape, _DIRECTION_SIMILAR)
    direction[lo > ohi] = _DIRECTION_HIGHER
    direction[hi < olo] = _DIRECTION_LOWER
    missing = np.isnan(v) | np.isnan(lo) | np.isnan(hi) | np.isnan(ov) | np.isnan(olo)
    return _labels(direction, codes, missing | np.isnan(ohi))


# Recent trend -----------------------------------------------------------------------------


class Trend(NamedTuple):
    """A recent-trend marker (see ``recent_trend``): ``direction`` (``TREND_LABELS``),
    ``assessment`` (``TREND_ASSESSMENTS``), the fitted slope per period (on the logit scale
    for the proportion test), the chi-squared statistic, the test used (``TREND_METHODS``,
    "" when not calculated) and how many usable points the series has."""

    direction: str
    assessment: str
    slope: float
    chi_squared: float
    method: str
    points: int


def _slope_signs_agree(slopes: np.ndarray) -> np.ndarray:
    """True where the full fit and every leave-one-out fit have the same slope sign."""
    signs = np.where(slopes < 0, -1, 1)
    return np.abs(signs.sum(axis=-1)) == signs.shape[-1]


def _leave_one_out_masks() -> np.ndarray:
    """(6, 5) inclusion masks: all points, then each point left out in turn."""
    return np.vstack([np.ones(TREND_POINTS, bool), ~np.eye(TREND_POINTS, dtype=bool)])


def _weighted_regression(
    y: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slope, chi-squared and robustness of a weighted least-squares trend for each row.

    Weights are 1 / se^2 with se = (upper - lower) / 3.92; chi-squared = (slope / se(slope))^2.
    """
    t = np.arange(1, TREND_POINTS + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1 / ((upper - lower) / CI95_WIDTH_IN_SE) ** 2
        masks = _leave_one_out_masks()[None, :, :]
        wm = w[:, None, :] * masks
        s1 = wm.sum(-1)
        s3 = (wm * t).sum(-1)
        s5 = (wm * t**2).sum(-1)
        s4 = (wm * y[:, None, :]).sum(-1)
        s2 = (wm * t * y[:, None, :]).sum(-1)
        determinant = s1 * s5 - s3**2
        slopes = (s1 * s2 - s3 * s4) / determinant
        chi_squared = slopes[:, 0] ** 2 * determinant[:, 0] / s1[:, 0]
    usable = np.isfinite(w).all(-1) & np.isfinite(slopes).all(-1)
    return slopes[:, 0], np.where(usable, chi_squared, np.nan), _slope_signs_agree(slopes)


def _chi_squared_for_trend(
    count: np.ndarray, denominator: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chi-squared test for trend in proportions (Cochran-Armitage) for each row, with the
    slope and leave-one-out robustness taken from an ordinary regression of the logit."""
    t = np.arange(1, TREND_POINTS + 1, dtype=float)
    total_n, total_x = denominator.sum(-1), count.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        numerator = total_n * (total_n * (count * t).sum(-1)
                               - total_x * (denominator * t).sum(-1)) ** 2
        spread = total_n * (denominator * t**2).sum(-1) - (denominator * t).sum(-1) ** 2
        chi_squared = numerator / (total_x * (total_n - total_x) * spread)
        logit = np.log(count / (denominator - count))
        empirical = np.log((count + 0.5) / (denominator - count + 0.5))
        logit = np.where(np.isfinite(logit), logit, empirical)
    masks = _leave_one_out_masks().astype(float)
    kept = masks.sum(-1)
    t_mean = (masks * t).sum(-1) / kept
    centred = (t - t_mean[:, None]) * masks
    slopes = (logit[:, None, :] * centred).sum(-1) / (centred**2).sum(-1)
    return slopes[:, 0], chi_squared, _slope_signs_agree(slopes)


def _assess(direction: np.ndarray, polarity: np.ndarray) -> np.ndarray:
    assessment = direction.astype(object)
    increasing, decreasing = direction == INCREASING, direction == DECREASING
    better = ((increasing & (polarity == 0)) | (decreasing & (polarity == 1)))
    worse = ((increasing & (polarity == 1)) | (decreasing & (polarity == 0)))
    assessment[better] = GETTING_BETTER
    assessment[worse] = GETTING_WORSE
    assessment[(increasing | decreasing) & (polarity == 2)] = NOT_JUDGED
    return assessment.astype(str)


def _trend_matrix(
    y: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    count: np.ndarray,
    denominator: np.ndarray,
    proportion: np.ndarray,
    polarity: np.ndarray,
    points: np.ndarray,
) -> pd.DataFrame:
    """Trend markers for rows of the latest five points (oldest first), one row per series."""
    slope = np.full(len(y), np.nan)
    chi_squared = np.full(len(y), np.nan)
    robust = np.zeros(len(y), bool)
    enough = points >= TREND_POINTS
    counts_ok = (np.isfinite(count).all(-1) & np.isfinite(denominator).all(-1)
                 & (denominator > 0).all(-1) & (count >= 0).all(-1)
                 & (count <= denominator).all(-1))
    by_counts = enough & proportion & counts_ok
    by_regression = enough & ~by_counts
    if by_counts.any():
        slope[by_counts], chi_squared[by_counts], robust[by_counts] = _chi_squared_for_trend(
            count[by_counts], denominator[by_counts])
    if by_regression.any():
        slope[by_regression], chi_squared[by_regression], robust[by_regression] = (
            _weighted_regression(y[by_regression], lower[by_regression], upper[by_regression]))
    calculable = enough & np.isfinite(chi_squared)
    significant = calculable & robust & (chi_squared > TREND_THRESHOLD)
    direction = np.where(
        significant, np.where(slope > 0, INCREASING, DECREASING),
        np.where(calculable, NO_SIGNIFICANT_CHANGE, CANNOT_BE_CALCULATED),
    )
    method = np.where(by_counts, TREND_METHODS[0], TREND_METHODS[1])
    return pd.DataFrame({
        "direction": direction,
        "assessment": _assess(direction, polarity),
        "slope": np.where(calculable, slope, np.nan),
        "chi_squared": np.where(calculable, chi_squared, np.nan),
        "method": np.where(calculable, method, ""),
        "points": points,
    })


def recent_trend(
    period_sort: Any,
    value: Any,
    lower: Any,
    upper: Any,
    polarity: str = "no_judgement",
    count: Any = None,
    denominator: Any = None,
    value_type: str = "other",
) -> Trend:
    """The Fingertips recent-trend marker for one series, on its latest five valid points.

    Points need a value and either a 95% interval or (for the proportion test) a count and
    a denominator. With fewer than five the trend "cannot_be_calculated". Proportions with
    counts and denominators use the chi-squared test for trend; other values a weighted
    least-squares regression on time (weights 1/se^2, se from the 95% interval). The trend is
    significant when chi-squared exceeds the 99.8% threshold (1 df) and the slope keeps its
    sign when each point is left out in turn (Fingertips trend-marker method, PHE). The
    periods are treated as equally spaced (t = 1..5), as Fingertips does.
    """
    frame = pd.DataFrame({
        "indicator_id": "", "area_code": "", "breakdown": "", "category": "",
        "period_sort": period_sort, "value": value, "lower_ci": lower, "upper_ci": upper,
        "count": np.nan if count is None else count,
        "denominator": np.nan if denominator is None else denominator,
    })
    catalogue = pd.DataFrame({"indicator_id": [""], "polarity": [polarity],
                              "value_type": [value_type]})
    row = recent_trends(frame, catalogue).iloc[0]
    return Trend(str(row["direction"]), str(row["assessment"]), float(row["slope"]),
                 float(row["chi_squared"]), str(row["method"]), int(row["points"]))


def _group_codes(table: pd.DataFrame, keys: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """A dense group number per row and the first row of each group."""
    combined = np.zeros(len(table), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(table[key], use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    group, _ = pd.factorize(combined)
    first = np.full(group.max() + 1 if len(group) else 0, -1)
    first[group[::-1]] = np.arange(len(group))[::-1]
    return group, first


def recent_trends(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """``recent_trend`` for every series of a long values table, vectorised.

    ``values`` has the dataset's value columns (at least ``TREND_KEYS``, ``period_sort``,
    ``value``, ``lower_ci``, ``upper_ci``; ``count`` and ``denominator`` if present);
    ``indicators`` is the catalogue (``indicator_id``, ``polarity``, ``value_type``).
    Returns one row per (indicator, area, breakdown, category) with ``TREND_KEYS`` and
    ``TREND_COLUMNS``.
    """
    missing = [c for c in (*TREND_KEYS, "period_sort", "value", "lower_ci", "upper_ci")
               if c not in values.columns]
    if missing:
        raise ValueError(f"values is missing columns {missing}")
    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    unknown = set(values["indicator_id"].unique()) - set(catalogue.index)
    if unknown:
        raise ValueError(f"indicators has no polarity for {sorted(map(str, unknown))[:5]}")
    group, first = _group_codes(values, TREND_KEYS)
    n_groups = len(first)
    columns = {name: values[name].to_numpy(dtype=float) if name in values.columns
               else np.full(len(values), np.nan)
               for name in ("value", "lower_ci", "upper_ci", "count", "denominator")}
    has_interval = ~(np.isnan(columns["lower_ci"]) | np.isnan(columns["upper_ci"]))
    has_counts = ~(np.isnan(columns["count"]) | np.isnan(columns["denominator"]))
    valid = ~np.isnan(columns["value"]) & (has_interval | has_counts)
    rows = np.flatnonzero(valid)
    period = values["period_sort"].to_numpy()[rows]
    rows = rows[np.lexsort((period, group[rows]))]
    points = np.bincount(group[rows], minlength=n_groups)
    ends = np.cumsum(np.bincount(group[rows], minlength=n_groups))
    from_end = ends[group[rows]] - 1 - np.arange(len(rows))
    keep = from_end < TREND_POINTS
    rows, slot = rows[keep], TREND_POINTS - 1 - from_end[keep]
    matrices = {}
    for name, column in columns.items():
        matrix = np.full((n_groups, TREND_POINTS), np.nan)
        matrix[group[rows], slot] = column[rows]
        matrices[name] = matrix
    keys = values.iloc[first][list(TREND_KEYS)].reset_index(drop=True)
    meta = catalogue.reindex(keys["indicator_id"])
    result = _trend_matrix(
        matrices["value"], matrices["lower_ci"], matrices["upper_ci"],
        matrices["count"], matrices["denominator"],
        (meta["value_type"] == "proportion").to_numpy(),
        polarity_codes(meta["polarity"].to_numpy(), (n_groups,)),
        points,
    )
    return pd.concat([keys, result], axis=1)


# Change since baseline --------------------------------------------------------------------


class Change(NamedTuple):
    """Latest against baseline: difference (latest - baseline), ratio (latest / baseline),
    whether the change is significant, the test used (``CHANGE_TESTS``), its two-sided
    p-value and the label (``CHANGE_LABELS``)."""

    difference: np.ndarray | float
    ratio: np.ndarray | float
    significant: np.ndarray | bool
    test: np.ndarray | str
    p_value: np.ndarray | float
    label: np.ndarray | str


def _optional(name: str, values: Any, shape: tuple[int, ...]) -> np.ndarray:
    if values is None:
        return np.full(shape, np.nan)
    return as_float_array(name, values)


def change_since_baseline(
    baseline_value: Any,
    baseline_lower: Any,
    baseline_upper: Any,
    latest_value: Any,
    latest_lower: Any,
    latest_upper: Any,
    polarity: Any,
    value_type: str = "other",
    baseline_count: Any = None,
    baseline_denominator: Any = None,
    latest_count: Any = None,
    latest_denominator: Any = None,
    confidence: float = 0.95,
) -> Change:
    """Whether the latest value differs significantly from the baseline, and which way.

    The test, per element, is the best the inputs allow: for proportions with counts and
    denominators a pooled two-proportion z-test; for crude rates and counts with counts
    ("rate" or "count" value types) a z-test on the log rate ratio (se = sqrt(1/x1 + 1/x2));
    otherwise a z-test on the difference with standard errors taken from the 95% intervals
    (se = (upper - lower) / 3.92), which is more powerful than asking whether the intervals
    overlap (Altman & Bland 2003, BMJ 326:219). Missing inputs give "not_tested" and
    "not_compared". Significant changes are "improved"/"worsened" by polarity or
    "increased"/"decreased" without one.
    """
    scalar = all(np.ndim(v) == 0 for v in (baseline_value, latest_value))
    b, bl, bu, v, vl, vu = _interval_arrays(
        baseline_value=baseline_value, baseline_lower=baseline_lower,
        baseline_upper=baseline_upper, latest_value=latest_value,
        latest_lower=latest_lower, latest_upper=latest_upper,
    )
    shape = b.shape
    bx, bn, x, n = broadcast(
        baseline_count=_optional("baseline_count", baseline_count, shape),
        baseline_denominator=_optional("baseline_denominator", baseline_denominator, shape),
        latest_count=_optional("latest_count", latest_count, shape),
        latest_denominator=_optional("latest_denominator", latest_denominator, shape),
        baseline_value=b,
    )[:4]
    for name, counts in (("baseline_count", bx), ("latest_count", x)):
        require(~(counts < 0), name, "must not be negative")
    for name, denominators in (("baseline_denominator", bn), ("latest_denominator", n)):
        require(~(denominators <= 0), name, "must be greater than zero")
    codes = polarity_codes(polarity, shape)
    z_critical = special.ndtri((1 + confidence) / 2)  # norm.ppf
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (bx + x) / (bn + n)
        z_proportion = (x / n - bx / bn) / np.sqrt(pooled * (1 - pooled) * (1 / bn + 1 / n))
        z_rate = np.log((x / n) / (bx / bn)) / np.sqrt(1 / x + 1 / bx)
        se_from_ci = np.hypot((bu - bl) / CI95_WIDTH_IN_SE, (vu - vl) / CI95_WIDTH_IN_SE)
        z_interval = (v - b) / se_from_ci
    has_counts = np.isfinite(bx) & np.isfinite(bn) & np.isfinite(x) & np.isfinite(n)
    use_proportion = has_counts & (value_type == "proportion") & np.isfinite(z_proportion)
    use_rate = (has_counts & (value_type in ("rate", "count")) & (bx > 0) & (x > 0))
    use_interval = ~use_proportion & ~use_rate & np.isfinite(z_interval)
    z = np.select([use_proportion, use_rate, use_interval], [z_proportion, z_rate, z_interval],
                  np.nan)
    test = np.select([use_proportion, use_rate, use_interval], list(CHANGE_TESTS[:3]),
                     CHANGE_TESTS[3])
    tested = np.isfinite(z) & np.isfinite(b) & np.isfinite(v)
    test = np.where(tested, test, CHANGE_TESTS[3])
    significant = tested & (np.abs(z) > z_critical)
    direction = np.where(z > 0, _DIRECTION_HIGHER, _DIRECTION_LOWER)
    direction = np.where(significant, direction, _DIRECTION_SIMILAR)
    benchmark_label = _labels(direction, codes, ~tested)
    label = np.select(
        [~tested, benchmark_label == SIMILAR, benchmark_label == BETTER,
         benchmark_label == WORSE, benchmark_label == HIGHER],
        [NOT_COMPARED, NO_SIGNIFICANT_CHANGE, IMPROVED, WORSENED, INCREASED], DECREASED,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = v / b
    p_value = np.where(tested, 2 * special.ndtr(-np.abs(z)), np.nan)
    if scalar:
        return Change(float(v - b), float(ratio), bool(significant), str(test),
                      float(p_value), str(label))
    return Change(v - b, ratio, significant, test.astype(str), p_value, label.astype(str))
