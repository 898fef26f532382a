"""Source readers: the Fingertips export layout, encodings, XLSX title rows, hypothesis rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources.council import read_catalogue, read_council_values
from marmot_dash.ingest.sources.fingertips import EXPORT_COLUMNS, read_fingertips
from marmot_dash.ingest.validate import guess_kind, validate_source

from .conftest import FIXTURES

EXPORT = FIXTURES / "fingertips_by_indicator_id.csv"


def test_fingertips_export_maps_breakdowns() -> None:
    export = read_fingertips(EXPORT)
    values = export.values
    assert export.names[93701].startswith("Children in absolute low income")
    by = values.set_index(["fingertips_id", "area_code", "period", "breakdown", "category"])
    assert by.loc[(93701, "E06000032", "2022/23", "total", "Total"), "value"] == 20.1
    assert by.loc[(92033, "E92000001", "2022/23", "sex", "Male"), "category_sort"] == 1
    decile = by.loc[(93701, "E92000001", "2022/23", "deprivation_decile",
                     "Least deprived decile (IMD2019)")]
    assert decile["category_sort"] == 10
    assert decile["value"] == 7.1  # the 4/23 geography is preferred to 4/21
    quintile = by.loc[(92033, "E92000001", "2022/23", "deprivation_quintile",
                       "Most deprived quintile")]
    assert quintile["category_sort"] == 1
    assert (92033, "E92000001", "2022/23", "ethnicity", "White") in by.index
    suppressed = by.loc[(92033, "E06000032", "2021/22", "total", "Total")]
    assert suppressed["note"].startswith("* Value suppressed")
    assert export.skipped == {"category type with no dataset breakdown": 1,
                              "another category type of the same breakdown": 1}
    assert values["period_sort"].min() == 20210000
    assert by.loc[(93701, "E92000001", "2022/23", "total", "Total"), "lower_ci_998"] == 15.57


def test_the_layout_has_all_its_columns() -> None:
    header = EXPORT.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == EXPORT_COLUMNS
    assert len(EXPORT_COLUMNS) == 27


def test_dynamic_parent_comparison_and_missing_sortable(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8").replace(
        "Compared to Region value or percentiles", "Compared to percentiles")
    rows = list(csv.reader(io.StringIO(text)))
    sortable = rows[0].index("Time period Sortable")
    rows = [row[:sortable] + row[sortable + 1:] for row in rows]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    values = read_fingertips(path).values
    assert set(values["period_sort"]) == {20210000, 20220000}


def test_utf8_bom_and_windows_1252(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8").replace("Southend-on-Sea", "Southénd £")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    for path in (bom, cp1252):
        values = read_fingertips(path).values
        assert "Southénd £" in set(values["area_name"])


def test_xlsx_with_title_rows_above_the_header(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(["Luton JSNA indicators"])
    sheet.append(["Source: Luton Borough Council, 2024"])
    sheet.append([])
    sheet.append(["Indicator ID", "Area code", "Period", "Value", "Count", "Denominator"])
    sheet.append(["green_space", "E06000032", 2022, 61.0, 1220, 2000])
    sheet.append(["green_space", "E06000032", "2023", 62.5, 1250, 2000])
    catalogue = workbook.create_sheet("Catalogue")
    catalogue.append(["Indicators not on Fingertips"])
    catalogue.append(["indicator_id", "name", "principle", "value_type", "polarity"])
    catalogue.append(["green_space", "Access to green space", 5, "proportion",
                      "RAG - High is good"])
    path = tmp_path / "council.xlsx"
    workbook.save(path)
    values, table = read_council_values(path, sheet="Values")
    assert table.header_row == 4
    assert list(values["period"]) == ["2022", "2023"]
    assert list(values["period_sort"]) == [20220000, 20230000]
    assert list(values["row"]) == [5, 6]
    found = read_catalogue(path, sheet="Catalogue")
    assert found.loc[0, "polarity"] == "higher_is_better"
    assert found.loc[0, "multiplier"] == 100.0
    sheet["D6"] = "lots"
    workbook.save(path)
    with pytest.raises(DatasetError, match=r"council\.xlsx, row 6, column 'Value'"):
        read_council_values(path, sheet="Values")


def test_real_sample_layout(luton_dir: Path) -> None:
    sample = luton_dir / "fingertips" / (
        "fingertips_england_by_deprivation_ethnicity_sex_fingertipsnext_sample.csv")
    with pytest.raises(DatasetError, match=r"row 804, column 'Time period': duplicate key"):
        read_fingertips(sample)  # indicator 91040: quarters collapsed to years in the sample
    export = read_fingertips(sample, exclude_indicators=[91040])
    assert len(export.names) == 29  # 30 indicators left; one has no name in the sample
    assert guess_kind(sample) == "fingertips"


def test_guess_kind_of_luton_files(luton_dir: Path) -> None:
    assert validate_source(luton_dir / "lookups" / "lsoa11_to_ward19_luton.csv") == "lookup"
    assert validate_source(
        luton_dir / "imd" / "iod2025_domains_scores_ranks_deciles_luton_lsoa21.csv"
    ) == "deprivation"
    assert validate_source(
        luton_dir / "population" / "census2021_usual_residents_age6_luton_lsoa21.csv"
    ) == "population"
    assert validate_source(luton_dir / "boundaries" / "luton_wards_2025.geojson") == "boundaries"


CELL = st.one_of(
    st.just(""),
    st.integers(-10, 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["Persons", "Male", "Female", "All ages", "E06000032", "E92000001", "x",
                     "Most deprived decile", "Least deprived quintile", "Ethnic groups",
                     "County & UA deprivation deciles in England (IMD2019, 4/23 geography)",
                     "2022/23", "20220000", "*", '"', "\n", "1e400", "-0", "NaN"]),
    st.text(max_size=12),
)


def _write_export(path: Path, rows) -> Path:
    """A CSV in the Fingertips export layout with ``rows`` under its header."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([list(EXPORT_COLUMNS), *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _read_or_refused_clearly(path: Path):
    """The read export, or None when it was refused with an error naming the file."""
    try:
        return read_fingertips(path)
    except DatasetError as error:
        assert str(path) in str(error)
        return None


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=len(EXPORT_COLUMNS), max_size=len(EXPORT_COLUMNS)),
                min_size=1, max_size=6))
def test_generated_rows_load_or_are_refused_clearly(tmp_path: Path, rows) -> None:
    path = _write_export(tmp_path / "generated.csv", rows)
    export = _read_or_refused_clearly(path)
    if export is not None:
        assert export.values["breakdown"].notna().all()
        assert (export.values["lower_ci"].isna()
                | (export.values["lower_ci"] <= export.values["upper_ci"])).all()


TEMPLATE = list(csv.reader(io.StringIO(EXPORT.read_text(encoding="utf-8"))))[1:]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(TEMPLATE) - 1),
                          st.lists(st.tuples(st.integers(0, len(EXPORT_COLUMNS) - 1), CELL),
                                   max_size=3)),
                min_size=1, max_size=8))
def test_nearly_valid_rows_load_or_are_refused_clearly(tmp_path: Path, edits) -> None:
    rows = []
    for template, changes in edits:
        row = list(TEMPLATE[template])
        for column, value in changes:
            row[column] = value
        rows.append(row)
    path = _write_export(tmp_path / "nearly.csv", rows)
    export = _read_or_refused_clearly(path)
    if export is not None:
        key = ["fingertips_id", "area_code", "period", "breakdown", "category"]
        assert not export.values.duplicated(key).any()
