"""The Store: its answers equal the values file, in the documented order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from marmot_dash.data import Store, load_dataset, write_dataset

from .frames import read_values, same_rows
from .town import ENGLAND, LA, LSOAS, REGION, WARDS


@pytest.fixture(scope="module")
def store(town_dir: Path) -> Store:
    return Store(load_dataset(town_dir))


@pytest.fixture(scope="module")
def values(town_dir: Path) -> pd.DataFrame:
    return read_values(town_dir)


def test_description(store: Store) -> None:
    assert store.area_code == LA and store.area_name == "Town"
    assert store.is_illustrative
    assert [c["code"] for c in store.comparators] == [ENGLAND, REGION]
    assert store.levels == ["ward", "lsoa"]
    assert store.meta["disclosure_threshold"] == 5
    assert store.themes is None


def test_catalogue(store: Store) -> None:
    assert list(store.principles()["id"]) == list(range(1, 9))
    assert store.principle(3)["short_name"] == "Fair work"
    assert list(store.indicators()["indicator_id"]) == ["smoking", "employment",
                                                        "life_expectancy"]
    assert list(store.indicators(principle=6)["indicator_id"]) == ["smoking"]
    assert store.indicators(principle=2).empty
    assert store.indicator("smoking")["polarity"] == "lower_is_better"


def test_series_defaults_to_the_authority_and_comparators(
    store: Store, values: pd.DataFrame
) -> None:
    got = store.series("smoking")
    order = {LA: 0, ENGLAND: 1, REGION: 2}
    expected = values[(values.indicator_id == "smoking") & (values.breakdown == "total")
                      & values.area_code.isin(order)]
    expected = expected.assign(_order=expected.area_code.map(order)).sort_values(
        ["_order", "period_sort"])
    same_rows(got, expected)
    assert list(got.index) == list(range(len(got)))
    assert str(got["area_code"].dtype) == "str"


def test_series_of_small_areas_and_breakdowns(store: Store, values: pd.DataFrame) -> None:
    got = store.series("smoking", [LSOAS[2], WARDS[0]])
    assert got["area_code"].unique().tolist() == [LSOAS[2], WARDS[0]]
    expected = values[(values.indicator_id == "smoking") & (values.area_code == LSOAS[2])]
    same_rows(got[got.area_code == LSOAS[2]], expected.sort_values("period_sort"))
    sex = store.series("smoking", [LA], breakdown="sex")
    assert len(sex) == 12 and set(sex["category"]) == {"Male", "Female"}
    female = store.series("smoking", [LA], breakdown="sex", category="Female")
    assert female["category"].unique().tolist() == ["Female"]
    assert female["period_sort"].is_monotonic_increasing


def test_latest_and_baseline(store: Store, values: pd.DataFrame) -> None:
    latest = store.latest("smoking")
    row = values[(values.indicator_id == "smoking") & (values.area_code == LA)
                 & (values.breakdown == "total") & (values.period == "2020")].iloc[0]
    assert latest["period"] == "2020" and latest["value"] == pytest.approx(row["value"])
    baseline = store.baseline("smoking", ENGLAND)
    assert baseline["period"] == "2015" and baseline["area_code"] == ENGLAND
    assert store.latest("employment", LSOAS[0]) is None  # no small-area values


def test_periods(store: Store) -> None:
    assert store.periods("smoking") == [str(y) for y in range(2015, 2021)]
    assert store.periods("smoking", area_type="lsoa") == [str(y) for y in range(2015, 2021)]
    assert store.periods("employment", area_type="lsoa") == []


def test_small_areas(store: Store, values: pd.DataFrame) -> None:
    got = store.small_areas("smoking", "lsoa")
    expected = values[(values.indicator_id == "smoking") & (values.area_type == "lsoa")
                      & (values.period == "2020")].sort_values("area_code")
    same_rows(got, expected)
    assert got["imd_decile"].tolist() == [1, 3, 5, 7]
    assert got["local_quintile"].tolist() == [1, 2, 3, 4]
    assert set(got.columns) >= {"population", "imd_decile", "local_quintile", "local_decile"}
    earlier = store.small_areas("smoking", "ward", period="2016")
    assert earlier["period"].unique().tolist() == ["2016"] and len(earlier) == len(WARDS)


def test_breakdown_and_cohorts(store: Store) -> None:
    quintiles = store.breakdown("smoking", "deprivation_quintile")
    assert quintiles["category_sort"].tolist() == [1, 2, 3, 4, 5]
    assert quintiles["period"].unique().tolist() == ["2020"]
    earlier = store.breakdown("smoking", "deprivation_quintile", period="2015")
    assert earlier["period"].unique().tolist() == ["2015"]
    cohorts = store.cohorts("smoking")
    assert cohorts["breakdown"].unique().tolist() == ["sex"]
    assert cohorts["category"].tolist() == ["Male", "Female"]
    assert store.cohorts("employment").empty


def test_areas_and_geometry(store: Store) -> None:
    assert store.areas("lsoa")["area_code"].tolist() == list(LSOAS)
    assert store.areas("msoa").empty
    features = store.geometry("ward")["features"]
    assert [f["properties"]["area_code"] for f in features] == list(WARDS)


@pytest.mark.parametrize(
    "query",
    [
        lambda s: s.indicator("unknown"),
        lambda s: s.series("unknown"),
        lambda s: s.series("smoking", ["E99999999"]),
        lambda s: s.small_areas("smoking", "county"),
        lambda s: s.small_areas("smoking", "lsoa", period="1990"),
        lambda s: s.breakdown("smoking", "income"),
        lambda s: s.principle(9),
        lambda s: s.geometry("msoa"),
        lambda s: s.periods("smoking", area_type="county"),
    ],
)
def test_unknown_ids_raise_key_error(store: Store, query) -> None:
    with pytest.raises(KeyError):
        query(store)


def test_answers_are_copies(store: Store) -> None:
    first = store.series("smoking")
    first.loc[0, "value"] = -1
    assert store.series("smoking").loc[0, "value"] != -1


def test_a_comparator_without_values_gives_no_rows(town_parts: dict, tmp_path: Path) -> None:
    meta = town_parts["meta"]
    meta["comparators"].append({"code": "E07000001", "name": "Neighbour",
                                "area_type": "comparator"})
    store = Store(load_dataset(write_dataset(tmp_path / "dataset", **town_parts)))
    assert store.series("smoking", ["E07000001"]).empty
    assert set(store.series("smoking")["area_code"]) == {LA, ENGLAND, REGION}
