"""Issue 11: the dataset limits and the shape of its YAML files, checked by load_dataset (so by
``validate``, the builder and the app): hostile files are refused with one DatasetError."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from marmot_dash.data import DatasetError, load_dataset, schema
from marmot_dash.data import limits as dataset_limits
from marmot_dash.data.errors import UserError

from .test_yamlfile import BILLION_LAUGHS


@pytest.fixture
def copy(tmp_path: Path, town_dir: Path) -> Path:
    """A copy of the small town to spoil."""
    return shutil.copytree(town_dir, tmp_path / "copy")


def refused(directory: Path) -> DatasetError:
    """The error of a full load (a spoiled file would otherwise be refused as changed since
    the dataset was validated, before its rows are read)."""
    with pytest.raises(DatasetError) as caught:
        load_dataset(directory, full=True)
    return caught.value


def edit_meta(directory: Path, change) -> None:
    path = directory / schema.DATASET_FILE
    meta = yaml.safe_load(path.read_text())
    change(meta)
    path.write_text(yaml.safe_dump(meta, sort_keys=False))


# --- YAML: aliases and shapes ------------------------------------------------------------------


def test_a_billion_laughs_dataset_yaml_is_refused_before_it_grows(copy: Path) -> None:
    (copy / schema.DATASET_FILE).write_text(BILLION_LAUGHS)
    error = refused(copy)
    assert error.file == schema.DATASET_FILE and error.row == 2 and "aliases" in str(error)


def test_sources_given_as_an_alias_is_refused_on_its_line(copy: Path) -> None:
    text = (copy / schema.DATASET_FILE).read_text()
    text = text.replace("name:", "name: &n", 1).replace("sources:", "sources: *n\nold_sources:")
    (copy / schema.DATASET_FILE).write_text(text)
    error = refused(copy)
    assert "aliases" in str(error) and error.row is not None


@pytest.mark.parametrize("change, column", [
    (lambda m: m.update(colour="red"), "colour"),
    (lambda m: m["area"].update(region="East"), "area.region"),
    (lambda m: m["comparators"][0].update(population=1), "population"),
    (lambda m: m.update(sources=[{"name": "OHID", "logo": "x.png"}]), "logo"),
    (lambda m: m.update(peer_group={"name": "CIPFA", "description": "", "members": [],
                                    "size": 15}), "peer_group.size"),
])
def test_unknown_keys_are_refused_with_their_name(copy: Path, change, column: str) -> None:
    edit_meta(copy, change)
    error = refused(copy)
    assert error.column == column and "unknown key" in str(error)


@pytest.mark.parametrize("change, column", [
    (lambda m: m.update(name=["a", "list"]), "name"),
    (lambda m: m.update(sources={"name": "x"}), "sources"),
    (lambda m: m.update(sources=["OHID"]), None),
    (lambda m: m.update(sources=[{"name": "OHID", "url": "javascript:alert(1)"}]), "url"),
    (lambda m: m.update(levels=["ward", "ward"]), "levels"),
    (lambda m: m.update(built_at="yesterday"), "built_at"),
    (lambda m: m.update(seed="7"), "seed"),
    (lambda m: m.update(build_notes="one note"), "build_notes"),
    (lambda m: m.update(principle_notes={9: "no such principle"}), "principle_notes"),
    (lambda m: m.update(principle_notes={2: ["not", "text"]}), "principle_notes.2"),
    (lambda m: m.update(peer_group={"name": "CIPFA", "description": "",
                                    "members": [{"code": "E06000033"}]}), "name"),
])
def test_values_of_the_wrong_shape_are_refused(copy: Path, change, column: str | None) -> None:
    edit_meta(copy, change)
    error = refused(copy)
    assert error.file.startswith(schema.DATASET_FILE) and error.column == column


def test_the_optional_keys_of_other_features_are_read(copy: Path) -> None:
    peer_group = {"name": "CIPFA nearest neighbours", "description": "Similar authorities",
                  "members": [{"code": "E06000033", "name": "Southend-on-Sea"}]}
    edit_meta(copy, lambda m: m.update(peer_group=peer_group, principle_notes={"3": "Note"},
                                       build_notes=["built by hand"]))
    meta = load_dataset(copy).meta
    assert meta["peer_group"] == peer_group
    assert meta["principle_notes"] == {3: "Note"}


def test_principles_yaml_refuses_unknown_keys(copy: Path) -> None:
    path = copy / schema.PRINCIPLES_FILE
    items = yaml.safe_load(path.read_text())
    items[1]["script"] = "<script>"
    path.write_text(yaml.safe_dump(items))
    error = refused(copy)
    assert (error.file, error.row, error.column) == (schema.PRINCIPLES_FILE, 2, "script")


def test_themes_yaml_aliases_are_refused(copy: Path) -> None:
    (copy / schema.THEMES_FILE).write_text(BILLION_LAUGHS)
    error = refused(copy)
    assert error.file == schema.THEMES_FILE and "aliases" in str(error)


# --- files: inside the folder, regular, bounded ------------------------------------------------


def test_a_symlink_to_dev_zero_is_refused(copy: Path) -> None:
    (copy / schema.INDICATORS_FILE).unlink()
    (copy / schema.INDICATORS_FILE).symlink_to("/dev/zero")
    error = refused(copy)
    assert error.file == schema.INDICATORS_FILE and "outside the dataset folder" in str(error)


def test_a_symlink_leaving_the_folder_is_refused_even_to_a_good_file(
    tmp_path: Path, copy: Path
) -> None:
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(copy / schema.PRINCIPLES_FILE, outside)
    (copy / schema.PRINCIPLES_FILE).symlink_to(outside)
    assert refused(copy).file == schema.PRINCIPLES_FILE
    shutil.move(copy / schema.GEO_DIR, tmp_path / "geo")
    (copy / schema.GEO_DIR).symlink_to(tmp_path / "geo")
    (copy / schema.PRINCIPLES_FILE).unlink()
    shutil.move(outside, copy / schema.PRINCIPLES_FILE)
    assert refused(copy).file.startswith(f"{schema.GEO_DIR}/")


def test_a_symlink_inside_the_folder_and_a_linked_folder_are_fine(
    tmp_path: Path, copy: Path
) -> None:
    shutil.move(copy / schema.AREAS_FILE, copy / "areas-2025.parquet")
    (copy / schema.AREAS_FILE).symlink_to("areas-2025.parquet")
    (tmp_path / "current").symlink_to(copy)
    assert len(load_dataset(tmp_path / "current").areas) > 0


def test_a_fifo_or_a_folder_where_a_file_is_expected_is_refused(copy: Path) -> None:
    (copy / schema.VALUES_FILE).unlink()
    os.mkfifo(copy / schema.VALUES_FILE)  # reading it would block for ever
    error = refused(copy)
    assert error.file == schema.VALUES_FILE and "not a regular file" in str(error)
    (copy / schema.VALUES_FILE).unlink()
    (copy / schema.VALUES_FILE).mkdir()
    assert "a folder where a file was expected" in str(refused(copy))


def test_an_oversized_file_is_refused_before_it_is_read(copy: Path) -> None:
    with (copy / schema.INDICATORS_FILE).open("r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    error = refused(copy)
    assert error.file == schema.INDICATORS_FILE and "larger than the 5 MB allowed" in str(error)


def test_too_many_value_rows_are_refused_and_the_limit_is_configurable(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = len(load_dataset(copy).values)
    monkeypatch.setenv(dataset_limits.VALUES_ROWS_ENV, str(rows - 1))
    error = refused(copy)
    assert error.file == schema.VALUES_FILE and dataset_limits.VALUES_ROWS_ENV in str(error)
    monkeypatch.setenv(dataset_limits.VALUES_ROWS_ENV, str(rows))
    load_dataset(copy)
    monkeypatch.setenv(dataset_limits.VALUES_ROWS_ENV, "lots")
    with pytest.raises(UserError, match="whole number"):
        load_dataset(copy)


def test_the_default_row_limit_holds_england_and_refuses_22_million() -> None:
    assert 19_200_000 < dataset_limits.MAX_VALUES_ROWS < 22_000_000


def test_too_many_vertices_are_refused(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(dataset_limits.GEO_VERTICES_ENV, "12")
    error = refused(copy)
    assert error.file.startswith(f"{schema.GEO_DIR}/") and "vertices" in str(error)


def test_a_100k_deep_geojson_is_one_error_not_a_recursion_error(copy: Path) -> None:
    path = copy / schema.GEO_DIR / "ward.geojson"
    path.write_text("[" * 100_000 + "]" * 100_000)
    error = refused(copy)
    assert error.file == f"{schema.GEO_DIR}/ward.geojson" and "100,000 levels deep" in str(error)


def test_brackets_in_names_do_not_count_as_depth(copy: Path) -> None:
    path = copy / schema.GEO_DIR / "ward.geojson"
    collection = json.loads(path.read_text())
    collection["features"][0]["properties"]["area_name"] = "[[[[[[[[[[[[[[[[[[[[[[[[ \\\" {{{{"
    path.write_text(json.dumps(collection))
    load_dataset(copy, full=True)


def test_a_geometry_that_is_not_a_polygon_is_refused(copy: Path) -> None:
    path = copy / schema.GEO_DIR / "ward.geojson"
    collection = json.loads(path.read_text())
    collection["features"][1]["geometry"] = {"type": "Point", "coordinates": [0, 51]}
    path.write_text(json.dumps(collection))
    error = refused(copy)
    assert (error.row, error.column) == (2, "geometry")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder; the FIFO test covers it")
def test_an_unreadable_folder_is_refused(copy: Path) -> None:
    copy.chmod(0o300)
    try:
        assert "permission denied" in str(refused(copy))
    finally:
        copy.chmod(0o755)
