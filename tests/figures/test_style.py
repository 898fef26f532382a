"""Benchmark colours, symbols and words; the dcc.Graph config for slide-sized downloads."""

from __future__ import annotations

from marmot_dash.figures.style import (
    BENCHMARK_COLOURS,
    BENCHMARK_LABELS,
    BENCHMARK_SYMBOLS,
    BENCHMARK_WORDS,
    TREND_ARROWS,
    TREND_WORDS,
    benchmark_colour,
    benchmark_symbol,
    benchmark_word,
    graph_config,
)
from marmot_dash.stats.compare import TREND_LABELS


def test_fingertips_colours():
    assert BENCHMARK_COLOURS == {
        "better": "#92D050", "similar": "#FFC000", "worse": "#C00000",
        "higher": "#BED2FF", "lower": "#5555E6", "not_compared": "#C9C9C9",
    }


def test_every_label_has_a_distinct_symbol_and_word():
    for table in (BENCHMARK_SYMBOLS, BENCHMARK_WORDS):
        assert set(table) == set(BENCHMARK_LABELS)
        assert len(set(table.values())) == len(BENCHMARK_LABELS)


def test_trend_marks_cover_the_stats_labels():
    assert set(TREND_ARROWS) == set(TREND_LABELS) == set(TREND_WORDS)


def test_unknown_or_missing_label_reads_as_not_compared():
    assert benchmark_colour(None) == "#C9C9C9"
    assert benchmark_symbol("nonsense") == BENCHMARK_SYMBOLS["not_compared"]
    assert benchmark_word(float("nan")) == "Not compared"


def test_graph_config_downloads_a_named_1920x1080_png_without_cloud_button():
    config = graph_config("smoking_trend_2026-11-27")
    assert config["toImageButtonOptions"] == {
        "format": "png", "width": 1920, "height": 1080, "scale": 1,
        "filename": "smoking_trend_2026-11-27",
    }
    removed = config["modeBarButtonsToRemove"]
    assert {"sendChartToCloud", "lasso2d", "select2d"} <= set(removed)
    assert config["displaylogo"] is False
    assert config["responsive"] is True
