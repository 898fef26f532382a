"""Issue 11: hostile files and paths through the real command: one line, exit 1, no traceback
and nothing half-written."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import schema

# The start of a "billion laughs": each line nine times the one before (tests/data has it whole).
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))
EXCERPTS = ("excerpt_id,stakeholder_group,stage,theme,principles,quote\n"
            "E1,Council officers,interview,Barriers,3,Data is patchy\n")


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    return result.exit_code, result.output


def one_line_error(code: int, output: str) -> str:
    assert code == 1, output
    assert output.startswith("error: ") and output.count("\n") == 1, output
    assert "Traceback" not in output
    return output


@pytest.fixture
def dataset(tmp_path: Path, demo_dataset_dir: Path) -> Path:
    return shutil.copytree(demo_dataset_dir, tmp_path / "dataset")


def files_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


# --- validate ----------------------------------------------------------------------------------


def test_validate_refuses_a_billion_laughs_dataset_yaml(dataset: Path) -> None:
    (dataset / schema.DATASET_FILE).write_text(BILLION_LAUGHS)
    output = one_line_error(*run("validate", dataset))
    assert f"{dataset}/dataset.yaml, row 2" in output and "aliases" in output


def test_validate_refuses_sources_given_as_an_alias(dataset: Path) -> None:
    text = (dataset / schema.DATASET_FILE).read_text()
    text = text.replace("name:", "name: &n", 1).replace("sources:", "sources: *n\nold_sources:")
    (dataset / schema.DATASET_FILE).write_text(text)
    assert "aliases" in one_line_error(*run("validate", dataset))


def test_validate_refuses_an_alias_in_a_sources_file(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("credit: &c [{name: OHID}]\narea: {code: E06000032, name: Luton}\n"
                       "geography: {}\nsources: *c\n")
    output = one_line_error(*run("validate", sources))
    assert f"{sources}, row 4" in output and "aliases" in output


def test_validate_names_a_themes_file_with_the_dataset_path_once(dataset: Path) -> None:
    (dataset / schema.THEMES_FILE).write_text("- id: Bad Id\n")
    output = one_line_error(*run("validate", dataset))
    assert output.startswith(f"error: {dataset}/themes.yaml: theme 1")
    assert output.count(str(dataset)) == 1


def test_validate_a_100k_deep_geojson_in_a_dataset_and_as_a_source(
    tmp_path: Path, dataset: Path
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (dataset / schema.GEO_DIR / "ward.geojson").write_text(deep)
    assert "levels deep" in one_line_error(*run("validate", dataset))
    source = tmp_path / "wards.geojson"
    source.write_text('{"type": "FeatureCollection", "features": ' + deep + "}")
    assert str(source) in one_line_error(*run("validate", source))


def test_validate_refuses_a_fifo_dataset_file_and_a_fifo_source(
    tmp_path: Path, dataset: Path
) -> None:
    """Root reads any file whatever its mode, so an unreadable file is shown with a FIFO: it
    cannot be read as a file by anyone (and reading it would block for ever)."""
    (dataset / schema.VALUES_FILE).unlink()
    os.mkfifo(dataset / schema.VALUES_FILE)
    assert "values.parquet: not a regular file" in one_line_error(*run("validate", dataset))
    os.mkfifo(tmp_path / "fifo.csv")
    assert "not a regular file" in one_line_error(*run("validate", tmp_path / "fifo.csv"))


def test_export_from_a_dataset_with_a_folder_where_a_file_is_expected(
    tmp_path: Path, dataset: Path
) -> None:
    (dataset / schema.INDICATORS_FILE).unlink()
    (dataset / schema.INDICATORS_FILE).mkdir()
    output = one_line_error(*run("export", "--data", dataset, "--principle", "1", "--out",
                                 tmp_path / "slides"))
    assert "indicators.csv: a folder where a file was expected" in output
    assert not (tmp_path / "slides").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder (the FIFO test covers it)")
def test_a_data_folder_without_read_permission(dataset: Path) -> None:
    dataset.chmod(0o300)
    try:
        assert "permission denied" in one_line_error(*run("validate", dataset))
    finally:
        dataset.chmod(0o755)


# --- export ------------------------------------------------------------------------------------


def export(dataset: Path, out: Path, *views: str) -> tuple[int, str]:
    options = [arg for view in views for arg in ("--view", view)]
    return run("export", "--data", dataset, "--principle", "1", "--indicator",
               "P1-school-readiness", *options, "--out", out)


def test_export_to_an_existing_file_is_refused(tmp_path: Path, dataset: Path) -> None:
    target = tmp_path / "slides.png"
    target.write_bytes(b"keep me")
    assert "not a folder" in one_line_error(*export(dataset, target, "trend"))
    assert target.read_bytes() == b"keep me"
    assert "not a folder" in one_line_error(*export(dataset, Path("/dev/full"), "trend"))


def test_export_under_a_file_is_refused(tmp_path: Path, dataset: Path) -> None:
    (tmp_path / "file").write_text("x")
    output = one_line_error(*export(dataset, tmp_path / "file" / "slides", "trend"))
    assert "Not a directory" in output


def test_export_to_a_folder_that_refuses_writes(tmp_path: Path, dataset: Path) -> None:
    """A read-only folder: chmod for ordinary users; root writes anywhere except in a kernel
    folder such as /sys/kernel, which refuses new files to everyone."""
    if os.geteuid() == 0:
        folder = Path("/sys/kernel")
    else:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
    before = files_under(folder) if folder != Path("/sys/kernel") else None
    output = one_line_error(*export(dataset, folder, "trend"))
    assert f"cannot write to {folder}" in output
    if before is not None:
        assert files_under(folder) == before


def test_a_full_disk_leaves_no_partial_files(
    tmp_path: Path, dataset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC cannot be produced for real here (no small filesystem to mount), so the second
    file's write fails as a full disk does, when its data is flushed."""
    out = tmp_path / "slides"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr("marmot_dash.data.files.os.fsync", fsync)
    output = one_line_error(*export(dataset, out, "trend", "places"))
    assert "No space left on device" in output and ".partial" not in output
    assert files_under(out) == ["keep.txt"], "no PNG, no notes, no temporary file"


def test_export_replaces_a_planted_symlink_instead_of_writing_through_it(
    tmp_path: Path, dataset: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    out = tmp_path / "slides"
    out.mkdir()
    (out / "slide-notes.md").symlink_to(outside)
    code, output = export(dataset, out, "trend")
    assert code == 0, output
    assert outside.read_text() == "precious"
    assert not (out / "slide-notes.md").is_symlink()


# --- import-excerpts ---------------------------------------------------------------------------


def test_import_excerpts_from_a_fake_xlsx_is_one_line(tmp_path: Path, dataset: Path) -> None:
    fake = tmp_path / "excerpts.xlsx"
    fake.write_text(EXCERPTS)
    before = (dataset / schema.THEMES_FILE).read_bytes()
    output = one_line_error(*run("import-excerpts", fake, "--data", dataset))
    assert "not a readable Excel workbook" in output
    assert (dataset / schema.THEMES_FILE).read_bytes() == before


def test_import_excerpts_never_writes_through_a_planted_partial_symlink(
    tmp_path: Path, dataset: Path
) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("precious: true\n")
    (dataset / ".themes.yaml.partial").symlink_to(outside)
    table = tmp_path / "excerpts.csv"
    table.write_text(EXCERPTS)
    code, output = run("import-excerpts", table, "--data", dataset)
    assert code == 0, output
    assert outside.read_text() == "precious: true\n"
    themes = yaml.safe_load((dataset / schema.THEMES_FILE).read_text())["themes"]
    assert next(t for t in themes if t["id"] == "barriers")["counts"]["by_group"] == {
        "Council officers": 1}
    assert sorted(p.name for p in dataset.glob(".themes.yaml*")) == [".themes.yaml.partial"]
