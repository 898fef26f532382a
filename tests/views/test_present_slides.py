"""The presentation's slide list and URL (pure functions of components/present_slides.py)."""

from __future__ import annotations

import pytest

from marmot_dash.components.present_slides import (
    PRESENT_VIEWS,
    Slide,
    build_slides,
    choose_slide,
    present_href,
)
from marmot_dash.views import view_figure


def test_each_indicator_shows_its_trend_then_its_deprivation_chart() -> None:
    slides = build_slides(["a", "b"], lambda indicator, view: True)
    assert slides == (Slide("a", "trend"), Slide("a", "deprivation"),
                      Slide("b", "trend"), Slide("b", "deprivation"))


def test_a_view_without_a_chart_is_skipped() -> None:
    missing = {("a", "deprivation"), ("b", "trend")}
    slides = build_slides(["a", "b", "c"], lambda i, v: (i, v) not in missing)
    assert slides == (Slide("a", "trend"), Slide("b", "deprivation"), Slide("c", "trend"),
                      Slide("c", "deprivation"))
    assert build_slides(["a"], lambda i, v: False) == ()


@pytest.mark.parametrize(("requested", "number"), [(None, 1), ("", 1), ("1", 1), (" 3 ", 3),
                                                   ("4", 4)])
def test_a_slide_in_range_is_chosen(requested, number) -> None:
    assert choose_slide(requested, 4, principle=2).number == number


@pytest.mark.parametrize("requested", ["0", "5", "-1", "two", "1.5", "99999999999"])
def test_a_slide_out_of_range_says_which_exist(requested) -> None:
    choice = choose_slide(requested, 4, principle=2)
    assert choice.number is None
    assert f"no slide '{requested}' for principle 2" in choice.problem
    assert "1 to 4" in choice.problem


def test_a_principle_without_charts_says_so() -> None:
    assert "no charts with data" in choose_slide(None, 0, principle=7).problem


def test_the_url_carries_principle_slide_and_callouts_choice() -> None:
    assert present_href(3) == "/present/3?slide=1"
    assert present_href(3, 5, callouts=True) == "/present/3?slide=5&callouts=on"


def test_demo_slides_all_have_charts_and_skip_only_empty_views(store) -> None:
    for principle in store.principles()["id"]:
        ids = list(store.indicators(principle=int(principle))["indicator_id"])

        def has_chart(indicator_id: str, view: str) -> bool:
            return view_figure(store, indicator_id, view, copy=False).figure is not None

        slides = build_slides(ids, has_chart)
        shown = {(s.indicator_id, s.view) for s in slides}
        for indicator_id in ids:
            for view in PRESENT_VIEWS:
                result = view_figure(store, indicator_id, view, copy=False)
                assert ((indicator_id, view) in shown) == (result.figure is not None)
        assert [s.indicator_id for s in slides] == sorted(
            (s.indicator_id for s in slides), key=ids.index)
