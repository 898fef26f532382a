"""Bad inputs for each small-area layout (Census 2021 long and wide, Stat-Xplore, ONS HLE):
one clear line naming the file, row and column, and the previous dataset left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import load_dataset
from marmot_dash.ingest.build import build_dataset

from .conftest import Previous, assert_build_refused, bad_input_cases, build_previous
from .small_area_sources import WIDE_NOT_WELL, write_small_area_sources
from .test_bad_inputs import (
    Mutation,
    append_line,
    both,
    cell,
    drop_column,
    replace_bytes,
    sources_edit,
)

LONG, WIDE, SX, HLE = "census_long.csv", "census_wide.csv", "cilif_msoa.csv", "hle_msoa.csv"
PROP = "Proportion who cannot speak English (well)"
HLE_COLUMN = "HLE (years)"


def both_cells(file: str, row_a: int, row_b: int, column: str, value: str) -> Mutation:
    """The same cell of two rows (both rows of one LSOA in the long layout)."""
    return both(cell(file, row_a, column, value), cell(file, row_b, column, value))


def entry(index: int, **changes: object) -> Mutation:
    return sources_edit(lambda d: d["indicators"][2 + index].update(changes))


CASES = [
    # Census 2021, long layout
    ("long-renamed-header", drop_column(LONG, "n", rename="count"), LONG, 1, "n"),
    ("long-suppressed-count", cell(LONG, 3, "n", ".."), LONG, 3, "n"),
    ("long-footer-row", append_line(LONG, "Total,1800,All,1800,1\n"), LONG, 10, "lsoa21_code"),
    ("long-unknown-area", both_cells(LONG, 8, 9, "lsoa21_code", "E01999999"), LONG, 8,
     "area code"),
    ("long-period", entry(0, period="latest"), "sources.yaml", None,
     "indicators (census_long.csv).period"),
    ("long-percent-over-100", cell(LONG, 2, "prop", "10"), LONG, 2, "prop"),
    ("long-count-above-denominator", cell(LONG, 2, "n", "600"), LONG, 2, "n"),
    ("long-unknown-category", entry(0, numerator=["-1"]), LONG, None, "occupancy_rating"),
    # Census 2021, wide layout
    ("wide-renamed-header", drop_column(WIDE, "msoa21_code", rename="code"), WIDE, 1,
     "lsoa21_code or msoa21_code or lsoa11_code or msoa11_code"),
    ("wide-suppressed-count", cell(WIDE, 2, WIDE_NOT_WELL, ".."), WIDE, 2, WIDE_NOT_WELL),
    ("wide-footer-row", append_line(WIDE, "Total,2850,150,0.05\n"), WIDE, 4, "msoa21_code"),
    ("wide-unknown-area", cell(WIDE, 3, "msoa21_code", "E02999999"), WIDE, 3, "area code"),
    ("wide-percent-over-100", cell(WIDE, 3, PROP, "2.5"), WIDE, 3, PROP),
    ("wide-count-above-denominator",
     both(cell(WIDE, 2, WIDE_NOT_WELL, "5000"), entry(1, denominator=[
         "Main language is English"])), WIDE, 2, WIDE_NOT_WELL),
    # DWP Stat-Xplore
    ("sx-renamed-header", replace_bytes(SX, b'"2014/15",', b'"FYE 2015",'), SX, 1, "FYE 2015"),
    ("sx-text-in-count", replace_bytes(SX, b"60,", b"sixty,"), SX, 2, "2014/15"),
    ("sx-unknown-msoa", replace_bytes(SX, b'"Mini 002"', b'"Mini 099"'), SX, 3, "Year"),
    ("sx-period-will-not-parse", replace_bytes(SX, b'"2015/16 (p)"', b'"2015/17 (p)"'), SX, 1,
     "2015/17 (p)"),
    ("sx-count-above-denominator", replace_bytes(SX, b"70,", b"700,"), SX, 2, "2015/16 (p)"),
    ("sx-extra-filled-cell", append_line(SX, '"Mini 003",1,,2,,3,4\n'), SX, 4, None),
    ("sx-authority-missing", replace_bytes("cilif_la.csv", b'"Luton"', b'"Lutton"'),
     "cilif_la.csv", None, "Year"),
    # ONS healthy life expectancy
    ("hle-renamed-header", drop_column(HLE, HLE_COLUMN, rename="HLE"), HLE, 1,
     "HLE (years) or DFLE (years)"),
    ("hle-suppressed-value", cell(HLE, 2, HLE_COLUMN, ".."), HLE, 2, HLE_COLUMN),
    ("hle-footer-row", append_line(HLE, "Total,,,63,,62,64,80,79,81,79\n"), HLE, 4,
     "MSOA Codes"),
    ("hle-unknown-area", cell(HLE, 3, "MSOA Codes", "E02999999"), HLE, 3, "area code"),
    ("hle-period", entry(3, period="2009-13x"), "sources.yaml", None,
     "indicators (hle_msoa.csv).period"),
    ("hle-percent-over-100", cell(HLE, 2, "Proportion1 of life spent in 'Good' health (%)",
                                  "107"), HLE, 2, "Proportion1 of life spent in 'Good' health (%)"),
    ("hle-value-outside-limits", cell(HLE, 3, HLE_COLUMN, "70"), HLE, 3,
     "Upper 95 % confidence interval"),
    ("hle-bad-marker", cell(HLE, 2, "", "***"), HLE, 2, "unnamed_5"),  # unnamed column
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Previous:
    return build_previous(tmp_path_factory, write_small_area_sources)


@bad_input_cases(CASES)
def test_malformed_small_area_source_is_refused_clearly(
    tmp_path: Path, previous: Previous, mutate: Mutation, file: str, row, column
) -> None:
    sources = write_small_area_sources(tmp_path / "sources")
    mutate(sources.parent)
    assert_build_refused(sources, previous, file, row, column)


def test_statxplore_footers_and_suppressed_cells_are_not_values(tmp_path: Path) -> None:
    """Footer rows ("Total", "Unknown", one-cell notes) are left out; '..' is an empty value
    with a note, and a group holding it has no count."""
    sources = write_small_area_sources(tmp_path / "sources")
    append_line("cilif_msoa.csv", '"Total",60,,100,,\n"Source: DWP Stat-Xplore"\n')(
        sources.parent)
    values = load_dataset(build_dataset(sources, tmp_path / "out", progress=False)).values
    cilif = values[values["indicator_id"] == "P1-cilif"]
    assert set(cilif["area_type"]) == {"msoa", "la"}
    suppressed = cilif[(cilif["area_code"] == "E02999002") & (cilif["period"] == "2014/15")]
    assert suppressed["value"].isna().all() and "'..'" in suppressed["note"].iloc[0]
    # the authority's count is DWP's published one, not a sum over a suppressed cell
    la = cilif[cilif["area_type"] == "la"].set_index("period")
    assert la.loc["2014/15", "count"] == 85 and la.loc["2015/16", "count"] == 101
    assert la.loc["2015/16", "note"] == "provisional"


def test_validate_each_small_area_kind(tmp_path: Path) -> None:
    sources = write_small_area_sources(tmp_path / "sources")
    folder = sources.parent
    for name, kind in ((LONG, "census_long"), (WIDE, "census_wide"), (SX, "dwp_statxplore"),
                       ("cilif_la.csv", "dwp_statxplore"), (HLE, "ons_hle"),
                       ("hle_utla.csv", "ons_hle")):
        for args in (["validate", str(folder / name)],
                     ["validate", "--kind", kind, str(folder / name)]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (name, result.output)
    cell(LONG, 3, "n", "..")(folder)
    result = CliRunner().invoke(cli, ["validate", "--kind", "census_long", str(folder / LONG)])
    assert result.exit_code == 1 and "row 3" in result.stderr and "column 'n'" in result.stderr
