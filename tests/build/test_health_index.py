"""The ONS Health Index layouts (long underlying values, wide scores) in a build: small files in
the real files' shapes, mapped by the sources file; every bad input gives one clear line naming
the file, row and column, and leaves the previous dataset untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import Store, load_dataset
from marmot_dash.ingest.validate import guess_kind
from marmot_dash.views import view_figure

from .conftest import (
    Previous,
    assert_build_refused,
    bad_input_cases,
    build_previous,
    write_mini_sources_plus,
)
from .test_bad_inputs import Mutation, append_line, cell, drop_column, sources_edit
from .test_series_bad_inputs import replace_all

HI, SCORES = "hi.csv", "hi_scores.csv"
FILES = {
    HI: "ltla21_code,year,indicator,value\n"
        "E06000032,2016,Infant mortality,5.356116238\n"
        "E06000032,2015,Infant mortality,5.040418272\n"
        "E06000032,2015,Suicides,7.7\n"
        "E06000032,2016,Suicides,9\n"
        "E06000001,2015,Infant mortality,3.952569170\n",
    SCORES: "ltla21_code,year,overall_score,healthy_people_domain_score\n"
            "E06000032,2015,93.4,95.7\n"
            "E06000032,2016,90.5,93.1\n"
            "E06000001,2015,88.3,83.9\n",
}
CATALOGUE = (
    "indicator_id,name,principle,unit,value_type,multiplier,polarity,baseline_period,"
    "source_url,publisher\n"
    "P1-infant-mortality-hi,Infant mortality,1,,score,1,lower_is_better,2016,,ONS Health Index\n"
    "P6-suicides-hi,Suicides,6,,score,1,lower_is_better,2016,,ONS Health Index\n"
    "P6-hi-score,Health Index score,6,index (England 2015 = 100),score,1,higher_is_better,2016,"
    ",ONS Health Index\n"
)
INDICATORS = [
    {"kind": "ons_health_index", "path": HI,
     "indicators": {"Infant mortality": "P1-infant-mortality-hi", "Suicides": "P6-suicides-hi"}},
    {"kind": "ons_health_index", "path": SCORES, "indicators": {"overall_score": "P6-hi-score"}},
]


def write_health_index_sources(folder: Path) -> Path:
    """The mini sources plus a small file of each Health Index layout."""
    return write_mini_sources_plus(folder, {**FILES, "catalogue_hi.csv": CATALOGUE},
                                   "catalogue_hi.csv", INDICATORS)


@pytest.fixture
def hi_sources(tmp_path: Path) -> Path:
    return write_health_index_sources(tmp_path / "sources")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Previous:
    return build_previous(tmp_path_factory, write_health_index_sources)


def test_health_index_rows_arrive_as_published(previous) -> None:
    values = load_dataset(previous[0]).values
    luton = values[values["area_code"] == "E06000032"]

    def series(indicator: str) -> list[tuple[str, int, float]]:
        rows = luton[luton["indicator_id"] == indicator].sort_values("period_sort")
        return list(rows[["period", "period_sort", "value"]].itertuples(index=False, name=None))

    assert series("P1-infant-mortality-hi") == [("2015", 20150000, 5.040418272),
                                                ("2016", 20160000, 5.356116238)]
    assert series("P6-suicides-hi") == [("2015", 20150000, 7.7), ("2016", 20160000, 9.0)]
    assert series("P6-hi-score") == [("2015", 20150000, 93.4), ("2016", 20160000, 90.5)]
    hi = values[values["indicator_id"].isin(["P1-infant-mortality-hi", "P6-hi-score"])]
    assert set(hi["area_code"]) == {"E06000032"}  # Hartlepool is no known area
    assert hi[["lower_ci", "upper_ci", "count", "denominator"]].isna().all().all()


CASES = [
    # underlying indicators (long)
    ("hi-renamed-header", drop_column(HI, "value", rename="val"), HI, 1, "value"),
    ("hi-renamed-code", drop_column(HI, "ltla21_code", rename="code"), HI, 1,
     "ltla21_code or Area code"),
    ("hi-dotdot-value", cell(HI, 3, "value", ".."), HI, 3, "value"),
    ("hi-empty-value", cell(HI, 4, "value", ""), HI, 4, "value"),
    ("hi-footer-row", append_line(HI, "Source: ONS Health Index,,,\n"), HI, 7, "ltla21_code"),
    ("hi-bad-area-code", cell(HI, 2, "ltla21_code", "LUTON"), HI, 2, "ltla21_code"),
    ("hi-authority-absent", replace_all(HI, "E06000032", "E06000099"), HI, None,
     "ltla21_code"),
    ("hi-bad-year", cell(HI, 5, "year", "20x6"), HI, 5, "year"),
    ("hi-duplicate", append_line(HI, "E06000032,2015,Suicides,7.7\n"), HI, 7, "year"),
    ("hi-unmapped-indicator-named",
     sources_edit(lambda d: d["indicators"][2]["indicators"].update({"Nope": "P6-suicides-hi"})),
     HI, None, "indicator"),
    # scores (wide)
    ("scores-renamed-header", drop_column(SCORES, "year", rename="yr"), SCORES, 1, "year"),
    ("scores-dotdot-value", cell(SCORES, 3, "overall_score", ".."), SCORES, 3,
     "overall_score"),
    ("scores-footer-row", append_line(SCORES, "Source: ONS,,,\n"), SCORES, 5, "ltla21_code"),
    ("scores-bad-area-code", cell(SCORES, 2, "ltla21_code", "Luton"), SCORES, 2, "ltla21_code"),
    ("scores-bad-year", cell(SCORES, 3, "year", "2016-13"), SCORES, 3, "year"),
]


@bad_input_cases(CASES)
def test_bad_health_index_input_is_refused_clearly(
    hi_sources: Path, previous: Previous, mutate: Mutation, file: str, row, column
) -> None:
    mutate(hi_sources.parent)
    assert_build_refused(hi_sources, previous, file, row, column)


@pytest.mark.parametrize("file", [HI, SCORES])
def test_validate_each_layout(hi_sources: Path, file: str) -> None:
    path = hi_sources.parent / file
    assert guess_kind(path) == "ons_health_index"
    for arguments in (["validate", str(path), "--kind", "ons_health_index"],
                      ["validate", str(path)]):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 0, result.output
    cell(file, 2, "year", "??")(hi_sources.parent)
    result = CliRunner().invoke(cli, ["validate", str(path), "--kind", "ons_health_index"])
    assert result.exit_code == 1 and "row 2" in result.stderr, result.output


def test_trend_names_only_the_comparators_and_intervals_it_has(previous) -> None:
    """An LTLA-only source has no England or region row and no intervals: the subtitle says
    neither."""
    store = Store(load_dataset(previous[0]))
    subtitle = view_figure(store, "P6-hi-score", "trend").figure.layout.title.subtitle.text
    assert "England" not in subtitle and "intervals" not in subtitle, subtitle
