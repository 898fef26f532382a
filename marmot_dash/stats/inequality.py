"""Inequality measures: slope and relative index of inequality, gap, ratio, local quantiles.

SII and RII follow Low & Low (2004), "Measuring the gap: quantifying and comparing local
health inequalities", J Public Health 26:388-395, as implemented by ``phe_sii`` in
PHEindicatormethods (OHID). Quantile 1 is the most deprived.
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
    shape_value,
)
from marmot_dash.stats.intervals import Interval

MIN_QUANTILES, MAX_QUANTILES = 5, 100
MIN_REPETITIONS = 1000
LOG_TRANSFORMED = ("rate", "dsr", "count")
LOGIT_TRANSFORMED = ("proportion",)


class SiiResult(NamedTuple):
    """Slope index (``sii``) and relative index (``rii``) of inequality with Monte Carlo
    limits (a trailing axis when several confidence levels were asked for), and the fitted
    value at rank 0, the most deprived end (``intercept``)."""

    sii: float
    sii_lower: float | np.ndarray
    sii_upper: float | np.ndarray
    rii: float
    rii_lower: float | np.ndarray
    rii_upper: float | np.ndarray
    intercept: float
    quantiles: int


def _scale(value_type: str) -> tuple[Any, Any] | None:
    """(forward, inverse) transform for the value type's uncertainty: log for rates, logit
    for proportions; None for values that are treated as normally distributed."""
    if not isinstance(value_type, str):
        raise ValueError(f"value_type must be a string such as 'rate', not {value_type!r}")
    if value_type in LOG_TRANSFORMED:
        return np.log, np.exp
    if value_type in LOGIT_TRANSFORMED:
        return special.logit, special.expit
    return None


def _check_transformable(value_type: str, **arrays: np.ndarray) -> None:
    for name, array in arrays.items():
        if value_type in LOG_TRANSFORMED:
            require(array > 0, name, "must be greater than zero for a rate (log scale)")
        elif value_type in LOGIT_TRANSFORMED:
            require((array > 0) & (array < 1), name,
                    "must be a proportion strictly between 0 and 1 (logit scale): divide "
                    "percentages by 100 and pass multiplier=100")


def cumulative_midpoint_ranks(population: np.ndarray) -> np.ndarray:
    """Relative rank of each quantile: the mid-point of its share of the cumulative
    population (quantiles in order, most deprived first)."""
    share = population / population.sum()
    return np.cumsum(share) - share / 2


def _regression_operator(population: np.ndarray) -> np.ndarray:
    """(2, k) matrix turning quantile values into (intercept, slope) of the population-weighted
    least-squares line on the relative ranks."""
    share = population / population.sum()
    design = np.column_stack([np.ones_like(share), cumulative_midpoint_ranks(population)])
    weighted = design.T * share
    return np.linalg.solve(weighted @ design, weighted)


def sii(
    quantile: Any,
    population: Any,
    value: Any,
    lower: Any = None,
    upper: Any = None,
    value_type: str = "normal",
    confidence: float | Any = 0.95,
    repetitions: int = 100000,
    seed: int | np.random.Generator | None = None,
    *,
    standard_error: Any = None,
    multiplier: float = 1,
    transform: bool = True,
) -> SiiResult:
    """Slope index of inequality and relative index of inequality with Monte Carlo limits.

    Method (Low & Low 2004; ``phe_sii`` in PHEindicatormethods): quantiles are ordered
    (1 = most deprived) and given relative ranks at the mid-point of their cumulative
    population share; the values are regressed on the ranks by least squares weighted by
    population. SII = fitted value at rank 1 minus rank 0, RII = their ratio, intercept =
    fitted value at rank 0. Rates (``value_type`` "rate", "dsr" or "count") are handled on
    the log scale and proportions ("proportion", values in (0, 1)) on the logit scale: their
    uncertainty always (``standard_error``, if given, is on that scale, as in phe_sii), and,
    with ``transform`` (the default), the fit too, the fitted ends being transformed back;
    with ``transform=False`` the fit is on the value scale. Other value types are treated as
    normally distributed. Limits come from ``repetitions`` simulated sets of quantile values
    drawn from normal distributions with standard errors from the 95% limits unless
    ``standard_error`` is given; they are order statistics of the simulated SII/RII.
    ``multiplier`` scales SII and intercept (a negative one flips the sign of the SII and
    inverts the RII, for indicators where lower is better). ``seed`` makes limits repeatable.

    Refuses (``ValueError``) fewer than 5 or more than 100 quantiles, repeated quantiles,
    zero or missing populations, and missing values or uncertainty.
    """
    if repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be at least {MIN_REPETITIONS}")
    if not multiplier:
        raise ValueError("multiplier must not be zero")
    order, pop, y = _quantile_rows(quantile, population, value)
    scale = _scale(value_type)
    if scale:
        _check_transformable(value_type, value=y)
    se = _standard_errors(lower, upper, standard_error, order, len(y), value_type)
    levels, several = confidence_levels(confidence)
    sampled = scale[0](y) if scale else y
    fit_transformed = bool(scale) and transform
    operator = _regression_operator(pop)
    intercept, slope = operator @ (sampled if fit_transformed else y)
    rng = np.random.default_rng(seed)
    draws = sampled[:, None] + se[:, None] * rng.standard_normal((len(y), repetitions))
    if scale and not transform:
        draws = scale[1](draws)
    inverse = scale[1] if fit_transformed else None
    point_sii, point_rii, point_intercept = _indices(intercept, slope, inverse, multiplier)
    simulated_sii, simulated_rii, _ = _indices(*(operator @ draws), inverse, multiplier)
    sii_lower, sii_upper = _order_statistics(simulated_sii, levels)
    rii_lower, rii_upper = _order_statistics(simulated_rii, levels)

    def limit(array: np.ndarray) -> float | np.ndarray:
        return array if several else float(array[0])

    return SiiResult(
        float(point_sii), limit(sii_lower), limit(sii_upper),
        float(point_rii), limit(rii_lower), limit(rii_upper),
        float(point_intercept), len(y),
    )


def _quantile_rows(
    quantile: Any, population: Any, value: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked quantile rows: the order that sorts them (1 = most deprived first) and the
    sorted populations and values."""
    q, pop, y = broadcast(quantile=as_float_array("quantile", quantile),
                          population=as_float_array("population", population),
                          value=as_float_array("value", value))
    require(q.ndim == 1, "quantile", "must be one-dimensional")
    require(~np.isnan(q), "quantile", "must not be missing")
    if len(np.unique(q)) != len(q):
        raise ValueError("quantile must not repeat: give one row per quantile")
    if not MIN_QUANTILES <= len(q) <= MAX_QUANTILES:
        raise ValueError(f"quantile: the SII needs between {MIN_QUANTILES} and {MAX_QUANTILES} "
                         f"quantiles, not {len(q)}")
    require(pop > 0, "population", "must be greater than zero (and present) in every quantile")
    require(~np.isnan(y), "value", "must be present in every quantile")
    order = np.argsort(q)
    return order, pop[order], y[order]


def _standard_errors(
    lower: Any, upper: Any, standard_error: Any, order: np.ndarray, size: int, value_type: str,
) -> np.ndarray:
    """Standard errors per quantile: as given, or from the 95% limits (on the log/logit
    scale for rates/proportions)."""
    if standard_error is not None:
        se = np.broadcast_to(as_float_array("standard_error", standard_error), (size,))[order]
        require(se >= 0, "standard_error", "must be present and not negative")
        return se
    if lower is None or upper is None:
        raise ValueError("lower and upper (95% limits) or standard_error must be given")
    lo, hi = broadcast(lower=as_float_array("lower", lower), upper=as_float_array("upper", upper),
                       quantile=np.empty(size))[:2]
    lo, hi = lo[order], hi[order]
    require(~np.isnan(lo), "lower", "must be present in every quantile")
    require(~np.isnan(hi), "upper", "must be present in every quantile")
    require(~(lo > hi), "lower", "must not exceed upper")
    scale = _scale(value_type)
    if scale:
        _check_transformable(value_type, lower=lo, upper=hi)
        lo, hi = scale[0](lo), scale[0](hi)
    return (hi - lo) / (2 * float(normal_quantile(np.array([0.95]))[0]))


def _indices(
    intercept: Any, slope: Any, inverse: Any, multiplier: float
) -> tuple[Any, Any, Any]:
    """(SII, RII, intercept) from fitted lines, on the value scale, with the multiplier."""
    if inverse is None:
        at_zero, at_one = intercept, intercept + slope
    else:
        at_zero, at_one = inverse(intercept), inverse(intercept + slope)
    with np.errstate(divide="ignore", invalid="ignore"):
        rii = at_zero / at_one if multiplier < 0 else at_one / at_zero
    return (at_one - at_zero) * multiplier, rii, at_zero * abs(multiplier)


def _order_statistics(samples: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits per level: the simulated values at positions
    round(R (1 - c')) and round(R c'), c' = c + (1 - c) / 2 (1-based), as phe_sii does."""
    size = len(samples)
    upper_tail = levels + (1 - levels) / 2
    low = np.clip(np.round(size * (1 - upper_tail)).astype(int) - 1, 0, size - 1)
    high = np.clip(np.round(size * upper_tail).astype(int) - 1, 0, size - 1)
    ordered = np.partition(samples, np.unique(np.concatenate([low, high])))
    return ordered[low], ordered[high]


def _mover(
    name: str, value: Any, reference: Any, lower: Any, upper: Any,
    reference_lower: Any, reference_upper: Any,
) -> tuple[bool, list[np.ndarray]]:
    scalar = all(np.ndim(a) == 0 for a in (value, reference))
    missing = (lower is None or upper is None or reference_lower is None
               or reference_upper is None)
    nan = np.nan
    arrays = broadcast(
        value=as_float_array("value", value), reference=as_float_array("reference", reference),
        lower=as_float_array("lower", nan if missing else lower),
        upper=as_float_array("upper", nan if missing else upper),
        reference_lower=as_float_array("reference_lower", nan if missing else reference_lower),
        reference_upper=as_float_array("reference_upper", nan if missing else reference_upper),
    )
    require(~(arrays[2] > arrays[3]), "lower", f"must not exceed upper for the {name}")
    require(~(arrays[4] > arrays[5]), "reference_lower",
            f"must not exceed reference_upper for the {name}")
    return scalar, arrays


def gap(
    value: Any,
    reference: Any,
    lower: Any = None,
    upper: Any = None,
    reference_lower: Any = None,
    reference_upper: Any = None,
) -> Interval:
    """The absolute gap ``value - reference`` (e.g. most minus least deprived), with limits
    when both estimates have them.

    Limits by the MOVER method for a difference of two independent estimates (Newcombe 1998,
    Stat Med 17:873-890; Zou & Donner 2008, Stat Med 27:1693-1702), which respects asymmetric
    intervals such as Wilson's and Byars's; at the confidence level of the inputs.
    """
    scalar, (v, r, lo, hi, rlo, rhi) = _mover("gap", value, reference, lower, upper,
                                              reference_lower, reference_upper)
    difference = v - r
    lower_limit = difference - np.hypot(v - lo, rhi - r)
    upper_limit = difference + np.hypot(hi - v, r - rlo)
    return Interval(*(shape_value(a, scalar) for a in (difference, lower_limit, upper_limit)))


def ratio(
    value: Any,
    reference: Any,
    lower: Any = None,
    upper: Any = None,
    reference_lower: Any = None,
    reference_upper: Any = None,
) -> Interval:
    """The relative gap ``value / reference``, with limits when both estimates have them.

    Limits by MOVER on the log scale (Zou & Donner 2008), so they need positive values and
    limits; elsewhere they are missing. The ratio itself is missing where ``reference`` is 0.
    """
    scalar, (v, r, lo, hi, rlo, rhi) = _mover("ratio", value, reference, lower, upper,
                                              reference_lower, reference_upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = np.where(r != 0, v / r, np.nan)
        positive = (v > 0) & (r > 0) & (lo > 0) & (rlo > 0)
        log_ratio = np.log(v) - np.log(r)
        log_lower = log_ratio - np.hypot(np.log(v) - np.log(lo), np.log(rhi) - np.log(r))
        log_upper = log_ratio + np.hypot(np.log(hi) - np.log(v), np.log(r) - np.log(rlo))
        lower_limit = np.where(positive, np.exp(log_lower), np.nan)
        upper_limit = np.where(positive, np.exp(log_upper), np.nan)
    return Interval(*(shape_value(a, scalar) for a in (quotient, lower_limit, upper_limit)))


def local_quantiles(scores: Any, population: Any = None, n: int = 5) -> np.ndarray:
    """Local deprivation quantiles (1 = most deprived) for the small areas of one authority.

    The rule of ``phe_quantile`` in PHEindicatormethods (OHID): areas are ranked by score,
    highest (most deprived) first, with tied scores sharing the better rank; an area whose
    rank and all less deprived areas make up a share s of the areas goes to quantile
    n + 1 - ceil(n s), so tied areas always share a quantile. With ``population`` the share
    is of population instead of a count of areas, so the quantiles hold as nearly equal
    populations as whole areas allow. Returns integers 1..n in the input order.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be a whole number of quantiles of at least 2, not {n!r}")
    score = as_float_array("scores", scores)
    weights = np.ones_like(score) if population is None else as_float_array("population",
                                                                          population)
    score, weights = broadcast(scores=score, population=weights)
    require(score.ndim == 1, "scores", "must be one-dimensional")
    require(~np.isnan(score), "scores", "must not be missing")
    require(weights > 0, "population", "must be greater than zero (and present) for every area")
    if len(score) < n:
        raise ValueError(f"scores: {len(score)} areas cannot fill {n} quantiles")
    order = np.argsort(-score, kind="stable")
    ordered_score, ordered_weight = score[order], weights[order]
    total = ordered_weight.sum()
    more_deprived = np.cumsum(ordered_weight) - ordered_weight
    new_rank = np.r_[True, ordered_score[1:] != ordered_score[:-1]]
    tie_start = np.maximum.accumulate(np.where(new_rank, np.arange(len(score)), 0))
    at_or_below = total - more_deprived[tie_start]
    # A little slack so that n * share landing on a whole number is not pushed up by rounding.
    quantile = n + 1 - np.ceil(n * at_or_below / total - 1e-9).astype(int)
    result = np.empty(len(score), dtype=int)
    result[order] = np.clip(quantile, 1, n)
    return result
