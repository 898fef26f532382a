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

import yaml

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import GSS_CODE

LEVELS = ("la", "ward", "msoa", "lsoa")
# census_long, census_wide, dwp_statxplore, ons_hle: small-area sources (ingest/small_areas.py)
SMALL_AREA_KINDS = ("census_long", "census_wide", "dwp_statxplore", "ons_hle")
INDICATOR_KINDS = ("fingertips", "council", *SMALL_AREA_KINDS)
COMPARATOR_TYPES = ("england", "region", "comparator")
DEFAULT_PRINCIPLE = 6  # Fingertips is the public-health (ill-health prevention) source


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
    area = _mapping(raw, "area", file)
    code, name = _text(area, "code", file, "area"), _text(area, "name", file, "area")
    if not GSS_CODE.match(code):
        raise DatasetError(file, f"expected a GSS code such as E06000032, found {code!r}",
                           column="area.code")
    geography = _mapping(raw, "geography", file)
    boundaries = {
        level: _spec(geography[level], path, file, f"geography.{level}", key="boundaries")
        for level in LEVELS if level in geography
    }
    if not {"ward", "lsoa", "msoa"} & set(boundaries):
        raise DatasetError(file, "expected boundaries for at least one of ward, msoa, lsoa",
                           column="geography")
    lookup = (_spec(geography["lookup"], path, file, "geography.lookup")
              if "lookup" in geography else None)
    deprivation = {
        level: _spec(spec, path, file, f"deprivation.{level}")
        for level, spec in (raw.get("deprivation") or {}).items()
    }
    if not set(deprivation) <= set(LEVELS):
        raise DatasetError(file, f"expected levels among {', '.join(LEVELS)}",
                           column="deprivation")
    return Sources(
        path=path,
        name=str(raw.get("name") or f"{name} indicators"),
        area_code=code,
        area_name=name,
        comparators=_comparators(raw.get("comparators") or [], file),
        boundaries=boundaries,
        lookup=lookup,
        deprivation=deprivation,
        population=(_spec(raw["population"], path, file, "population")
                    if raw.get("population") else None),
        catalogues=tuple(_spec(s, path, file, f"catalogue[{i}]")
                         for i, s in enumerate(_list(raw, "catalogue", file))),
        indicators=tuple(_indicator(s, path, file, i)
                         for i, s in enumerate(_list(raw, "indicators", file))),
        themes=_resolve(raw["themes"], path) if raw.get("themes") else None,
        simplify_m=float(geography.get("simplify_m", 10)),
        credits=tuple(_list(raw, "sources", file)),
        small_area_indicators=bool(raw.get("small_area_indicators", True)),
    )


def _load(path: Path, seen: tuple[Path, ...]) -> dict:
    file = str(path)
    if path in seen:
        raise DatasetError(file, "extends itself in a loop", column="extends")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise DatasetError(file, f"cannot read the sources file ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise DatasetError(file, f"not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise DatasetError(file, "expected a mapping of keys (area, geography, indicators ...)")
    if "extends" in raw:
        base = _load(_resolve(raw.pop("extends"), path), (*seen, path))
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


def _text(raw: dict, key: str, file: str, parent: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DatasetError(file, "expected text", column=f"{parent}.{key}")
    return value.strip()


def _spec(raw: Any, sources_path: Path, file: str, where: str, key: str = "path") -> FileSpec:
    """A file entry: a bare path, or a mapping with ``key`` (the path) and options."""
    if isinstance(raw, str):
        raw = {key: raw}
    if not isinstance(raw, dict) or not isinstance(raw.get(key), str):
        raise DatasetError(file, f"expected a file path or a mapping with '{key}'", column=where)
    path = _resolve(raw[key], sources_path)
    if not path.exists():
        raise DatasetError(file, f"file not found: {path}", column=f"{where}.{key}")
    return FileSpec(path, {k: v for k, v in raw.items() if k != key})


def option_file(raw: Any, sources: Sources, where: str) -> FileSpec:
    """A file an indicator entry's option names (a denominator, an authority table), resolved
    and checked like every other path of the sources file."""
    return _spec(raw, sources.path, str(sources.path), where)


def _indicator(raw: Any, sources_path: Path, file: str, index: int) -> FileSpec:
    where = f"indicators[{index}]"
    spec = _spec(raw, sources_path, file, where)
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
        code, name = _text(item, "code", file, where), _text(item, "name", file, where)
        area_type = item.get("area_type", "comparator")
        if area_type not in COMPARATOR_TYPES:
            raise DatasetError(file, f"expected one of {', '.join(COMPARATOR_TYPES)}",
                               column=f"{where}.area_type")
        comparators.append({"code": code, "name": name, "area_type": area_type})
    return tuple(comparators)
