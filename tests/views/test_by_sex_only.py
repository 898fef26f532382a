"""An indicator published by sex only (no total, like ONS life expectancy): the Trend view draws
one panel per sex with same-sex comparators and peer band, the summaries and the indicator table
give each sex's figures and say plainly that it is published by sex only (the small published
town of ``tests/data/published_town.py`` plus one such indicator). The cohorts sentence names
pupil groups only for indicators of pupils."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash import html

from marmot_dash.components.indicator_table import indicator_table
from marmot_dash.data import Store, load_dataset, schema, write_dataset
from marmot_dash.data.summaries import BY_SEX_ONLY, peer_band, summaries, summary
from marmot_dash.views import no_cohorts_message, view_figure
from tests.data import published_town, town
from tests.data.published_town import PEER_GROUP, PEERS

HLE = "healthy_life"
YEARS = town.YEARS
# Latest-year values by sex: the town, England, the region and the four peers.
TOWN = {"Male": 58.0, "Female": 64.0}
ENGLAND = {"Male": 62.0, "Female": 62.0}  # the town is worse for males, better for females
REGION = {"Male": 63.0, "Female": 63.5}
PEER_VALUES = {"Male": (57.0, 59.0, 60.0, 61.0), "Female": (60.0, 61.0, 62.0, 66.0)}
HALF = 1.0  # every interval is the value +/- 1 year


def _row(code: str, name: str, area_type: str, year: int, sex: str, value: float) -> dict:
    return {"indicator_id": HLE, "area_code": code, "area_name": name, "area_type": area_type,
            "period": str(year), "period_sort": year, "breakdown": "sex", "category": sex,
            "category_sort": schema.SEXES.index(sex) + 1, "value": value,
            "lower_ci": value - HALF, "upper_ci": value + HALF, "lower_ci_998": value - 2 * HALF,
            "upper_ci_998": value + 2 * HALF, "count": np.nan, "denominator": np.nan,
            "note": None}


def _values(with_peers: bool) -> pd.DataFrame:
    """Flat over the years except the town, which rises by 0.5 a year to its latest value."""
    rows = []
    for step, year in enumerate(YEARS):
        back = 0.5 * (len(YEARS) - 1 - step)
        for sex in schema.SEXES:
            rows.append(_row(town.LA, "Town", "la", year, sex, TOWN[sex] - back))
            rows.append(_row(town.ENGLAND, "England", "england", year, sex, ENGLAND[sex]))
            rows.append(_row(town.REGION, "East of England", "region", year, sex, REGION[sex]))
            if with_peers:
                rows += [_row(code, name, "comparator", year, sex, value) for (code, name), value
                         in zip(PEERS, PEER_VALUES[sex], strict=True)]
    return pd.DataFrame(rows)


def write_town_with_sex_only(directory: Path, *, with_peers: bool = True) -> Path:
    """The published town plus ``HLE``, published for males and females only."""
    catalogue = published_town.catalogue()
    extra = catalogue[catalogue["indicator_id"] == "life_expectancy"].assign(
        indicator_id=HLE, name="Healthy life expectancy at birth, by sex",
        short_name="Healthy life expectancy", principle=6, baseline_period="2016",
        target=np.nan, target_period=None)
    parts = town.parts()
    parts.update(meta=published_town.meta(), areas=published_town.areas(),
                 indicators=pd.concat([catalogue, extra], ignore_index=True),
                 values=pd.concat([published_town.values(), _values(with_peers)],
                                  ignore_index=True)[list(schema.VALUE_COLUMNS)])
    parts["geo"] = {**parts["geo"], "msoa": town.collection(published_town.MSOAS)}
    return write_dataset(directory, **parts)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(load_dataset(write_town_with_sex_only(tmp_path_factory.mktemp("by-sex"))))


def _text(node) -> str:
    """What a cell reads as: its text in order, a line break as a space."""
    if isinstance(node, str):
        return node
    if isinstance(node, html.Br):
        return " "
    children = getattr(node, "children", None)
    children = children if isinstance(children, list | tuple) else [children]
    return "".join(_text(child) for child in children if child is not None)


def _lines(fig, name: str) -> dict[str, object]:
    """The traces named ``name`` drawn as lines, by x axis ("x" or "x2")."""
    return {t.xaxis or "x": t for t in fig.data
            if t.name == name and t.mode and "lines" in t.mode and t.fill is None}


def test_the_trend_draws_one_panel_per_sex_with_its_comparators(store):
    result = view_figure(store, HLE, "trend")
    assert result.message is None
    fig = result.figure
    assert fig.layout.title.text == "<b>Healthy life expectancy: trend by sex</b>"
    assert "published by sex only" in fig.layout.title.subtitle.text
    assert fig.layout.yaxis.title.text == "<b>Male</b> (years)"
    assert fig.layout.yaxis2.title.text == "<b>Female</b> (years)"
    assert fig.layout.yaxis2.matches == "y"  # one value scale for both sexes
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    town_lines, england_lines = _lines(fig, "Town"), _lines(fig, "England")
    for axis, sex in (("x", "Male"), ("x2", "Female")):
        assert list(town_lines[axis].x) == [str(y) for y in YEARS]
        assert town_lines[axis].y[-1] == TOWN[sex]
        assert set(england_lines[axis].y) == {ENGLAND[sex]}
        assert _lines(fig, "East of England")[axis].y[-1] == REGION[sex]
    # Each legend entry once, though both panels draw it.
    shown = [t.name for t in fig.data if t.showlegend is not False and t.name != "periods"]
    assert len(shown) == len(set(shown))


def test_each_sex_is_benchmarked_against_england_of_the_same_sex(store):
    fig = view_figure(store, HLE, "trend").figure
    latest = {(t.xaxis or "x"): t.name for t in fig.data
              if t.legendgroup and t.legendgroup.startswith("benchmark-") and
              str(YEARS[-1]) in list(t.x)}
    assert latest == {"x": "Worse than England", "x2": "Better than England"}


def test_the_peer_band_is_drawn_per_sex(store):
    band = peer_band(store, HLE, "sex")
    latest = band[band["period"] == str(YEARS[-1])].set_index("category")
    for sex in schema.SEXES:
        assert latest.at[sex, "median"] == pytest.approx(np.median(PEER_VALUES[sex]))
        assert (latest.at[sex, "minimum"], latest.at[sex, "maximum"]) == (
            min(PEER_VALUES[sex]), max(PEER_VALUES[sex]))
    fig = view_figure(store, HLE, "trend").figure
    medians = {(t.xaxis or "x"): t.y[-1] for t in fig.data if t.name == PEER_GROUP["name"]}
    assert medians == {"x": np.median(PEER_VALUES["Male"]),
                       "x2": np.median(PEER_VALUES["Female"])}


def test_without_peer_rows_by_sex_there_is_no_band(tmp_path: Path):
    other = Store(load_dataset(write_town_with_sex_only(tmp_path / "d", with_peers=False)))
    assert peer_band(other, HLE, "sex").empty
    result = view_figure(other, HLE, "trend")
    assert not [t for t in result.figure.data if t.legendgroup == "peer"]
    assert len(_lines(result.figure, "Town")) == 2


def test_the_description_says_each_sex_and_why(store):
    text = view_figure(store, HLE, "trend").description
    assert "published by sex only" in text
    assert f"Male: the latest value ({YEARS[-1]}) is 58.0" in text
    assert "worse than England (England 62.0)" in text
    assert f"Female: the latest value ({YEARS[-1]}) is 64.0" in text


def test_the_table_holds_both_sexes_and_the_peers(store):
    table = view_figure(store, HLE, "trend").table
    assert set(table["category"]) == set(schema.SEXES)
    assert set(table["area_code"]) >= {town.LA, town.ENGLAND, *[code for code, _ in PEERS]}


def test_an_indicator_with_a_total_keeps_one_chart(store):
    fig = view_figure(store, "smoking", "trend").figure
    assert "xaxis2" not in fig.layout.to_plotly_json()
    assert fig.layout.xaxis.title.text == "Period"


def test_the_summary_says_published_by_sex_only_with_each_sex(store):
    got = summary(store, HLE)
    assert np.isnan(got["value"]) and got["note"] == BY_SEX_ONLY
    by_sex = {row["category"]: row for row in got["by_sex"]}
    assert list(by_sex) == list(schema.SEXES)
    male, female = by_sex["Male"], by_sex["Female"]
    assert (male["value"], male["england_value"], male["benchmark"]) == (58.0, 62.0, "worse")
    assert (female["value"], female["benchmark"]) == (64.0, "better")
    assert male["baseline_value"] == TOWN["Male"] - 0.5 * (len(YEARS) - 2)  # baseline 2016
    assert male["change_judgement"] == "improved"  # 2 years more, intervals of +/- 1
    assert (male["peer_rank"], male["peer_count"]) == (4, 5)  # higher is better: 59, 60, 61
    assert (female["peer_rank"], female["peer_count"]) == (2, 5)
    assert summary(store, "smoking")["note"] == "" and summary(store, "smoking")["by_sex"] == []


def test_the_indicator_table_says_published_by_sex_only_not_blanks(store):
    indicators = store.indicators(principle=6)
    table = indicator_table(indicators, summaries(store), href_for=lambda i: i,
                            peer_name=PEER_GROUP["name"])
    row = next(r for r in table.children[2].children if r.to_plotly_json()["props"].get(
        "data-indicator") == HLE)
    cells = [_text(cell) for cell in row.children if cell is not None]
    latest, baseline, change, england, compared = cells[1:6]
    assert "Male 58.0" in latest and "Female 64.0" in latest and "n/a" not in latest
    assert BY_SEX_ONLY in latest
    assert "Male 56.0" in baseline and "(2016)" in baseline
    assert "Male ▲ Improved" in change
    assert "Male 62.0" in england and "Female 62.0" in england
    assert "Male ▼ Worse" in compared and "Female ▲ Better" in compared
    assert "Male 4th of 5" in cells[-2] and "Female 2nd of 5" in cells[-2]


@pytest.mark.parametrize(("name", "expected"), [
    ("Persistently absent pupils",
     "No breakdown by sex, age, ethnicity or pupil group is published for this indicator."),
    ("Adults who smoke", "No breakdown by sex, age or ethnicity is published for this indicator."),
])
def test_the_cohorts_sentence_names_pupil_groups_for_pupils(name, expected):
    assert no_cohorts_message({"name": name}) == expected


def test_the_cohorts_view_says_the_sentence_per_indicator(store):
    result = view_figure(store, "employment", "cohorts")
    assert result.message == ("No breakdown by sex, age or ethnicity is published for this "
                              "indicator.")
