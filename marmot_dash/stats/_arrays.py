"""Input checking and output shaping shared by the statistics modules (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special


def as_float_array(name: str, values: Any) -> np.ndarray:
    """``values`` as a float array, or a ``ValueError`` naming the argument."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from None
    return array


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast named arrays together, naming them if their shapes do not match."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {np.shape(a)}" for name, a in arrays.items())
        raise ValueError(f"mismatched lengths: {shapes}") from None


def require(condition: np.ndarray | bool, name: str, problem: str) -> None:
    """Raise ``ValueError("<name> <problem>")`` unless ``condition`` holds everywhere.

    NaN comparisons are False, so write conditions as "bad" tests negated by the caller
    (``require(~(x < 0), ...)``) to let missing values through.
    """
    if not np.all(condition):
        raise ValueError(f"{name} {problem}")


def confidence_levels(confidence: float | Any) -> tuple[np.ndarray, bool]:
    """Confidence levels as fractions, and whether several were asked for.

    Accepts fractions in (0, 1] or percentages in [90, 100] (as PHEindicatormethods does:
    ``99.8`` means 0.998).
    """
    levels = as_float_array("confidence", confidence)
    several = levels.ndim > 0
    levels = np.atleast_1d(levels).ravel()
    if levels.size == 0:
        raise ValueError("confidence must hold at least one level")
    levels = np.where((levels >= 90) & (levels <= 100), levels / 100, levels)
    require((levels > 0) & (levels <= 1), "confidence",
            "must be a fraction in (0, 1] or a percentage in [90, 100]")
    return levels, several


def normal_quantile(levels: np.ndarray) -> np.ndarray:
    """Two-sided standard normal quantile z for each confidence level (``ndtri``, the function
    behind ``scipy.stats.norm.ppf``, without importing ``scipy.stats``)."""
    return special.ndtri((1 + levels) / 2)


def with_levels(array: np.ndarray) -> np.ndarray:
    """Add a trailing axis so the array broadcasts against a vector of confidence levels."""
    return array[..., np.newaxis]


def shape_output(array: np.ndarray, scalar: bool, several: bool) -> np.ndarray | float:
    """Drop the level axis when one level was asked for; a Python float for scalar input."""
    if not several:
        array = array[..., 0]
    if scalar and not several:
        return float(array)
    return array


def shape_value(array: np.ndarray, scalar: bool) -> np.ndarray | float:
    """A Python float for scalar input, the array otherwise."""
    return float(array) if scalar else array
