"""SII/RII against the PHEindicatormethods vectors; gap, ratio and local quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marmot_dash.stats.inequality import gap, local_quantiles, ratio, sii
from marmot_dash.stats.intervals import wilson

VALUE_TYPES = {0: "normal", 1: "rate", 2: "proportion"}
# The package's tolerance for every SII comparison (tol <- 0.05, mean relative difference).
SII_TOLERANCE = 0.05
POINT_TOLERANCE = 1e-9


def mean_relative_difference(actual, expected):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    return np.mean(np.abs(actual - expected)) / np.mean(np.abs(expected))


def case_arguments(case):
    confidence = [float(c.split()[0]) for c in str(case.confidence).split(";")]
    return {
        "value_type": VALUE_TYPES[int(case.value_type)],
        "confidence": confidence if len(confidence) > 1 else confidence[0],
        "repetitions": int(case.repetitions),
        "multiplier": float(str(case.multiplier).split()[0]),
        "transform": str(case.transform).startswith("TRUE"),
    }


def run_case(case, rows):
    arguments = case_arguments(case)
    if case.value_arg.startswith("x ="):
        value = rows["Count"] / rows["Population"]
    else:
        value = rows["Value"]
    uncertainty = ({"standard_error": rows["StandardError"]}
                   if case.uncertainty_arg.startswith("se")
                   else {"lower": rows["LowerCL"], "upper": rows["UpperCL"]})
    return sii(rows["Quantile"], rows["Population"], value, seed=2024, **uncertainty,
               **arguments)


def output_columns(result, several):
    """The result under the names sii_expected.csv uses."""
    columns = {"sii": result.sii, "rii": result.rii, "Intercept": result.intercept}
    for i in range(2 if several else 1):
        def pick(limit, i=i):
            return limit[i] if several else limit
        columns[f"sii_lowercl_{i + 1}"] = pick(result.sii_lower)
        columns[f"sii_uppercl_{i + 1}"] = pick(result.sii_upper)
        columns[f"rii_lowercl_{i + 1}"] = pick(result.rii_lower)
        columns[f"rii_uppercl_{i + 1}"] = pick(result.rii_upper)
    return columns


@pytest.fixture(scope="module")
def sii_reference(reference_dir):
    inputs = pd.read_csv(reference_dir / "sii_inputs.csv").set_index("RecordNo")
    expected = pd.read_csv(reference_dir / "sii_expected.csv").set_index("RecordNo")
    cases = pd.read_csv(reference_dir / "sii_test_cases.csv")
    return inputs, expected, cases


def case_results(sii_reference):
    inputs, expected, cases = sii_reference
    for case in cases.itertuples():
        several = ";" in str(case.confidence)
        columns = case.expected_columns_in_output_order.split(";")
        for record in map(int, case.expected_records.split(";")):
            wanted = expected.loc[record]
            group = inputs.loc[wanted["group_first_record"]:wanted["group_last_record"]]
            yield case, columns, wanted, output_columns(run_case(case, group), several)


def test_sii_point_estimates_are_exact(sii_reference):
    for case, columns, wanted, got in case_results(sii_reference):
        for column in {"sii", "rii", "Intercept"} & set(columns):
            assert got[column] == pytest.approx(wanted[column], rel=POINT_TOLERANCE), (
                case.info, column)


def test_sii_monte_carlo_limits_within_package_tolerance(sii_reference):
    for case, columns, wanted, got in case_results(sii_reference):
        actual = [got[c] for c in columns]
        expected = wanted[columns].to_numpy(float)
        assert mean_relative_difference(actual, expected) < SII_TOLERANCE, case.info


def test_sii_same_seed_same_limits():
    args = (np.arange(1, 11), np.full(10, 1000.0), np.linspace(60, 80, 10))
    first = sii(*args, standard_error=np.ones(10), seed=1, repetitions=2000)
    again = sii(*args, standard_error=np.ones(10), seed=1, repetitions=2000)
    assert first == again
    assert first.sii_lower < first.sii < first.sii_upper


def test_sii_two_levels_in_one_call():
    result = sii(np.arange(1, 6), [100.0] * 5, [1.0, 2, 3, 4, 5], [0.5, 1.5, 2.5, 3.5, 4.5],
                 [1.5, 2.5, 3.5, 4.5, 5.5], confidence=(0.95, 0.998), seed=3)
    assert result.sii_lower.shape == (2,)
    assert result.sii_lower[1] < result.sii_lower[0] < result.sii < result.sii_upper[0]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"quantile": [1, 2, 3, 4]}, "quantile"),
        ({"quantile": [1, 1, 2, 3, 4]}, "quantile"),
        ({"population": [100, 0, 100, 100, 100]}, "population"),
        ({"population": [100, np.nan, 100, 100, 100]}, "population"),
        ({"value": [1, np.nan, 3, 4, 5]}, "value"),
        ({"lower": None}, "lower"),
        ({"lower": [2, 2, 3, 4, 5]}, "lower"),
        ({"value_type": "proportion"}, "value"),
        ({"repetitions": 10}, "repetitions"),
        ({"multiplier": 0}, "multiplier"),
        ({"value_type": 2}, "value_type"),
        ({"population": [1, 2, 3]}, "mismatched"),
    ],
)
def test_sii_refuses_bad_input(kwargs, name):
    arguments = {"quantile": [1, 2, 3, 4, 5], "population": [100] * 5,
                 "value": [1.0, 2, 3, 4, 5], "lower": [0.5, 1.5, 2.5, 3.5, 4.5],
                 "upper": [1.5, 2.5, 3.5, 4.5, 5.5], "repetitions": 1000}
    arguments.update(kwargs)
    if len(arguments["quantile"]) != 5 and "population" not in kwargs:
        for key in ("population", "value", "lower", "upper"):
            arguments[key] = arguments[key][: len(arguments["quantile"])]
    with pytest.raises(ValueError, match=name):
        sii(**arguments)


def test_gap_and_ratio_with_mover_limits():
    value, lower, upper = wilson([30, 10], [100, 100])
    difference = gap(value[0], value[1], lower[0], upper[0], lower[1], upper[1])
    assert difference.value == pytest.approx(0.2)
    assert difference.lower < 0.2 < difference.upper
    # Newcombe (1998) method 10 for a difference of two proportions gives the same limits.
    assert difference.lower == pytest.approx(
        0.2 - np.sqrt((value[0] - lower[0]) ** 2 + (upper[1] - value[1]) ** 2))
    relative = ratio(value[0], value[1], lower[0], upper[0], lower[1], upper[1])
    assert relative.value == pytest.approx(3.0)
    assert relative.lower < 3.0 < relative.upper


def test_gap_and_ratio_without_limits_are_arrays_of_values():
    difference = gap([5.0, 6.0], [2.0, 0.0])
    np.testing.assert_allclose(difference.value, [3.0, 6.0])
    assert np.isnan(difference.lower).all()
    relative = ratio([5.0, 6.0], [2.0, 0.0])
    np.testing.assert_allclose(relative.value, [2.5, np.nan])


def test_local_quantiles_equal_counts_most_deprived_first():
    scores = np.arange(10.0)
    np.testing.assert_array_equal(local_quantiles(scores, n=5),
                                  [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])


def test_local_quantiles_follow_phe_quantile():
    # phe_quantile: floor((n + 1) - ceiling(((N + 1) - rank) / (N / n))), rank 1 = highest.
    scores = np.array([70.0, 60, 50, 40, 30, 20, 10])
    np.testing.assert_array_equal(local_quantiles(scores, n=5), [1, 1, 2, 3, 3, 4, 5])
    np.testing.assert_array_equal(local_quantiles(scores[::-1], n=5), [5, 4, 3, 3, 2, 1, 1])


def test_local_quantiles_ties_share_a_quantile():
    quantiles = local_quantiles([9.0, 8.0, 8.0, 8.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.5], n=5)
    assert len(set(quantiles[1:4])) == 1
    assert quantiles[0] == 1 and quantiles[-1] == 5


def test_local_quantiles_weight_by_population():
    quantiles = local_quantiles([5.0, 4.0, 3.0, 2.0, 1.0], population=[400, 100, 100, 100, 300],
                                n=2)
    np.testing.assert_array_equal(quantiles, [1, 1, 2, 2, 2])


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: local_quantiles([1.0, np.nan, 3, 4, 5]), "scores"),
        (lambda: local_quantiles([1.0, 2, 3]), "scores"),
        (lambda: local_quantiles([1.0, 2, 3, 4, 5], population=[1, 1, 0, 1, 1]), "population"),
        (lambda: local_quantiles([1.0, 2, 3, 4, 5], n=1), "n"),
    ],
)
def test_local_quantiles_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
