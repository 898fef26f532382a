"""URL state: good links parse to the state they describe; bad ones give a problem in words."""

from __future__ import annotations

import pytest

from marmot_dash.views import VIEWS, ViewState, parse_view_state, view_state_to_search


def _first_indicator(store, principle: int) -> str:
    return str(store.indicators(principle=principle)["indicator_id"].iloc[0])


def test_defaults_are_the_first_indicator_the_trend_view_and_the_first_level(store) -> None:
    state = parse_view_state(store, "/principle/1", "")
    assert state.problem is None
    assert state == ViewState(principle=1, indicator=_first_indicator(store, 1), view="trend",
                              level=store.levels[0], period=None)


@pytest.mark.parametrize("view", VIEWS)
def test_a_full_link_round_trips(store, view: str) -> None:
    indicator = _first_indicator(store, 3)
    level = store.levels[-1]
    period = store.periods(indicator, area_type=level)[0]
    state = ViewState(principle=3, indicator=indicator, view=view, level=level, period=period,
                      callouts=True)
    search = view_state_to_search(state)
    assert parse_view_state(store, "/principle/3", search) == state


def test_search_leaves_out_empty_values() -> None:
    state = ViewState(principle=2, indicator="abc", view="trend", level=None, period=None)
    assert view_state_to_search(state) == "?indicator=abc&view=trend"


@pytest.mark.parametrize(
    ("pathname", "search", "words"),
    [
        ("/principle/9", "", "no principle '9'"),
        ("/principle/x", "", "no principle 'x'"),
        ("/principle/", "", "no principle"),
        ("/principle/1", "?indicator=nope", "no indicator 'nope'"),
        ("/principle/1", "?view=pie", "no view 'pie'"),
        ("/principle/1", "?level=county", "no level 'county'"),
        ("/principle/1", "?period=1066", "no period '1066'"),
        ("/principle/1", "?indicator=%3Cscript%3E", "no indicator '<script>'"),
    ],
)
def test_bad_values_give_a_clear_problem(store, pathname: str, search: str, words: str) -> None:
    state = parse_view_state(store, pathname, search)
    assert state.problem is not None
    assert words in state.problem


def test_an_indicator_of_another_principle_names_its_principle(store) -> None:
    other = _first_indicator(store, 2)
    state = parse_view_state(store, "/principle/1", f"?indicator={other}")
    assert "belongs to principle 2" in state.problem
