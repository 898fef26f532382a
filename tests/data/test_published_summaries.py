"""Summaries and store answers for a published dataset: peer group, notes, national and local
deprivation (the small published town of ``published_town.py``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from marmot_dash.data import Store
from marmot_dash.data.summaries import (
    deprivation_sii,
    peer_band,
    quantile_populations,
    rank_among,
    summary,
)

from .published_town import PEER_SMOKING, PEERS, PRINCIPLE_NOTES


def test_the_peer_group_comes_from_dataset_yaml_without_the_authority(published_store):
    group = published_store.peer_group
    assert group["name"] == "Test neighbours"
    assert "IMD 2019" in group["description"]
    assert published_store.peer_codes == [code for code, _ in PEERS]


@pytest.mark.parametrize("peer_group", [
    None, "a list?", {"name": "N", "members": []},
    {"name": "N", "members": [{"code": "E06000032", "name": "Town"}, "E06000001", {"x": 1}]},
])
def test_a_missing_or_empty_peer_group_is_no_group(published_store, peer_group):
    other = Store(replace(published_store.dataset,
                          meta={**published_store.meta, "peer_group": peer_group}))
    assert other.peer_group is None and other.peer_codes == []


def test_principle_notes_by_number_or_text_key(published_store):
    assert published_store.principle_note(1) == PRINCIPLE_NOTES[1]
    assert published_store.principle_note(3) == ""
    other = Store(replace(published_store.dataset,
                          meta={**published_store.meta, "principle_notes": {"5": " A note. "}}))
    assert other.principle_note(5) == "A note."


def test_peer_band_is_the_members_median_and_range_per_period(published_store):
    band = peer_band(published_store, "smoking")
    assert band["period"].tolist() == [str(y) for y in range(2015, 2021)]
    latest = band.iloc[-1]
    assert latest["median"] == pytest.approx(np.median(PEER_SMOKING))
    assert (latest["minimum"], latest["maximum"]) == (min(PEER_SMOKING), max(PEER_SMOKING))
    assert latest["areas"] == len(PEERS)  # the authority (12.5) is not a member
    assert peer_band(published_store, "employment").empty  # no member has values


@pytest.mark.parametrize(("value", "others", "polarity", "expected"), [
    (12.5, [10, 14, 16, 20], "lower_is_better", (2, 5)),
    (12.5, [10, 14, 16, 20], "higher_is_better", (4, 5)),
    (40.0, [50, 30, 20, 45], "no_judgement", (3, 5)),  # 3rd highest
    (10.0, [10, 12, np.nan], "lower_is_better", (1, 3)),  # ties share the better rank
    (np.nan, [10, 12], "lower_is_better", None),
    (10.0, [np.nan], "lower_is_better", None),
])
def test_rank_among(value, others, polarity, expected):
    assert rank_among(value, np.array(others, dtype=float), polarity) == expected


def test_summaries_rank_the_authority_among_its_peers_in_its_latest_period(published_store):
    smoking = summary(published_store, "smoking")
    assert (smoking["peer_rank"], smoking["peer_count"]) == (2, 5)
    ethnic = summary(published_store, "ethnic_minority")
    assert (ethnic["peer_rank"], ethnic["peer_count"]) == (3, 5)
    assert np.isnan(summary(published_store, "employment")["peer_rank"])


def test_gap_and_sii_use_national_deciles_when_present(published_store):
    got = summary(published_store, "children_low_income")
    deciles = published_store.breakdown("children_low_income", "deprivation_decile")
    assert got["gap_latest"] == pytest.approx(deciles["value"].iloc[0]
                                              - deciles["value"].iloc[-1])
    indicator = published_store.indicator("children_low_income")
    assert got["sii"] == pytest.approx(deprivation_sii(published_store, indicator, deciles)["sii"])
    local = published_store.breakdown("children_low_income", "local_deprivation_quintile")
    assert deprivation_sii(published_store, indicator, local)["sii"] != pytest.approx(got["sii"])


def test_quantile_populations_group_areas_like_the_breakdown(published_store):
    rows = pd.DataFrame({"breakdown": "deprivation_quintile", "category_sort": [1, 2, 3],
                         "denominator": np.nan})
    lsoas = published_store.areas("lsoa")  # national deciles 1, 3, 5, 7 -> quintiles 1, 2, 3, 4
    expected = [lsoas.loc[(lsoas["imd_decile"] + 1) // 2 == q, "population"].sum()
                for q in (1, 2, 3)]
    assert quantile_populations(published_store, rows).tolist() == expected
    local = rows.assign(breakdown="local_deprivation_quintile")
    assert quantile_populations(published_store, local).tolist() == [
        lsoas.loc[lsoas["local_quintile"] == q, "population"].sum() for q in (1, 2, 3)]
