"""Places: the offline choropleth map and the ranked bars with intervals."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from marmot_dash.figures.places import (
    build_places_bar,
    build_places_map,
    describe_places,
    fit_map_to_size,
    fit_view,
    geojson_bounds,
)
from marmot_dash.figures.style import BENCHMARK_COLOURS


def test_map_is_an_offline_choroplethmap_keyed_by_area_code(places, geojson, indicator):
    fig = build_places_map(places, geojson, indicator=indicator)
    (trace,) = fig.data
    assert isinstance(trace, go.Choroplethmap)
    assert trace.featureidkey == "properties.area_code"
    feature_ids = {f["properties"]["area_code"] for f in trace.geojson["features"]}
    assert set(trace.locations) == feature_ids
    assert list(trace.z) == [30.0, 22.0, 12.0]
    assert fig.layout.map.style == "white-bg"


def test_map_fits_the_boundaries(places, geojson, indicator):
    fig = build_places_map(places, geojson, indicator=indicator)
    west, south, east, north = geojson_bounds(geojson)
    assert (west, south, east, north) == pytest.approx((-0.45, 51.87, -0.42, 51.88))
    assert fig.layout.map.center.lon == pytest.approx((west + east) / 2)
    assert fig.layout.map.center.lat == pytest.approx((south + north) / 2)
    assert 10 < fig.layout.map.zoom < 16
    _, wider = fit_view((-1.0, 51.0, 1.0, 52.0))
    assert wider < fig.layout.map.zoom


def test_map_hover_has_value_interval_and_comparison_word(places, geojson, indicator):
    (trace,) = build_places_map(places, geojson, indicator=indicator).data
    assert list(trace.customdata[0]) == ["Biscot", "30.0", "27.0", "33.0", "Worse"]
    assert "95% CI" in trace.hovertemplate


def test_map_by_comparison_names_each_colour(places, geojson, indicator):
    fig = build_places_map(places, geojson, indicator=indicator, colour_by="comparison",
                           map_style="open-street-map")
    assert fig.layout.map.style == "open-street-map"
    (trace,) = fig.data  # one trace: the boundaries are sent once
    words = list(trace.colorbar.ticktext)
    assert words == ["Better", "Similar", "Worse"]
    worse = words.index("Worse")
    assert list(trace.z) == [worse, words.index("Similar"), words.index("Better")]
    steps = len(words)
    band = trace.colorscale[2 * worse : 2 * worse + 2]  # the stepped band of code "worse"
    assert [stop for stop, _ in band] == [worse / steps, (worse + 1) / steps]
    assert {colour for _, colour in band} == {BENCHMARK_COLOURS["worse"]}
    assert trace.zmin == -0.5 and trace.zmax == steps - 0.5


def test_bars_ranked_with_intervals_coloured_and_labelled(places, indicator):
    fig = build_places_bar(places, indicator=indicator, reference_value=21.0,
                           reference_label="Luton")
    assert list(fig.layout.yaxis.categoryarray) == ["Wigmore", "Challney", "Biscot"]
    worse = next(t for t in fig.data if t.name == "Worse")
    assert worse.orientation == "h"
    assert worse.marker.color == BENCHMARK_COLOURS["worse"]
    assert list(worse.text) == ["Worse"]
    assert list(worse.error_x.array) == [3.0] and list(worse.error_x.arrayminus) == [3.0]
    reference = next(s for s in fig.layout.shapes if s.name == "reference")
    assert reference.x0 == reference.x1 == 21.0
    entry = next(t for t in fig.data if t.name == "Luton 21.0")
    assert entry.line.dash == "dash" and entry.mode == "lines"


def test_bars_without_reference_value(places, indicator):
    fig = build_places_bar(places, indicator=indicator, reference_value=None,
                           reference_label="Luton")
    assert not fig.layout.shapes


def test_description_names_best_and_worst(places, indicator):
    text = describe_places(places, indicator=indicator, reference_label="Luton", level="ward")
    assert "3 wards" in text
    assert "Best: Wigmore; worst: Biscot." in text
    assert "1 better, 1 similar, 1 worse" in text


def test_map_refits_to_a_slide_without_changing_the_screen_figure(places, geojson, indicator):
    fig = build_places_map(places, geojson, indicator=indicator)
    screen_zoom = fig.layout.map.zoom
    slide = fit_map_to_size(fig, 1920, 1080)
    assert slide.layout.map.zoom > screen_zoom + 1
    assert fig.layout.map.zoom == screen_zoom
    assert slide.layout.map.center == fig.layout.map.center


def test_refit_leaves_other_figures_alone(places, indicator):
    bar = build_places_bar(places, indicator=indicator, reference_value=None,
                           reference_label="Luton")
    assert fit_map_to_size(bar, 1920, 1080) is bar
