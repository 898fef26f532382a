"""The illustrative dataset simulator: content, statistics, geometry and determinism."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from marmot_dash.data import load_dataset, schema
from marmot_dash.data.geography import Comparator, Geography
from marmot_dash.data.simulate import simulate_dataset
from marmot_dash.data.simulate.town import feature_collection, simulated_england


@pytest.fixture(scope="module")
def demo(demo_dataset_dir: Path):
    return load_dataset(demo_dataset_dir)


@pytest.fixture(scope="module")
def totals(demo) -> pd.DataFrame:
    return demo.values[demo.values["breakdown"] == "total"]


def test_meta_says_illustrative_and_names_the_comparators(demo):
    meta = demo.meta
    assert meta["illustrative"] is True
    assert "illustrative" in meta["name"].lower()
    assert meta["seed"] == 2026 and meta["disclosure_threshold"] == 5
    assert {c["code"] for c in meta["comparators"]} == {"E92000001", "E12000006"}
    assert meta["levels"] == ["ward", "lsoa"]
    assert any("simulated" in s["name"].lower() for s in meta["sources"])


def test_catalogue_has_five_indicators_per_principle_and_forty_in_all(demo):
    indicators = demo.indicators
    assert len(indicators) >= 40
    assert indicators["principle"].value_counts().reindex(schema.PRINCIPLE_IDS).min() >= 5
    assert indicators["sources"].str.contains("JSNA|Luton 2040").all()
    has_id = indicators["fingertips_id"].notna()
    assert has_id.sum() >= 25
    assert (indicators["sources"].str.contains("Fingertips") == has_id).all()
    assert indicators["target"].notna().sum() >= 5
    assert set(indicators["polarity"]) == set(schema.POLARITIES)


def test_every_ward_and_small_area_has_every_indicator_every_year(demo, totals):
    small = demo.areas[demo.areas["level"].isin(["ward", "lsoa"])]
    assert len(small[small["level"] == "ward"]) == 20
    assert len(small[small["level"] == "lsoa"]) == 120
    periods = [str(year) for year in range(2015, 2026)]
    expected = len(demo.indicators) * len(periods)
    per_area = totals.groupby("area_code", observed=True).size()
    assert (per_area.reindex(small["area_code"]) == expected).all()
    assert set(totals["period"].astype(str)) == set(periods)
    assert set(totals["period_sort"]) == {int(p) * 10000 for p in periods}
    for area_type in ("england", "region", "la"):
        assert (totals["area_type"] == area_type).sum() == expected


def test_authority_has_every_breakdown_with_ordered_categories(demo):
    la = demo.values[demo.values["area_type"] == "la"]
    # the simulator writes one set of deprivation groups (deprivation_decile/quintile) and no
    # pupil_group (DfE's published pupil groups)
    unmade = {"local_deprivation_decile", "local_deprivation_quintile", "pupil_group"}
    assert set(la["breakdown"]) == set(schema.BREAKDOWNS) - unmade
    deciles = la[la["breakdown"] == "deprivation_decile"]
    labels = deciles.drop_duplicates("category_sort").set_index("category_sort")["category"]
    assert list(labels.index.sort_values()) == list(range(1, 11))
    assert labels[1] == "1 - most deprived" and labels[10] == "10 - least deprived"
    quintiles = la[la["breakdown"] == "deprivation_quintile"]
    assert set(quintiles["category_sort"]) == set(range(1, 6))
    ethnic = la[la["breakdown"] == "ethnicity"]
    assert set(ethnic["category"]) == set(schema.ETHNIC_GROUPS)
    assert set(la.loc[la["breakdown"] == "sex", "category"]) == set(schema.SEXES)
    total = la[la["breakdown"] == "total"]
    assert (total["category"] == "Total").all() and (total["category_sort"] == 0).all()


def test_values_agree_with_counts_denominators_and_intervals(demo):
    values = demo.values.merge(demo.indicators[["indicator_id", "value_type", "multiplier"]],
                               on="indicator_id")
    counted = values[values["value_type"].isin(["proportion", "rate", "dsr"])]
    recomputed = counted["count"] / counted["denominator"] * counted["multiplier"]
    assert np.allclose(counted["value"], recomputed)
    tolerance = 1e-9 * values["value"].abs().clip(lower=1)
    ordered = ["lower_ci_998", "lower_ci", "value", "upper_ci", "upper_ci_998"]
    for low, high in itertools.pairwise(ordered):
        assert (values[low] <= values[high] + tolerance).all(), (low, high)
    assert values[["value", "lower_ci", "upper_ci", "denominator"]].notna().all().all()
    small_counts = counted[(counted["count"] < 5) & (counted["area_type"] == "lsoa")]
    assert len(small_counts) > 1000


def test_authority_totals_are_the_sum_of_its_small_areas(demo, totals):
    counted = totals.dropna(subset=["count"])
    lsoa = counted[counted["area_type"] == "lsoa"]
    la = counted[counted["area_type"] == "la"].set_index(["indicator_id", "period"])
    summed = lsoa.groupby(["indicator_id", "period"], observed=True)[["count", "denominator"]]
    summed = summed.sum().reindex(la.index)
    assert np.allclose(summed["count"], la["count"])
    assert np.allclose(summed["denominator"], la["denominator"])


def _worse_gap(demo, period_values: list[str]) -> pd.Series:
    """Most minus least deprived quintile, signed so that positive means the deprived fare
    worse, averaged over ``period_values``, per judged indicator."""
    rows = demo.values[(demo.values["breakdown"] == "deprivation_quintile")
                       & demo.values["period"].isin(period_values)]
    means = rows.groupby(["indicator_id", "category_sort"], observed=True)["value"].mean()
    gap = means.xs(1, level="category_sort") - means.xs(5, level="category_sort")
    polarity = demo.indicators.set_index("indicator_id")["polarity"].reindex(gap.index)
    sign = polarity.map({"lower_is_better": 1.0, "higher_is_better": -1.0})
    return (gap * sign).dropna()


def test_most_indicators_are_worse_in_more_deprived_areas(demo):
    gap = _worse_gap(demo, [str(year) for year in range(2015, 2026)])
    assert (gap > 0).mean() >= 0.8


def test_some_gaps_narrow_and_some_widen(demo):
    early = _worse_gap(demo, ["2015", "2016", "2017"])
    late = _worse_gap(demo, ["2023", "2024", "2025"])
    change = (late - early).dropna()
    assert (change > 0).sum() >= 3 and (change < 0).sum() >= 3


def test_some_indicators_improve_and_some_worsen_in_england(demo, totals):
    england = totals[totals["area_type"] == "england"]
    by_year = england.pivot_table(index="indicator_id", columns="period", values="value",
                                  observed=True)
    polarity = demo.indicators.set_index("indicator_id")["polarity"].reindex(by_year.index)
    sign = polarity.map({"higher_is_better": 1.0, "lower_is_better": -1.0})
    better = ((by_year["2025"] - by_year["2015"]) * sign).dropna()
    assert (better > 0).sum() >= 5 and (better < 0).sum() >= 5


def test_authority_is_more_deprived_than_england(demo, totals):
    areas = demo.areas.set_index("area_code")
    lsoa = areas[areas["level"] == "lsoa"]
    assert (lsoa["imd_decile"] <= 3).mean() > 0.4
    assert set(lsoa["local_decile"]) == set(range(1, 11))
    le = totals[(totals["indicator_id"] == "P6-life-expectancy") & (totals["period"] == "2025")]
    le = le.set_index("area_type")["value"]
    assert le["la"] < le["england"]


def test_boundaries_tile_the_town_and_nest(demo):
    lsoa = demo.geo["lsoa"]["features"]
    wards = demo.geo["ward"]["features"]
    town = shape(demo.geo["la"]["features"][0]["geometry"])
    small = [shape(f["geometry"]) for f in lsoa]
    assert all(s.is_valid for s in small)
    assert all(shapely.is_ccw(s.exterior) for s in small)
    union = shapely.union_all(small)
    assert sum(s.area for s in small) == pytest.approx(union.area, rel=1e-3)
    assert union.area == pytest.approx(town.area, rel=1e-3)
    parent = demo.areas.set_index("area_code")["parent_code"]
    for feature in wards:
        ward = shape(feature["geometry"])
        inside = [s for f, s in zip(lsoa, small, strict=True)
                  if parent[f["properties"]["area_code"]] == feature["id"]]
        assert len(inside) == 6
        assert shapely.union_all(inside).symmetric_difference(ward).area < 1e-3 * ward.area
    lon, lat = town.centroid.x, town.centroid.y
    assert -6 < lon < 2 and 50 < lat < 56


def test_same_seed_same_values_other_seed_other_values(tmp_path, demo_dataset_dir):
    again = simulate_dataset(tmp_path / "again", seed=2026)
    other = simulate_dataset(tmp_path / "other", seed=7)
    first = (demo_dataset_dir / schema.VALUES_FILE).read_bytes()
    assert (again / schema.VALUES_FILE).read_bytes() == first
    assert (again / schema.AREAS_FILE).read_bytes() == (
        demo_dataset_dir / schema.AREAS_FILE).read_bytes()
    assert (other / schema.VALUES_FILE).read_bytes() != first


def _tiny_geography() -> Geography:
    """An authority of two wards of three small areas (squares) and one MSOA."""
    lsoa_codes = [f"E0100000{k}" for k in range(6)]
    ward_of = ["E05000001"] * 3 + ["E05000002"] * 3
    rng = np.random.default_rng(1)
    areas = pd.DataFrame({
        "area_code": ["E06000032", "E05000001", "E05000002", "E02000001", *lsoa_codes],
        "area_name": ["Luton", "North", "South", "Luton 001", *[f"Luton 00{k}A" for k in
                                                                 range(6)]],
        "level": ["la", "ward", "ward", "msoa", *["lsoa"] * 6],
        "parent_code": ["", "E06000032", "E06000032", "E06000032", *ward_of],
        "population": [9000.0, 4500.0, 4500.0, 7000.0, *[1500.0] * 6],
        "imd_score": [30.0, 35.0, 25.0, 28.0, *rng.uniform(8, 60, 6).round(3)],
        "imd_rank": pd.array([70, 5000, 9000, 6000, *range(1000, 7000, 1000)], "Int64"),
        "imd_decile": pd.array([3, 2, 3, 2, 1, 1, 2, 2, 3, 3], "Int64"),
        "local_quintile": pd.array([pd.NA, 1, 2, 1, 1, 1, 2, 3, 4, 5], "Int64"),
        "local_decile": pd.array([pd.NA, 1, 2, 1, 1, 3, 4, 6, 8, 10], "Int64"),
    })
    squares = [shapely.box(-0.4 + 0.01 * k, 51.88, -0.39 + 0.01 * k, 51.89) for k in range(6)]
    boundaries = {
        "lsoa": feature_collection(lsoa_codes, lsoa_codes, squares),
        "ward": feature_collection(["E05000001", "E05000002"], ["North", "South"],
                                   [shapely.union_all(squares[:3]),
                                    shapely.union_all(squares[3:])]),
    }
    comparators = (Comparator("E92000001", "England", "england"),
                   Comparator("E12000006", "East of England", "region"))
    return Geography("E06000032", "Luton", comparators, areas, boundaries)


def test_simulates_over_a_given_geography(tmp_path):
    geography = _tiny_geography()
    dataset = load_dataset(simulate_dataset(tmp_path / "luton", geography=geography,
                                            latest_year=2019))
    assert dataset.meta["area"] == {"code": "E06000032", "name": "Luton"}
    assert dataset.meta["name"] == "Luton (illustrative)"
    assert dataset.meta["levels"] == ["ward", "msoa", "lsoa"]
    totals = dataset.values[dataset.values["breakdown"] == "total"]
    codes = set(totals["area_code"].astype(str))
    assert set(geography.areas["area_code"]) <= codes
    assert set(totals["period"].astype(str)) == {"2015", "2016", "2017", "2018", "2019"}
    deciles = dataset.values[dataset.values["breakdown"] == "deprivation_decile"]
    assert set(deciles["category_sort"]) == {1, 3, 4, 6, 8, 10}
    ward = totals[(totals["area_code"] == "E05000001") & (totals["indicator_id"] ==
                                                          "P6-adult-smoking")]
    north = geography.areas.loc[geography.areas["parent_code"] == "E05000001", "area_code"]
    lsoa = totals[totals["area_code"].isin(north) & (totals["indicator_id"] ==
                                                     "P6-adult-smoking")]
    assert ward["count"].sum() == lsoa["count"].sum()


def test_england_scale_geography_has_squares_in_wards():
    geography = simulated_england(seed=1, n_small=1000, n_places=4)
    areas = geography.areas
    lsoa = areas[areas["level"] == "lsoa"]
    assert len(lsoa) == 1000
    assert lsoa.groupby("parent_code").size().max() == 5
    assert len(geography.boundaries["lsoa"]["features"]) == 1000
    assert set(lsoa["local_decile"]) == set(range(1, 11))
    assert sorted(lsoa["imd_rank"]) == list(range(1, 1001))


def test_rejects_an_unknown_scale(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        simulate_dataset(tmp_path / "x", scale="galaxy")


def test_simulates_over_lutons_real_geography(tmp_path, luton_dir):
    from marmot_dash.ingest.build import load_geography

    sources = Path(__file__).resolve().parents[2] / "examples" / "luton" / "sources.yaml"
    geography = load_geography(sources)
    dataset = load_dataset(simulate_dataset(tmp_path / "luton", geography=geography))
    assert dataset.meta["area"]["code"] == "E06000032"
    assert dataset.meta["illustrative"] is True
    totals = dataset.values[dataset.values["breakdown"] == "total"]
    small = geography.areas.loc[geography.areas["level"].isin(["ward", "lsoa"]), "area_code"]
    per_area = totals.groupby("area_code", observed=True).size().reindex(small)
    assert (per_area == len(dataset.indicators) * 11).all()
    deciles = dataset.values[dataset.values["breakdown"] == "deprivation_decile"]
    assert set(deciles["category_sort"]) == set(range(1, 11))


def test_cohort_denominators_split_the_authoritys(demo):
    la = demo.values[demo.values["area_type"] == "la"]
    total = la[la["breakdown"] == "total"].set_index(["indicator_id", "period"])["denominator"]
    for breakdown in schema.COHORT_BREAKDOWNS:
        rows = la[la["breakdown"] == breakdown]
        summed = rows.groupby(["indicator_id", "period"], observed=True)["denominator"].sum()
        share = summed / total.reindex(summed.index)
        assert share.between(0.98, 1.02).all(), breakdown
    smoking = la[(la["indicator_id"] == "P1-smoking-at-delivery") & (la["breakdown"] == "age")]
    largest = smoking.loc[smoking["denominator"].idxmax(), "category"]
    assert largest == "20-34"


def test_age_bands_need_one_share_each():
    from marmot_dash.data.simulate.values import cohort_groups

    parameters = pd.Series({"indicator_id": "X", "sex_effect": np.nan, "age_bands": "0-15; 16+",
                            "age_shares": "1", "age_effect": 0.1, "ethnicity_effect": np.nan})
    with pytest.raises(ValueError, match="age_shares"):
        cohort_groups(parameters, np.random.default_rng(0))
