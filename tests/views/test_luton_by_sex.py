"""Real Luton (skips without ../shared): life expectancy, life expectancy at 65 and healthy life
expectancy are published by sex only; their Trend view draws Male and Female panels whose lines
are the published figures (read here from the raw ONS table with plain pandas), with the peer
band per sex, and the summaries and indicator table say "published by sex only"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marmot_dash.components.indicator_table import indicator_table
from marmot_dash.data import Store, load_dataset
from marmot_dash.data.summaries import BY_SEX_ONLY, summaries, summary
from marmot_dash.ingest.build import build_dataset
from marmot_dash.views import view_figure
from tests.conftest import REPO_ROOT, shared_path

LUTON, ENGLAND = "E06000032", "E92000001"
BY_SEX = ("P6-life-expectancy", "P6-life-expectancy-65", "P6-healthy-life-expectancy")
LE_FILES = {"Male": "ons_le_le_at_birth_males_uk_la_2001-03_to_2016-18.csv",
            "Female": "ons_le_le_at_birth_females_uk_la_2001-03_to_2016-18.csv"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    shared_path("data", "luton")
    out = build_dataset(REPO_ROOT / "examples" / "luton" / "sources.yaml",
                        tmp_path_factory.mktemp("luton-by-sex") / "data", progress=False)
    return Store(load_dataset(out))


def _raw(luton_dir: Path, sex: str) -> pd.DataFrame:
    """The ONS wide table: one row per area, one column per rolling period."""
    return pd.read_csv(luton_dir / "ons_life_expectancy" / LE_FILES[sex]).set_index("Area Codes")


@pytest.mark.parametrize("indicator", BY_SEX)
def test_the_trend_draws_male_and_female_panels(store, indicator):
    result = view_figure(store, indicator, "trend")
    assert result.message is None
    fig = result.figure
    assert (fig.layout.yaxis.title.text, fig.layout.yaxis2.title.text) == (
        "<b>Male</b> (years)", "<b>Female</b> (years)")
    assert {t.xaxis or "x" for t in fig.data if t.name == "Luton" and t.fill is None} == {
        "x", "x2"}
    assert "published by sex only" in result.description


def test_life_expectancy_lines_are_the_published_figures(store, luton_dir: Path):
    fig = view_figure(store, "P6-life-expectancy", "trend").figure
    for axis, sex in (("x", "Male"), ("x2", "Female")):
        raw = _raw(luton_dir, sex)
        periods = [c for c in raw.columns if c != "Area Names"]
        for name, code in (("Luton", LUTON), ("England", ENGLAND)):
            line = next(t for t in fig.data if t.name == name and (t.xaxis or "x") == axis
                        and t.fill is None and "lines" in t.mode)
            assert list(line.x) == periods
            np.testing.assert_allclose(np.array(line.y, dtype=float),
                                       raw.loc[code, periods].to_numpy(dtype=float))


def test_the_peer_band_is_the_members_median_per_sex(store, luton_dir: Path):
    fig = view_figure(store, "P6-life-expectancy", "trend").figure
    members = [m["code"] for m in store.peer_group["members"]]
    for axis, sex in (("x", "Male"), ("x2", "Female")):
        latest = _raw(luton_dir, sex).loc[members, "2016-2018"].astype(float)
        median = next(t for t in fig.data if t.legendgroup == "peer" and t.fill is None
                      and (t.xaxis or "x") == axis)
        assert median.y[-1] == pytest.approx(float(np.median(latest)))


@pytest.mark.parametrize("indicator", BY_SEX)
def test_summaries_and_the_table_say_published_by_sex_only(store, indicator):
    got = summary(store, indicator)
    assert got["note"] == BY_SEX_ONLY
    assert [row["category"] for row in got["by_sex"]] == ["Male", "Female"]
    assert all(np.isfinite(row["value"]) and np.isfinite(row["england_value"])
               for row in got["by_sex"])
    table = indicator_table(store.indicators(principle=6), summaries(store),
                            href_for=lambda i: i, peer_name=store.peer_group["name"])
    assert BY_SEX_ONLY in str(table.to_plotly_json())


def test_a_pupil_indicator_without_cohorts_names_pupil_groups(store):
    result = view_figure(store, "P2-gcse-english-maths", "cohorts")
    assert result.message == ("No breakdown by sex, age, ethnicity or pupil group is published "
                              "for this indicator.")
    assert view_figure(store, "P2-persistent-absence", "cohorts").message is None
