"""build_trend: lines with bands, benchmark colours and symbols, baseline and target marks."""

from __future__ import annotations

import pandas as pd

from marmot_dash.figures.style import BENCHMARK_COLOURS, BENCHMARK_SYMBOLS
from marmot_dash.figures.trend import build_trend, describe_trend

from .conftest import AUTHORITY, PERIODS


def _build(series, indicator, **options):
    options.setdefault("baseline_period", "2016")
    return build_trend(series, indicator=indicator, area_code=AUTHORITY, **options)


def test_authority_england_and_region_lines_with_bands(series, indicator):
    fig = _build(series, indicator)
    lines = {t.name: t for t in fig.data if t.mode and "lines" in t.mode and t.fill is None}
    assert {"Luton", "England", "East of England"} <= set(lines)
    assert list(lines["Luton"].x) == list(PERIODS)
    assert list(lines["Luton"].y) == [23.0, 24.0, 25.0, 26.0, 27.0]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert len(bands) == 3
    luton_band = next(t for t in bands if t.name.startswith("Luton"))
    assert max(luton_band.y) == 28.0 and min(luton_band.y) == 22.0


def test_points_carry_benchmark_colour_symbol_and_word(series, indicator):
    fig = _build(series, indicator)
    points = {t.legendgroup: t for t in fig.data if t.legendgroup and
              t.legendgroup.startswith("benchmark-")}
    worse = points["benchmark-worse"]
    assert worse.marker.color == BENCHMARK_COLOURS["worse"]
    assert worse.marker.symbol == BENCHMARK_SYMBOLS["worse"]
    assert worse.name == "Worse than England"
    assert list(worse.x) == ["2015", "2018"]
    assert points["benchmark-better"].marker.symbol == BENCHMARK_SYMBOLS["better"]
    assert list(points["benchmark-not_compared"].x) == ["2019"]


def test_baseline_marked_at_its_category_index(series, indicator):
    fig = _build(series, indicator)
    shape = next(s for s in fig.layout.shapes if s.name == "baseline")
    assert shape.x0 == shape.x1 == 1  # "2016" is the second category
    assert list(fig.layout.xaxis.categoryarray)[1] == "2016"
    assert any(a.text == "Baseline 2016" for a in fig.layout.annotations)


def test_target_line_and_marker_at_a_future_period(series, indicator):
    fig = _build(series, indicator, target=18.0, target_period="2030")
    assert list(fig.layout.xaxis.categoryarray) == [*PERIODS, "2030"]
    target = next(s for s in fig.layout.shapes if s.name == "target")
    assert target.y0 == target.y1 == 18.0
    star = next(t for t in fig.data if t.name and t.name.startswith("Target"))
    assert list(star.x) == ["2030"] and list(star.y) == [18.0]


def test_no_target_no_target_marks(series, indicator):
    fig = _build(series, indicator, baseline_period=None)
    assert not fig.layout.shapes


def test_axis_titles_from_unit(series, indicator):
    fig = _build(series, indicator)
    assert fig.layout.yaxis.title.text == "%"
    assert fig.layout.xaxis.type == "category"


def test_description_names_latest_value_comparison_and_baseline(series, indicator):
    text = describe_trend(series, indicator=indicator, area_code=AUTHORITY)
    assert "Adult smoking" in text and "Luton" in text
    assert "27.0" in text and "England 24.0" in text
    assert "higher than at the baseline 2016 (24.0)" in text


def test_description_without_data(series, indicator):
    text = describe_trend(series.iloc[0:0], indicator=indicator, area_code=AUTHORITY)
    assert text == "No trend data for Adult smoking."


def test_baseline_label_left_of_the_line_in_the_right_half(series, indicator):
    """Plotly widens an axis to hold a label: at the last period it would add empty periods."""
    label = next(a for a in _build(series, indicator, baseline_period="2019").layout.annotations
                 if a.name == "baseline")
    assert (label.xanchor, label.xshift) == ("right", -4)
    early = next(a for a in _build(series, indicator).layout.annotations if a.name == "baseline")
    assert (early.xanchor, early.xshift) == ("left", 4)


def test_a_breakdown_is_drawn_as_panels_on_one_value_scale(series, indicator):
    by_sex = pd.concat([series.assign(breakdown="sex", category=sex, category_sort=sort,
                                      value=series["value"] + 10 * sort)
                        for sort, sex in ((1, "Male"), (2, "Female"))], ignore_index=True)
    fig = _build(by_sex, indicator, target=18.0)
    assert (fig.layout.yaxis.title.text, fig.layout.yaxis2.title.text) == (
        "<b>Male</b> (%)", "<b>Female</b> (%)")
    assert fig.layout.yaxis2.matches == "y" and fig.layout.xaxis2.matches == "x"
    luton = {t.xaxis: list(t.y) for t in fig.data if t.name == "Luton" and t.fill is None}
    assert luton == {"x": [33.0, 34.0, 35.0, 36.0, 37.0], "x2": [43.0, 44.0, 45.0, 46.0, 47.0]}
    assert sorted(s.xref for s in fig.layout.shapes if s.name == "baseline") == ["x", "x2"]
    assert sorted(s.yref for s in fig.layout.shapes if s.name == "target") == ["y", "y2"]
    text = describe_trend(by_sex, indicator=indicator, area_code=AUTHORITY)
    assert "one for each of Male and Female" in text
    assert "Male: the latest value (2019) is 37.0" in text
