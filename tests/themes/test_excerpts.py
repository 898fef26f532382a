"""The coded-excerpts importer: a sample table in, the expected counts and themes out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from marmot_dash.data.errors import DatasetError
from marmot_dash.qualitative.excerpts import import_excerpts, read_excerpts
from marmot_dash.qualitative.themes import DEFAULT_THEMES, parse_themes

# Headers as a coding tool might spell them; stages and principles in mixed spellings.
SAMPLE = pd.DataFrame(
    [
        ("E01", "Council officers", "Interview", "Barriers", "Data granularity", "all",
         "We can't see the picture below ward level."),
        ("E02", "Council officers", "1-1 interview", "Barriers", "Competing priorities", "",
         ""),
        ("E03", "VCS partners", "Focus group", "Barriers", "Data granularity", "All",
         "The numbers never match what we see."),
        ("E04", "NHS partners", "focus groups", "barriers", "Lack of public voice", "2; 5",
         "Residents are not asked."),
        ("E05", "NHS partners", "Interview", "Existing inequalities work", "Procurement",
         "P3", "Local spend is rising."),
        ("E06", "VCS partners", "Engagement event", "Existing inequalities work",
         "Quality improvement", "6", ""),
        ("E07", "Council officers", "Interview", "Housing pressures", "Overcrowding", "4, 5",
         "Families share one room."),
        ("E08", "VCS partners", "Focus group", "Housing pressures", "Overcrowding", "4",
         "Overcrowding drives illness."),
        ("E09", "VCS partners", "Focus group", "Housing pressures", "Temporary accommodation",
         "4", "<script>window.__xss=1</script>"),
    ],
    columns=["Excerpt ID", "Stakeholder Group", "Stage", "Theme", "Sub-theme",
             "Marmot principle(s)", "Coded text"],
)


@pytest.fixture(params=["csv", "xlsx"])
def sample_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"excerpts.{request.param}"
    if request.param == "csv":
        SAMPLE.to_csv(path, index=False)
    else:
        SAMPLE.to_excel(path, index=False)
    return path


def by_id(themes: list[dict]) -> dict[str, dict]:
    return {theme["id"]: theme for theme in themes}


def test_counts_by_group_and_stage_are_exact(sample_file: Path) -> None:
    themes = by_id(import_excerpts(sample_file, DEFAULT_THEMES))
    assert themes["barriers"]["counts"] == {
        "by_group": {"Council officers": 2, "NHS partners": 1, "VCS partners": 1},
        "by_stage": {"interviews": 2, "focus_groups": 2},
    }
    assert themes["existing_inequalities_work"]["counts"] == {
        "by_group": {"NHS partners": 1, "VCS partners": 1},
        "by_stage": {"interviews": 1, "engagement_event": 1},
    }
    assert themes["housing_pressures"]["counts"] == {
        "by_group": {"VCS partners": 2, "Council officers": 1},
        "by_stage": {"interviews": 1, "focus_groups": 2},
    }
    assert "counts" not in themes["awareness"]


def test_existing_themes_keep_their_text_and_gain_quotes(sample_file: Path) -> None:
    themes = import_excerpts(sample_file, DEFAULT_THEMES)
    assert [t["id"] for t in themes[:6]] == [t["id"] for t in DEFAULT_THEMES]
    barriers = by_id(themes)["barriers"]
    original = by_id(DEFAULT_THEMES)["barriers"]
    assert barriers["points"] == original["points"]
    assert barriers["summary"] == original["summary"]
    assert barriers["quotes"] == [  # interview material: restricted to signed-in readers
        {"text": "We can't see the picture below ward level.", "group": "Council officers",
         "stage": "interviews", "restricted": True},
        {"text": "The numbers never match what we see.", "group": "VCS partners",
         "stage": "focus_groups", "restricted": True},
        {"text": "Residents are not asked.", "group": "NHS partners", "stage": "focus_groups",
         "restricted": True},
    ]


def test_a_new_theme_is_built_from_its_excerpts(sample_file: Path) -> None:
    housing = by_id(import_excerpts(sample_file, DEFAULT_THEMES))["housing_pressures"]
    assert housing["title"] == "Housing pressures"
    assert housing["summary"] == (
        "Coded in 3 excerpts from 2 stakeholder groups (interviews, focus groups). "
        "Sub-themes: Overcrowding, Temporary accommodation."
    )
    assert housing["points"] == ["Overcrowding (2 excerpts)", "Temporary accommodation (1 excerpt)"]
    assert housing["principles"] == [4, 5]
    assert housing["links"] == {4: "Coded to principle 4 in 3 of 3 excerpts.",
                                5: "Coded to principle 5 in 1 of 3 excerpts."}
    assert housing["stage"] == "interviews"
    assert len(housing["quotes"]) == 3
    assert "excerpt_id" not in housing["quotes"][0]  # attributed to group and stage only


def test_imported_themes_are_a_valid_themes_file(sample_file: Path) -> None:
    themes = parse_themes(import_excerpts(sample_file, DEFAULT_THEMES), sample_file)
    assert len(themes) == 7
    assert by_id([{"id": t.id, "t": t} for t in themes])["barriers"]["t"].counts_by_stage == {
        "interviews": 2, "focus_groups": 2}


def test_without_base_themes_every_theme_is_built(sample_file: Path) -> None:
    themes = by_id(import_excerpts(sample_file))
    assert list(themes) == ["barriers", "existing_inequalities_work", "housing_pressures"]
    assert "cross_cutting" not in themes["barriers"]  # 2 of 4 coded "all": not most
    assert themes["barriers"]["principles"] == [2, 5]
    assert themes["existing_inequalities_work"]["principles"] == [3, 6]


def test_rows_are_read_with_their_spreadsheet_row_numbers(sample_file: Path) -> None:
    table = read_excerpts(sample_file)
    assert table["row"].tolist() == list(range(2, 11))
    assert table.loc[0, "cross_cutting"]
    assert table.loc[3, "principles"] == (2, 5)


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        (3, "Stage", "Survey", r"row 5, column 'Stage': stage 'Survey'"),
        (0, "Marmot principle(s)", "9", r"row 2, column 'Marmot principle\(s\)': '9'"),
        (5, "Theme", "", r"row 7, column 'Theme': is empty"),
        (8, "Excerpt ID", "E01", r"row 10, column 'Excerpt ID': excerpt id 'E01' is used twice"),
        (1, "Coded text", "Call me on 07700 900123", r"row 3, column 'Coded text': .* phone"),
        (2, "Coded text", "Ask jo.bloggs@luton.gov.uk", r"row 4, column 'Coded text': .* e-mail"),
    ],
)
def test_bad_rows_name_file_row_and_column(
    tmp_path: Path, row: int, column: str, value: str, expected: str
) -> None:
    table = SAMPLE.copy()
    table.loc[row, column] = value
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=expected) as error:
        import_excerpts(path)
    assert str(path) in str(error.value)


def test_a_missing_column_and_a_wrong_format_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "no_theme.csv"
    SAMPLE.drop(columns="Theme").to_csv(path, index=False)
    with pytest.raises(DatasetError, match="row 1: no 'theme' column"):
        import_excerpts(path)
    with pytest.raises(DatasetError, match=r"expected a \.csv or \.xlsx"):
        import_excerpts(tmp_path / "excerpts.json")


def test_the_cli_updates_a_themes_file_in_place_and_again_without_doubling(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from marmot_dash.cli import cli
    from marmot_dash.qualitative.themes import (
        DEFAULT_STAGES,
        load_stages,
        load_themes,
        write_themes,
    )

    table = tmp_path / "excerpts.xlsx"
    SAMPLE.to_excel(table, index=False)
    write_themes(tmp_path / "themes.yaml", DEFAULT_THEMES, DEFAULT_STAGES)
    for _ in range(2):
        result = CliRunner().invoke(cli, ["import-excerpts", str(table), "--data", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert "7 themes, 3 with counts" in result.output
    barriers = next(t for t in load_themes(tmp_path) if t.id == "barriers")
    assert barriers.counts_by_stage == {"interviews": 2, "focus_groups": 2}
    assert [s.id for s in load_stages(tmp_path)] == [s["id"] for s in DEFAULT_STAGES]

    bad = tmp_path / "bad.csv"
    SAMPLE.assign(Stage="Survey").to_csv(bad, index=False)
    before = (tmp_path / "themes.yaml").read_bytes()
    result = CliRunner().invoke(cli, ["import-excerpts", str(bad), "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "row 2, column 'Stage'" in result.output
    assert (tmp_path / "themes.yaml").read_bytes() == before
