"""Indicator summaries and the principle scorecard on the small hand-built town."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marmot_dash.data import Store, load_dataset
from marmot_dash.data.summaries import (
    SCORECARD_COLUMNS,
    SUMMARY_COLUMNS,
    principle_scorecard,
    summaries,
    summary,
)


@pytest.fixture(scope="module")
def store(town_dir: Path) -> Store:
    return Store(load_dataset(town_dir))


@pytest.fixture(scope="module")
def by_id(store: Store) -> pd.DataFrame:
    return summaries(store).set_index("indicator_id")


def test_one_row_per_indicator_in_catalogue_order(store: Store) -> None:
    assert list(summaries(store).columns) == list(SUMMARY_COLUMNS)
    assert list(summaries(store)["indicator_id"]) == ["smoking", "employment", "life_expectancy"]
    assert summaries(store) is summaries(store)  # computed once


def test_falling_smoking_has_improved_and_its_gap_narrowed(by_id: pd.DataFrame) -> None:
    smoking = by_id.loc["smoking"]
    assert smoking["latest_period"] == "2020" and smoking["baseline_period"] == "2015"
    assert smoking["value"] == pytest.approx(12.5)
    assert smoking["baseline_value"] == pytest.approx(20.0)
    assert smoking["change"] == pytest.approx(-7.5)
    assert smoking["change_significant"]
    assert smoking["change_judgement"] == "improved"  # lower is better
    assert smoking["england_value"] == pytest.approx(14.0)
    assert smoking["benchmark"] == "better"
    assert (smoking["trend"], smoking["trend_judgement"]) == ("decreasing", "improving")
    # Quintile 1 minus quintile 5: 20% - 10% at the baseline, 16.75% - 8.75% now.
    assert smoking["gap_baseline"] == pytest.approx(10.0)
    assert smoking["gap_latest"] == pytest.approx(8.0)
    assert smoking["gap_change"] == "narrowed"
    assert smoking["sii"] < 0 and smoking["sii_lower"] <= smoking["sii"] <= smoking["sii_upper"]
    assert 0 < smoking["rii"] < 1
    assert not smoking["red_red"]
    assert smoking["sparkline"] == pytest.approx([20.0, 18.5, 17.0, 15.5, 14.0, 12.5])


def test_falling_employment_is_red_red(by_id: pd.DataFrame) -> None:
    employment = by_id.loc["employment"]
    assert employment["change_judgement"] == "worsened"
    assert employment["benchmark"] == "worse"
    assert (employment["trend"], employment["trend_judgement"]) == ("decreasing", "worsening")
    assert employment["red_red"]
    assert employment["gap_change"] == "not_available" and np.isnan(employment["sii"])


def test_flat_life_expectancy_has_no_change(by_id: pd.DataFrame) -> None:
    life = by_id.loc["life_expectancy"]
    assert life["change"] == pytest.approx(0.0)
    assert life["change_judgement"] == "no_significant_change"
    assert life["benchmark"] == "worse"
    assert life["trend_judgement"] == "no_change"
    assert not life["red_red"]


def test_summary_of_one_indicator(store: Store) -> None:
    assert summary(store, "employment")["red_red"]
    with pytest.raises(KeyError):
        summary(store, "unknown")


def test_principle_scorecard(store: Store) -> None:
    card = principle_scorecard(summaries(store))
    assert list(card.columns) == list(SCORECARD_COLUMNS)
    assert list(card["principle"]) == list(range(1, 9))
    by_principle = card.set_index("principle")
    assert by_principle.loc[6, ["indicators", "improved", "better", "narrowed"]].tolist() == [
        1, 1, 1, 1]
    assert by_principle.loc[3, ["indicators", "worsened", "worse", "red_red"]].tolist() == [
        1, 1, 1, 1]
    assert by_principle.loc[1, ["indicators", "no_change", "worse"]].tolist() == [1, 1, 1]
    assert by_principle.loc[2].sum() == 0
    assert card["indicators"].sum() == 3
    assert principle_scorecard(summaries(store), 3) == by_principle.loc[3].to_dict() | {
        "principle": 3}
