"""The views of a published (non-illustrative) dataset: the indicator's own source, the peer
band, MSOA places, national and local deprivation, the definition's plain statements."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dash import html

from marmot_dash.components.indicator_table import indicator_table, ordinal, rank_text
from marmot_dash.components.view_panel import definition
from marmot_dash.data import Store
from marmot_dash.data.summaries import summaries
from marmot_dash.views import (
    deprivation_choices,
    indicator_levels,
    parse_view_state,
    view_figure,
)
from tests.data.published_town import MSOAS, PEER_GROUP


def _source(fig) -> str:
    return next(a.text for a in fig.layout.annotations if a.name == "source")


def _all_text(fig) -> str:
    parts = [fig.layout.title.text or "", fig.layout.title.subtitle.text or ""]
    parts += [a.text or "" for a in fig.layout.annotations]
    parts += [t.name or "" for t in fig.data]
    return " ".join(parts)


@pytest.mark.parametrize("view", ["trend", "places", "deprivation", "cohorts"])
def test_no_chart_of_a_published_dataset_says_illustrative(published_store, view):
    result = view_figure(published_store, "smoking", view)
    assert result.figures
    for fig in result.figures:
        text = _all_text(fig).lower()
        assert "illustrative" not in text and "simulated" not in text


def test_the_source_line_names_the_publisher_and_the_periods(published_store):
    trend = view_figure(published_store, "smoking", "trend").figure
    assert _source(trend) == "Source: OHID (via ONS Explore Local Statistics), 2015 to 2020"
    places = view_figure(published_store, "children_low_income", "places", period="2017")
    assert all(_source(f) == "Source: DWP Stat-Xplore, 2017" for f in places.figures)
    deprivation = view_figure(published_store, "children_low_income", "deprivation").figure
    assert _source(deprivation) == "Source: DWP Stat-Xplore, 2015 and 2020"


def test_without_a_publisher_the_source_is_the_dataset(published_store):
    catalogue = published_store.dataset.indicators.assign(publisher=None)
    bare = Store(replace(published_store.dataset, indicators=catalogue))
    fig = view_figure(bare, "smoking", "trend").figure
    assert _source(fig) == "Source: Test town: published figures, 2015 to 2020"


def test_the_trend_shows_the_peer_group_median_and_range(published_store):
    result = view_figure(published_store, "smoking", "trend")
    names = [trace.name for trace in result.figure.data]
    assert f"{PEER_GROUP['name']}: range" in names
    median = next(t for t in result.figure.data
                  if t.name == PEER_GROUP["name"])
    assert list(median.y) == [20.0, 19.0, 18.0, 17.0, 16.0, 15.0]
    assert ("against England, East of England and 4 similar authorities (median and range)"
            in result.figure.layout.title.subtitle.text)
    assert "Among Test neighbours (4 with a value in 2020) the median was 15" in \
        result.description
    assert set(result.table["area_type"]) >= {"la", "england", "comparator"}


def test_no_band_without_peer_values(published_store):
    names = [t.name or "" for t in view_figure(published_store, "employment", "trend").figure.data]
    assert not any("Test neighbours" in name for name in names)


def test_places_offer_only_the_levels_with_rows_and_map_msoas(published_store):
    assert indicator_levels(published_store, "smoking") == ["ward", "lsoa"]
    assert indicator_levels(published_store, "children_low_income") == ["msoa"]
    state = parse_view_state(published_store, "/principle/4", "?view=places")
    assert state.level == "msoa" and state.problem is None
    result = view_figure(published_store, "children_low_income", "places", level="msoa")
    assert len(result.figures) == 2  # the map and the ranked bars
    (choropleth,) = result.figures[0].data
    assert sorted(choropleth.locations) == sorted(MSOAS)
    assert "MSOAs" in result.figures[0].layout.title.subtitle.text


def test_deprivation_groupings_national_first_and_chosen_by_url(published_store):
    assert deprivation_choices(published_store, "children_low_income") == [
        "national_decile", "local_quintile"]
    national = view_figure(published_store, "children_low_income", "deprivation")
    assert "national deprivation decile" in national.figure.layout.title.text
    assert national.figure.layout.xaxis.title.text.startswith(
        "National deprivation decile (1 = most deprived, 10 = least)")
    local = view_figure(published_store, "children_low_income", "deprivation",
                        deprivation="local_quintile")
    assert "by deprivation quintile within Town" in local.figure.layout.title.text
    assert set(local.table["breakdown"]) == {"local_deprivation_quintile"}
    missing = view_figure(published_store, "children_low_income", "deprivation",
                          deprivation="local_decile")
    assert missing.message == ("Child low income has no breakdown by deprivation decile within "
                               "Town in this dataset.")


def test_a_bad_deprivation_grouping_is_a_problem_in_words(published_store):
    state = parse_view_state(published_store, "/principle/4", "?view=deprivation&deprivation=x")
    assert state.problem.startswith("There is no deprivation grouping 'x'.")
    good = parse_view_state(published_store, "/principle/4",
                            "?view=deprivation&deprivation=local_quintile")
    assert good.deprivation == "local_quintile" and good.problem is None


def test_the_data_view_holds_peers_msoas_and_every_deprivation_grouping(published_store):
    table = view_figure(published_store, "children_low_income", "data").table
    assert {"msoa", "la", "england"} <= set(table["area_type"])
    assert {"deprivation_decile", "local_deprivation_quintile"} <= set(table["breakdown"])
    assert "comparator" in set(view_figure(published_store, "smoking", "data").table["area_type"])


def _texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    children = getattr(node, "children", None)
    if children is None:
        return []
    children = children if isinstance(children, list | tuple) else [children]
    return [text for child in children for text in _texts(child)]


def test_the_definition_says_publisher_polarity_cohorts_and_how_peers_were_chosen(published_store):
    indicator = published_store.indicator("employment")
    text = " ".join(_texts(definition(indicator, cohorts=[],
                                      peer_group=published_store.peer_group)))
    assert "ONS Annual Population Survey (via ONS Explore Local Statistics)" in text
    assert "Higher is better" in text and "2015" in text
    assert "No breakdown by sex, age or ethnicity is published for this indicator." in text
    assert "None listed (not tagged JSNA or Luton 2040)" in text
    assert PEER_GROUP["description"] in text
    with_sex = " ".join(_texts(definition(published_store.indicator("smoking"), cohorts=["sex"])))
    assert "Published by sex." in with_sex and "No breakdown" not in with_sex


@pytest.mark.parametrize(("number", "word"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                              (11, "11th"), (12, "12th"), (13, "13th"),
                                              (21, "21st"), (112, "112th")])
def test_ordinal(number, word):
    assert ordinal(number) == word


def test_rank_words():
    assert rank_text(3.0, 16.0, "lower_is_better") == "3rd of 16"
    assert rank_text(3, 16, "no_judgement") == "3rd highest of 16"
    assert rank_text(float("nan"), 16, "lower_is_better") == "Not ranked"


def test_the_indicator_table_ranks_among_the_peer_group_and_copes_with_no_tag(published_store):
    indicators = published_store.indicators()
    table = indicator_table(indicators, summaries(published_store), href_for=lambda i: f"/{i}",
                            peer_name=PEER_GROUP["name"])
    text = " ".join(_texts(table))
    assert "Rank among similar authorities (1 = best)" in text
    assert "and the rank among Test neighbours" in text
    assert "2nd of 5" in text and "3rd highest of 5" in text
    employment = next(row for row in table.children[2].children
                      if row.to_plotly_json()["props"]["data-indicator"] == "employment")
    badges = [c for c in employment.children[0].children[1].children
              if isinstance(c, html.Span)]
    assert badges == []
