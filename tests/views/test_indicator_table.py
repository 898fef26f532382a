"""The spine-chart-like indicator table: one row per indicator with the summaries' numbers."""

from __future__ import annotations

import pytest

from marmot_dash.components.indicator_table import indicator_table, sparkline_image
from marmot_dash.data.summaries import summaries, summary
from marmot_dash.figures.style import BENCHMARK_WORDS


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from _walk(child)
    elif children is not None:
        yield from _walk(children)


def _text(node) -> str:
    return "".join(n if isinstance(n, str) else "" for n in _walk(node))


@pytest.mark.parametrize("principle", [1, 4, 8])
def test_one_row_per_indicator_with_the_summary_numbers(store, principle: int) -> None:
    indicators = store.indicators(principle=principle)
    table = indicator_table(indicators, summaries(store), href_for=lambda i: f"/x?indicator={i}",
                            selected=indicators["indicator_id"].iloc[0])
    rows = [n for n in _walk(table) if getattr(n, "className", "") and
            str(n.className).startswith("indicator-row")]
    assert [r.to_plotly_json()["props"]["data-indicator"] for r in rows] == \
        list(indicators["indicator_id"])
    for row in rows:
        indicator_id = row.to_plotly_json()["props"]["data-indicator"]
        expected = summary(store, indicator_id)
        cells = row.children
        value_cell = cells[1].to_plotly_json()["props"]["data-value"]
        if value_cell:
            assert float(value_cell) == pytest.approx(float(expected["value"]))
        assert BENCHMARK_WORDS[expected["benchmark"]] in _text(row)
    assert sum("selected" in str(r.className) for r in rows) == 1


def test_sparkline_is_a_small_svg_with_words() -> None:
    image = sparkline_image([1.0, 2.0, float("nan"), 3.5], {"value_type": "rate"})
    assert image.src.startswith("data:image/svg+xml,")
    assert len(image.src) < 1000
    assert image.alt == "Last 3 values, from 1.0 to 3.5"
    assert sparkline_image([1.0], {}) == "–"
