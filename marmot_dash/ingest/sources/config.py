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
      # published series (ons_els, fuel_poverty, life_expectancy, dfe_ees, ons_health_index):
      # source indicator -> catalogue id, or {id, breakdown, category, category_sort}, or a
      # list of these
      - kind: ons_els
        path: els.csv
        indicators: {"Employment rate": P3-employment-rate,
                     "Male healthy life expectancy": {id: P6-hle, breakdown: sex,
                                                      category: Male}}
      - {kind: life_expectancy, path: le_males.csv, indicator: {id: P6-le, ...}}  # one a file
    peer_group: {...}                          # optional: see marmot_dash/ingest/peers.py
    principle_notes: {7: "Why principle 7 has fewer than three indicators."}
    themes: themes.yaml                        # optional; the brief's themes otherwise
    sources: [{name: ..., publisher: ..., licence: ..., url: ...}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marmot_dash.data import schema
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.meta import COMPARATOR_TYPES, parse_credits
from marmot_dash.data.yamlfile import read_yaml
from marmot_dash.ingest.sources._common import GSS_CODE

LEVELS = ("la", "ward", "msoa", "lsoa")
# census_long, census_wide, dwp_statxplore, ons_hle: small-area sources (ingest/small_areas.py)
SMALL_AREA_KINDS = ("census_long", "census_wide", "dwp_statxplore", "ons_hle")
# Published series mapped to catalogue ids (ingest/build.py)
SERIES_KINDS = ("ons_els", "fuel_poverty", "life_expectancy", "dfe_ees", "ons_health_index")
INDICATOR_KINDS = ("fingertips", "council", *SMALL_AREA_KINDS, *SERIES_KINDS)
EVERY_ROW = "*"  # the targets key of a one-indicator file (``indicator:``)
# The files of ``peer_group`` (ingest/peers.py) and the options each takes.
PEER_FILES = {"candidates": ("path",),
              "deprivation": ("path", "code", "score", "index", "label"),
              "population": ("path", "code", "value", "label")}
DEFAULT_PRINCIPLE = 6  # Fingertips is the public-health (ill-health prevention) source
# The keys of a sources file, of its geography, and the options of each kind of file entry:
# anything else is refused with its name (a typo must not silently drop a setting).
TOP_KEYS = ("name", "area", "comparators", "geography", "deprivation", "population", "catalogue",
            "indicators", "themes", "sources", "extends", "small_area_indicators", "peer_group",
            "principle_notes")
GEOGRAPHY_KEYS = ("simplify_m", *LEVELS, "lookup")
BOUNDARY_OPTIONS = ("boundaries", "code_field", "name_field", "crs", "successors")
LOOKUP_OPTIONS = ("path", "from", "to", "to_name")
DEPRIVATION_OPTIONS = ("path", "columns")
POPULATION_OPTIONS = ("path", "code", "value")
CATALOGUE_OPTIONS = ("path", "sheet")
INDICATOR_OPTIONS = ("path", "kind", "principle", "exclude_indicators", "sheet", "indicators",
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
class Target:
    """Where a source indicator's rows go: a catalogue id and a breakdown category."""

    indicator_id: str
    breakdown: str = "total"
    category: str = schema.TOTAL_CATEGORY
    category_sort: int = 0


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
    peer_group: dict[str, Any] | None = None  # FileSpecs under candidates/deprivation/population
    principle_notes: dict[int, str] = field(default_factory=dict)


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
        peer_group=_peer_group(raw.get("peer_group"), path, file),
        principle_notes=_principle_notes(raw.get("principle_notes"), file),
    )


def _peer_group(raw: Any, sources_path: Path, file: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DatasetError(file, "expected a mapping", column="peer_group")
    size = raw.get("size", 15)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 100:
        raise DatasetError(file, "expected a whole number 1-100", column="peer_group.size")
    group = {"name": str(raw.get("name") or "Similar authorities"), "size": size}
    _known(raw, ("name", "size", *PEER_FILES), file, "peer_group")
    for key, options in PEER_FILES.items():
        if key not in raw:
            raise DatasetError(file, "key missing", column=f"peer_group.{key}")
        group[key] = _spec(raw[key], sources_path, file, f"peer_group.{key}", options)
    return group


def _principle_notes(raw: Any, file: str) -> dict[int, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
            key in schema.PRINCIPLE_IDS and isinstance(text, str) and text.strip()
            for key, text in raw.items()):
        raise DatasetError(file, "expected {principle number 1-8: sentence}",
                           column="principle_notes")
    return {int(key): text.strip() for key, text in raw.items()}


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
    options = {**spec.options, "kind": kind, "principle": principle}
    if kind in SERIES_KINDS:
        options["targets"] = _targets(spec.options, file, where)
    return FileSpec(spec.path, options)


def _targets(options: dict, file: str, where: str) -> dict[str, tuple[Target, ...]]:
    """The ``indicators`` mapping (or the single ``indicator``) of a published-series file."""
    if ("indicators" in options) == ("indicator" in options):
        raise DatasetError(file, "expected either indicators: {source indicator: catalogue id} "
                           "or indicator: <catalogue id>", column=f"{where}.indicators")
    raw = options.get("indicators") or {EVERY_ROW: options.get("indicator")}
    if not isinstance(raw, dict):
        raise DatasetError(file, "expected a mapping {source indicator: catalogue id}",
                           column=f"{where}.indicators")
    return {str(name): tuple(_target(item, file, f"{where}.indicators.{name}")
                             for item in (value if isinstance(value, list) else [value]))
            for name, value in raw.items()}


def _target(raw: Any, file: str, where: str) -> Target:
    if isinstance(raw, str) and raw.strip():
        return Target(raw.strip())
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise DatasetError(file, "expected a catalogue id or {id, breakdown, category}",
                           column=where)
    breakdown = raw.get("breakdown", "total")
    if breakdown not in schema.BREAKDOWNS:
        raise DatasetError(file, f"expected a breakdown among {', '.join(schema.BREAKDOWNS)}",
                           column=f"{where}.breakdown")
    category = str(raw.get("category") or schema.TOTAL_CATEGORY)
    if breakdown != "total" and category == schema.TOTAL_CATEGORY:
        raise DatasetError(file, "expected a category for a breakdown other than total",
                           column=f"{where}.category")
    sort = raw.get("category_sort", 0)
    if not isinstance(sort, int) or isinstance(sort, bool):
        raise DatasetError(file, "expected a whole number", column=f"{where}.category_sort")
    return Target(raw["id"], breakdown, category, sort)


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
