"""The sources file (``sources.yaml``): what the builder reads to make a dataset.

Paths are relative to the sources file unless absolute. ``extends: other.yaml`` starts from
another sources file and replaces its top-level keys with this file's (so one file can hold the
indicators and a second switch the ward pattern). Example::

    name: Luton Marmot Town indicators
    area: {code: E06000032, name: Luton}
    comparators:
      - {code: E92000001, name: England, area_type: england}
      - {code: E12000006, name: East of England, area_type: region}
    geography:
      simplify_m: 10                 # boundary simplification tolerance in metres
      la:   {boundaries: outline.geojson}
      ward: {boundaries: wards.geojson, code_field: WD25CD, name_field: WD25NM}
      lsoa: {boundaries: lsoa21.geojson}
      lookup: {path: lsoa21_to_ward25.csv}     # small area -> ward (from/to/to_name optional)
    deprivation:
      lsoa: {path: iod2025_lsoa21.csv}         # columns: {code, score, rank, decile} optional
      ward: {path: iod_ward_scores.csv}        # optional: published ward scores
    population: {path: census2021_lsoa21.csv}  # code/value optional
    catalogue: [catalogue.csv]                 # council catalogues (CSV or XLSX)
    indicators:
      - {kind: fingertips, path: export.csv, principle: 6, exclude_indicators: [91040]}
      - {kind: council, path: jsna.xlsx, sheet: Values}
    themes: themes.yaml                        # optional; the brief's themes otherwise
    sources: [{name: ..., publisher: ..., licence: ..., url: ...}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.meta import parse_credits
from marmot_dash.data.yamlfile import read_yaml
from marmot_dash.ingest.sources._common import GSS_CODE

LEVELS = ("la", "ward", "msoa", "lsoa")
# census_long, census_wide, dwp_statxplore, ons_hle: small-area sources (ingest/small_areas.py)
SMALL_AREA_KINDS = ("census_long", "census_wide", "dwp_statxplore", "ons_hle")
INDICATOR_KINDS = ("fingertips", "council", *SMALL_AREA_KINDS)
COMPARATOR_TYPES = ("england", "region", "comparator")
DEFAULT_PRINCIPLE = 6  # Fingertips is the public-health (ill-health prevention) source
# The keys of a sources file, of its geography, and the options of each kind of file entry:
# anything else is refused with its name (a typo must not silently drop a setting).
TOP_KEYS = ("name", "area", "comparators", "geography", "deprivation", "population", "catalogue",
            "indicators", "themes", "sources", "extends", "small_area_indicators")
GEOGRAPHY_KEYS = ("simplify_m", *LEVELS, "lookup")
BOUNDARY_OPTIONS = ("boundaries", "code_field", "name_field", "crs", "successors")
LOOKUP_OPTIONS = ("path", "from", "to", "to_name")
DEPRIVATION_OPTIONS = ("path", "columns")
POPULATION_OPTIONS = ("path", "code", "value")
CATALOGUE_OPTIONS = ("path", "sheet")
INDICATOR_OPTIONS = ("path", "kind", "principle", "exclude_indicators", "sheet",
                     # small-area kinds (ingest/small_areas.py)
                     "indicator", "category", "numerator", "denominator", "authority", "months",
                     "period")
# A file an indicator entry's option names: a denominator table or the authority's own table.
OPTION_FILE_OPTIONS = ("path", "column")


@dataclass(frozen=True)
class FileSpec:
    """One source file and its options (column names, sheet, ...)."""

    path: Path
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sources:
    """A parsed sources file."""

    path: Path
    name: str
    area_code: str
    area_name: str
    comparators: tuple[dict, ...]
    boundaries: dict[str, FileSpec]
    lookup: FileSpec | None
    deprivation: dict[str, FileSpec]
    population: FileSpec | None
    catalogues: tuple[FileSpec, ...]
    indicators: tuple[FileSpec, ...]
    themes: Path | None
    simplify_m: float
    credits: tuple[dict, ...]
    # false: leave out the small-area indicator entries (a geography they were not published on)
    small_area_indicators: bool = True


def read_sources(path: str | Path) -> Sources:
    """Read and check a sources file; every problem names the file and the key."""
    path = Path(path).absolute()
    raw = _load(path, seen=())
    file = str(path)
    _known(raw, TOP_KEYS, file, None)
    area = _mapping(raw, "area", file)
    _known(area, ("code", "name"), file, "area")
    code, name = _text(area, "code", file, "area"), _text(area, "name", file, "area")
    if not GSS_CODE.match(code):
        raise DatasetError(file, f"expected a GSS code such as E06000032, found {code!r}",
                           column="area.code")
    geography = _mapping(raw, "geography", file)
    _known(geography, GEOGRAPHY_KEYS, file, "geography")
    boundaries = {
        level: _spec(geography[level], path, file, f"geography.{level}", BOUNDARY_OPTIONS)
        for level in LEVELS if level in geography
    }
    if not {"ward", "lsoa", "msoa"} & set(boundaries):
        raise DatasetError(file, "expected boundaries for at least one of ward, msoa, lsoa",
                           column="geography")
    lookup = (_spec(geography["lookup"], path, file, "geography.lookup", LOOKUP_OPTIONS)
              if "lookup" in geography else None)
    if not isinstance(raw.get("deprivation") or {}, dict):
        raise DatasetError(file, "expected a mapping of level to file", column="deprivation")
    deprivation = {
        level: _spec(spec, path, file, f"deprivation.{level}", DEPRIVATION_OPTIONS)
        for level, spec in (raw.get("deprivation") or {}).items()
    }
    if not set(deprivation) <= set(LEVELS):
        raise DatasetError(file, f"expected levels among {', '.join(LEVELS)}",
                           column="deprivation")
    return Sources(
        path=path,
        name=_text(raw, "name", file, None) if "name" in raw else f"{name} indicators",
        area_code=code,
        area_name=name,
        comparators=_comparators(raw.get("comparators") or [], file),
        boundaries=boundaries,
        lookup=lookup,
        deprivation=deprivation,
        population=(_spec(raw["population"], path, file, "population", POPULATION_OPTIONS)
                    if raw.get("population") else None),
        catalogues=tuple(_spec(s, path, file, f"catalogue[{i}]", CATALOGUE_OPTIONS)
                         for i, s in enumerate(_list(raw, "catalogue", file))),
        indicators=tuple(_indicator(s, path, file, i)
                         for i, s in enumerate(_list(raw, "indicators", file))),
        themes=_resolve(_text(raw, "themes", file, None), path) if raw.get("themes") else None,
        simplify_m=_simplify_m(geography.get("simplify_m", 10), file),
        credits=tuple(parse_credits(raw.get("sources") or [], file)),
        small_area_indicators=_flag(raw, "small_area_indicators", file),
    )


def _load(path: Path, seen: tuple[Path, ...]) -> dict:
    file = str(path)
    if path in seen:
        raise DatasetError(file, "extends itself in a loop", column="extends")
    raw = read_yaml(path, file)
    if not isinstance(raw, dict):
        raise DatasetError(file, "expected a mapping of keys (area, geography, indicators ...)")
    if "extends" in raw:
        base = _load(_resolve(_text(raw, "extends", file, None), path), (*seen, path))
        del raw["extends"]
        raw = {**base, **raw}
    return raw


def _resolve(value: Any, sources_path: Path) -> Path:
    candidate = Path(str(value)).expanduser()
    return candidate if candidate.is_absolute() else (sources_path.parent / candidate).resolve()


def _mapping(raw: dict, key: str, file: str) -> dict:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise DatasetError(file, "expected a mapping", column=key)
    return value


def _list(raw: dict, key: str, file: str) -> list:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise DatasetError(file, "expected a list", column=key)
    return value


def _text(raw: dict, key: str, file: str, parent: str | None) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(file, "expected text", column=f"{parent}.{key}" if parent else key)
    return value.strip()


def _flag(raw: dict, key: str, file: str) -> bool:
    value = raw.get(key, True)
    if not isinstance(value, bool):
        raise DatasetError(file, "expected true or false", column=key)
    return value


def _known(raw: dict, keys: tuple[str, ...], file: str, parent: str | None) -> None:
    unknown = [str(key) for key in raw if str(key) not in keys]
    if unknown:
        raise DatasetError(file, f"unknown key (expected {', '.join(keys)})",
                           column=f"{parent}.{unknown[0]}" if parent else unknown[0])


def _simplify_m(value: Any, file: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise DatasetError(file, "expected a distance in metres >= 0",
                           column="geography.simplify_m")
    return float(value)


def _spec(raw: Any, sources_path: Path, file: str, where: str, options: tuple[str, ...]
          ) -> FileSpec:
    """A file entry: a bare path, or a mapping with ``options[0]`` (the path) and the other
    ``options``."""
    key = options[0]
    if isinstance(raw, str):
        raw = {key: raw}
    if not isinstance(raw, dict) or not isinstance(raw.get(key), str):
        raise DatasetError(file, f"expected a file path or a mapping with '{key}'", column=where)
    _known(raw, options, file, where)
    path = _resolve(raw[key], sources_path)
    if not path.exists():
        raise DatasetError(file, f"file not found: {path}", column=f"{where}.{key}")
    return FileSpec(path, {k: v for k, v in raw.items() if k != key})


def option_file(raw: Any, sources: Sources, where: str) -> FileSpec:
    """A file an indicator entry's option names (a denominator, an authority table), resolved
    and checked like every other path of the sources file."""
    return _spec(raw, sources.path, str(sources.path), where, OPTION_FILE_OPTIONS)


def _indicator(raw: Any, sources_path: Path, file: str, index: int) -> FileSpec:
    where = f"indicators[{index}]"
    spec = _spec(raw, sources_path, file, where, INDICATOR_OPTIONS)
    kind = spec.options.get("kind", "council")
    if kind not in INDICATOR_KINDS:
        raise DatasetError(file, f"expected kind one of {', '.join(INDICATOR_KINDS)}",
                           column=f"{where}.kind")
    principle = spec.options.get("principle", DEFAULT_PRINCIPLE)
    if principle not in range(1, 9):
        raise DatasetError(file, "expected a Marmot principle 1-8", column=f"{where}.principle")
    return FileSpec(spec.path, {**spec.options, "kind": kind, "principle": principle})


def _comparators(items: list, file: str) -> tuple[dict, ...]:
    comparators = []
    for index, item in enumerate(items):
        where = f"comparators[{index}]"
        if not isinstance(item, dict):
            raise DatasetError(file, "expected {code, name, area_type}", column=where)
        _known(item, ("code", "name", "area_type"), file, where)
        code, name = _text(item, "code", file, where), _text(item, "name", file, where)
        area_type = item.get("area_type", "comparator")
        if area_type not in COMPARATOR_TYPES:
            raise DatasetError(file, f"expected one of {', '.join(COMPARATOR_TYPES)}",
                               column=f"{where}.area_type")
        comparators.append({"code": code, "name": name, "area_type": area_type})
    return tuple(comparators)
