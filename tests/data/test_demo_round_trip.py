"""Round trip over the simulated dataset: simulate, load, query; answers equal the values file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from marmot_dash.data import Store, load_dataset, schema
from marmot_dash.data.summaries import summaries

from .frames import read_values, same_rows


@pytest.fixture(scope="module")
def store(demo_dataset_dir: Path) -> Store:
    return Store(load_dataset(demo_dataset_dir))


@pytest.fixture(scope="module")
def values(demo_dataset_dir: Path) -> pd.DataFrame:
    return read_values(demo_dataset_dir)


def test_the_store_holds_every_row(store: Store, values: pd.DataFrame) -> None:
    counted = 0
    for indicator_id in store.indicators()["indicator_id"]:
        codes = values.loc[values.indicator_id == indicator_id, "area_code"].unique()
        for breakdown in values.loc[values.indicator_id == indicator_id, "breakdown"].unique():
            counted += len(store.series(indicator_id, list(codes), breakdown=breakdown))
    assert counted == len(values)


def test_series_small_areas_and_breakdowns_equal_the_file(
    store: Store, values: pd.DataFrame
) -> None:
    level = store.levels[-1]
    for indicator_id in store.indicators()["indicator_id"][:10]:
        rows = values[values.indicator_id == indicator_id]
        total = rows[(rows.breakdown == "total") & (rows.area_code == store.area_code)]
        same_rows(store.series(indicator_id, [store.area_code]),
                    total.sort_values("period_sort"))
        periods = store.periods(indicator_id, area_type=level)
        if periods:
            small = rows[(rows.area_type == level) & (rows.period == periods[-1])]
            same_rows(store.small_areas(indicator_id, level), small.sort_values("area_code"))
        for breakdown in schema.DEPRIVATION_BREAKDOWNS:
            got = store.breakdown(indicator_id, breakdown)
            if got.empty:
                continue
            expected = rows[(rows.breakdown == breakdown)
                            & (rows.area_code == store.area_code)
                            & (rows.period == got["period"].iloc[0])]
            same_rows(got, expected.sort_values("category_sort"))


def test_summaries_cover_every_indicator(store: Store) -> None:
    table = summaries(store)
    assert list(table["indicator_id"]) == list(store.indicators()["indicator_id"])
    assert table["benchmark"].isin(
        ["better", "similar", "worse", "higher", "lower", "not_compared"]).all()
    assert table["change_judgement"].isin(
        ["improved", "no_significant_change", "worsened", "not_compared"]).all()
    assert table["trend"].isin(["increasing", "decreasing", "no_significant_change",
                                    "cannot_be_calculated"]).all()
    assert table["gap_change"].isin(
        ["narrowed", "widened", "no_significant_change", "not_available"]).all()
