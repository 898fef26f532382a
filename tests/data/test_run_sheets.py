"""Run sheets: the YAML format, safe names, refusals by file and step, atomic writes, and
the check of a sheet against a dataset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marmot_dash.data import Store, load_dataset
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.data.run_sheets import (
    STEP_VIEWS,
    RunSheet,
    Step,
    add_step,
    check_run_sheet,
    list_run_sheets,
    load_run_sheet,
    move_step,
    remove_step,
    safe_run_sheet_name,
    save_run_sheet,
)
from marmot_dash.views import VIEWS, run_sheet_problems

TREND = Step(1, "P1-school-readiness", "trend", None, None, False, "Where we start", "Say hello.")
PLACES = Step(1, "P1-school-readiness", "places", "ward", None, True, "Where", "")
BY_QUINTILE = Step(1, "P1-school-readiness", "deprivation", None, None, False, "Who", "",
                   deprivation="national_quintile")


@pytest.fixture(scope="module")
def store(demo_dataset_dir: Path) -> Store:
    return Store(load_dataset(demo_dataset_dir))


def write(data_dir: Path, name: str, text: str) -> None:
    (data_dir / "events").mkdir(exist_ok=True)
    (data_dir / "events" / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_a_saved_run_sheet_reads_back_the_same(tmp_path: Path) -> None:
    sheet = RunSheet("march-event", "March event: Luton", (TREND, PLACES, BY_QUINTILE))
    path = save_run_sheet(tmp_path, sheet)
    assert "deprivation: national_quintile" in path.read_text(encoding="utf-8")
    assert path == tmp_path / "events" / "march-event.yaml"
    assert load_run_sheet(tmp_path, "march-event") == sheet
    assert list_run_sheets(tmp_path) == ["march-event"]
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in (tmp_path / "events").iterdir()] == ["march-event.yaml"]


def test_step_editing_helpers() -> None:
    sheet = RunSheet("s", "S", (TREND, PLACES))
    assert move_step(sheet, 1, -1).steps == (PLACES, TREND)
    assert move_step(sheet, 0, -1).steps == (TREND, PLACES)  # clamped at the top
    assert remove_step(sheet, 0).steps == (PLACES,)
    assert add_step(sheet, TREND).steps == (TREND, PLACES, TREND)


@pytest.mark.parametrize("text, name", [
    ("March event: Luton!", "march-event-luton"),
    ("../../etc/passwd", "etc-passwd"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Événement", "evenement"),
])
def test_safe_names(text: str, name: str) -> None:
    assert safe_run_sheet_name(text) == name


def test_a_name_with_nothing_safe_in_it_is_refused() -> None:
    with pytest.raises(UserError, match="letter or digit"):
        safe_run_sheet_name("../ !")


@pytest.mark.parametrize("name", ["../dataset", "a/b", "UPPER", "", "x" * 61, "-start"])
def test_hostile_names_are_refused_without_touching_the_disk(tmp_path: Path, name: str) -> None:
    with pytest.raises(DatasetError, match="is not a run sheet name"):
        load_run_sheet(tmp_path, name)
    with pytest.raises(DatasetError, match="is not a run sheet name"):
        save_run_sheet(tmp_path, RunSheet(name, "T", ()))
    assert not (tmp_path / "events").exists()


def test_an_unknown_run_sheet_is_named_with_those_there_are(tmp_path: Path) -> None:
    save_run_sheet(tmp_path, RunSheet("one", "One", ()))
    with pytest.raises(DatasetError, match=r"events/two.yaml: there is no run sheet 'two'.*one"):
        load_run_sheet(tmp_path, "two")


@pytest.mark.parametrize("text, problem", [
    ("title: [unclosed\n", r"events/bad.yaml, row \d+: not valid YAML"),
    ("- just a list\n", "expected a mapping"),
    ("title: T\nowner: me\n", "unknown field"),
    ("title: T\nsteps:\n  - principle: 9\n    indicator: x\n    view: trend\n",
     "step 1: 'principle' must be a number from 1 to 8"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: ../../x\n    view: trend\n",
     "step 1: 'indicator' '../../x' is not an indicator id"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: data\n",
     "step 1: 'view' must be one of"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: trend\n"
     "    heading: <script>alert(1)</script>\n", "step 1: 'heading' contains an HTML tag"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: trend\n    colour: red\n",
     "step 1 has unknown field"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: trend\n"
     "    callouts: maybe\n", "'callouts' must be true or false"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: trend\n"
     "    level: ../ward\n", "'level' '../ward' is not a level name"),
    ("title: T\nsteps:\n  - principle: 1\n    indicator: x\n    view: deprivation\n"
     "    deprivation: <b>\n", "'deprivation' '<b>' is not a deprivation grouping name"),
    ("title: &a T\nsteps: *a\n", "aliases"),
    ("title: \"bell\\a\"\n", "'title' contains control characters"),
])
def test_bad_files_are_refused_naming_the_file_and_step(
    tmp_path: Path, text: str, problem: str
) -> None:
    write(tmp_path, "bad", text)
    with pytest.raises(DatasetError, match=problem) as error:
        load_run_sheet(tmp_path, "bad")
    assert str(error.value).startswith("events/bad.yaml")


def test_a_symbolic_link_is_neither_read_nor_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("title: Outside\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    (data_dir / "events").mkdir(parents=True)
    (data_dir / "events" / "linked.yaml").symlink_to(outside)
    assert list_run_sheets(data_dir) == []
    with pytest.raises(DatasetError, match="symbolic link"):
        load_run_sheet(data_dir, "linked")
    save_run_sheet(data_dir, RunSheet("linked", "Mine", ()))
    assert outside.read_text(encoding="utf-8") == "title: Outside\n", "target untouched"
    assert not (data_dir / "events" / "linked.yaml").is_symlink()

    linked_dir = tmp_path / "other"
    linked_dir.mkdir()
    (tmp_path / "data2").mkdir()
    (tmp_path / "data2" / "events").symlink_to(linked_dir, target_is_directory=True)
    with pytest.raises(UserError, match="symbolic link"):
        save_run_sheet(tmp_path / "data2", RunSheet("x", "X", ()))
    assert list(linked_dir.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events").chmod(0o555)
    try:
        with pytest.raises(UserError, match="Cannot write the run sheet"):
            save_run_sheet(tmp_path, RunSheet("x", "X", ()))
    finally:
        (tmp_path / "events").chmod(0o755)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    save_run_sheet(tmp_path, RunSheet("x", "Old", (TREND,)))
    bad = RunSheet("x", "New", (Step(1, "P1-x", "trend", None, None, False, "<b>bold</b>", ""),))
    with pytest.raises(DatasetError, match="HTML tag"):
        save_run_sheet(tmp_path, bad)
    assert load_run_sheet(tmp_path, "x").title == "Old"
    assert [p.name for p in (tmp_path / "events").iterdir()] == ["x.yaml"]


def test_check_names_each_step_the_dataset_cannot_show(store: Store) -> None:
    no_data = next(
        Step(int(row["principle"]), row["indicator_id"], "cohorts", None, None, False, "", "")
        for row in store.indicators().to_dict("records")
        if store.cohorts(row["indicator_id"]).empty)
    sheet = RunSheet("x", "X", (
        TREND,
        Step(1, "no-such-indicator", "trend", None, None, False, "Missing", ""),
        Step(2, "P1-school-readiness", "trend", None, None, False, "", ""),
        Step(1, "P1-school-readiness", "places", "ward", "1066", False, "Old", ""),
        no_data,
        Step(1, "P1-school-readiness", "deprivation", None, None, False, "Odd", "",
             deprivation="by_shoe_size"),
    ))
    problems = check_run_sheet(store, sheet)
    assert problems == [
        "Step 2 (Missing): there is no indicator 'no-such-indicator' in this dataset.",
        "Step 3 (P1-school-readiness): indicator 'P1-school-readiness' belongs to principle 1, "
        "not principle 2.",
        "Step 4 (Old): there is no period '1066' for 'P1-school-readiness' at ward level.",
    ]
    with_views = run_sheet_problems(store, sheet)
    assert with_views[:3] == problems
    assert with_views[3].startswith(f"Step 5 ({no_data.indicator}): ")
    assert "No breakdown by sex, age" in with_views[3]
    assert with_views[4] == ("Step 6 (Odd): there is no deprivation grouping 'by_shoe_size'. The "
                             "groupings are national_decile, national_quintile, local_decile, "
                             "local_quintile.")


def test_step_views_are_the_chart_views() -> None:
    assert set(STEP_VIEWS) == set(VIEWS) - {"data"}


def test_a_view_added_from_the_page_keeps_its_deprivation_grouping(tmp_path, store) -> None:
    from marmot_dash.components.run_sheet_controls import add_view

    search = "?indicator=P1-school-readiness&view=deprivation&deprivation=national_quintile"
    sheet, number = add_view(tmp_path, store, "Board", [1, search])
    assert number == 1
    assert load_run_sheet(tmp_path, "board").steps[0].deprivation == "national_quintile"
    assert sheet.steps[0].deprivation == "national_quintile"
