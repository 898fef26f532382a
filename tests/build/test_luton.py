"""The Luton build from ../shared/data/luton, in both ward patterns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely
import yaml

from marmot_dash.data import load_dataset
from marmot_dash.ingest.build import build_dataset, load_geography
from tests.conftest import REPO_ROOT, shared_path

EXAMPLES = REPO_ROOT / "examples" / "luton"
PATTERNS = {
    "sources.yaml": (20, 125, "imd/iod2025_domains_scores_ranks_deciles_luton_lsoa21.csv",
                     "lsoa21_code", "IMD_decile"),
    "sources_2013_wards.yaml": (
        19, 121, "imd/iod2019_file2_domains_ranks_deciles_luton_lsoa11.csv", "LSOA code (2011)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"),
}
SAMPLE = "fingertips/fingertips_england_by_deprivation_ethnicity_sex_fingertipsnext_sample.csv"


@pytest.fixture(scope="module", params=sorted(PATTERNS))
def luton(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    shared_path("data", "luton")
    out = build_dataset(EXAMPLES / request.param, tmp_path_factory.mktemp("luton") / "data",
                        progress=False)
    return request.param, load_dataset(out)


def test_counts_of_wards_and_small_areas(luton) -> None:
    name, dataset = luton
    wards, lsoas = PATTERNS[name][:2]
    counts = dataset.areas["level"].value_counts()
    assert (counts["ward"], counts["lsoa"], counts["la"]) == (wards, lsoas, 1)
    assert dataset.meta["illustrative"] is False
    # the MSOA 2011 level (DWP and ONS small-area tables) is in the current ward pattern only
    assert dataset.meta["levels"] == (["ward", "msoa", "lsoa"] if name == "sources.yaml"
                                      else ["ward", "lsoa"])


def test_deciles_equal_the_imd_file(luton, luton_dir: Path) -> None:
    name, dataset = luton
    _, _, file, code, decile = PATTERNS[name]
    imd = pd.read_csv(luton_dir / file).set_index(code)[decile]
    lsoa = dataset.areas[dataset.areas["level"] == "lsoa"].set_index("area_code")
    assert set(lsoa.index) == set(imd.index)
    assert (lsoa["imd_decile"].astype(int) == imd.reindex(lsoa.index)).all()


def test_every_lsoa_nested_in_a_ward(luton) -> None:
    _, dataset = luton
    areas = dataset.areas
    wards = set(areas.loc[areas["level"] == "ward", "area_code"])
    lsoa = areas[areas["level"] == "lsoa"]
    assert lsoa["parent_code"].isin(wards).all()
    assert set(lsoa["parent_code"]) == wards
    assert (areas.loc[areas["level"] == "ward", "parent_code"] == "E06000032").all()
    assert lsoa["local_quintile"].between(1, 5).all()
    assert areas.loc[areas["level"] == "ward", "local_decile"].between(1, 10).all()


def test_fingertips_sample_rows_with_breakdowns(tmp_path: Path, luton_dir: Path) -> None:
    """The England-only FingertipsNext sample over the real geography (derived catalogue)."""
    def absolute(item):  # the example's relative paths, from a file elsewhere
        if isinstance(item, dict):
            return {key: absolute(value) for key, value in item.items()}
        if isinstance(item, str) and item.startswith("../"):
            return str((EXAMPLES / item).resolve())
        return item

    raw = yaml.safe_load((EXAMPLES / "sources.yaml").read_text(encoding="utf-8"))
    sources = tmp_path / "sample.yaml"
    sources.write_text(yaml.safe_dump({
        **{key: absolute(raw[key]) for key in ("area", "comparators", "geography",
                                               "deprivation", "population")},
        "indicators": [{"kind": "fingertips", "path": str(luton_dir / SAMPLE), "principle": 6,
                        "exclude_indicators": [91040]}]}), encoding="utf-8")
    values = load_dataset(build_dataset(sources, tmp_path / "data", progress=False)).values
    assert set(values["area_type"]) == {"england"}
    assert set(values["breakdown"]) == {"total", "sex", "age", "ethnicity",
                                        "deprivation_decile", "deprivation_quintile"}
    sample = pd.read_csv(luton_dir / SAMPLE)
    sample = sample[sample["Indicator ID"] != 91040]
    plain = sample[sample["Category Type"].isna() & (sample["Sex"] == "Persons")]
    headline = plain[plain["Value"].notna()]
    # every indicator with a Persons value is in the dataset with its total rows
    totals = values[values["breakdown"] == "total"]
    for fid, rows in headline.groupby("Indicator ID"):
        mine = totals[totals["indicator_id"] == f"fingertips_{fid}"]
        assert set(mine["period"]) == set(rows["Time period"].astype(str)), fid
    deciles = values[values["breakdown"] == "deprivation_decile"]
    assert set(deciles["category_sort"]) == set(range(1, 11))
    most = deciles[deciles["category_sort"] == 1]["category"]
    assert most.str.startswith("Most deprived decile").all()
    assert (values["lower_ci"].isna() | (values["lower_ci"] <= values["value"])).all()


def test_boundaries_wgs84_counter_clockwise_and_keyed(luton) -> None:
    name, dataset = luton
    wards, lsoas = PATTERNS[name][:2]
    assert len(dataset.geo["ward"]["features"]) == wards
    assert len(dataset.geo["lsoa"]["features"]) == lsoas
    for feature in dataset.geo["lsoa"]["features"]:
        assert feature["id"] == feature["properties"]["area_code"]
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.is_valid
        for polygon in getattr(shape, "geoms", [shape]):
            assert polygon.exterior.is_ccw
            minx, miny, maxx, maxy = polygon.bounds
            assert -0.6 < minx < maxx < -0.2 and 51.8 < miny < maxy < 52.0


def test_load_geography_for_the_simulator() -> None:
    shared_path("data", "luton")
    geography = load_geography(EXAMPLES / "sources.yaml")
    assert geography.area_code == "E06000032"
    assert geography.levels == ("ward", "msoa", "lsoa")
    assert {c.area_type for c in geography.comparators} == {"england", "region"}
    assert set(geography.boundaries) == {"la", "ward", "msoa", "lsoa"}
    assert geography.areas["imd_score"][geography.areas["level"] == "lsoa"].notna().all()


def test_authority_score_matches_the_published_average_score(luton, luton_dir: Path) -> None:
    name, dataset = luton
    authority = dataset.areas[dataset.areas["level"] == "la"].iloc[0]
    lsoa = dataset.areas[dataset.areas["level"] == "lsoa"]
    assert authority["population"] == lsoa["population"].sum()
    if name == "sources.yaml":
        summary = pd.read_csv(luton_dir / "imd" / "iod2025_lad24_summaries_all_england.csv")
        code = "area_code"
    else:  # IoD2019 LSOA file has no scores: from the published ward aggregates
        assert lsoa["imd_score"].isna().all()
        summary = pd.read_csv(luton_dir / "imd" / "iod2019_lad19_summaries_all_england.csv")
        code = "lad19cd"
    published = summary[(summary[code] == "E06000032")
                        & (summary["index_domain"] == "Index of Multiple Deprivation")]
    assert authority["imd_score"] == pytest.approx(published["average_score"].iloc[0], abs=0.01)


def test_simulated_values_over_the_real_geography(tmp_path: Path) -> None:
    shared_path("data", "luton")
    from marmot_dash.data.simulate import simulate_dataset

    geography = load_geography(EXAMPLES / "sources_2013_wards.yaml")
    dataset = load_dataset(simulate_dataset(tmp_path / "demo", geography=geography))
    assert dataset.meta["illustrative"] is True
    assert (dataset.areas["level"] == "ward").sum() == 19
