"""The real Luton dataset's published series, checked against the raw files in ../shared read
independently (plain pandas here, not the readers): values, intervals, counts and denominators
as published, periods in order, the similar-authorities group recomputed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marmot_dash.data import load_dataset
from marmot_dash.ingest.build import build_dataset
from marmot_dash.ingest.sources.periods import parse_period
from tests.conftest import REPO_ROOT, shared_path

LUTON, ENGLAND, REGION = "E06000032", "E92000001", "E12000006"
ELS_FILE = "ons_els/els_luton_eoe_england_timeseries.csv"
# catalogue id, ELS indicator, breakdown category
ELS_SERIES = [
    ("P1-eyfs-communication", "Communication and language", "Total"),
    ("P2-gcse-english-maths", "GCSEs in English and Maths", "Total"),
    ("P2-persistent-absence", "Persistent absences for all pupils", "Total"),
    ("P7-persistent-absence-fsm",
     "Persistent absences for pupils eligible for free school meals", "Total"),
    ("P3-employment-rate", "Employment rate", "Total"),
    ("P3-claimant-count", "Claimant Count", "Total"),
    ("P3-median-weekly-pay", "Gross median weekly pay", "Total"),
    ("P6-healthy-life-expectancy", "Male healthy life expectancy", "Male"),
    ("P6-healthy-life-expectancy", "Female healthy life expectancy", "Female"),
    ("P6-preventable-cvd-mortality", "Preventable cardiovascular mortality (England)", "Total"),
    ("P8-greenhouse-gas-per-capita", "Greenhouse gas emissions", "Total"),
    ("P8-ev-chargers", "Public electric vehicle chargers", "Total"),
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory):
    shared_path("data", "luton")
    out = build_dataset(REPO_ROOT / "examples" / "luton" / "sources.yaml",
                        tmp_path_factory.mktemp("luton-series") / "data", progress=False)
    return load_dataset(out)


def _series(dataset, indicator: str, category: str = "Total", area: str = LUTON
            ) -> pd.DataFrame:
    values = dataset.values
    rows = values[(values["indicator_id"] == indicator) & (values["area_code"] == area)
                  & (values["category"] == category)]
    return rows.sort_values("period_sort").reset_index(drop=True)


def _same(found: pd.Series, expected: pd.Series) -> None:
    np.testing.assert_array_equal(found.to_numpy(dtype=float), expected.to_numpy(dtype=float))


@pytest.mark.parametrize(("indicator", "source", "category"), ELS_SERIES,
                         ids=[f"{s[0]}-{s[2]}" for s in ELS_SERIES])
@pytest.mark.parametrize("area", [LUTON, REGION, ENGLAND])
def test_els_series_value_for_value(dataset, luton_dir: Path, indicator: str, source: str,
                                    category: str, area: str) -> None:
    raw = pd.read_csv(luton_dir / ELS_FILE, dtype={"period": str})
    raw = raw[(raw["areacd"] == area) & (raw["indicator"] == source)].sort_values("period")
    mine = _series(dataset, indicator, category, area)
    assert len(mine) == len(raw) > 0
    _same(mine["value"], raw["observation"])
    _same(mine["lower_ci"], raw["lci_95"])
    _same(mine["upper_ci"], raw["uci_95"])


def test_fuel_poverty_two_series_as_published(dataset, luton_dir: Path) -> None:
    raw = pd.read_csv(luton_dir / "fuel_poverty"
                      / "beis_desnz_subregional_fuel_poverty_la_2011-2022_all_england.csv")
    luton = raw[raw["area_code"].isin([LUTON, "00KA"])].sort_values("data_year")
    for metric, indicator in (("LIHC", "P4-fuel-poverty-lihc"),
                              ("LILEE", "P4-fuel-poverty-lilee")):
        published = luton[luton["metric"] == metric]
        mine = _series(dataset, indicator)
        assert mine["period"].tolist() == published["data_year"].astype(str).tolist()
        _same(mine["value"], published["proportion_fuel_poor_pct"])
        _same(mine["count"], published["fuel_poor_households"])
        _same(mine["denominator"], published["households"])
    assert _series(dataset, "P4-fuel-poverty-lihc")["period"].iloc[-1] == "2018"
    assert _series(dataset, "P4-fuel-poverty-lilee")["period"].iloc[0] == "2019"


@pytest.mark.parametrize(("sex", "age", "indicator"), [
    ("males", "birth", "P6-life-expectancy"), ("females", "birth", "P6-life-expectancy"),
    ("males", "age_65", "P6-life-expectancy-65")])
def test_life_expectancy_wide_tables(dataset, luton_dir: Path, sex: str, age: str,
                                     indicator: str) -> None:
    raw = pd.read_csv(luton_dir / "ons_life_expectancy"
                      / f"ons_le_le_at_{age}_{sex}_uk_la_2001-03_to_2016-18.csv")
    row = raw[raw["Area Codes"] == LUTON].iloc[0]
    periods = [c for c in raw.columns if c[:1].isdigit()]
    mine = _series(dataset, indicator, "Male" if sex == "males" else "Female")
    assert mine["period"].tolist() == periods  # the columns' order is the periods' order
    _same(mine["value"], row[periods].astype(float))


def test_dfe_two_year_olds_and_fingertips_pm25(dataset, luton_dir: Path) -> None:
    raw = pd.read_csv(luton_dir / "sdg_ons" / "dfe_early_years_funded_entitlement_registration_"
                      "2018_2023_luton_eoe_england.csv")
    raw = raw[(raw["new_la_code"] == LUTON) & (raw["age"] == "2-year-olds")]
    raw = raw.sort_values("time_period")
    mine = _series(dataset, "P1-funded-early-education-2-year-olds")
    assert mine["period"].tolist() == raw["time_period"].astype(str).tolist()
    _same(mine["value"], raw["percentage_eligible_children"])
    _same(mine["count"], raw["number_children"])
    _same(mine["denominator"], raw["number_eligible_children"])
    export = pd.read_csv(luton_dir / "fingertips_real" / "fingertips_30101_93861_pm25_"
                         "mortality_fraction_luton_eoe_england.csv")
    for fid, indicator in ((30101, "P8-pm25-mortality-old-method"), (93861, "P8-pm25-mortality")):
        published = export[(export["Indicator ID"] == fid) & (export["Area Code"] == LUTON)]
        _same(_series(dataset, indicator)["value"],
              published.sort_values("Time period")["Value"])


def test_cohorts_from_real_data(dataset, luton_dir: Path) -> None:
    values = dataset.values
    hle = values[(values["indicator_id"] == "P6-healthy-life-expectancy")
                 & (values["area_code"] == LUTON)]
    assert set(hle["breakdown"]) == {"sex"} and set(hle["category"]) == {"Male", "Female"}
    absence = values[(values["indicator_id"] == "P2-persistent-absence")
                     & (values["area_code"] == LUTON) & (values["period"] == "2023/24")]
    groups = absence[absence["breakdown"] == "pupil_group"].set_index("category")["value"]
    raw = pd.read_csv(luton_dir / ELS_FILE)
    raw = raw[(raw["areacd"] == LUTON) & (raw["period"].str.startswith("2023-"))]
    published = raw.set_index("indicator")["observation"]
    assert groups["All pupils"] == published["Persistent absences for all pupils"]
    assert groups["Eligible for free school meals"] == published[
        "Persistent absences for pupils eligible for free school meals"]
    assert groups["Looked after by the local authority"] == published[
        "Persistent absences for pupils looked after by local authorities"]


def test_peer_group_recomputed_independently(dataset, luton_dir: Path) -> None:
    els = pd.read_csv(luton_dir / "ons_els" / "els_all_england_utla_region_timeseries.csv",
                      dtype=str, keep_default_na=False)
    obsolete = set(els.loc[els["notes"].str.startswith("Obsolete"), "areacd"])
    upper = set(els.loc[els["geography"] == "County or Unitary Authority", "areacd"]) - obsolete
    imd = pd.read_csv(luton_dir / "imd" / "iod2019_lad19_summaries_all_england.csv")
    imd = imd[imd["index_domain"] == "Index of Multiple Deprivation"].set_index("lad19cd")
    people = pd.read_csv(luton_dir / "census2021" / "england_disability_21_all_ltla21.csv")
    people = people.groupby("ltla21_code")["total_residents"].first()
    pool = pd.DataFrame({"score": imd["average_score"], "people": people}).dropna()
    pool = pool[pool.index.isin(upper | {LUTON})]
    z = (pool - pool.mean()) / pool.std(ddof=0)
    distance = ((z - z.loc[LUTON]) ** 2).sum(axis=1) ** 0.5
    expected = distance.drop(LUTON).sort_values().index[:15].tolist()
    group = dataset.meta["peer_group"]
    assert [m["code"] for m in group["members"]] == expected
    assert "15 upper-tier authorities" in group["description"]
    assert all(c["code"] not in expected for c in dataset.meta["comparators"])
    employment = dataset.values[(dataset.values["indicator_id"] == "P3-employment-rate")
                                & (dataset.values["period"] == "2023")]
    peers = employment[employment["area_type"] == "comparator"]
    assert set(peers["area_code"]) == set(expected)
    published = els[(els["indicator"] == "Employment rate")
                    & (els["period"] == "2023-01-01/P1Y")].set_index("areacd")["observation"]
    for _, row in peers.iterrows():
        assert row["value"] == float(published[row["area_code"]])


@pytest.mark.parametrize(("text", "label", "sort"), [
    ("2021-01-01/P1Y", "2021", 20210000), ("2021-04-01/P1Y", "2021/22", 20210000),
    ("2024-09-01/P1Y", "2024/25", 20240000), ("2011-01-01/P3Y", "2011-2013", 20110000),
    ("2019-04-01/P3Y", "2019/20-2021/22", 20190000), ("2023-07-01/P1M", "Jul 2023", 20230701),
    ("2026-04-01", "Apr 2026", 20260401), ("2016-2018", "2016-2018", 20160000),
    ("2021/22", "2021/22", 20210000), ("202122", "2021/22", 20210000), ("2023", "2023", 20230000),
])
def test_period_labels(text: str, label: str, sort: int) -> None:
    assert parse_period(text) == (label, sort)


@pytest.mark.parametrize("text", ["2021-13-01/P1Y", "2021/23", "2018-2016", "latest", "20x1",
                                  "2021-01-01/P0Y", "1850"])
def test_not_periods(text: str) -> None:
    assert parse_period(text) is None


def test_period_order_of_every_layout(dataset) -> None:
    """Within each series the period_sort order is the chronological order of the labels."""
    values = dataset.values
    for _, rows in values.groupby(["indicator_id", "area_code", "breakdown", "category"]):
        ordered = rows.sort_values("period_sort")
        assert ordered["period_sort"].is_unique
        years = ordered["period"].str.extract(r"(\d{4})", expand=False).astype(int)
        assert years.is_monotonic_increasing


def test_real_dataset_shape(dataset) -> None:
    meta, indicators, values = dataset.meta, dataset.indicators, dataset.values
    assert meta["illustrative"] is False
    assert all(s.get("publisher") and s.get("licence") and s.get("url") for s in meta["sources"])
    luton = values[(values["area_code"] == LUTON) & values["value"].notna()]
    with_values = indicators[indicators["indicator_id"].isin(luton["indicator_id"])]
    assert len(with_values) >= 40
    per_principle = with_values["principle"].value_counts()
    assert set(per_principle.index) == set(range(1, 9))
    assert (per_principle.drop(7) >= 3).all() and 7 in meta["principle_notes"]
    assert indicators["publisher"].notna().all() and indicators["definition"].notna().all()
    assert not indicators["sources"].str.contains("JSNA|Luton 2040").any()
    for _, row in indicators.dropna(subset=["baseline_period"]).iterrows():
        periods = set(values.loc[values["indicator_id"] == row["indicator_id"], "period"])
        assert row["baseline_period"] in periods, row["indicator_id"]


HI_DIR = "ons_health_index"
# catalogue id, Health Index file (underlying long or scores wide), indicator or score column
HI_SERIES = [
    ("P1-infant-mortality-hi", "underlying_indicators", "Infant mortality"),
    ("P1-low-birth-weight-hi", "underlying_indicators", "Low birth weight"),
    ("P1-child-vaccination-hi", "underlying_indicators", "Child vaccination coverage"),
    ("P6-suicides-hi", "underlying_indicators", "Suicides"),
    ("P8-air-pollution-hi", "underlying_indicators", "Air pollution"),
    ("P6-health-index-overall", "scores", "overall_score"),
]


@pytest.mark.parametrize(("indicator", "layout", "source"), HI_SERIES,
                         ids=[s[0] for s in HI_SERIES])
def test_health_index_value_for_value(dataset, luton_dir: Path, indicator: str, layout: str,
                                      source: str) -> None:
    raw = pd.read_csv(luton_dir / HI_DIR / f"health_index_2021_{layout}_all_england_ltla21.csv")
    if layout == "underlying_indicators":
        raw = raw[raw["indicator"] == source].rename(columns={"value": source})
    peers = [m["code"] for m in dataset.meta["peer_group"]["members"]]
    for area in [LUTON, *peers]:
        published = raw[raw["ltla21_code"] == area].sort_values("year")
        mine = _series(dataset, indicator, area=area)
        assert mine["period"].tolist() == published["year"].astype(str).tolist()
        _same(mine["value"], published[source])
        assert mine[["lower_ci", "count", "denominator"]].isna().all().all()
    assert _series(dataset, indicator)["period"].tolist() == [str(y) for y in range(2015, 2022)]
    rows = dataset.values[dataset.values["indicator_id"] == indicator]
    assert not rows["area_code"].isin([ENGLAND, REGION]).any()  # LTLA only: none invented
    row = dataset.indicators.set_index("indicator_id").loc[indicator]
    assert row["publisher"] == "ONS Health Index (via humaniverse/healthyr)"
    assert "ONS carries the last available value forward or back" in row["definition"]
    assert row["value_type"] == "score" and row["baseline_period"] == "2021"
