"""The marmot-dash command: demo, validate and export, with one-line errors and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from PIL import Image
from typer.testing import CliRunner

from marmot_dash.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    return result.exit_code, result.output


def test_demo_writes_a_dataset_that_validates(tmp_path: Path) -> None:
    code, output = run("demo", "--out", tmp_path / "town", "--seed", "7")
    assert code == 0, output
    assert "simulated" in output
    code, output = run("validate", tmp_path / "town")
    assert code == 0, output
    assert output.startswith("ok:")


def test_validate_names_the_dataset_file_row_and_column(tmp_path: Path, demo_dataset_dir: Path):
    broken = tmp_path / "broken"
    shutil.copytree(demo_dataset_dir, broken)
    catalogue = pd.read_csv(broken / "indicators.csv", dtype=str, keep_default_na=False)
    catalogue.loc[2, "principle"] = "9"
    catalogue.to_csv(broken / "indicators.csv", index=False)

    code, output = run("validate", broken)

    assert code == 1
    assert output.strip().count("\n") == 0, "one line, no traceback"
    assert f"{broken}/indicators.csv" in output
    assert "row 4" in output and "'principle'" in output


def test_validate_refuses_a_missing_folder_in_one_line(tmp_path: Path) -> None:
    code, output = run("validate", tmp_path / "nowhere.csv")
    assert code == 1
    assert "Traceback" not in output and output.startswith("error:")


def test_export_writes_slide_sized_pngs_and_notes(tmp_path: Path, demo_dataset_dir: Path):
    code, output = run("export", "--data", demo_dataset_dir, "--principle", "1",
                       "--indicator", "P1-school-readiness", "--view", "trend", "--out", tmp_path)
    assert code == 0, output
    png = tmp_path / "01_P1-school-readiness_trend.png"
    with Image.open(png) as image:
        assert image.size == (1920, 1080)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 24)) > 20, "not a blank image"
    notes = (tmp_path / "slide-notes.md").read_text(encoding="utf-8")
    assert "Illustrative" in notes and "School readiness" in notes


def test_export_of_an_unknown_principle_is_one_clear_line(demo_dataset_dir: Path, tmp_path):
    code, output = run("export", "--data", demo_dataset_dir, "--principle", "9", "--out", tmp_path)
    assert code == 1
    assert output.startswith("error:") and "Traceback" not in output


def test_serve_without_demo_never_simulates(tmp_path: Path) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    code, output = run("serve", "--data", empty, "--port", "1")
    assert code == 1
    assert output.startswith("error:") and output.strip().count("\n") == 0
    assert not any(empty.iterdir())
