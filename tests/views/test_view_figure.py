"""view_figure on the demo dataset: every view draws, and its numbers are the store's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marmot_dash.views import ViewResult, view_figure


def _indicator_with(store, has) -> str:
    for indicator_id in store.indicators()["indicator_id"]:
        if has(str(indicator_id)):
            return str(indicator_id)
    pytest.skip("the demo dataset has no indicator with this kind of data")


def _shown_values(result: ViewResult) -> pd.Series:
    return result.table["value"].astype(float)


def _assert_values_match(table: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Every value the view shows equals the store's; suppressed ones are blank."""
    merged = table.merge(expected, on=keys, suffixes=("", "_store"), validate="one_to_one")
    assert len(merged) == len(table)
    shown = merged["value"].notna()
    assert shown.any()
    np.testing.assert_allclose(merged.loc[shown, "value"].astype(float),
                               merged.loc[shown, "value_store"].astype(float))


def _has_plot_data(result: ViewResult) -> bool:
    return any(len(getattr(trace, "x", None) or getattr(trace, "locations", None) or
                   getattr(trace, "y", None) or ()) for trace in result.figure.data)


def _is_framed(store, result: ViewResult, name: str) -> None:
    layout = result.figure.layout
    assert name in layout.title.text
    sources = [a.text for a in layout.annotations if a.name == "source"]
    assert sources and sources[0].startswith("Source:")
    if store.is_illustrative:
        assert "Illustrative" in (layout.title.subtitle.text or "")


def test_trend_shows_the_authority_and_comparators(store) -> None:
    indicator_id = _indicator_with(store, lambda i: len(store.series(i)) > 0)
    result = view_figure(store, indicator_id, "trend")
    assert result.message is None and _has_plot_data(result)
    _is_framed(store, result, store.indicator(indicator_id)["short_name"])
    expected = store.series(indicator_id)
    assert set(result.table["area_code"]) == set(expected["area_code"])
    _assert_values_match(result.table, expected, ["area_code", "period"])
    own = result.table[result.table["area_code"] == store.area_code]
    assert set(own["benchmark"]) <= {"better", "similar", "worse", "higher", "lower",
                                     "not_compared"}
    assert result.description


@pytest.mark.parametrize("level_index", [0, -1])
def test_places_map_and_bars_for_each_level(store, level_index: int) -> None:
    level = store.levels[level_index]
    indicator_id = _indicator_with(store, lambda i: len(store.periods(i, area_type=level)) > 0)
    period = store.periods(indicator_id, area_type=level)[0]
    result = view_figure(store, indicator_id, "places", level=level, period=period)
    assert result.message is None and len(result.figures) == 2
    expected = store.small_areas(indicator_id, level, period)
    _assert_values_match(result.table, expected, ["area_code"])
    map_trace_codes = {code for trace in result.figures[0].data for code in trace.locations}
    assert map_trace_codes <= set(expected["area_code"])
    features = result.figures[0].data[0].geojson["features"]
    assert {f["properties"]["area_code"] for f in features} == set(expected["area_code"])
    assert set(result.table["period"]) == {period}


def test_deprivation_has_the_quantiles_and_the_sii(store) -> None:
    def has_deprivation(i: str) -> bool:
        return any(len(store.breakdown(i, b)) for b in ("deprivation_decile",
                                                         "deprivation_quintile"))

    indicator_id = _indicator_with(store, has_deprivation)
    result = view_figure(store, indicator_id, "deprivation")
    assert result.message is None and _has_plot_data(result)
    breakdown = result.table["breakdown"].iloc[0]
    expected = pd.concat([store.breakdown(indicator_id, breakdown, period=p)
                          for p in result.table["period"].unique()])
    _assert_values_match(result.table, expected, ["period", "category"])
    assert "SII" in result.description or "slope" in result.description.lower()


def test_cohorts_have_gaps_and_ratios_to_the_reference_group(store) -> None:
    indicator_id = _indicator_with(store, lambda i: len(store.cohorts(i)) > 0)
    result = view_figure(store, indicator_id, "cohorts")
    assert result.message is None and _has_plot_data(result)
    _assert_values_match(result.table, store.cohorts(indicator_id), ["breakdown", "category"])
    for _, rows in result.table.groupby("breakdown"):
        reference = rows[rows["category"] == rows["reference"].iloc[0]]
        assert len(reference) == 1
        if reference["value"].notna().all():
            assert reference["gap"].iloc[0] == pytest.approx(0)
            assert reference["ratio"].iloc[0] == pytest.approx(1)


def test_small_counts_are_suppressed_in_every_table(store) -> None:
    threshold = int(store.meta.get("disclosure_threshold", 5))
    for indicator_id in store.indicators()["indicator_id"][:10]:
        for view in ("trend", "places", "deprivation", "cohorts", "data"):
            table = view_figure(store, indicator_id, view).table
            if table.empty or "count" not in table:
                continue
            small = table["count"].astype(float) < threshold
            assert table.loc[small, "value"].isna().all(), (indicator_id, view)


def test_data_view_has_the_values_and_no_figure(store) -> None:
    indicator_id = str(store.indicators()["indicator_id"].iloc[0])
    result = view_figure(store, indicator_id, "data")
    assert result.figure is None and result.message is None
    assert len(result.table) >= len(store.series(indicator_id))


class _WithoutBreakdowns:
    """The demo store, but with no cohort or deprivation rows and no small areas."""

    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def cohorts(self, *args, **kwargs) -> pd.DataFrame:
        return self._store.cohorts(*args, **kwargs).iloc[0:0]

    def breakdown(self, *args, **kwargs) -> pd.DataFrame:
        return self._store.breakdown(*args, **kwargs).iloc[0:0]

    def periods(self, indicator_id: str, area_type: str = "la") -> list[str]:
        return [] if area_type in ("ward", "lsoa", "msoa") else \
            self._store.periods(indicator_id, area_type=area_type)


@pytest.mark.parametrize("view", ["places", "deprivation", "cohorts"])
def test_a_view_without_data_says_so_in_words(store, view: str) -> None:
    bare = _WithoutBreakdowns(store)
    indicator_id = str(store.indicators()["indicator_id"].iloc[0])
    result = view_figure(bare, indicator_id, view)
    assert result.figure is None
    assert result.message and ("has no" in result.message
                               or result.message.startswith("No breakdown by sex, age"))


def test_callouts_add_annotations_and_the_cached_figure_is_not_changed(store) -> None:
    indicator_id = str(store.indicators(principle=1)["indicator_id"].iloc[0])
    plain = view_figure(store, indicator_id, "trend")
    with_callouts = view_figure(store, indicator_id, "trend", callouts=True)
    names = [a.name or "" for a in with_callouts.figure.layout.annotations]
    plain_names = [a.name or "" for a in plain.figure.layout.annotations]
    assert len(names) >= len(plain_names)
    plain.figure.add_annotation(text="changed by a caller")
    again = view_figure(store, indicator_id, "trend")
    assert "changed by a caller" not in [a.text for a in again.figure.layout.annotations]


def test_unknown_view_or_indicator_raises(store) -> None:
    indicator_id = str(store.indicators()["indicator_id"].iloc[0])
    with pytest.raises(ValueError, match="view"):
        view_figure(store, indicator_id, "pie")
    with pytest.raises(KeyError):
        view_figure(store, "no-such-indicator", "trend")


def test_too_many_areas_leave_out_the_map_and_rank_the_extremes(store, monkeypatch) -> None:
    from marmot_dash import views

    level = store.levels[-1]
    indicator_id = _indicator_with(store, lambda i: len(store.periods(i, area_type=level)) > 0)
    monkeypatch.setattr(views, "MAX_MAPPED_AREAS", 5)
    monkeypatch.setattr(views, "MAX_RANKED_AREAS", 6)
    views._cached_view.cache_clear()
    try:
        result = view_figure(store, indicator_id, "places", level=level)
    finally:
        views._cached_view.cache_clear()
    areas = store.small_areas(indicator_id, level)
    assert len(result.figures) == 1
    bars = [t for t in result.figure.data if t.type == "bar"]
    assert sum(len(t.y) for t in bars) == 6
    assert len(result.table) == len(areas)
    assert "too many" in result.description
