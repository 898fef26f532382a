"""Validated once at build time: the record in dataset.yaml, the fast load, refusals of changes."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import blake3
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import DatasetError, Store, load_dataset, schema
from marmot_dash.data import dataset as dataset_module
from marmot_dash.data.checksums import RECORD_KEY, schema_digest
from marmot_dash.data.dataset import validate_and_record

from .town import LA, LSOAS, WARDS


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts the pandera validations made, by file."""
    counts: Counter = Counter()
    full = dataset_module._validate

    def counted(frame, dataframe_schema, file, *args, **kwargs):
        counts[file] += 1
        return full(frame, dataframe_schema, file, *args, **kwargs)

    monkeypatch.setattr(dataset_module, "_validate", counted)
    return counts


@pytest.fixture
def copy(tmp_path: Path, town_dir: Path) -> Path:
    shutil.copytree(town_dir, tmp_path / "copy")
    return tmp_path / "copy"


def meta_of(directory: Path) -> dict:
    return yaml.safe_load((directory / schema.DATASET_FILE).read_text())


def edit_meta(directory: Path, edit) -> None:
    meta = meta_of(directory)
    edit(meta)
    (directory / schema.DATASET_FILE).write_text(yaml.safe_dump(meta))


def change_a_value(path: Path) -> None:
    """A change that still passes every row check: only the checksum tells."""
    table = pq.read_table(path)
    values = table.column("value").to_numpy(zero_copy_only=False).copy()
    values[0] = values[0] * 1.0001 if values[0] else 1e-9
    table = table.set_column(table.schema.get_field_index("value"), "value", pa.array(values))
    pq.write_table(table, path)


def test_write_records_the_checksums_of_the_validated_files(town_dir: Path) -> None:
    record = meta_of(town_dir)[RECORD_KEY]
    assert record["schema"] == schema_digest()
    assert set(record["files"]) == {schema.PRINCIPLES_FILE, schema.INDICATORS_FILE,
                                    schema.VALUES_FILE, schema.VALUES_ARROW_FILE,
                                    schema.AREAS_FILE, "geo/lsoa.geojson", "geo/ward.geojson"}
    digest = blake3.blake3((town_dir / schema.VALUES_FILE).read_bytes()).hexdigest()
    assert record["files"][schema.VALUES_FILE] == f"blake3:{digest}"
    assert RECORD_KEY not in load_dataset(town_dir).meta  # about the files, not the data


def test_a_recorded_dataset_loads_without_row_checks_and_the_same_frames(
    town_dir: Path, validations: Counter
) -> None:
    fast = load_dataset(town_dir)
    assert not validations  # no pandera at all (dataset.yaml's comparators: parse_meta)
    full = load_dataset(town_dir, full=True)
    assert validations[schema.VALUES_FILE] == 1 and validations[schema.INDICATORS_FILE] == 1
    for name in ("principles", "indicators", "areas", "values"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(full, name), obj=name)
    assert fast.geo == full.geo and fast.meta == full.meta


def test_a_dataset_without_a_record_is_validated_in_full(copy: Path, validations: Counter
                                                         ) -> None:
    edit_meta(copy, lambda meta: meta.pop(RECORD_KEY))
    load_dataset(copy)
    assert validations[schema.VALUES_FILE] == 1 and validations["geo/lsoa.geojson"] == 1


def test_a_record_of_another_format_is_ignored(copy: Path, validations: Counter) -> None:
    edit_meta(copy, lambda meta: meta[RECORD_KEY].update(schema="an older format"))
    change_a_value(copy / schema.VALUES_FILE)  # not refused: nothing vouches for the rows
    load_dataset(copy)
    assert validations[schema.VALUES_FILE] == 1


def test_a_changed_values_file_is_refused_in_one_line(copy: Path) -> None:
    change_a_value(copy / schema.VALUES_FILE)
    with pytest.raises(DatasetError) as caught:
        load_dataset(copy)
    assert caught.value.file == schema.VALUES_FILE
    message = str(caught.value)
    assert message.startswith("values.parquet: changed since the dataset was validated")
    assert f"marmot-dash validate {copy}" in message and "\n" not in message


def test_a_changed_catalogue_is_refused(copy: Path) -> None:
    path = copy / schema.INDICATORS_FILE
    path.write_text(path.read_text().replace("Smoking", "Smoking prevalence", 1))
    with pytest.raises(DatasetError, match="changed since") as caught:
        load_dataset(copy)
    assert caught.value.file == schema.INDICATORS_FILE


def test_added_and_removed_boundaries_are_refused(copy: Path) -> None:
    (copy / "geo" / "lsoa.geojson").rename(copy / "lsoa.geojson.bak")
    with pytest.raises(DatasetError, match="removed since") as caught:
        load_dataset(copy)
    assert caught.value.file == "geo/lsoa.geojson"
    (copy / "lsoa.geojson.bak").rename(copy / "geo" / "lsoa.geojson")
    shutil.copy(copy / "geo" / "ward.geojson", copy / "geo" / "msoa.geojson")
    with pytest.raises(DatasetError, match="added since") as caught:
        load_dataset(copy)
    assert caught.value.file == "geo/msoa.geojson"


def test_validate_checks_every_row_and_records_again(copy: Path, validations: Counter) -> None:
    change_a_value(copy / schema.VALUES_FILE)
    result = CliRunner().invoke(cli, ["validate", str(copy)])
    assert result.exit_code == 0 and result.output.startswith("ok:"), result.output
    assert validations[schema.VALUES_FILE] == 1
    validations.clear()
    load_dataset(copy)  # the new record vouches for the edited file
    assert schema.VALUES_FILE not in validations


def test_validate_refuses_a_bad_row_and_keeps_the_old_record(copy: Path) -> None:
    before = meta_of(copy)[RECORD_KEY]
    path = copy / schema.VALUES_FILE
    frame = pq.read_table(path).to_pandas()
    frame.loc[3, "count"] = -1.0
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    with pytest.raises(DatasetError, match="expected a value >= 0"):
        validate_and_record(copy)
    assert meta_of(copy)[RECORD_KEY] == before


# --- values.parquet in the store's order -------------------------------------------------------


def test_values_are_written_in_the_store_order(town_dir: Path) -> None:
    frame = pq.read_table(town_dir / schema.VALUES_FILE).to_pandas()
    keys = frame[list(schema.VALUE_ORDER)].astype(
        {c: str for c in schema.VALUE_ORDER if c not in ("period_sort", "category_sort")})
    assert keys.equals(keys.sort_values(list(schema.VALUE_ORDER)).reset_index(drop=True))
    assert Store(load_dataset(town_dir))._order is None  # no sort at load


def test_a_store_over_shuffled_rows_answers_the_same(town_dir: Path) -> None:
    dataset = load_dataset(town_dir)
    shuffled = dataset.values.sample(frac=1, random_state=3).reset_index(drop=True)
    sorted_store, shuffled_store = Store(dataset), Store(replace(dataset, values=shuffled))
    assert shuffled_store._order is not None
    for query in (lambda s: s.series("smoking"),
                  lambda s: s.series("smoking", [LSOAS[2], WARDS[0]]),
                  lambda s: s.small_areas("smoking", "lsoa"),
                  lambda s: s.cohorts("smoking", LA),
                  lambda s: s.breakdown("smoking", "deprivation_decile")):
        pd.testing.assert_frame_equal(query(shuffled_store), query(sorted_store))
    assert shuffled_store.latest("smoking") == sorted_store.latest("smoking")
    assert shuffled_store.periods("smoking") == sorted_store.periods("smoking")
    assert shuffled_store._area_types == sorted_store._area_types
    np.testing.assert_array_equal(shuffled_store._sorted_area_ids,
                                  sorted_store._sorted_area_ids)


# --- values.arrow: the validated values, mapped -------------------------------------------------


def test_the_values_are_mapped_from_values_arrow_without_a_copy(town_dir: Path) -> None:
    values = load_dataset(town_dir).values
    assert not values["value"].to_numpy().flags.writeable  # a view of the file's pages
    assert not np.asarray(values["area_code"].array.codes).flags.writeable
    assert pq.read_table(town_dir / schema.VALUES_FILE).num_rows == len(values)


def test_the_store_uses_the_mapped_area_codes_as_its_area_ids(town_dir: Path) -> None:
    dataset = load_dataset(town_dir)
    store = Store(dataset)
    assert np.shares_memory(store._sorted_area_ids, dataset.values["area_code"].array.codes)
    # categories in another order (a frame made by hand): numbered in code order, same answers
    values = dataset.values.assign(area_code=dataset.values["area_code"].cat.reorder_categories(
        dataset.values["area_code"].cat.categories[::-1]))
    other = Store(replace(dataset, values=values))
    assert not np.shares_memory(other._sorted_area_ids, values["area_code"].array.codes)
    for query in (lambda s: s.series("smoking", [LSOAS[2], WARDS[0], LA]),
                  lambda s: s.small_areas("smoking", "lsoa"),
                  lambda s: s.breakdown("smoking", "deprivation_decile")):
        pd.testing.assert_frame_equal(query(other), query(store))


def test_a_changed_or_removed_values_arrow_is_refused(copy: Path) -> None:
    path = copy / schema.VALUES_ARROW_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="changed since") as caught:
        load_dataset(copy)
    assert caught.value.file == schema.VALUES_ARROW_FILE and "\n" not in str(caught.value)
    path.unlink()
    with pytest.raises(DatasetError, match="removed since") as caught:
        load_dataset(copy)
    assert caught.value.file == schema.VALUES_ARROW_FILE


def test_validate_writes_values_arrow_again(copy: Path) -> None:
    (copy / schema.VALUES_ARROW_FILE).unlink()
    edit_meta(copy, lambda meta: meta.pop(RECORD_KEY))  # e.g. a dataset of the older format
    validate_and_record(copy)
    assert (copy / schema.VALUES_ARROW_FILE).is_file()
    assert schema.VALUES_ARROW_FILE in meta_of(copy)[RECORD_KEY]["files"]


# --- boundaries: checked at load, parsed on first use -------------------------------------------


def test_boundaries_are_parsed_on_first_use_only(town_dir: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    parsed: list[str] = []
    parse = dataset_module._parse_geojson
    monkeypatch.setattr(dataset_module, "_parse_geojson",
                        lambda data, file: parsed.append(file) or parse(data, file))
    store = Store(load_dataset(town_dir))
    assert parsed == [] and set(store.dataset.geo) == {"lsoa", "ward"}
    features = store.geometry("ward")["features"]
    assert store.geometry("ward")["features"] is features  # parsed once, kept
    assert parsed == ["geo/ward.geojson"]
    assert {f["id"] for f in features} == set(WARDS)


def test_a_changed_boundary_file_is_refused_at_load(copy: Path) -> None:
    path = copy / "geo" / "ward.geojson"
    path.write_text(path.read_text().replace('"FeatureCollection"', '"FeatureCollection" '))
    with pytest.raises(DatasetError, match="changed since") as caught:
        load_dataset(copy)
    assert caught.value.file == "geo/ward.geojson"


def test_a_broken_boundary_file_is_refused_in_one_line_when_first_used(copy: Path) -> None:
    """A record vouching for a broken file (a record written by hand, say): the load succeeds,
    the map's first use refuses it in one line."""
    path = copy / "geo" / "ward.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"geometry": {"type": "Point"')
    edit_meta(copy, lambda meta: meta[RECORD_KEY]["files"].update(
        {"geo/ward.geojson": f"blake3:{blake3.blake3(path.read_bytes()).hexdigest()}"}))
    store = Store(load_dataset(copy))
    assert store.geometry("lsoa")["features"]
    with pytest.raises(DatasetError) as caught:
        store.geometry("ward")
    assert caught.value.file == "geo/ward.geojson"
    assert str(caught.value).startswith("geo/ward.geojson: cannot read GeoJSON")
    assert "\n" not in str(caught.value)
    with pytest.raises(KeyError, match="no boundaries for level 'msoa'"):
        store.geometry("msoa")


@pytest.mark.parametrize(("edit", "column", "problem"), [
    (lambda c: c[1].update(area_type="county"), "area_type",
     "expected one of england, region, comparator, found 'county'"),
    (lambda c: c[1].update(code=c[0]["code"]), "code", "duplicate code"),
    (lambda c: c[1].update(name=" "), "name", "expected text, found ' '"),
])
def test_comparators_are_checked_on_every_load(copy: Path, edit, column: str, problem: str
                                               ) -> None:
    edit_meta(copy, lambda meta: edit(meta["comparators"]))
    with pytest.raises(DatasetError, match=problem) as caught:
        load_dataset(copy)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        "dataset.yaml (comparators)", 2, column)
