"""Every builder copes with empty or all-missing tables: a figure, never an exception."""

from __future__ import annotations

import numpy as np

from marmot_dash.figures.cohorts import build_cohorts, describe_cohorts
from marmot_dash.figures.deprivation import build_deprivation, describe_deprivation
from marmot_dash.figures.places import build_places_bar, build_places_map, describe_places
from marmot_dash.figures.trend import build_trend, describe_trend

from .conftest import AUTHORITY

EMPTY_GEOJSON = {"type": "FeatureCollection", "features": []}


def test_empty_tables_draw_and_say_so(series, places, deprivation, cohorts, indicator):
    figures = [
        build_trend(series.iloc[0:0], indicator=indicator, area_code=AUTHORITY,
                    baseline_period="2016", target=1.0, target_period="2030"),
        build_places_map(places.iloc[0:0], EMPTY_GEOJSON, indicator=indicator),
        build_places_bar(places.iloc[0:0], indicator=indicator, reference_value=None,
                         reference_label="Luton"),
        build_deprivation(deprivation.iloc[0:0], indicator=indicator, sii=None),
        build_cohorts(cohorts.iloc[0:0], indicator=indicator),
    ]
    for fig in figures:
        assert fig.to_json()
    assert describe_trend(series.iloc[0:0], indicator=indicator, area_code=AUTHORITY).startswith(
        "No trend data")
    assert describe_places(places.iloc[0:0], indicator=indicator).startswith("No area data")
    assert describe_deprivation(deprivation.iloc[0:0], indicator=indicator, sii=None).startswith(
        "No deprivation")
    assert describe_cohorts(cohorts.iloc[0:0], indicator=indicator).startswith("No cohort")


def test_points_without_benchmark_are_not_compared(series, indicator):
    fig = build_trend(series.drop(columns="benchmark"), indicator=indicator,
                      area_code=AUTHORITY, baseline_period=None)
    groups = {t.legendgroup for t in fig.data if t.legendgroup}
    assert "benchmark-not_compared" in groups
    assert not any(g in groups for g in ("benchmark-better", "benchmark-worse"))


def test_missing_values_are_gaps_not_zeros(places, cohorts, indicator):
    fig = build_places_bar(places.assign(value=[np.nan, 22.0, 12.0]), indicator=indicator,
                           reference_value=None, reference_label="Luton")
    shown = [name for trace in fig.data for name in trace.y]
    assert "Biscot" not in shown
    all_suppressed = build_cohorts(cohorts.assign(value=np.nan), indicator=indicator)
    assert all(x is None for trace in all_suppressed.data for x in trace.x)
    assert "all values suppressed" in describe_cohorts(cohorts.assign(value=np.nan),
                                                       indicator=indicator)
