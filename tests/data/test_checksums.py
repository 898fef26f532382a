"""Validated once at build time: the record in dataset.yaml, the fast load, refusals of changes."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

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
                                    schema.VALUES_FILE, schema.AREAS_FILE,
                                    "geo/lsoa.geojson", "geo/ward.geojson"}
    digest = hashlib.sha256((town_dir / schema.VALUES_FILE).read_bytes()).hexdigest()
    assert record["files"][schema.VALUES_FILE] == f"sha256:{digest}"
    assert RECORD_KEY not in load_dataset(town_dir).meta  # about the files, not the data


def test_a_recorded_dataset_loads_without_row_checks_and_the_same_frames(
    town_dir: Path, validations: Counter
) -> None:
    fast = load_dataset(town_dir)
    assert set(validations) == {"dataset.yaml (comparators)"}  # a few rows, always checked
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
