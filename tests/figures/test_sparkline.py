"""build_sparkline: a tiny line with no axes, gaps kept."""

from __future__ import annotations

import math

from marmot_dash.figures.sparkline import build_sparkline, describe_sparkline


def test_sparkline_has_no_axes_legend_or_hover():
    fig = build_sparkline([1.0, 2.0, 3.0], colour="#0072B2")
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.showlegend is False
    assert fig.layout.hovermode is False
    assert fig.data[0].line.color == "#0072B2"
    assert list(fig.data[1].x) == [2]


def test_missing_values_break_the_line():
    fig = build_sparkline([1.0, math.nan, 3.0, math.nan], colour="#000000")
    assert list(fig.data[0].y) == [1.0, None, 3.0, None]
    assert list(fig.data[1].x) == [2]


def test_empty_sparkline_draws_no_last_point():
    assert len(build_sparkline([], colour="#000000").data) == 1
    assert describe_sparkline([]) == "No values to show."
