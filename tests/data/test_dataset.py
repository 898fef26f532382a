"""The dataset format: round trip, every refusal of issue 3, and the atomic write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from marmot_dash.data import DatasetError, is_dataset, load_dataset, schema, write_dataset

from .spoil import refusal, rewrite_parquet
from .town import LSOAS, WARDS


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` by relative path, with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def rewrite_csv(edit):
    def change(path: Path) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        edit(frame).to_csv(path, index=False)

    return change


# --- round trip ------------------------------------------------------------------------------


def test_round_trip_keeps_every_file(town_dir: Path, town_parts: dict) -> None:
    dataset = load_dataset(town_dir)
    assert dataset.meta["area"]["code"] == town_parts["meta"]["area"]["code"]
    assert dataset.meta["illustrative"] is True
    assert list(dataset.principles["id"]) == list(range(1, 9))
    assert list(dataset.indicators["indicator_id"]) == list(
        town_parts["indicators"]["indicator_id"])
    assert len(dataset.values) == len(town_parts["values"])
    assert set(dataset.geo) == {"ward", "lsoa"}
    assert dataset.themes is None
    expected = town_parts["values"].sort_values(list(schema.VALUE_KEY)).reset_index(drop=True)
    got = dataset.values.sort_values(list(schema.VALUE_KEY)).reset_index(drop=True)
    for column in ("value", "lower_ci", "upper_ci", "count", "denominator"):
        np.testing.assert_allclose(got[column], expected[column])
    assert got["area_code"].astype(str).tolist() == expected["area_code"].tolist()


def test_repetitive_text_columns_are_dictionary_encoded(town_dir: Path) -> None:
    arrow_schema = pq.read_schema(town_dir / schema.VALUES_FILE)
    for column in ("indicator_id", "area_code", "area_type", "period", "breakdown"):
        assert pa.types.is_dictionary(arrow_schema.field(column).type), column


def test_is_dataset(town_dir: Path, tmp_path: Path) -> None:
    assert is_dataset(town_dir)
    assert not is_dataset(tmp_path)
    assert not is_dataset(tmp_path / "absent")


def test_themes_are_written_and_loaded(tmp_path: Path, town_parts: dict) -> None:
    themes = [{"id": "barriers", "title": "Barriers", "summary": "Data granularity.",
               "points": ["Data granularity"], "principles": [3],
               "links": {3: "Procurement"}, "stage": "interviews"}]
    out = write_dataset(tmp_path / "dataset", **{**town_parts, "themes": themes})
    assert (out / schema.THEMES_FILE).exists()
    assert [theme.id for theme in load_dataset(out).themes] == ["barriers"]


# --- refusals: file, row and column named ----------------------------------------------------


def test_missing_file(tmp_path: Path, town_dir: Path) -> None:
    error = refusal(tmp_path, town_dir, schema.AREAS_FILE, Path.unlink)
    assert error.file == schema.AREAS_FILE
    assert "missing" in str(error)


def test_missing_column(tmp_path: Path, town_dir: Path) -> None:
    error = refusal(tmp_path, town_dir, schema.VALUES_FILE,
                    rewrite_parquet(lambda f: f.drop(columns="upper_ci")))
    assert (error.file, error.column) == (schema.VALUES_FILE, "upper_ci")
    assert "column missing" in str(error)


def test_wrong_column_name_in_catalogue(tmp_path: Path, town_dir: Path) -> None:
    error = refusal(tmp_path, town_dir, schema.INDICATORS_FILE,
                    rewrite_csv(lambda f: f.rename(columns={"polarity": "direction"})))
    assert (error.file, error.column) == (schema.INDICATORS_FILE, "polarity")


def test_bad_type_in_values(tmp_path: Path, town_dir: Path) -> None:
    def text_value(frame: pd.DataFrame) -> pd.DataFrame:
        frame["value"] = pd.Series([None] * len(frame), dtype=object)  # a text column
        frame.loc[6, "value"] = "twelve"
        return frame

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(text_value))
    assert (error.file, error.row, error.column) == (schema.VALUES_FILE, 7, "value")
    assert "expected a number" in str(error) and "'twelve'" in str(error)
    assert str(error).startswith("values.parquet, row 7, column 'value'")


def test_bad_type_in_catalogue_counts_the_header_as_row_one(
    tmp_path: Path, town_dir: Path
) -> None:
    def text_principle(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[1, "principle"] = "three"
        return frame

    error = refusal(tmp_path, town_dir, schema.INDICATORS_FILE, rewrite_csv(text_principle))
    assert (error.row, error.column) == (3, "principle")
    assert "int64" in str(error) and "'three'" in str(error)


def test_unknown_principle(tmp_path: Path, town_dir: Path) -> None:
    def ninth(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[2, "principle"] = "9"
        return frame

    error = refusal(tmp_path, town_dir, schema.INDICATORS_FILE, rewrite_csv(ninth))
    assert (error.file, error.row, error.column) == (schema.INDICATORS_FILE, 4, "principle")
    assert "expected one of 1, 2, 3, 4, 5, 6, 7, 8" in str(error)


def test_unknown_principle_in_principles_file(tmp_path: Path, town_dir: Path) -> None:
    def change(path: Path) -> None:
        items = yaml.safe_load(path.read_text())
        items[4]["id"] = 12
        path.write_text(yaml.safe_dump(items))

    error = refusal(tmp_path, town_dir, schema.PRINCIPLES_FILE, change)
    assert (error.file, error.row, error.column) == (schema.PRINCIPLES_FILE, 5, "id")


def test_duplicate_key(tmp_path: Path, town_dir: Path) -> None:
    def duplicate(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([frame, frame.iloc[[3]]], ignore_index=True)

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(duplicate))
    n_rows = len(pq.read_table(town_dir / schema.VALUES_FILE))
    assert (error.file, error.row) == (schema.VALUES_FILE, n_rows + 1)
    assert error.column == ", ".join(schema.VALUE_KEY)
    assert "duplicate key" in str(error)


def test_duplicate_indicator_id(tmp_path: Path, town_dir: Path) -> None:
    def duplicate(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[2, "indicator_id"] = frame.loc[0, "indicator_id"]
        return frame

    error = refusal(tmp_path, town_dir, schema.INDICATORS_FILE, rewrite_csv(duplicate))
    assert (error.row, error.column) == (4, "indicator_id")


def test_inverted_interval(tmp_path: Path, town_dir: Path) -> None:
    def invert(frame: pd.DataFrame) -> pd.DataFrame:
        lower, upper = float(frame.at[9, "lower_ci"]), float(frame.at[9, "upper_ci"])
        frame.loc[9, "lower_ci"], frame.loc[9, "upper_ci"] = upper, lower
        return frame

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(invert))
    assert (error.file, error.row, error.column) == (schema.VALUES_FILE, 10, "lower_ci")
    assert "expected lower_ci <= value" in str(error)
    assert "(and 1 more)" in str(error)  # value <= upper_ci fails on the same row


def test_inverted_998_interval(tmp_path: Path, town_dir: Path) -> None:
    def invert(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[2, "upper_ci_998"] = frame.loc[2, "value"] - 1
        return frame

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(invert))
    assert (error.row, error.column) == (3, "upper_ci_998")


@pytest.mark.parametrize(
    ("column", "bad", "expected"),
    [
        ("area_type", "county", "expected one of england, region"),
        ("breakdown", "income", "expected one of total, sex"),
        ("indicator_id", "unknown", "indicators.csv"),
        ("count", -3.0, "expected a value >= 0"),
        ("count", 1e9, "count <= denominator"),
        ("area_code", "E01999999", "areas.parquet"),
    ],
)
def test_values_refusals(tmp_path: Path, town_dir: Path, column: str, bad, expected: str
                         ) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.index[frame["area_code"].astype(str) == LSOAS[1]][0]
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = bad
        return frame

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(spoil))
    assert error.file == schema.VALUES_FILE and error.column == column
    assert error.row is not None and expected in str(error)


@pytest.mark.parametrize(
    ("column", "bad", "expected"),
    [("value_type", "ratio", "expected one of proportion"),
     ("polarity", "up", "expected one of higher_is_better")],
)
def test_catalogue_vocabularies(tmp_path: Path, town_dir: Path, column: str, bad: str,
                                expected: str) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[0, column] = bad
        return frame

    error = refusal(tmp_path, town_dir, schema.INDICATORS_FILE, rewrite_csv(spoil))
    assert (error.row, error.column) == (2, column) and expected in str(error)


def test_duplicate_area_and_bad_decile(tmp_path: Path, town_dir: Path) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[4, "imd_decile"] = 11
        return frame

    error = refusal(tmp_path, town_dir, schema.AREAS_FILE, rewrite_parquet(spoil))
    assert (error.file, error.row, error.column) == (schema.AREAS_FILE, 5, "imd_decile")


def test_geojson_must_match_the_areas(tmp_path: Path, town_dir: Path) -> None:
    def drop_feature(path: Path) -> None:
        collection = yaml.safe_load(path.read_text())  # JSON is YAML
        collection["features"] = collection["features"][1:]
        path.write_text(__import__("json").dumps(collection))

    error = refusal(tmp_path, town_dir, f"{schema.GEO_DIR}/ward.geojson", drop_feature)
    assert error.file == "geo/ward.geojson" and error.column == "properties.area_code"
    assert WARDS[0] in str(error)


def test_geojson_feature_of_unknown_area(tmp_path: Path, town_dir: Path) -> None:
    def rename(path: Path) -> None:
        text = path.read_text().replace(f'"area_code":"{LSOAS[2]}"', '"area_code":"E01999999"')
        path.write_text(text)

    error = refusal(tmp_path, town_dir, f"{schema.GEO_DIR}/lsoa.geojson", rename)
    assert (error.row, error.column) == (3, "properties.area_code")


def test_dataset_yaml_keys(tmp_path: Path, town_dir: Path) -> None:
    def drop_levels(path: Path) -> None:
        meta = yaml.safe_load(path.read_text())
        del meta["levels"]
        path.write_text(yaml.safe_dump(meta))

    error = refusal(tmp_path, town_dir, schema.DATASET_FILE, drop_levels)
    assert (error.file, error.column) == (schema.DATASET_FILE, "levels")


def test_many_failures_are_counted(tmp_path: Path, town_dir: Path) -> None:
    def negative(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[[4, 8, 12], "count"] = -1.0
        return frame

    error = refusal(tmp_path, town_dir, schema.VALUES_FILE, rewrite_parquet(negative))
    assert error.row == 5 and str(error).endswith("(and 2 more)")


# --- atomic write ----------------------------------------------------------------------------


def test_failed_write_leaves_the_old_dataset_byte_for_byte(
    tmp_path: Path, town_parts: dict
) -> None:
    out = write_dataset(tmp_path / "dataset", **town_parts)
    (out / "README.md").write_text("notes kept by hand\n")
    before = snapshot(out)
    bad_values = town_parts["values"].copy()
    bad_values.loc[3, "lower_ci"] = bad_values.loc[3, "value"] + 5
    with pytest.raises(DatasetError, match="lower_ci"):
        write_dataset(out, **{**town_parts, "values": bad_values})
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset"]  # no temporary left


def test_successful_write_replaces_and_carries_other_files_over(
    tmp_path: Path, town_parts: dict
) -> None:
    out = write_dataset(tmp_path / "dataset", **town_parts)
    (out / "README.md").write_text("notes kept by hand\n")
    (out / "extra").mkdir()
    (out / "extra" / "note.txt").write_text("kept")
    fewer = town_parts["values"][town_parts["values"]["indicator_id"] != "employment"]
    one_level = {"ward": town_parts["geo"]["ward"]}
    write_dataset(out, **{**town_parts, "values": fewer, "geo": one_level})
    assert (out / "README.md").read_text() == "notes kept by hand\n"
    assert (out / "extra" / "note.txt").read_text() == "kept"
    assert not (out / schema.GEO_DIR / "lsoa.geojson").exists()
    assert len(load_dataset(out).values) == len(fewer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset"]


def test_write_refuses_a_frame_without_a_column(tmp_path: Path, town_parts: dict) -> None:
    with pytest.raises(DatasetError) as caught:
        write_dataset(tmp_path / "dataset", **{**town_parts,
                                               "areas": town_parts["areas"].drop(columns="level")})
    assert (caught.value.file, caught.value.column) == (schema.AREAS_FILE, "level")
    assert not (tmp_path / "dataset").exists()
    assert list(tmp_path.iterdir()) == []


def test_written_directory_has_the_usual_permissions(tmp_path: Path, town_parts: dict) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    out = write_dataset(tmp_path / "dataset", **town_parts)
    assert out.stat().st_mode == plain.stat().st_mode


def test_geojson_feature_id_must_equal_its_area_code(tmp_path: Path, town_dir: Path) -> None:
    def rename(path: Path) -> None:
        path.write_text(path.read_text().replace(f'"id":"{WARDS[1]}"', '"id":"ward-2"'))

    error = refusal(tmp_path, town_dir, f"{schema.GEO_DIR}/ward.geojson", rename)
    assert (error.row, error.column) == (2, "id")
    assert "'ward-2'" in str(error)
