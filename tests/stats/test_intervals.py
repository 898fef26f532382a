"""Intervals against the PHEindicatormethods test vectors, plus bad-input behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marmot_dash.stats.intervals import ESP2013, byars, dsr, mean_ci, wilson

# testthat's default tolerance: mean relative difference per compared column.
TOLERANCE = 1.5e-8


def assert_mean_relative(actual, expected, tolerance=TOLERANCE):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    keep = ~np.isnan(expected)
    scale = np.mean(np.abs(expected[keep]))
    difference = np.mean(np.abs(actual[keep] - expected[keep]))
    assert difference / scale < tolerance if scale > tolerance else difference < tolerance
    # Stricter than the package: every element, not just the column mean.
    np.testing.assert_allclose(actual[keep], expected[keep], rtol=1e-10, atol=1e-14)


@pytest.fixture(scope="module")
def proportions(reference_dir):
    return pd.read_csv(reference_dir / "proportions_wilson.csv")


@pytest.fixture(scope="module")
def rates(reference_dir):
    return pd.read_csv(reference_dir / "rates_byars_exact.csv")


def used_rows(table):
    return table[table["used_in_package_tests"] == "yes"]


def test_wilson_matches_phe_proportion(proportions):
    groups = used_rows(proportions).groupby(["multiplier", "confidence"])
    assert sum(len(rows) for _, rows in groups) == len(used_rows(proportions)) == 46
    for (multiplier, confidence), rows in groups:
        value, lower, upper = wilson(rows["x"], rows["n"], confidence, multiplier)[:3]
        assert_mean_relative(value, rows["value"])
        assert_mean_relative(lower, rows["lowercl"])
        assert_mean_relative(upper, rows["uppercl"])


def test_wilson_two_levels_in_one_call(proportions):
    rows = proportions[(proportions["source_sheet"] == "testdata_Prop")
                       & proportions["x"].notna() & (proportions["multiplier"] == 1)]
    at_95 = rows[rows["confidence"] == 0.95]
    at_998 = rows[rows["confidence"] == 0.998]
    _, lower, upper = wilson(at_95["x"], at_95["n"], confidence=(95, 99.8))
    assert lower.shape == (len(at_95), 2)
    assert_mean_relative(lower[:, 0], at_95["lowercl"])
    assert_mean_relative(upper[:, 1], at_998["uppercl"])


def test_rate_matches_phe_rate(rates):
    groups = used_rows(rates).groupby(["multiplier", "confidence"])
    assert sum(len(rows) for _, rows in groups) == len(used_rows(rates)) == 40
    for (multiplier, confidence), rows in groups:
        result = byars(rows["x"], rows["n"], confidence, multiplier)
        assert_mean_relative(result.value, rows["value"])
        assert_mean_relative(result.lower, rows["lowercl"])
        assert_mean_relative(result.upper, rows["uppercl"])
        known = rows["method"].notna() & rows["x"].notna()
        assert list(result.method[known.to_numpy()]) == list(rows["method"][known].str.lower())


def test_limits_sheet(reference_dir):
    sheet = used_rows(pd.read_csv(reference_dir / "byars_wilson_limits.csv"))
    for row in sheet.itertuples():
        if row.method == "Byars":
            _, lower, upper, _ = byars(row.x, confidence=row.confidence, method="byars")
        else:
            _, lower, upper = wilson(row.x, row.n, confidence=row.confidence)
        assert lower == pytest.approx(row.lowercl, rel=TOLERANCE)
        assert upper == pytest.approx(row.uppercl, rel=TOLERANCE)


def test_wilson_full_confidence_is_zero_to_one():
    _, lower, upper = wilson([65, 1045], [100, 5000], confidence=1)
    np.testing.assert_array_equal(lower, [0, 0])
    np.testing.assert_array_equal(upper, [1, 1])


def test_esp2013_matches_reference(reference_dir):
    reference = pd.read_csv(reference_dir / "esp2013.csv")
    np.testing.assert_array_equal(ESP2013, reference["esp2013"])
    assert ESP2013.sum() == 100000


@pytest.fixture(scope="module")
def dsr_expected(reference_dir):
    return used_rows(pd.read_csv(reference_dir / "dsr_expected.csv"))


def check_dsr(result, expected):
    assert_mean_relative(result.value, expected["value"])
    assert_mean_relative(result.lower, expected["lowercl"])
    assert_mean_relative(result.upper, expected["uppercl"])
    missing = expected["value"].isna().to_numpy()
    assert list(result.reason[missing]) == ["total count < 10"] * missing.sum()
    assert list(result.reason[~missing]) == [""] * (~missing).sum()


def test_dsr_matches_calculate_dsr(reference_dir, dsr_expected):
    inputs = pd.read_csv(reference_dir / "dsr_inputs.csv")
    expected = dsr_expected[dsr_expected["independent_events"]]
    for (multiplier, confidence), rows in expected.groupby(["multiplier", "confidence"]):
        results = [
            dsr(bands["count"], bands["pop"], bands["stdpop"], confidence, multiplier)
            for bands in (inputs[inputs["area"] == area] for area in rows["area"])
        ]
        check_dsr(type(results[0])(*map(np.array, zip(*results, strict=True))), rows)


def test_dsr_over_several_areas_at_once(reference_dir):
    inputs = pd.read_csv(reference_dir / "dsr_inputs.csv")
    esp = inputs[inputs["stdpop_name"] == "esp2013"]
    counts = esp.pivot(index="area", columns="ageband_index", values="count")
    pops = esp.pivot(index="area", columns="ageband_index", values="pop")
    together = dsr(counts, pops, confidence=(0.95, 0.998))
    assert together.lower.shape == (len(counts), 2)
    for i, area in enumerate(counts.index):
        alone = dsr(counts.loc[area], pops.loc[area], confidence=(0.95, 0.998))
        np.testing.assert_array_equal(together.lower[i], alone.lower)
        assert together.reason[i] == alone.reason


def test_dsr_non_independent_events(reference_dir, dsr_expected):
    inputs = pd.read_csv(reference_dir / "dsr_nonindependent_inputs.csv")
    inputs["events"] = inputs["eventfreq"] * inputs["persons"]
    inputs["variance"] = inputs["eventfreq"] ** 2 * inputs["persons"]
    bands = inputs.groupby(["area", "ageband_index"], sort=False).agg(
        events=("events", "sum"), variance=("variance", "sum"), pop=("pop", "first"),
        esp2013=("esp2013", "first"),
    )
    expected = dsr_expected[~dsr_expected["independent_events"]]
    for confidence, rows in expected.groupby("confidence"):
        for row in rows.itertuples():
            area = bands.loc[row.area]
            result = dsr(area["events"], area["pop"], area["esp2013"], confidence,
                         row.multiplier, event_variance=area["variance"])
            for field, want in (("value", row.value), ("lower", row.lowercl),
                                ("upper", row.uppercl)):
                assert getattr(result, field) == pytest.approx(want, rel=1e-8, nan_ok=True)


def test_scalar_in_float_out():
    value, lower, upper = wilson(5, 10)
    assert all(type(v) is float for v in (value, lower, upper))
    result = byars(3)
    assert type(result.lower) is float and result.method == "exact"


def test_mean_ci_uses_student_t():
    value, lower, upper = mean_ci(10.0, 2.0, 4)
    assert value == 10.0
    assert upper - value == pytest.approx(3.182446305284263 * 2.0 / 2.0)
    assert lower == pytest.approx(2 * value - upper)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: wilson([-1, 2], [10, 10]), "count"),
        (lambda: wilson([11], [10]), "count"),
        (lambda: wilson([1], [0]), "denominator"),
        (lambda: wilson([1, 2, 3], [10, 10]), "count"),
        (lambda: wilson(1, 10, confidence=1.5), "confidence"),
        (lambda: wilson("a", 10), "count"),
        (lambda: byars([-3]), "count"),
        (lambda: byars([3], [0]), "denominator"),
        (lambda: byars([3], method="normal"), "method"),
        (lambda: dsr(np.ones(19), np.zeros(19)), "population"),
        (lambda: dsr(np.ones(18), np.ones(18)), "standard_population"),
        (lambda: dsr(-np.ones(19), np.ones(19)), "events"),
        (lambda: mean_ci(1, -1, 10), "standard_deviation"),
        (lambda: mean_ci(1, 1, 1), "n"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_missing_inputs_give_missing_outputs():
    value, lower, upper = wilson([np.nan, 5], [10, np.nan])[:3]
    assert np.isnan(value).all() and np.isnan(lower).all() and np.isnan(upper).all()
    result = byars([np.nan, 4], [100, 100])
    assert np.isnan(result.lower[0]) and result.method[0] == "" and result.method[1] == "exact"
