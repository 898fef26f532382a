"""Read, validate and write a dataset directory (the format of ../shared/DESIGN.md).

Every file is checked against a pandera schema built from ``schema.py``; the first problem is
raised as one ``DatasetError`` naming the file, the row and the column and what was expected.

Rows are counted as a person counts them:

- ``indicators.csv``: spreadsheet rows, the header is row 1, so the first indicator is row 2;
- ``values.parquet`` and ``areas.parquet``: records, the first record is row 1;
- YAML lists (``principles.yaml``, ``comparators`` in ``dataset.yaml``): the first item is row 1;
- ``geo/<level>.geojson``: features, the first feature is row 1.
"""

from __future__ import annotations

import json
import mmap
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow_lib
import pyarrow.ipc
import pyarrow.parquet as pq
import yaml
from pandera.errors import SchemaError, SchemaErrors

from marmot_dash.data import checksums, limits, schema
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.meta import parse_meta
from marmot_dash.data.places import area_places, place_list, small_area_rows
from marmot_dash.data.yamlfile import read_yaml

# Columns written with dictionary (categorical) encoding: few distinct values, many rows.
DICTIONARY_COLUMNS = {
    schema.VALUES_FILE: (
        "indicator_id", "area_code", "area_name", "area_type", "period", "breakdown",
        "category", "note",
    ),
    schema.AREAS_FILE: ("level", "parent_code"),
}
GEO_CODE = "properties.area_code"
HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"
# Names in a dataset directory that belong to the format (replaced, never carried over).
FORMAT_ENTRIES = frozenset({*schema.REQUIRED_FILES, schema.VALUES_ARROW_FILE, schema.THEMES_FILE,
                            schema.GEO_DIR})


@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated dataset directory, held in memory."""

    path: Path
    meta: dict
    principles: pd.DataFrame
    indicators: pd.DataFrame
    values: pd.DataFrame
    areas: pd.DataFrame
    geo: Mapping[str, dict] = field(default_factory=dict)  # level -> FeatureCollection
    themes: Any = None
    stages: Any = None  # the evaluation's stages, from themes.yaml


# --- pandera building blocks -------------------------------------------------------------------


def _text_elements(series: pd.Series) -> bool | pd.Series:
    """True for a text column (string or categorical of strings); per element for object columns."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        return pd.api.types.is_string_dtype(categories) or len(categories) == 0
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return True
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return True
    return series.map(lambda item: isinstance(item, str)).astype(bool)


def _number_elements(series: pd.Series) -> bool | pd.Series:
    """True for a numeric column; per element for other columns (text cells fail)."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return True
    return series.map(
        lambda item: isinstance(item, int | float | np.number) and not isinstance(item, bool)
    ).astype(bool)


def _whole_elements(series: pd.Series) -> pd.Series:
    return _numbers(series) % 1 == 0


TEXT = pa.Check(_text_elements, error="expected text")
NUMBER = pa.Check(_number_elements, error="expected a number")
WHOLE = pa.Check(_whole_elements, error="expected a whole number")
TYPE_CHECKS = ("expected text", "expected a number", "expected a whole number")


def _text(*checks: pa.Check, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(checks=[TEXT, *checks], nullable=nullable, unique=unique,
                     report_duplicates="exclude_first")


def _number(
    dtype: str,
    *checks: pa.Check,
    nullable: bool = True,
    unique: bool = False,
    coerce: bool = False,
) -> pa.Column:
    """A numeric column of ``dtype``: parsed from text when ``coerce`` (CSV), else any number
    type is accepted and cast after validation (Parquet, YAML)."""
    if coerce:
        return pa.Column(dtype, checks=list(checks), nullable=nullable, coerce=True,
                         unique=unique, report_duplicates="exclude_first")
    kind = [NUMBER, WHOLE] if dtype in ("int64", "Int64") else [NUMBER]
    return pa.Column(checks=[*kind, *checks], nullable=nullable, unique=unique,
                     report_duplicates="exclude_first", metadata={"dtype": dtype})


def _one_of(values: Sequence) -> pa.Check:
    return pa.Check.isin(list(values), error=f"expected one of {', '.join(map(str, values))}")


def _between(low: float, high: float) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"expected a value from {low} to {high}")


NON_NEGATIVE = pa.Check.ge(0, error="expected a value >= 0")


# Whole-row checks, by their message, and the column their failures are reported against.
ROW_CHECK_COLUMNS: dict[str, str] = {}


def _row_check(column: str, problem: str, passes: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A whole-row check whose failures are reported against ``column``."""
    ROW_CHECK_COLUMNS[problem] = column
    return pa.Check(passes, error=problem)


def _numbers(series: pd.Series) -> pd.Series:
    """The column as numbers; cells that are not (reported by the type check) become NaN."""
    return pd.to_numeric(series, errors="coerce")


def _ordered(low: str, high: str) -> Callable[[pd.DataFrame], pd.Series]:
    def passes(frame: pd.DataFrame) -> pd.Series:
        lows, highs = _numbers(frame[low]), _numbers(frame[high])
        return ~(lows > highs)  # missing on either side passes

    return passes


# --- one schema per file -----------------------------------------------------------------------


def principles_schema() -> pa.DataFrameSchema:
    """``principles.yaml``: the eight principles, one item each."""
    return pa.DataFrameSchema(
        {
            "id": _number("int64", _one_of(schema.PRINCIPLE_IDS), nullable=False, unique=True),
            "short_name": _text(),
            "title": _text(),
            "colour": _text(pa.Check.str_matches(HEX_COLOUR, error="expected a colour #RRGGBB")),
        },
        report_duplicates="exclude_first",
    )


def indicators_schema() -> pa.DataFrameSchema:
    """``indicators.csv``: the catalogue, one row per indicator."""
    return pa.DataFrameSchema(
        {
            "indicator_id": _text(unique=True),
            "name": _text(),
            "short_name": _text(),
            "principle": _number("int64", _one_of(schema.PRINCIPLE_IDS), nullable=False,
                                 coerce=True),
            "sources": _text(nullable=True),
            "unit": _text(nullable=True),
            "value_type": _text(_one_of(schema.VALUE_TYPES)),
            "multiplier": _number("float64", pa.Check.gt(0, error="expected a value > 0"),
                                  nullable=False, coerce=True),
            "polarity": _text(_one_of(schema.POLARITIES)),
            "baseline_period": _text(nullable=True),
            "target": _number("float64", coerce=True),
            "target_period": _text(nullable=True),
            "definition": _text(nullable=True),
            "source_url": _text(nullable=True),
            "publisher": _text(nullable=True),
            "fingertips_id": _number("Int64", coerce=True),
        },
        report_duplicates="exclude_first",
    )


def areas_schema() -> pa.DataFrameSchema:
    """``areas.parquet``: one row per area with its national and local deprivation."""
    return pa.DataFrameSchema(
        {
            "area_code": _text(unique=True),
            "area_name": _text(),
            "level": _text(_one_of(schema.AREA_LEVELS)),
            "parent_code": _text(nullable=True),
            "population": _number("float64", NON_NEGATIVE),
            "imd_score": _number("float64"),
            "imd_rank": _number("Int64", pa.Check.ge(1, error="expected a rank >= 1")),
            "imd_decile": _number("Int64", _between(1, 10)),
            "local_quintile": _number("Int64", _between(1, 5)),
            "local_decile": _number("Int64", _between(1, 10)),
        },
        report_duplicates="exclude_first",
    )


def values_schema(
    indicator_ids: Sequence[str], proportion_ids: Sequence[str], small_area_codes: Sequence[str]
) -> pa.DataFrameSchema:
    """``values.parquet``: the facts; every indicator in the catalogue, small areas in areas."""
    known_small_areas = set(small_area_codes)
    proportions = set(proportion_ids)

    def small_area_known(frame: pd.DataFrame) -> pd.Series:
        small = frame["area_type"].isin(schema.SMALL_AREA_LEVELS).to_numpy(dtype=bool)
        known = frame["area_code"].isin(known_small_areas).to_numpy(dtype=bool)
        return pd.Series(~small | known, index=frame.index)

    def deprivation_group_known(frame: pd.DataFrame) -> pd.Series:
        groups = frame["breakdown"].map(schema.DEPRIVATION_GROUPS)
        sort = _numbers(frame["category_sort"])
        return groups.isna() | ((sort >= 1) & (sort <= groups))

    def count_within_denominator(frame: pd.DataFrame) -> pd.Series:
        proportion = frame["indicator_id"].isin(proportions).to_numpy(dtype=bool)
        return ~(pd.Series(proportion, index=frame.index)
                 & (_numbers(frame["count"]) > _numbers(frame["denominator"])))

    return pa.DataFrameSchema(
        {
            "indicator_id": _text(pa.Check.isin(
                list(indicator_ids), error="expected an indicator_id of indicators.csv")),
            "area_code": _text(),
            "area_name": _text(),
            "area_type": _text(_one_of(schema.AREA_TYPES)),
            "period": _text(),
            "period_sort": _number("int64", nullable=False),
            "breakdown": _text(_one_of(schema.BREAKDOWNS)),
            "category": _text(),
            "category_sort": _number("int64", nullable=False),
            "value": _number("float64"),
            "lower_ci": _number("float64"),
            "upper_ci": _number("float64"),
            "lower_ci_998": _number("float64"),
            "upper_ci_998": _number("float64"),
            "count": _number("float64", NON_NEGATIVE),
            "denominator": _number("float64", NON_NEGATIVE),
            "note": _text(nullable=True),
        },
        checks=[
            _row_check("lower_ci", "expected lower_ci <= value", _ordered("lower_ci", "value")),
            _row_check("upper_ci", "expected value <= upper_ci", _ordered("value", "upper_ci")),
            _row_check("lower_ci_998", "expected lower_ci_998 <= value",
                       _ordered("lower_ci_998", "value")),
            _row_check("upper_ci_998", "expected value <= upper_ci_998",
                       _ordered("value", "upper_ci_998")),
            _row_check("count", "expected count <= denominator for a proportion",
                       count_within_denominator),
            _row_check("area_code", "expected a small-area code listed in areas.parquet",
                       small_area_known),
            _row_check("category_sort", "expected a deprivation group 1 (most deprived) to 10 "
                       "for deciles, to 5 for quintiles", deprivation_group_known),
        ],
        unique=list(schema.VALUE_KEY),
        report_duplicates="exclude_first",
    )


def geo_schema(level: str, area_codes: Sequence[str]) -> pa.DataFrameSchema:
    """``geo/<level>.geojson`` features, one row per feature (``id``, ``properties.area_code``):
    every area code of the level once, and ``id`` equal to it."""

    def id_is_code(frame: pd.DataFrame) -> pd.Series:
        return frame["id"] == frame[GEO_CODE]

    return pa.DataFrameSchema(
        {
            GEO_CODE: _text(
                pa.Check.isin(list(area_codes),
                              error=f"expected an area_code of level '{level}' in areas.parquet"),
                unique=True,
            ),
            "id": pa.Column(nullable=True),
        },
        checks=[_row_check("id", "expected the feature id to equal properties.area_code",
                           id_is_code)],
        report_duplicates="exclude_first",
    )


# --- turning pandera failures into one DatasetError --------------------------------------------


def _shown(item: Any) -> str:
    """A failing cell as a person reads it: text quoted, numbers plain."""
    if isinstance(item, np.generic):
        item = item.item()
    return repr(item) if isinstance(item, str) else str(item)


def _problem(check: str, failure_case: Any) -> str:
    """A person's wording of one pandera failure."""
    if check == "column_in_dataframe":
        return "column missing"
    if check == "not_nullable":
        return "expected a value, found an empty cell"
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return f"duplicate key {_shown(failure_case)} (already on an earlier row)"
    if check.startswith(("dtype(", "coerce_dtype(")):
        expected = check[check.index("(") + 1 : -1].strip("'")
        return f"expected type {expected}, found {_shown(failure_case)}"
    return f"{check}, found {_shown(failure_case)}"


def _failures(errors: SchemaErrors, frame: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame:
    """One line per failing (row, column): whole-row checks are reported on their column."""
    cases = errors.failure_cases
    cases = cases.assign(
        index=pd.to_numeric(cases["index"], errors="coerce"),
        column=cases["column"].where(cases["column"].map(lambda c: isinstance(c, str))),
    )
    row_check_column = cases["check"].map(ROW_CHECK_COLUMNS)
    key_check = cases["check"] == "multiple_fields_uniqueness"
    cases["column"] = row_check_column.where(row_check_column.notna(), cases["column"])
    cases.loc[key_check, "column"] = ", ".join(key)
    missing = cases["check"] == "column_in_dataframe"
    cases.loc[missing, "column"] = cases.loc[missing, "failure_case"]
    type_failure = cases["check"].isin(TYPE_CHECKS) | cases["check"].str.startswith(
        ("dtype(", "coerce_dtype(")
    )
    mistyped = set(cases.loc[type_failure, "column"])
    cases = cases[type_failure | ~cases["column"].isin(mistyped)]
    cases = cases.drop_duplicates(["index", "column"])
    located = row_check_column.loc[cases.index].notna() & cases["index"].notna()
    for position in np.flatnonzero(located.to_numpy()):
        label = cases.index[position]
        cases.at[label, "failure_case"] = frame.at[cases.at[label, "index"],
                                                   cases.at[label, "column"]]
    for label in cases.index[cases["check"] == "multiple_fields_uniqueness"]:
        cases.at[label, "failure_case"] = tuple(
            _plain(frame.at[cases.at[label, "index"], k]) for k in key
        )
    # By row, failures without a row last; on one row, column checks before whole-row checks.
    cases["_whole_row"] = cases["check"].isin(ROW_CHECK_COLUMNS)
    return cases.sort_values(["index", "_whole_row"], kind="stable", na_position="last")


def _raise_first(
    errors: SchemaErrors, frame: pd.DataFrame, file: str, row_offset: int, key: Sequence[str]
) -> None:
    """Raise the first failure (the lowest row; failures without a row last) as one
    DatasetError."""
    cases = _failures(errors, frame, key)
    first = cases.iloc[0]
    row = None if pd.isna(first["index"]) else int(first["index"]) + row_offset
    column = first["column"] if isinstance(first["column"], str) else None
    problem = _problem(str(first["check"]), first["failure_case"])
    if len(cases) > 1:
        problem += f" (and {len(cases) - 1} more)"
    raise DatasetError(file, problem, row=row, column=column)


def _validate(
    frame: pd.DataFrame,
    dataframe_schema: pa.DataFrameSchema,
    file: str,
    row_offset: int,
    key: Sequence[str] = (),
) -> pd.DataFrame:
    """Validate ``frame``; the first failure becomes a DatasetError."""
    try:
        frame = dataframe_schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        _raise_first(errors, frame, file, row_offset, key)
    except SchemaError as error:  # raised even under lazy=True for some structural problems
        raise DatasetError(file, str(error)) from error
    return _cast(frame, dataframe_schema)


def _cast(frame: pd.DataFrame, dataframe_schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Numeric columns validated as "any number" take their declared dtype."""
    casts = {
        name: column.metadata["dtype"]
        for name, column in dataframe_schema.columns.items()
        if column.metadata and frame[name].dtype != column.metadata["dtype"]
    }
    return frame.astype(casts) if casts else frame


def _missing_columns(frame: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        others = f" (and {len(missing) - 1} more: {', '.join(missing[1:])})"
        raise DatasetError(file, "column missing" + (others if missing[1:] else ""),
                           column=missing[0])


# --- readers -----------------------------------------------------------------------------------


def _read_yaml(directory: Path, file: str) -> Any:
    return read_yaml(limits.check_file(directory, file, limits.MAX_FILE_BYTES[file]), file)


def _read_parquet(directory: Path, file: str, max_rows: int, variable: str | None = None
                  ) -> pd.DataFrame:
    """A Parquet table of at most ``max_rows`` rows (counted from its footer before reading) as
    a DataFrame: dictionary columns become categoricals; each Arrow column is freed once
    converted (``self_destruct``) and not copied into 2-D blocks, so loading peaks at little
    more than the frame itself."""
    path = limits.check_file(directory, file, limits.MAX_FILE_BYTES[file])
    try:
        limits.check_rows(pq.ParquetFile(path).metadata.num_rows, max_rows, file,
                          variable=variable)
        table = pq.read_table(path, memory_map=True)
        frame = table.to_pandas(split_blocks=True, self_destruct=True)
    except (OSError, pyarrow_lib.ArrowException) as error:
        raise DatasetError(file, f"cannot read Parquet: {error}") from error
    pyarrow_lib.default_memory_pool().release_unused()  # Arrow's freed pages back to the system
    return frame


def _read_csv_text(path: Path, file: str) -> pd.DataFrame:
    """A CSV file with every cell as text (empty cells missing)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise DatasetError(file, f"cannot read CSV: {error}") from error


def _read_meta(directory: Path) -> dict:
    file = schema.DATASET_FILE
    return parse_meta(_read_yaml(directory, file), file)


PRINCIPLE_KEYS = ("id", "short_name", "title", "colour")


def _read_principles(directory: Path) -> pd.DataFrame:
    file = schema.PRINCIPLES_FILE
    items = _read_yaml(directory, file)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DatasetError(file, "expected a list of {id, short_name, title, colour}")
    for row, item in enumerate(items, start=1):
        unknown = [str(key) for key in item if key not in PRINCIPLE_KEYS]
        if unknown:
            raise DatasetError(file, f"unknown key (expected {', '.join(PRINCIPLE_KEYS)})",
                               row=row, column=unknown[0])
    frame = pd.DataFrame(items)
    _missing_columns(frame, ("id", "short_name", "title", "colour"), file)
    frame = _validate(frame, principles_schema(), file, row_offset=1)
    return frame.sort_values("id", ignore_index=True)


def _indicators_text(directory: Path) -> pd.DataFrame:
    """indicators.csv as text, within the limits (an older file without ``publisher`` gets an
    empty one)."""
    file = schema.INDICATORS_FILE
    frame = _read_csv_text(limits.check_file(directory, file, limits.MAX_FILE_BYTES[file]), file)
    limits.check_rows(len(frame), limits.MAX_INDICATORS, file)
    if "publisher" not in frame:  # datasets built before the column existed
        frame["publisher"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    return frame


def _read_indicators(directory: Path) -> pd.DataFrame:
    frame = _indicators_text(directory)
    _missing_columns(frame, schema.INDICATOR_COLUMNS, schema.INDICATORS_FILE)
    return _validate(frame, indicators_schema(), schema.INDICATORS_FILE, row_offset=2)


def _read_areas(directory: Path) -> pd.DataFrame:
    file = schema.AREAS_FILE
    frame = _read_parquet(directory, file, limits.MAX_AREAS)
    _missing_columns(frame, schema.AREA_COLUMNS, file)
    return _validate(frame, areas_schema(), file, row_offset=1)


def _read_values(directory: Path, indicators: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    file = schema.VALUES_FILE
    frame = _read_parquet(directory, file, limits.max_values_rows(), limits.VALUES_ROWS_ENV)
    _missing_columns(frame, schema.VALUE_COLUMNS, file)
    ids = indicators["indicator_id"].tolist()
    proportion_ids = indicators.loc[indicators["value_type"] == "proportion", "indicator_id"]
    small_areas = areas.loc[areas["level"].isin(schema.SMALL_AREA_LEVELS), "area_code"]
    values = values_schema(ids, proportion_ids.tolist(), small_areas.tolist())
    return _text_as_categories(_validate(frame, values, file, row_offset=1, key=schema.VALUE_KEY))


def _text_as_categories(values: pd.DataFrame) -> pd.DataFrame:
    """The text columns of values as categoricals whose categories are in code order, as
    values.arrow holds them (a column written without a dictionary, or empty throughout, which
    Parquet stores as nulls, reads as text; a dictionary is in the order met). The Store then
    uses the area codes' categorical codes as its area ids."""
    changed = {}
    for name in DICTIONARY_COLUMNS[schema.VALUES_FILE]:
        column = values[name]
        if not isinstance(column.dtype, pd.CategoricalDtype):
            changed[name] = column.astype("category")  # categories sorted
        elif not column.cat.categories.is_monotonic_increasing:
            changed[name] = column.cat.reorder_categories(column.cat.categories.sort_values())
    return values.assign(**changed) if changed else values


def _read_geo(directory: Path, areas: pd.DataFrame) -> dict[str, dict]:
    geo_dir = directory / schema.GEO_DIR
    if not geo_dir.is_dir():
        return {}
    geo = {}
    for path in sorted(geo_dir.glob("*.geojson")):
        level = path.stem
        file = f"{schema.GEO_DIR}/{path.name}"
        if level not in schema.AREA_LEVELS:
            raise DatasetError(file, f"expected a level name: {', '.join(schema.AREA_LEVELS)}")
        collection = _read_geojson(directory, file)
        found = [(feature.get("properties") or {}).get("area_code") for feature in collection]
        features = pd.DataFrame({
            GEO_CODE: pd.Series(found, dtype=object),
            "id": pd.Series([feature.get("id") for feature in collection], dtype=object),
        })
        codes = areas.loc[areas["level"] == level, "area_code"].tolist()
        _validate(features, geo_schema(level, codes), file, row_offset=1)
        missing = sorted(set(codes) - set(features[GEO_CODE]))
        if missing:
            raise DatasetError(
                file,
                f"no feature for area {missing[0]} of areas.parquet"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                column=GEO_CODE,
            )
        geo[level] = collection_dict(collection)
    return geo


def _check_places(meta: dict, areas: pd.DataFrame) -> None:
    """With ``places`` in dataset.yaml: each is an ``la`` row of areas.parquet and every ward,
    LSOA and MSOA belongs to one of them (its ``parent_code`` chain reaches it)."""
    if "places" not in meta:
        return
    file = schema.AREAS_FILE
    codes = [place["code"] for place in place_list(meta)]
    authorities = set(areas.loc[areas["level"] == "la", "area_code"])
    missing = [code for code in codes if code not in authorities]
    if missing:
        raise DatasetError(file, f"no 'la' row for place {missing[0]} of {schema.DATASET_FILE}"
                           + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                           column="area_code")
    orphans = np.flatnonzero((small_area_rows(areas) & area_places(areas, codes).isna())
                             .to_numpy())
    if len(orphans):
        row = int(orphans[0])
        raise DatasetError(file, f"area {areas['area_code'].iloc[row]} belongs to none of the "
                                 "places (its parent_code chain reaches no place)",
                           row=row + 1, column="parent_code")


def collection_dict(features: list[dict]) -> dict:
    """A GeoJSON FeatureCollection of ``features``."""
    return {"type": "FeatureCollection", "features": features}


def _read_geojson(directory: Path, file: str) -> list[dict]:
    path = limits.check_file(directory, file, limits.MAX_GEOJSON_BYTES)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DatasetError(file, f"cannot read GeoJSON: {error}") from error
    return _parse_geojson(data, file)


def _parse_geojson(data: bytes, file: str) -> list[dict]:
    """The features of GeoJSON ``data``, within the depth and vertex limits."""
    limits.check_json_depth(data, file)
    try:
        collection = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise DatasetError(file, f"cannot read GeoJSON: {error}") from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DatasetError(file, "expected a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise DatasetError(file, "expected a list of features", column="features")
    _check_vertices(features, file)
    return features


def _check_vertices(features: list[dict], file: str) -> None:
    """Every geometry a (Multi)Polygon, and at most ``limits.max_geo_vertices()`` vertices."""
    vertices = 0
    for row, feature in enumerate(features, start=1):
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        polygons = [coordinates] if kind == "Polygon" else coordinates
        shaped = kind in ("Polygon", "MultiPolygon") and isinstance(polygons, list) and all(
            isinstance(polygon, list) and all(isinstance(ring, list) for ring in polygon)
            for polygon in polygons)
        if not shaped:
            raise DatasetError(file, "expected a Polygon or MultiPolygon geometry", row=row,
                               column="geometry")
        vertices += sum(len(ring) for polygon in polygons for ring in polygon)
    limit = limits.max_geo_vertices()
    if vertices > limit:
        raise DatasetError(file, f"{vertices:,} vertices, more than the {limit:,} allowed "
                                 f"(simplify the boundaries more, or set "
                                 f"{limits.GEO_VERTICES_ENV} to raise the limit)")


def _read_themes(directory: Path) -> tuple[Any, Any]:
    """The themes and the evaluation's stages (both None without a themes file)."""
    file = schema.THEMES_FILE
    if not (directory / file).exists() and not (directory / file).is_symlink():
        return None, None
    from marmot_dash.qualitative.themes import load_themes_and_stages

    return load_themes_and_stages(limits.check_file(directory, file, limits.MAX_FILE_BYTES[file]),
                                  name=file)


# --- a dataset validated at build time: checksums and column types only --------------------------


def _hashed_by_reader(file: str) -> bool:
    """Files the fast load checks against the record as it reads them (values.arrow: 1.4 GB
    at England scale, hashed once through the descriptor it maps; boundaries: the bytes kept)."""
    return file == schema.VALUES_ARROW_FILE or file.startswith(f"{schema.GEO_DIR}/")


def _read_recorded(
    directory: Path, record: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, Mapping[str, dict]]:
    """Principles, indicators, areas, values and geo of a dataset whose checksums match its
    validation record: the same frames as the full validation, without its row checks."""
    file = schema.PRINCIPLES_FILE
    items = _read_yaml(directory, file)
    principles = pd.DataFrame(items if isinstance(items, list) else [])
    _missing_columns(principles, ("id", "short_name", "title", "colour"), file)
    principles = _cast(principles, principles_schema()).sort_values("id", ignore_index=True)
    indicators = _indicators_text(directory)
    _missing_columns(indicators, schema.INDICATOR_COLUMNS, schema.INDICATORS_FILE)
    indicators = _coerce(indicators, indicators_schema())
    areas = _read_typed_parquet(directory, schema.AREAS_FILE, areas_schema(), limits.MAX_AREAS)
    if schema.VALUES_ARROW_FILE in record["files"]:
        values = _map_values(directory, record)
    else:  # a record without values.arrow (written by hand): values.parquet, decoded
        values = _text_as_categories(_read_typed_parquet(
            directory, schema.VALUES_FILE, values_schema((), (), ()), limits.max_values_rows(),
            limits.VALUES_ROWS_ENV))
    geo = {}
    for path in sorted((directory / schema.GEO_DIR).glob("*.geojson")):
        file = f"{schema.GEO_DIR}/{path.name}"
        data = limits.check_file(directory, file, limits.MAX_GEOJSON_BYTES).read_bytes()
        checksums.check_bytes(directory, record, file, data)
        geo[path.stem] = (file, data)
    return principles, indicators, areas, values, _Boundaries(geo)


class _Boundaries(Mapping[str, dict]):
    """``geo/<level>.geojson`` of a recorded dataset: the bytes read and checked against the
    record at load, each level parsed (JSON depth, shape and vertex limit checked, a broken
    file refused with one ``DatasetError``) on first use, then kept. Parsing the 7.7 MB England
    lsoa file took a second of a worker's start; most workers never draw that map."""

    def __init__(self, sources: Mapping[str, tuple[str, bytes]]) -> None:
        self._sources = dict(sources)  # level -> (file, bytes) until parsed
        self._parsed: dict[str, dict] = {}
        self._lock = threading.Lock()  # one parse per level, whichever thread asks first

    def __getitem__(self, level: str) -> dict:
        if level in self._parsed:
            return self._parsed[level]
        with self._lock:
            if level not in self._parsed:
                file, data = self._sources[level]  # KeyError for a level without boundaries
                self._parsed[level] = collection_dict(_parse_geojson(data, file))
                self._sources[level] = (file, b"")
            return self._parsed[level]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _coerce(frame: pd.DataFrame, dataframe_schema: pa.DataFrameSchema) -> pd.DataFrame:
    """The columns pandera would coerce (CSV numbers read as text), given their dtype."""
    casts = {name: pd.to_numeric(frame[name]).astype(str(column.dtype))
             for name, column in dataframe_schema.columns.items() if column.coerce}
    return frame.assign(**casts)


def _arrow_kind(arrow_type: pyarrow_lib.DataType) -> str:
    """'text', 'number', 'empty' or the type's name, for the column check of the fast path."""
    if pyarrow_lib.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pyarrow_lib.types.is_null(arrow_type):  # every cell missing
        return "empty"
    if pyarrow_lib.types.is_string(arrow_type) or pyarrow_lib.types.is_large_string(arrow_type):
        return "text"
    if pyarrow_lib.types.is_integer(arrow_type) or pyarrow_lib.types.is_floating(arrow_type):
        return "number"
    return str(arrow_type)


def _read_typed_parquet(
    directory: Path, file: str, dataframe_schema: pa.DataFrameSchema, max_rows: int,
    variable: str | None = None,
) -> pd.DataFrame:
    """A Parquet file whose columns and types (from its metadata) match ``dataframe_schema``,
    numbers cast to their declared dtype."""
    try:
        arrow_schema = pq.read_schema(limits.check_file(directory, file,
                                                        limits.MAX_FILE_BYTES[file]))
    except (OSError, pyarrow_lib.ArrowException) as error:
        raise DatasetError(file, f"cannot read Parquet: {error}") from error
    _missing_columns(pd.DataFrame(columns=arrow_schema.names), tuple(dataframe_schema.columns),
                     file)
    for name, column in dataframe_schema.columns.items():
        expected = "number" if column.metadata else "text"
        found = _arrow_kind(arrow_schema.field(name).type)
        if found not in (expected, "empty"):
            raise DatasetError(file, f"expected {expected} column, found {found}", column=name)
    return _cast(_read_parquet(directory, file, max_rows, variable), dataframe_schema)


def _map_values(directory: Path, record: Mapping[str, Any]) -> pd.DataFrame:
    """values.arrow, checked against the record, mapped into memory: its columns are numpy
    views of the file's pages (read-only, in the page cache, shared by every process that maps
    it), so loading 17M rows decodes and copies nothing."""
    file = schema.VALUES_ARROW_FILE
    path = limits.check_file(directory, file, limits.max_values_arrow_bytes())
    try:
        with path.open("rb") as stream:
            checksums.check_stream(directory, record, file, stream)
            mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)  # the file hashed
        reader = pyarrow.ipc.open_file(pyarrow_lib.py_buffer(mapped))
        if reader.num_record_batches != 1:
            raise DatasetError(file, f"expected one record batch, found "
                                     f"{reader.num_record_batches}")
        batch = reader.get_batch(0)
        limits.check_rows(batch.num_rows, limits.max_values_rows(), file,
                          variable=limits.VALUES_ROWS_ENV)
        batch.validate()
    except (OSError, ValueError, pyarrow_lib.ArrowException) as error:
        raise DatasetError(file, f"cannot read Arrow: {error}") from error
    if batch.schema.names != list(schema.VALUE_COLUMNS):
        raise DatasetError(file, f"expected the columns {', '.join(schema.VALUE_COLUMNS)}")
    for name, column in values_schema((), (), ()).columns.items():
        found = batch.schema.field(name).type
        expected = (pyarrow_lib.from_numpy_dtype(np.dtype(column.metadata["dtype"]))
                    if column.metadata else "dictionary of text")
        if found != expected and not (not column.metadata and _dictionary_of_text(found)):
            raise DatasetError(file, f"expected {expected}, found {found}", column=name)
    # split_blocks: one array per column; numbers without nulls and dictionary codes are then
    # used in place (zero copy), text labels (a few thousand) are the only strings made
    return batch.to_pandas(split_blocks=True)


def _dictionary_of_text(arrow_type: pyarrow_lib.DataType) -> bool:
    return (pyarrow_lib.types.is_dictionary(arrow_type)
            and pyarrow_lib.types.is_string(arrow_type.value_type))


def _write_values_arrow(values: pd.DataFrame, path: Path) -> None:
    """values.arrow from validated values: one uncompressed record batch, text as dictionary
    codes (pandas' own, so they map back without a copy), numbers without a validity bitmap
    (NaN stays NaN: a float column maps as it is)."""
    columns = {}
    for name in schema.VALUE_COLUMNS:
        series = values[name]
        if name in DICTIONARY_COLUMNS[schema.VALUES_FILE]:
            categorical = (series.array if isinstance(series.dtype, pd.CategoricalDtype)
                           else pd.Categorical(series))
            codes = np.asarray(categorical.codes)
            columns[name] = pyarrow_lib.DictionaryArray.from_arrays(
                pyarrow_lib.array(codes, mask=codes < 0),
                pyarrow_lib.array(np.asarray(categorical.categories, dtype=object),
                                  type=pyarrow_lib.string()))
        else:
            columns[name] = pyarrow_lib.array(series.to_numpy(), from_pandas=False)
    table = pyarrow_lib.table(columns)
    with pyarrow_lib.OSFile(str(path), "wb") as sink, \
            pyarrow.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(len(values), 1))


def _check_files(directory: Path) -> Path:
    """The dataset folder resolved, once it and its required entries are there."""
    root = limits.check_folder(directory)
    for file in schema.REQUIRED_FILES:
        if not (directory / file).exists():
            raise DatasetError(file, f"file missing from {directory}")
    return root


def load_dataset(path: str | Path, *, full: bool = False) -> Dataset:
    """Read and validate the dataset in directory ``path``.

    Checks every file against its pandera schema (columns, types, vocabularies, unique keys,
    ordered intervals, counts within denominators) and across files (values' indicators in the
    catalogue, small areas in areas.parquet, boundary features matching the areas). The first
    problem raises ``DatasetError`` with the file, row and column; rows are counted as the
    module docstring says (CSV: header = row 1; Parquet, YAML lists, GeoJSON features: first
    record = row 1).

    When ``dataset.yaml`` records a validation made under this format (see ``checksums``) and
    ``full`` is False, the row checks are skipped: each file's checksum must match the record
    (a changed, added or removed file is refused) and the Parquet columns and types are checked
    from the files' metadata.
    """
    directory = _check_files(Path(path))
    meta = _read_meta(directory)
    record = None if full else checksums.current_record(meta)
    meta.pop(checksums.RECORD_KEY, None)  # about the files, not the data: never written back
    if record is not None:
        checksums.check_record(directory, record, hashed_by_reader=_hashed_by_reader)
        principles, indicators, areas, values, geo = _read_recorded(directory, record)
        _check_places(meta, areas)  # dataset.yaml is not checksummed: its places may have changed
    else:
        principles = _read_principles(directory)
        indicators = _read_indicators(directory)
        areas = _read_areas(directory)
        _check_places(meta, areas)
        values = _read_values(directory, indicators, areas)
        geo = _read_geo(directory, areas)
    themes, stages = _read_themes(directory)
    return Dataset(Path(path), meta, principles, indicators, values, areas, geo, themes, stages)


def validate_and_record(path: str | Path) -> Dataset:
    """Validate the dataset in ``path`` in full and record it in its dataset.yaml (checksums
    of the files, taken before the validation: a file changed meanwhile is refused later)."""
    directory = _check_files(Path(path))
    files = [f for f in checksums.checked_files(directory) if f != schema.VALUES_ARROW_FILE]
    record = checksums.make_record(directory, files)
    dataset = load_dataset(directory, full=True)
    arrow = directory / schema.VALUES_ARROW_FILE
    temporary = directory / f".{arrow.name}.{uuid.uuid4().hex[:12]}"
    try:
        _write_values_arrow(dataset.values, temporary)
        temporary.replace(arrow)
    except (OSError, pyarrow_lib.ArrowException) as error:
        temporary.unlink(missing_ok=True)
        raise DatasetError(arrow.name, f"cannot write: {error}") from error
    record["files"][arrow.name] = checksums.file_digest(directory, arrow.name)
    file = schema.DATASET_FILE
    meta = _read_yaml(directory, file)
    meta[checksums.RECORD_KEY] = record
    temporary = directory / f".{file}.{uuid.uuid4().hex[:12]}"
    try:
        _write_yaml(_plain(meta), temporary)
        temporary.replace(directory / file)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise DatasetError(file, f"cannot record the validation: {error}") from error
    return dataset


def is_dataset(path: str | Path) -> bool:
    """True when ``path`` is a directory holding every required dataset file (not validated)."""
    directory = Path(path)
    return directory.is_dir() and all((directory / f).is_file() for f in schema.REQUIRED_FILES)


# --- writer ------------------------------------------------------------------------------------


def _write_parquet(frame: pd.DataFrame, path: Path, columns: Sequence[str], file: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DatasetError(file, "column missing in the frame to write", column=missing[0])
    frame = frame.reset_index(drop=True)
    frame = frame[[*columns, *[c for c in frame.columns if c not in columns]]]
    for column in DICTIONARY_COLUMNS.get(file, ()):
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    if file == schema.VALUES_FILE:
        frame = _in_value_order(frame)
    try:
        table = pyarrow_lib.Table.from_pandas(frame, preserve_index=False)
    except pyarrow_lib.ArrowException as error:
        raise DatasetError(file, f"cannot write: {error}") from error
    pq.write_table(table, path, compression="zstd")


def _in_value_order(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` sorted by ``schema.VALUE_ORDER`` (text by code point), the order the Store
    queries in, so that it loads without sorting."""
    keys = []
    for column in schema.VALUE_ORDER:
        series = values[column]
        if isinstance(series.dtype, pd.CategoricalDtype):  # rank the codes by their labels
            categories = series.cat.categories
            rank = np.empty(len(categories) + 1, dtype=np.int64)
            rank[np.argsort(np.asarray(categories, dtype=object), kind="stable")] = np.arange(
                len(categories))
            rank[-1] = -1  # a missing label (refused by the validation) first
            keys.append(rank[series.cat.codes.to_numpy()])
        else:
            keys.append(series.to_numpy())
    return values.take(np.lexsort(keys[::-1])).reset_index(drop=True)


def _write_yaml(data: Any, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _plain(value: Any) -> Any:
    """numpy scalars and containers as plain Python for YAML."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_files(
    directory: Path,
    *,
    meta: Mapping,
    principles: pd.DataFrame | Sequence[Mapping],
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    areas: pd.DataFrame,
    geo: Mapping[str, dict],
    themes: Any,
) -> None:
    meta = {key: value for key, value in meta.items() if key != checksums.RECORD_KEY}
    _write_yaml(_plain(meta), directory / schema.DATASET_FILE)
    if isinstance(principles, pd.DataFrame):
        principles = principles.to_dict(orient="records")
    _write_yaml(_plain(list(principles)), directory / schema.PRINCIPLES_FILE)
    catalogue = indicators.reset_index(drop=True)
    _missing_columns(catalogue, schema.INDICATOR_COLUMNS, schema.INDICATORS_FILE)
    catalogue = catalogue[[*schema.INDICATOR_COLUMNS]].copy()
    catalogue["fingertips_id"] = pd.array(catalogue["fingertips_id"], dtype="Int64")
    catalogue.to_csv(directory / schema.INDICATORS_FILE, index=False)
    _write_parquet(values, directory / schema.VALUES_FILE, schema.VALUE_COLUMNS,
                   schema.VALUES_FILE)
    _write_parquet(areas, directory / schema.AREAS_FILE, schema.AREA_COLUMNS, schema.AREAS_FILE)
    if geo:
        (directory / schema.GEO_DIR).mkdir()
        for level, collection in geo.items():
            text = json.dumps(collection, separators=(",", ":"))
            (directory / schema.GEO_DIR / f"{level}.geojson").write_text(text, encoding="utf-8")
    if themes is not None:
        _write_yaml(_plain(themes), directory / schema.THEMES_FILE)


def _carry_over(old: Path, new: Path) -> None:
    """Copy entries of ``old`` that are not part of the dataset format (e.g. a README.md)."""
    if not old.is_dir():
        return
    for entry in old.iterdir():
        if entry.name in FORMAT_ENTRIES:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, new / entry.name, follow_symlinks=False)


def _sibling(out_dir: Path, role: str) -> Path:
    """An unused hidden name beside ``out_dir`` (created with the usual permissions later)."""
    return out_dir.parent / f".{out_dir.name}.{role}-{uuid.uuid4().hex[:12]}"


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir`` by renames (the old one is kept until the last step)."""
    if not out_dir.exists():
        new.rename(out_dir)
        return
    old = _sibling(out_dir, "old")
    out_dir.rename(old)
    try:
        new.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_dataset(
    out_dir: str | Path,
    *,
    meta: Mapping,
    principles: pd.DataFrame | Sequence[Mapping],
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    areas: pd.DataFrame,
    geo: Mapping[str, dict],
    themes: Any = None,
) -> Path:
    """Write a dataset to ``out_dir`` atomically and return its path.

    The files are written into a temporary sibling directory, validated with ``load_dataset``
    and swapped in by renaming (old to a sibling, new into place, old removed); the
    validation is recorded in dataset.yaml (``validate_and_record``). On any failure
    the previous ``out_dir`` is left exactly as it was and the temporary directory is removed.
    Entries of the old directory that are not part of the format (a README.md, say) are carried
    over. Parquet is written with pyarrow, dictionary-encoding the repetitive text columns;
    values.parquet in ``schema.VALUE_ORDER``.
    ``themes`` is written to themes.yaml as given (plain data), or omitted when None.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if out_dir.exists() and not out_dir.is_dir():
        raise DatasetError(str(out_dir), "exists and is not a directory")
    new = _sibling(out_dir, "new")
    new.mkdir()
    try:
        _write_files(new, meta=meta, principles=principles, indicators=indicators,
                     values=values, areas=areas, geo=geo, themes=themes)
        validate_and_record(new)
        _carry_over(out_dir, new)
        _swap(new, out_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return out_dir
