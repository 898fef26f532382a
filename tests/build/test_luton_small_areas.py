"""The real Luton small-area indicators, checked against values computed here, independently,
from the raw files in ../shared/data/luton (skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marmot_dash.data import Store, load_dataset
from marmot_dash.data.summaries import summary
from marmot_dash.ingest.build import build_dataset
from marmot_dash.stats import inequality
from tests.conftest import REPO_ROOT, shared_path

SOURCES = REPO_ROOT / "examples" / "luton" / "sources.yaml"
LUTON = "E06000032"
CILIF = "P1-children-low-income-msoa"
FILE6_CHILDREN = "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"


@pytest.fixture(scope="module")
def luton(tmp_path_factory: pytest.TempPathFactory):
    shared_path("data", "luton")
    return load_dataset(build_dataset(SOURCES, tmp_path_factory.mktemp("luton") / "data",
                                      progress=False))


def _raw(luton_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(luton_dir / "census2021" / name)


def _lsoa_counts(luton_dir: Path, name: str, category: str, numerator: list[str],
                 total: str) -> pd.DataFrame:
    raw = _raw(luton_dir, name)
    count = raw[raw[category].isin(numerator)].groupby("lsoa21_code")["n"].sum()
    return pd.DataFrame({"count": count, "denominator": raw.groupby("lsoa21_code")[total].first()})


def _rows(dataset, indicator: str, area_type: str, breakdown: str = "total") -> pd.DataFrame:
    values = dataset.values
    return values[(values["indicator_id"] == indicator) & (values["area_type"] == area_type)
                  & (values["breakdown"] == breakdown)]


@pytest.mark.parametrize(("indicator", "name", "category", "numerator", "total"), [
    ("P5-overcrowding", "household_overcrowding21_lsoa21_luton.csv", "occupancy_rating",
     ["-1 (overcrowded)", "-2 or less (overcrowded)"], "total_households"),
    ("P5-social-rented", "household_tenure21_lsoa21_luton.csv", "tenure",
     ["Social rented: Rents from council or Local Authority",
      "Social rented: Other social rented"], "total_households"),
])
def test_ward_sums_recomputed_from_the_raw_table_and_lookup(
    luton, luton_dir: Path, indicator, name, category, numerator, total
) -> None:
    lsoa = _lsoa_counts(luton_dir, name, category, numerator, total)
    lookup = pd.read_csv(luton_dir / "lookups" / "lsoa21_to_ward25_luton_bestfit_derived.csv")
    wards = lsoa.join(lookup.set_index("LSOA21CD")["WD25CD"]).groupby("WD25CD").sum()
    found = _rows(luton, indicator, "ward").set_index("area_code")
    assert len(found) == 20
    assert (found["count"] == wards["count"].reindex(found.index)).all()
    assert (found["denominator"] == wards["denominator"].reindex(found.index)).all()
    expected = 100 * wards["count"] / wards["denominator"]
    np.testing.assert_allclose(found["value"], expected.reindex(found.index), rtol=1e-12)
    assert (found["lower_ci"] < found["value"]).all() and (found["value"] < found["upper_ci"]).all()
    authority = _rows(luton, indicator, "la").iloc[0]
    assert authority["count"] == lsoa["count"].sum()
    assert authority["denominator"] == lsoa["denominator"].sum()
    small = _rows(luton, indicator, "lsoa").set_index("area_code")
    assert (small["count"] == lsoa["count"].reindex(small.index)).all()


def test_national_decile_gradient_and_its_sii_by_hand(luton, luton_dir: Path) -> None:
    lsoa = _lsoa_counts(luton_dir, "household_overcrowding21_lsoa21_luton.csv",
                        "occupancy_rating", ["-1 (overcrowded)", "-2 or less (overcrowded)"],
                        "total_households")
    imd = pd.read_csv(luton_dir / "imd" / "iod2025_domains_scores_ranks_deciles_luton_lsoa21.csv")
    deciles = lsoa.join(imd.set_index("lsoa21_code")["IMD_decile"]).groupby("IMD_decile").sum()
    rows = _rows(luton, "P5-overcrowding", "la", "deprivation_decile").sort_values(
        "category_sort")
    assert list(rows["category_sort"]) == list(deciles.index)
    assert rows["category"].iloc[0] == "Most deprived decile"
    assert (rows["count"].to_numpy() == deciles["count"].to_numpy()).all()
    assert (rows["denominator"].to_numpy() == deciles["denominator"].to_numpy()).all()
    # hand: population-weighted least squares on the cumulative mid-point ranks
    share = deciles["denominator"].to_numpy() / deciles["denominator"].sum()
    rank = np.cumsum(share) - share / 2
    proportion = 100 * deciles["count"].to_numpy() / deciles["denominator"].to_numpy()
    mean_rank, mean_value = np.sum(share * rank), np.sum(share * proportion)
    slope = (np.sum(share * (rank - mean_rank) * (proportion - mean_value))
             / np.sum(share * (rank - mean_rank) ** 2))
    result = inequality.sii(rows["category_sort"], rows["denominator"], rows["value"],
                            rows["lower_ci"], rows["upper_ci"], repetitions=1000, seed=1)
    assert result.sii == pytest.approx(slope, rel=1e-9)
    assert slope < -10  # overcrowding falls by over 10 points from most to least deprived


def test_msoa_rows_equal_the_raw_files(luton, luton_dir: Path) -> None:
    msoa = json.loads((luton_dir / "boundaries" / "luton_msoa_2011.geojson").read_text())
    codes = {f["properties"]["MSOA11NM"]: f["properties"]["MSOA11CD"] for f in msoa["features"]}
    raw = pd.read_csv(luton_dir / "small_area" / "dwp_cilif_relative_low_income_children_"
                      "counts_msoa11_fye2015-fye2022_luton.csv").set_index("Year")
    cilif = _rows(luton, CILIF, "msoa")
    for (period, column) in (("2014/15", "2014/15"), ("2021/22", "2021/22 (p)")):
        found = cilif[cilif["period"] == period].set_index("area_code")["count"]
        expected = raw[column].rename(index=codes)
        assert (found.sort_index() == expected.sort_index()).all()
    uc = pd.read_csv(luton_dir / "small_area" / "dwp_households_on_universal_credit_monthly_"
                     "msoa11_2015-2022_luton.csv").set_index("Month")
    found = _rows(luton, "P4-uc-households-msoa", "msoa")
    found = found[found["period"] == "Nov 2019"].set_index("area_code")["value"]
    assert (found.sort_index() == uc["November 2019"].astype(float).rename(index=codes)
            .sort_index()).all()
    hle = pd.read_csv(luton_dir / "ons_life_expectancy" / "ons_hle_2009-13_msoa_males_luton.csv")
    found = _rows(luton, "P6-hle-male-msoa", "msoa").set_index("area_code")
    hle = hle.set_index("MSOA Codes").reindex(found.index)
    assert (found["value"] == hle["HLE (years)"]).all()
    assert (found["lower_ci"] == hle["Lower 95 % confidence interval"]).all()
    assert _rows(luton, "P6-hle-male-msoa", "la")["value"].iloc[0] == 61.60971
    # English proficiency: MSOA 2021 Luton 022 + 023 summed into MSOA 2011 Luton 018
    proficiency = pd.read_csv(luton_dir / "census2021" / "proficiency21_msoa21_luton.csv")
    cannot = proficiency.filter(like="Cannot speak English").sum(axis=1)
    by_code = cannot.groupby(proficiency["msoa21_code"].replace(
        {"E02006937": "E02003275", "E02006938": "E02003275"})).sum()
    found = _rows(luton, "P7-english-proficiency", "msoa").set_index("area_code")["count"]
    assert (found.sort_index() == by_code.sort_index()).all() and len(found) == 21


def test_children_in_low_income_gap_since_baseline(luton, luton_dir: Path) -> None:
    """Most minus least deprived local decile of MSOAs, from the raw counts and the mid-2015
    children of IoD2019 File 6, at the baseline (2019/20) and the latest period (2021/22)."""
    areas = luton.areas[luton.areas["level"] == "msoa"].set_index("area_name")
    raw = pd.read_csv(luton_dir / "small_area" / "dwp_cilif_relative_low_income_children_"
                      "counts_msoa11_fye2015-fye2022_luton.csv").set_index("Year")
    file6 = pd.read_csv(luton_dir / "population" / "iod2019_file6_population_denominators_"
                        "mid2015_luton_lsoa11.csv")
    children = file6.groupby(file6["LSOA name (2011)"].str[:-1])[FILE6_CHILDREN].sum()
    decile = areas["local_decile"]

    def gap(column: str) -> float:
        counts = raw[column].groupby(decile).sum()
        populations = children.groupby(decile).sum()
        rate = 100 * counts / populations
        return float(rate.loc[1] - rate.loc[10])

    found = summary(Store(luton), CILIF)
    assert found["baseline_period"] == "2019/20"
    assert found["gap_baseline"] == pytest.approx(gap("2019/20"), rel=1e-9)
    assert found["gap_latest"] == pytest.approx(gap("2021/22 (p)"), rel=1e-9)
    periods = _rows(luton, CILIF, "la", "local_deprivation_decile")["period"].unique()
    assert len(periods) == 8


def test_period_order_of_each_layout(luton) -> None:
    def periods(indicator: str) -> list[str]:
        rows = _rows(luton, indicator, "la").sort_values("period_sort")
        return list(rows["period"])

    assert periods(CILIF) == ["2014/15", "2015/16", "2016/17", "2017/18", "2018/19", "2019/20",
                              "2020/21", "2021/22"]
    assert periods("P4-uc-households-msoa") == [f"Nov {year}" for year in range(2016, 2024)]
    assert periods("P5-overcrowding") == ["2021"] and periods("P7-english-proficiency") == [
        "2021"]
    assert periods("P6-dfle-female-msoa") == ["2009-2013"]
    notes = _rows(luton, CILIF, "msoa").set_index("period")["note"]
    assert (notes.loc["2021/22"] == "provisional").all()


def test_msoa_level_map_and_the_app_loads(luton) -> None:
    assert luton.meta["levels"] == ["ward", "msoa", "lsoa"]
    assert len(luton.geo["msoa"]["features"]) == 21
    msoa = luton.areas[luton.areas["level"] == "msoa"]
    assert msoa["local_quintile"].between(1, 5).all() and msoa["imd_decile"].isna().all()
    assert msoa["population"].sum() == luton.areas.loc[luton.areas["level"] == "la",
                                                       "population"].iloc[0]
    from marmot_dash.app_factory import create_app

    assert create_app(luton.path) is not None
