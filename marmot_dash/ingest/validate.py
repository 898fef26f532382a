"""Check one source file of any kind as the builder reads it (``marmot-dash validate --kind``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.limits import regular_file
from marmot_dash.data.yamlfile import read_yaml
from marmot_dash.ingest.build import check_sources
from marmot_dash.ingest.sources._common import head_cells, normalise

KINDS = ("sources", "fingertips", "council", "catalogue", "boundaries", "deprivation", "lookup",
         "population", "themes", "census_long", "census_wide", "dwp_statxplore", "ons_hle",
         "ons_els", "fuel_poverty", "life_expectancy", "dfe_ees", "ons_health_index")
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


def validate_source(path: str | Path, kind: str | None = None) -> str:
    """Check one source file as the builder reads it; return its kind.

    ``kind`` is one of ``KINDS``; when omitted it is guessed from the file: YAML with a
    ``geography`` key is a sources file (every file it names is checked too), other YAML a
    themes file, GeoJSON/GeoPackage/shapefile boundaries, and a table by its header (Fingertips
    export, council values, catalogue, ONS Explore Local Statistics, fuel poverty, DfE EES,
    ONS life expectancy, ONS Health Index, deprivation, lookup, population). Problems raise
    ``DatasetError`` naming the file, row and column.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError(str(path), "file not found")
    regular_file(path, str(path))  # a FIFO or device would block or never end
    kind = kind or guess_kind(path)
    if kind not in KINDS:
        raise DatasetError(str(path), f"unknown source kind {kind!r} (expected one of "
                                      f"{', '.join(KINDS)})")
    _READERS[kind](path)
    return kind


def guess_kind(path: Path) -> str:
    """The kind of a source file, from its name and (for tables) its header."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        raw = read_yaml(path)
        return "sources" if isinstance(raw, dict) and "geography" in raw else "themes"
    if suffix in BOUNDARY_SUFFIXES:
        return "boundaries"
    cells = head_cells(path)
    signatures = (
        ("fingertips", ("indicator_id", "area_code", "time_period")),
        ("council", ("indicator_id", "area_code", "value")),
        ("catalogue", ("indicator_id", "principle")),
        ("ons_els", ("areacd", "indicator", "period", "observation")),
        ("fuel_poverty", ("data_year", "metric", "fuel_poor_households")),
        ("dfe_ees", ("time_period", "geographic_level", "percentage_eligible_children")),
        ("life_expectancy", ("area_codes", "area_names")),
        ("ons_health_index", ("ltla21_code", "year")),  # underlying values or scores
    )
    for kind, needed in signatures:
        if all(normalise(name) in cells for name in needed):
            return kind
    small_area = _small_area_kind(cells)
    if small_area:
        return small_area
    if any(name.startswith(("wd", "ward_code")) for name in cells) and len(
            [c for c in cells if c.endswith(("cd", "code"))]) >= 2:
        return "lookup"
    if any("deprived" in name or name.startswith(("imd_", "score")) for name in cells):
        return "deprivation"
    if any("population" in name or "residents" in name for name in cells):
        return "population"
    if {"lsoa21_code", "msoa21_code"} & cells:
        return "census_wide"
    raise DatasetError(str(path), "cannot tell what kind of source this is: pass the kind "
                                  f"(one of {', '.join(KINDS)})", row=1)


def _small_area_kind(cells: set[str]) -> str | None:
    """Census 2021 long or wide small-area tables, Stat-Xplore wide tables, ONS HLE tables."""
    if any(name.endswith("_annotations") for name in cells):
        return "dwp_statxplore"
    if {"hle_years", "dfle_years"} & cells:
        return "ons_hle"
    if {"lsoa21_code", "msoa21_code"} & cells and "n" in cells:
        return "census_long"
    return None


def _sources(path: Path) -> None:
    check_sources(path)


def _themes(path: Path) -> None:
    from marmot_dash.qualitative.themes import load_themes

    load_themes(path)


def _reader(module: str, function: str) -> Callable[[Path], object]:
    def read(path: Path) -> object:
        from importlib import import_module

        return getattr(import_module(f"marmot_dash.ingest.sources.{module}"), function)(path)

    return read


_READERS: dict[str, Callable[[Path], object]] = {
    "sources": _sources,
    "themes": _themes,
    "fingertips": _reader("fingertips", "read_fingertips"),
    "council": _reader("council", "read_council_values"),
    "catalogue": _reader("council", "read_catalogue"),
    "boundaries": _reader("boundaries", "read_boundaries"),
    "deprivation": _reader("imd", "read_deprivation"),
    "lookup": _reader("lookups", "read_lookup"),
    "population": _reader("population", "read_population"),
    "census_long": _reader("census_long", "read_census_long"),
    "census_wide": _reader("census_wide", "read_census_wide"),
    "dwp_statxplore": _reader("statxplore", "read_statxplore"),
    "ons_hle": _reader("ons_hle_areas", "read_ons_hle"),
    "ons_els": _reader("ons_els", "read_ons_els"),
    "fuel_poverty": _reader("fuel_poverty", "read_fuel_poverty"),
    "life_expectancy": _reader("life_expectancy", "read_life_expectancy"),
    "dfe_ees": _reader("dfe_ees", "read_dfe_ees"),
    "ons_health_index": _reader("health_index", "read_health_index"),
}
