"""build_trend: lines with bands, benchmark colours and symbols, baseline and target marks."""

from __future__ import annotations

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
