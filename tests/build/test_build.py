"""The builder on the mini sources: area types, derived intervals and catalogue rows, geography."""

from __future__ import annotations

from pathlib import Path

import pytest

from marmot_dash.data import load_dataset
from marmot_dash.ingest.build import build_dataset, load_geography
from marmot_dash.stats.intervals import wilson


@pytest.fixture
def built(mini_sources: Path, tmp_path: Path):
    return load_dataset(build_dataset(mini_sources, tmp_path / "data", progress=False))


def test_area_types_from_codes(built) -> None:
    values = built.values
    types = dict(zip(values["area_code"], values["area_type"], strict=False))
    assert types == {"E92000001": "england", "E12000006": "region", "E06000032": "la",
                     "E05999001": "ward", "E05999002": "ward", "E01999001": "lsoa"}
    assert "E06000033" not in set(values["area_code"])  # another authority: left out
    assert any("1 rows for other areas left out" in n for n in built.meta["build_notes"])


def test_missing_intervals_computed_from_counts(built) -> None:
    row = built.values.set_index(["indicator_id", "area_code"]).loc[("green_space", "E05999001")]
    lower, upper = wilson(480, 1000, multiplier=100)[1:3]
    assert (row["lower_ci"], row["upper_ci"]) == pytest.approx((lower, upper))
    low998, high998 = wilson(480, 1000, confidence=0.998, multiplier=100)[1:3]
    assert (row["lower_ci_998"], row["upper_ci_998"]) == pytest.approx((low998, high998))
    given = built.values.set_index(["indicator_id", "area_code"]).loc[
        ("green_space", "E05999002")]
    assert (given["lower_ci"], given["upper_ci"]) == (71.2, 76.6)  # published ones kept


def test_catalogue_rows_listed_and_derived(built) -> None:
    catalogue = built.indicators.set_index("indicator_id")
    assert catalogue.loc["child_poverty", "polarity"] == "lower_is_better"
    derived = catalogue.loc["fingertips_92033"]
    assert derived["value_type"] == "proportion" and derived["multiplier"] == 100
    assert derived["principle"] == 6 and derived["polarity"] == "no_judgement"
    assert derived["fingertips_id"] == 92033
    assert "green_space" in catalogue.index


def test_suppressed_value_keeps_its_note(built) -> None:
    rows = built.values[(built.values["indicator_id"] == "fingertips_92033")
                        & (built.values["area_code"] == "E06000032")
                        & (built.values["period"] == "2021/22")]
    assert rows["value"].isna().all()
    assert rows["note"].iloc[0].startswith("* Value suppressed")


def test_geography_of_the_mini_sources(mini_sources: Path) -> None:
    geography = load_geography(mini_sources)
    areas = geography.areas.set_index("area_code")
    assert areas.loc["E01999001", "parent_code"] == "E05999001"
    north = areas.loc[["E01999001", "E01999002"]]
    expected = (north["imd_score"] * north["population"]).sum() / north["population"].sum()
    assert areas.loc["E05999001", "imd_score"] == pytest.approx(expected)
    assert areas.loc["E05999001", "population"] == north["population"].sum()
    assert areas["local_quintile"].isna().all()  # two wards, four small areas: too few
    assert set(geography.boundaries) == {"la", "ward", "lsoa"}
