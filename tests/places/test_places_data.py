"""Several places in one dataset: dataset.yaml ``places``, its validation, the Store's place
views, similar places, the comparisons across places and the simulated England's places."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from marmot_dash.data import Store, load_dataset
from marmot_dash.data.comparisons import (
    COMPARISON_COLUMNS,
    place_comparison,
    place_scorecards,
)
from marmot_dash.data.simulate.town import simulated_england
from marmot_dash.data.summaries import principle_scorecard, summaries
from tests.data.spoil import refusal, rewrite_parquet

PLACES = ["E06900001", "E06900002", "E06900003"]


@pytest.fixture(scope="module")
def store(places_dir: Path) -> Store:
    return Store(load_dataset(places_dir))


def edit_yaml(edit):
    def change(path: Path) -> None:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(meta)
        path.write_text(yaml.safe_dump(meta), encoding="utf-8")
    return change


# --- dataset.yaml and validation ---------------------------------------------------------------


def test_simulated_places_are_listed_with_the_primary_as_area(store: Store) -> None:
    meta = store.dataset.meta
    assert [p["code"] for p in meta["places"]] == PLACES
    assert meta["area"]["code"] == PLACES[0]
    assert meta["illustrative"] is True
    assert store.is_multi_place and [p["code"] for p in store.places] == PLACES


@pytest.mark.parametrize(("edit", "words"), [
    (lambda m: m["places"].append({"code": "E06900001", "name": "Again"}), "listed twice"),
    (lambda m: m["places"].__setitem__(1, {"code": "themes", "name": "X"}),
     "letters and digits"),
    (lambda m: m["places"].__setitem__(1, {"code": "E06/1", "name": "X"}), "letters and digits"),
    (lambda m: m["places"].__setitem__(1, {"code": "E06900002"}), "expected text"),
    (lambda m: m.__setitem__("places", m["places"][1:]), "one of the places"),
    (lambda m: m.__setitem__("places", []), "at least one place"),
    (lambda m: m["places"].append({"code": "E06900009", "name": "Nowhere"}),
     "no 'la' row for place E06900009"),
])
@pytest.mark.parametrize("full", [False, True], ids=["recorded", "full"])
def test_bad_places_are_refused_with_one_line(tmp_path, places_dir, edit, words, full) -> None:
    # dataset.yaml has no checksum: the fast load of a recorded dataset checks places too
    assert "validated" in yaml.safe_load((places_dir / "dataset.yaml").read_text("utf-8"))
    error = refusal(tmp_path, places_dir, "dataset.yaml", edit_yaml(edit), full=full)
    assert words in str(error)
    assert "\n" not in str(error)


def test_a_small_area_outside_every_place_is_refused(tmp_path, places_dir) -> None:
    def orphan(areas: pd.DataFrame) -> pd.DataFrame:
        ward = areas.index[areas["level"] == "ward"][0]
        areas["parent_code"] = areas["parent_code"].astype(object)
        areas.loc[ward, "parent_code"] = "E06999990"
        return areas

    error = refusal(tmp_path, places_dir, "areas.parquet", rewrite_parquet(orphan))
    assert "belongs to none of the places" in str(error)
    assert error.column == "parent_code"


# --- the Store's place views -------------------------------------------------------------------


def test_a_place_view_answers_for_its_place_and_shares_the_arrays(store: Store) -> None:
    view = store.place("E06900002")
    assert (view.area_code, view.area_name) == ("E06900002", "Simulated place 002")
    assert view is store.place("E06900002"), "views are kept, so caches work per place"
    assert view._order is store._order and view._columns is store._columns
    assert view.latest("P6-adult-smoking")["area_code"] == "E06900002"
    assert set(view.series("P6-adult-smoking")["area_code"]) == {"E06900002", "E92000001"}
    assert set(view.cohorts("P6-adult-smoking")["area_code"]) == {"E06900002"}
    assert store.place() is store.place(PLACES[0])


def test_a_place_view_has_only_its_own_small_areas(store: Store) -> None:
    parts = {code: store.place(code).small_areas("P6-adult-smoking", "lsoa") for code in PLACES}
    everything = store.small_areas("P6-adult-smoking", "lsoa")
    assert sum(len(part) for part in parts.values()) == len(everything) == 540
    areas = store.dataset.areas.set_index("area_code")
    for code, part in parts.items():
        wards = areas.loc[part["area_code"], "parent_code"]
        assert set(areas.loc[wards, "parent_code"]) == {code}
        assert part["area_code"].is_monotonic_increasing
        assert set(part["period"]) == {"2025"}
        same = everything.set_index("area_code").loc[part["area_code"], "value"]
        assert np.allclose(same.to_numpy(), part["value"].to_numpy())
    view = store.place("E06900003")
    assert set(view.areas("ward")["parent_code"]) == {"E06900003"}
    assert len(view.small_areas("P6-adult-smoking", "ward", period="2016")) == len(
        view.areas("ward"))


def test_unknown_places_are_a_key_error(store: Store, demo_dataset_dir: Path) -> None:
    with pytest.raises(KeyError):
        store.place("E06000000")
    town = Store(load_dataset(demo_dataset_dir))
    assert not town.is_multi_place
    assert town.place() is town and town.place(town.area_code) is town
    with pytest.raises(KeyError):
        town.place("E06900001")


def test_similar_places_are_the_nearest_on_deprivation_and_population(store: Store) -> None:
    view = store.place("E06900002")
    group = view.peer_group
    assert group["name"] == "Similar places"
    assert {m["code"] for m in group["members"]} == {"E06900001", "E06900003"}
    assert "deprivation" in group["description"]
    assert set(view.peers("P6-adult-smoking")["area_code"]) == {"E06900001", "E06900003"}


def test_summaries_are_per_place(store: Store) -> None:
    first, second = (summaries(store.place(code)) for code in PLACES[:2])
    assert summaries(store.place(PLACES[1])) is second, "kept per place"
    assert not np.allclose(first["value"], second["value"], equal_nan=True)
    assert second["peer_count"].max() == 3


# --- comparisons across places -----------------------------------------------------------------


def test_comparison_agrees_with_each_places_own_summaries(store: Store) -> None:
    for code in PLACES:
        own = summaries(store.place(code)).set_index("indicator_id")
        for indicator_id in store.indicators()["indicator_id"]:
            row = place_comparison(store, indicator_id).set_index("area_code").loc[code]
            mine = own.loc[indicator_id]
            assert row["benchmark"] == mine["benchmark"]
            assert row["trend_judgement"] == mine["trend_judgement"]
            assert row["change_judgement"] == mine["change_judgement"]
            assert row["value"] == pytest.approx(mine["value"], nan_ok=True)
            assert row["rank"] == pytest.approx(mine["peer_rank"], nan_ok=True)


def test_comparison_table_has_every_place_ranked(store: Store) -> None:
    table = place_comparison(store.place("E06900003"), "P6-adult-smoking")
    assert list(table.columns) == list(COMPARISON_COLUMNS)
    assert table["area_code"].tolist() == PLACES
    assert sorted(table["rank"]) == [1, 2, 3] and set(table["ranked"]) == {3}
    best = table.loc[table["rank"] == 1, "value"].item()
    assert best == table["value"].min(), "smoking: lower is better"
    assert table["england_value"].notna().all()


def test_place_scorecards_count_each_places_judgements(store: Store) -> None:
    cards = place_scorecards(store)
    assert cards["area_code"].tolist() == PLACES
    for code in PLACES:
        own = principle_scorecard(summaries(store.place(code)))
        row = cards.set_index("area_code").loc[code]
        for key in ("better", "similar", "worse", "improved", "no_change", "worsened",
                    "red_red"):
            assert row[key] == own[key].sum(), key
    assert (cards["indicators"] == len(store.indicators())).all()


# --- the simulated England ---------------------------------------------------------------------


def test_simulated_england_nests_wards_and_small_areas_in_places() -> None:
    geography = simulated_england(seed=3, n_small=2000, n_places=12)
    areas = geography.areas
    places = areas[areas["level"] == "la"]
    assert len(places) == 12 and len(geography.places) == 12
    assert geography.area_code == geography.places[0][0]
    wards = areas[areas["level"] == "ward"].set_index("area_code")
    lsoa = areas[areas["level"] == "lsoa"]
    assert set(wards["parent_code"]) == set(places["area_code"])
    assert lsoa["parent_code"].isin(wards.index).all()
    assert lsoa.groupby("parent_code").size().max() <= 5
    per_place = lsoa["parent_code"].map(wards["parent_code"]).value_counts()
    assert per_place.min() > 100
    assert sorted(lsoa["imd_rank"]) == list(range(1, 2001))
    # local deciles within each place
    for _, rows in lsoa.groupby(lsoa["parent_code"].map(wards["parent_code"])):
        assert set(rows["local_decile"]) == set(range(1, 11))
    assert places["imd_score"].std() > 1, "places differ in deprivation"
    again = simulated_england(seed=3, n_small=2000, n_places=12)
    pd.testing.assert_frame_equal(areas, again.areas)


def test_simulated_england_refuses_too_few_small_areas_for_its_places() -> None:
    with pytest.raises(ValueError, match="too few"):
        simulated_england(n_small=200, n_places=150)
