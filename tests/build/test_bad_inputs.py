"""The bad-input suite: each malformed source gives one clear line naming the file, row and
column, exit status 1 through the CLI, and leaves the previous dataset byte-for-byte as it was."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import Workbook
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import load_dataset
from marmot_dash.ingest.build import build_dataset

from .conftest import (
    Previous,
    assert_build_refused,
    bad_input_cases,
    build_previous,
    write_mini_sources,
)

Mutation = Callable[[Path], None]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def cell(file: str, row: int, column: str, value: str) -> Mutation:
    """Set one cell (spreadsheet row: header = 1)."""
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        rows[row - 1][rows[0].index(column)] = value
        _write_rows(folder / file, rows)
    return mutate


def both(first: Mutation, second: Mutation) -> Mutation:
    def mutate(folder: Path) -> None:
        first(folder)
        second(folder)
    return mutate


def drop_column(file: str, column: str, rename: str | None = None) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        index = rows[0].index(column)
        if rename is None:
            rows = [r[:index] + r[index + 1:] for r in rows]
        else:
            rows[0][index] = rename
        _write_rows(folder / file, rows)
    return mutate


def drop_row(file: str, row: int) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        del rows[row - 1]
        _write_rows(folder / file, rows)
    return mutate


def repeat_row(file: str, row: int) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _rows(folder / file)
        _write_rows(folder / file, [*rows, rows[row - 1]])
    return mutate


def text(file: str, content: bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / file).write_bytes(content)
    return mutate


def truncate(file: str, keep_fraction: float) -> Mutation:
    def mutate(folder: Path) -> None:
        data = (folder / file).read_bytes()
        (folder / file).write_bytes(data[: int(len(data) * keep_fraction)])
    return mutate


def header_only(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return mutate


def append_line(file: str, line: str) -> Mutation:
    def mutate(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8") as handle:
            handle.write(line)
    return mutate


def replace_bytes(file: str, old: bytes, new: bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_bytes().replace(old, new, 1))
    return mutate


def feature(index: int, change: Callable[[dict], None]) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / "lsoa.geojson"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data["features"][index])
        path.write_text(json.dumps(data), encoding="utf-8")
    return mutate


def _bow_tie(item: dict) -> None:
    item["geometry"] = {"type": "Polygon", "coordinates": [[[-0.5, 51.9], [-0.49, 51.91],
                                                            [-0.49, 51.9], [-0.5, 51.91],
                                                            [-0.5, 51.9]]]}


def _empty(item: dict) -> None:
    item["geometry"] = {"type": "Polygon", "coordinates": []}


def _duplicate_code(item: dict) -> None:
    item["properties"]["LSOA21CD"] = "E01999001"


def sources_edit(change: Callable[[dict], None]) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / "sources.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return mutate


def council_xlsx(bad_value: str | None = None) -> Mutation:
    """council.csv as council.xlsx with two title rows above the header (header = row 3)."""
    def mutate(folder: Path) -> None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Luton JSNA: local indicators"])
        sheet.append(["Prepared by the council's public health team"])
        for row in _rows(folder / "council.csv"):
            sheet.append(row)
        if bad_value is not None:
            sheet["F5"] = bad_value  # value column, second record
        workbook.save(folder / "council.xlsx")
        (folder / "council.csv").unlink()
        sources_edit(lambda d: d["indicators"][1].update(path="council.xlsx"))(folder)
    return mutate


def windows_1252(file: str, old: str = "Southend-on-Sea", new: str = "Southénd £") -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_bytes(text.replace(old, new).encode("cp1252"))
    return mutate


def utf8_bom(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return mutate


FT, CV, CAT = "fingertips.csv", "council.csv", "catalogue.csv"
LOWER, UPPER = "Lower CI 95.0 limit", "Upper CI 95.0 limit"
# (case id, mutation, file named, row, column); None = not applicable
CASES = [
    ("ft-missing-column", drop_column(FT, "Area Code"), FT, 1, "Area Code"),
    ("ft-renamed-column", drop_column(FT, "Value", rename="Val"), FT, 1, "Value"),
    ("ft-text-in-value", cell(FT, 3, "Value", "n/a"), FT, 3, "Value"),
    ("ft-text-in-count", cell(FT, 4, "Count", "lots"), FT, 4, "Count"),
    ("ft-fractional-id", cell(FT, 2, "Indicator ID", "93701.5"), FT, 2, "Indicator ID"),
    ("ft-bad-area-code", cell(FT, 5, "Area Code", "LUTON"), FT, 5, "Area Code"),
    ("ft-duplicate-key", repeat_row(FT, 2), FT, 22, "Time period"),
    ("ft-inverted-interval", cell(FT, 2, LOWER, "16"), FT, 2, LOWER),
    ("ft-one-sided-interval", cell(FT, 3, UPPER, ""), FT, 3, UPPER),
    ("ft-negative-count", cell(FT, 2, "Count", "-5"), FT, 2, "Count"),
    ("ft-count-above-denominator", cell(FT, 2, "Count", "20000000"), FT, 2, "Count"),
    ("ft-empty-file", text(FT, b""), FT, 1, None),
    ("ft-header-only", header_only(FT), FT, 2, None),
    ("ft-truncated", truncate(FT, 0.97), FT, 21, None),
    ("ft-unterminated-quote", append_line(FT, '93701,"Children in absolute'), FT, 22, None),
    ("ft-bad-decile-label", cell(FT, 8, "Category", "Very deprived decile"), FT, 8, "Category"),
    ("ft-period-without-year", both(cell(FT, 2, "Time period", "latest"),
                                    cell(FT, 2, "Time period Sortable", "")), FT, 2,
     "Time period"),
    ("ft-type-without-category", cell(FT, 9, "Category", ""), FT, 9, "Category"),
    ("ft-undecodable-bytes", replace_bytes(FT, b"Southend", b"South\x81nd"), FT, 7, None),
    ("cv-xlsx-title-rows-text-in-value", council_xlsx("high"), "council.xlsx", 5, "value"),
    ("ft-windows-1252-text-in-value", both(cell(FT, 3, "Value", "n/a"), windows_1252(FT)), FT, 3,
     "Value"),
    ("ft-utf8-bom-text-in-count", both(cell(FT, 4, "Count", "lots"), utf8_bom(FT)), FT, 4,
     "Count"),
    ("cv-unknown-area", cell(CV, 3, "area_code", "E05000001"), CV, 3, "area_code"),
    ("cv-unknown-indicator", cell(CV, 2, "indicator_id", "nonexistent"), CV, 2, "indicator_id"),
    ("cv-bad-breakdown", cell(CV, 2, "breakdown", "gender"), CV, 2, "breakdown"),
    ("cv-duplicate-key", repeat_row(CV, 2), CV, 6, "period"),
    ("cv-text-in-value", cell(CV, 4, "value", "high"), CV, 4, "value"),
    ("cv-missing-column", drop_column(CV, "value"), CV, 1, "value"),
    ("cv-count-above-denominator", cell(CV, 3, "count", "2000"), CV, 3, "count"),
    ("cat-unknown-principle", cell(CAT, 2, "principle", "9"), CAT, 2, "principle"),
    ("cat-bad-value-type", cell(CAT, 3, "value_type", "percent"), CAT, 3, "value_type"),
    ("cat-bad-polarity", cell(CAT, 2, "polarity", "good"), CAT, 2, "polarity"),
    ("cat-duplicate-id", cell(CAT, 3, "indicator_id", "child_poverty"), CAT, 3, "indicator_id"),
    ("geo-invalid-geometry", feature(1, _bow_tie), "lsoa.geojson", 2, "geometry"),
    ("geo-empty-geometry", feature(0, _empty), "lsoa.geojson", 1, "geometry"),
    ("geo-duplicate-code", feature(1, _duplicate_code), "lsoa.geojson", 2, "LSOA21CD"),
    ("geo-truncated", truncate("lsoa.geojson", 0.6), "lsoa.geojson", None, None),
    ("lookup-leaves-area-out", drop_row("lookup.csv", 5), "lookup.csv", None, "LSOA21CD"),
    ("lookup-unknown-ward", cell("lookup.csv", 2, "WD25CD", "E05999999"), "lookup.csv", 2,
     "WD25CD"),
    ("imd-decile-out-of-range", cell("imd.csv", 3, "IMD_decile", "11"), "imd.csv", 3,
     "IMD_decile"),
    ("imd-text-in-rank", cell("imd.csv", 2, "IMD_rank", "high"), "imd.csv", 2, "IMD_rank"),
    ("imd-missing-area", drop_row("imd.csv", 5), "imd.csv", None, "area code"),
    ("population-negative", cell("population.csv", 2, "usual_residents", "-3"),
     "population.csv", 2, "usual_residents"),
    ("sources-missing-area", sources_edit(lambda d: d.pop("area")), "sources.yaml", None,
     "area"),
    ("sources-missing-file", sources_edit(lambda d: d["indicators"][1].update(path="no.csv")),
     "sources.yaml", None, "indicators[1].path"),
]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Previous:
    """A dataset built from the good mini sources, and its bytes."""
    return build_previous(tmp_path_factory, write_mini_sources)


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 30


@bad_input_cases(CASES)
def test_malformed_source_is_refused_clearly(
    mini_sources: Path, previous: Previous, mutate: Mutation, file: str, row, column
) -> None:
    mutate(mini_sources.parent)
    assert_build_refused(mini_sources, previous, file, row, column)


def test_bom_windows_1252_and_xlsx_title_rows_build(tmp_path: Path) -> None:
    plain = write_mini_sources(tmp_path / "plain")
    odd = write_mini_sources(tmp_path / "odd")
    accented = ("Under 16s.", "Under 16s – café £")
    for folder in (plain, odd):
        (folder.parent / CAT).write_text((folder.parent / CAT).read_text(encoding="utf-8")
                                         .replace(*accented), encoding="utf-8")
    for mutate in (utf8_bom(FT), windows_1252(CAT, accented[1], accented[1]),
                   utf8_bom("lookup.csv"), council_xlsx()):
        mutate(odd.parent)
    expected = load_dataset(build_dataset(plain, tmp_path / "a", progress=False))
    found = load_dataset(build_dataset(odd, tmp_path / "b", progress=False))
    assert found.indicators.loc[0, "definition"] == "Under 16s – café £"
    pd.testing.assert_frame_equal(found.indicators, expected.indicators)
    pd.testing.assert_frame_equal(found.values, expected.values, check_categorical=False)


def test_validate_command_reports_the_same(mini_sources: Path) -> None:
    cell(FT, 3, "Value", "n/a")(mini_sources.parent)
    result = CliRunner().invoke(cli, ["validate", str(mini_sources.parent / FT)])
    assert result.exit_code == 1
    assert "row 3" in result.stderr and "column 'Value'" in result.stderr
    good = CliRunner().invoke(cli, ["validate", "--kind", "lookup",
                                    str(mini_sources.parent / "lookup.csv")])
    assert good.exit_code == 0, good.output
