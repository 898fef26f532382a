"""A small but complete set of sources (2 wards, 4 small areas) written into a temporary folder,
and the bad-input suites' check: a build refused with one line, the previous dataset untouched."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
import yaml
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.ingest.build import build_dataset

FIXTURES = Path(__file__).parent / "fixtures"
AUTHORITY = "E06000032"
WARDS = ("E05999001", "E05999002")
SMALL = ("E01999001", "E01999002", "E01999003", "E01999004")
ORIGIN = (508000.0, 220000.0)  # British National Grid metres, near Luton
SIDE = 1000.0


def _squares() -> list:
    x, y = ORIGIN
    return [shapely.box(x + i * SIDE, y, x + (i + 1) * SIDE, y + SIDE) for i in range(4)]


def write_mini_sources(folder: Path) -> Path:
    """Write the mini sources into ``folder``; return the sources.yaml path."""
    folder.mkdir(parents=True, exist_ok=True)
    squares = _squares()
    gpd.GeoDataFrame({"LSOA21CD": list(SMALL), "LSOA21NM": [f"Mini {c[-1]}" for c in SMALL]},
                     geometry=squares, crs="EPSG:27700").to_crs("EPSG:4326").to_file(
        folder / "lsoa.geojson", driver="GeoJSON")
    wards = [shapely.union(squares[0], squares[1]), shapely.union(squares[2], squares[3])]
    gpd.GeoDataFrame({"WD25CD": list(WARDS), "WD25NM": ["North", "South"]}, geometry=wards,
                     crs="EPSG:27700").to_file(folder / "wards.gpkg", driver="GPKG")
    gpd.GeoDataFrame({"LAD_CD": [AUTHORITY], "LAD_NM": ["Luton"]},
                     geometry=[shapely.union_all(squares)], crs="EPSG:27700").to_file(
        folder / "outline.geojson", driver="GeoJSON")
    (folder / "lookup.csv").write_text(
        "LSOA21CD,LSOA21NM,WD25CD,WD25NM\n"
        + "".join(f"{c},Mini {c[-1]},{WARDS[i // 2]},{['North', 'South'][i // 2]}\n"
                  for i, c in enumerate(SMALL)), encoding="utf-8")
    (folder / "imd.csv").write_text(
        "lsoa21_code,IMD_decile,IMD_rank,IMD_score\n"
        "E01999001,1,1200,55.1\nE01999002,3,8000,30.2\nE01999003,6,17000,15.0\n"
        "E01999004,9,29000,5.3\n", encoding="utf-8")
    (folder / "population.csv").write_text(
        "lsoa21_code,age_group,usual_residents\n"
        + "".join(f"{c},Aged 15 years and under,{300 + 10 * i}\n{c},Aged 16 and over,"
                  f"{1200 + 5 * i}\n" for i, c in enumerate(SMALL)), encoding="utf-8")
    (folder / "catalogue.csv").write_text(
        "indicator_id,name,short_name,principle,sources,unit,value_type,multiplier,polarity,"
        "baseline_period,target,target_period,definition,source_url,fingertips_id\n"
        "child_poverty,Children in absolute low income families,Child poverty,4,"
        "JSNA; Luton 2040,%,proportion,100,RAG - Low is good,2021/22,,,Under 16s.,,93701\n"
        "green_space,Access to green space,Green space,5,Luton 2040,%,proportion,100,"
        "higher_is_better,2022,,,Local survey.,,\n", encoding="utf-8")
    (folder / "council.csv").write_text(
        "indicator_id,area_code,period,breakdown,category,value,lower_ci,upper_ci,count,"
        "denominator,note\n"
        "green_space,E06000032,2022,total,Total,61.0,59.0,63.0,1220,2000,\n"
        "green_space,E05999001,2022,total,Total,48.0,,,480,1000,\n"
        "green_space,E05999002,2022,total,Total,74.0,71.2,76.6,740,1000,\n"
        "green_space,E01999001,2022,total,Total,40.0,,,200,500,\n", encoding="utf-8")
    shutil.copy(FIXTURES / "fingertips_by_indicator_id.csv", folder / "fingertips.csv")
    sources = {
        "name": "Mini Luton",
        "area": {"code": AUTHORITY, "name": "Luton"},
        "comparators": [{"code": "E92000001", "name": "England", "area_type": "england"},
                        {"code": "E12000006", "name": "East of England", "area_type": "region"}],
        "geography": {
            "simplify_m": 5,
            "la": {"boundaries": "outline.geojson"},
            "ward": {"boundaries": "wards.gpkg"},
            "lsoa": {"boundaries": "lsoa.geojson"},
            "lookup": {"path": "lookup.csv"},
        },
        "deprivation": {"lsoa": {"path": "imd.csv"}},
        "population": {"path": "population.csv"},
        "catalogue": ["catalogue.csv"],
        "indicators": [{"kind": "fingertips", "path": "fingertips.csv", "principle": 6},
                       {"kind": "council", "path": "council.csv"}],
    }
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
    return path


def write_mini_sources_plus(folder: Path, files: dict[str, str], catalogue: str,
                            indicators: list[dict], **keys: object) -> Path:
    """The mini sources plus ``files`` by name (``catalogue`` one of them, added to the
    catalogue) and their ``indicators`` entries; ``keys`` are more top-level keys of the sources
    file. Returns the sources.yaml path."""
    sources = write_mini_sources(folder)
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    raw = yaml.safe_load(sources.read_text(encoding="utf-8"))
    raw["catalogue"].append(catalogue)
    raw["indicators"] += indicators
    raw.update(keys)
    sources.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return sources


@pytest.fixture
def mini_sources(tmp_path: Path) -> Path:
    """A fresh copy of the mini sources; returns its sources.yaml."""
    return write_mini_sources(tmp_path / "sources")


# --- bad inputs ----------------------------------------------------------------------------------

# A built dataset's folder and its bytes (``snapshot``).
Previous = tuple[Path, dict[str, bytes]]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def build_previous(tmp_path_factory: pytest.TempPathFactory,
                   write_sources: Callable[[Path], Path]) -> Previous:
    """A dataset built from the good sources ``write_sources(folder)`` writes, and its bytes."""
    sources = write_sources(tmp_path_factory.mktemp("good"))
    out = build_dataset(sources, tmp_path_factory.mktemp("previous") / "data", progress=False)
    return out, snapshot(out)


def bad_input_cases(cases: list[tuple]) -> pytest.MarkDecorator:
    """Parametrize a test by ``(case id, mutation, file named, row, column)`` cases as
    ``mutate, file, row, column`` (row and column None when the message names none)."""
    return pytest.mark.parametrize(("mutate", "file", "row", "column"),
                                   [case[1:] for case in cases], ids=[case[0] for case in cases])


def assert_build_refused(sources: Path, previous: Previous, file: str, row: int | None,
                         column: str | None) -> None:
    """``marmot-dash build sources`` into the previous dataset's folder exits 1 with one line
    naming ``file``, ``row`` and ``column``, no traceback, and leaves the dataset byte for byte
    as it was."""
    out, before = previous
    result = CliRunner().invoke(cli, ["build", str(sources), "--out", str(out), "--no-progress"])
    assert result.exit_code == 1, result.output
    message = result.stderr.strip()
    assert message.startswith("error: ") and "\n" not in message, message
    assert "Traceback" not in result.output
    assert file in message, message
    if row is not None:
        assert f"row {row}" in message, message
    if column is not None:
        assert f"column '{column}'" in message, message
    assert snapshot(out) == before
