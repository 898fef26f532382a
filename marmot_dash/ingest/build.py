"""Build a dataset from real sources: boundaries, lookups, deprivation, population, Fingertips
exports, council tables and catalogues, as a sources file (``sources/config.py``) names them.

Everything is read and checked first; the dataset is then written with ``write_dataset``, which
validates it in a temporary directory and swaps it in, so a failed build leaves the previous
dataset exactly as it was. Every problem raises ``DatasetError`` naming the file, row and column.

Geography (``load_geography``): small areas nest in wards through the lookup, wards in the
authority. Small-area deprivation (score, rank, decile) is the file's own; a file without
scores (IoD2019 File 2 has ranks and deciles only) leaves the score empty. Wards take the
published ward scores when the sources file gives them (``deprivation.ward``), else the
population-weighted mean of their small areas' scores, else (no scores at all) the
population-weighted mean national rank, used only to order wards; wards have no national rank
or decile. The authority's score is the population-weighted mean of its small areas' (or
wards') scores, MHCLG's "average score" measure; it has no rank. Local quintiles and deciles
come from ``stats.inequality.local_quantiles`` on the score (or the negated rank where there is
no score), population-weighted; a level with fewer areas than quantiles has none.

Values: each row's ``area_type`` comes from its area code: the authority is ``la``, a
comparator its own type, a ward or small area its level. Fingertips rows for other areas (an
export covers all of England) are left out; a council row for an unknown area is an error.
Missing 95% and 99.8% intervals are computed from count and denominator where the catalogue
says proportion (Wilson) or rate (Byars), as ``stats.intervals`` does them.

Catalogue rows for Fingertips indicators that no catalogue file lists are derived from the
export: id ``fingertips_<Indicator ID>``, the export's Indicator Name (or "Fingertips indicator
<id>"), the principle the sources file gives that export (default 6), polarity
``no_judgement``, and a value type guessed from the rows: value / (count / denominator) close to
100 (proportion, %), 1,000 or 100,000 (rate per 1,000 / 100,000); else "life expectancy" or
"standardised" in the name (life_expectancy in years, dsr per 100,000); else a score.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from marmot_dash.data import schema
from marmot_dash.data.dataset import write_dataset
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.geography import Comparator, Geography
from marmot_dash.data.principles import PRINCIPLES
from marmot_dash.ingest.peers import PeerGroup, derive_peer_group
from marmot_dash.ingest.sources.boundaries import read_boundaries, to_feature_collection
from marmot_dash.ingest.sources.config import (
    EVERY_ROW,
    SERIES_KINDS,
    SMALL_AREA_KINDS,
    FileSpec,
    Sources,
    read_sources,
)
from marmot_dash.ingest.sources.council import read_catalogue, read_council_values
from marmot_dash.ingest.sources.dfe_ees import read_dfe_ees
from marmot_dash.ingest.sources.fingertips import SEX_ORDER, read_fingertips
from marmot_dash.ingest.sources.fuel_poverty import read_fuel_poverty
from marmot_dash.ingest.sources.health_index import read_health_index
from marmot_dash.ingest.sources.imd import read_deprivation
from marmot_dash.ingest.sources.life_expectancy import read_life_expectancy
from marmot_dash.ingest.sources.lookups import read_lookup
from marmot_dash.ingest.sources.measures import reconcile_intervals
from marmot_dash.ingest.sources.ons_els import read_ons_els
from marmot_dash.ingest.sources.population import read_population

__all__ = ["build_dataset", "check_sources", "load_geography"]

SMALL_LEVELS = ("lsoa", "msoa")  # finest first
GUESSED_RATES = {100.0: ("proportion", "%"), 1000.0: ("rate", "per 1,000"),
                 100000.0: ("rate", "per 100,000")}
RATIO_TOLERANCE = 0.02


@contextmanager
def _steps(total: int, progress: bool) -> Iterator[tqdm]:
    bar = tqdm(total=total, disable=not progress, file=sys.stderr, unit="step", leave=False)
    try:
        yield bar
    finally:
        bar.close()


def _step(bar: tqdm, label: str) -> None:
    bar.set_description(label)
    bar.update(1)


# --- geography ---------------------------------------------------------------------------------


def load_geography(sources_yaml: str | Path, *, progress: bool = False) -> Geography:
    """The authority, its comparators, its areas (with deprivation and local quantiles) and its
    simplified WGS84 boundaries per level, read from a sources file."""
    sources = read_sources(sources_yaml)
    with _steps(len(sources.boundaries) + 2, progress) as bar:
        return _geography(sources, bar)


def _geography(sources: Sources, bar: tqdm) -> Geography:
    layers = {}
    for level, spec in sources.boundaries.items():
        _step(bar, f"boundaries: {level}")
        layers[level] = read_boundaries(spec.path, **_options(spec, "code_field", "name_field",
                                                              "crs"))
    _step(bar, "areas and deprivation")
    areas = _areas(sources, layers)
    _step(bar, "simplifying boundaries")
    boundaries = {level: to_feature_collection(layer, tolerance_m=sources.simplify_m)
                  for level, layer in layers.items()}
    comparators = tuple(Comparator(c["code"], c["name"], c["area_type"])
                        for c in sources.comparators)
    return Geography(sources.area_code, sources.area_name, comparators, areas, boundaries)


def _options(spec: FileSpec, *names: str) -> dict:
    return {name: spec.options[name] for name in names if name in spec.options}


def _areas(sources: Sources, layers: dict) -> pd.DataFrame:
    """areas.parquet rows: the authority, its wards and its small areas."""
    small_level = next((level for level in SMALL_LEVELS if level in layers), None)
    frames = {level: _level_frame(layer, level) for level, layer in layers.items()
              if level != "la"}
    for frame in frames.values():
        frame["parent_code"] = sources.area_code
    if small_level and "ward" in frames:
        _nest(sources, frames[small_level], frames["ward"], layers)
    finest = small_level or "ward"
    _population(sources, frames[finest], finest)
    _deprivation(sources, frames[finest], finest)
    if finest != "ward" and "ward" in frames:
        _ward_deprivation(sources, frames["ward"], frames[finest])
    for level, frame in frames.items():
        if level == "msoa" and finest == "lsoa" and "msoa" not in sources.deprivation:
            _msoa_deprivation(sources, frame, frames["lsoa"])
        elif level not in (finest, "ward"):
            frame["population"] = np.nan
            _deprivation(sources, frame, level)
        _local_quantiles(frame)
    authority = pd.DataFrame({
        "area_code": [sources.area_code], "area_name": [sources.area_name], "level": ["la"],
        "parent_code": [""], "population": [frames[finest]["population"].sum()],
        "imd_score": [_authority_score(frames, finest)], "imd_rank": [np.nan],
        "imd_decile": [np.nan],
        "local_quintile": [np.nan], "local_decile": [np.nan],
    })
    areas = pd.concat([authority, *(frames[level] for level in ("ward", *SMALL_LEVELS)
                                    if level in frames)], ignore_index=True)
    for column in ("imd_rank", "imd_decile", "local_quintile", "local_decile"):
        areas[column] = areas[column].round().astype("Int64")
    return areas[list(schema.AREA_COLUMNS)]


def _authority_score(frames: dict[str, pd.DataFrame], finest: str) -> float:
    """The population-weighted mean score of the small areas (MHCLG's local-authority
    "average score" measure), else of the wards; empty when neither has every score."""
    for level in (finest, "ward"):
        frame = frames.get(level)
        if frame is not None and frame["imd_score"].notna().all():
            weight = frame["population"].fillna(1.0)
            return float((frame["imd_score"] * weight).sum() / weight.sum())
    return float("nan")


def _level_frame(layer: pd.DataFrame, level: str) -> pd.DataFrame:
    return pd.DataFrame({"area_code": layer["area_code"].to_numpy(),
                         "area_name": layer["area_name"].to_numpy(), "level": level})


def _nest(sources: Sources, small: pd.DataFrame, wards: pd.DataFrame, layers: dict) -> None:
    """Set each small area's ward from the lookup; it must cover every small area and ward."""
    if sources.lookup is None:
        raise DatasetError(str(sources.path), "wards and small areas need a lookup",
                           column="geography.lookup")
    lookup, table = read_lookup(sources.lookup.path, **{
        f"{key}_column": value for key, value in sources.lookup.options.items()
        if key in ("from", "to", "to_name")})
    child_column, parent_column = lookup.attrs["columns"]
    lookup = lookup.loc[lookup["child_code"].isin(small["area_code"])
                        | lookup["parent_code"].isin(wards["area_code"])]
    foreign = ~lookup["child_code"].isin(small["area_code"])
    if foreign.any():
        row, code = lookup.loc[foreign, ["row", "child_code"]].iloc[0]
        raise DatasetError(str(table.path), f"small area {code} is not in the small-area "
                           "boundaries", row=int(row), column=child_column)
    unknown_ward = ~lookup["parent_code"].isin(wards["area_code"])
    if unknown_ward.any():
        row, code = lookup.loc[unknown_ward, ["row", "parent_code"]].iloc[0]
        raise DatasetError(str(table.path), f"ward {code} is not in the ward boundaries",
                           row=int(row), column=parent_column)
    parents = lookup.set_index("child_code")["parent_code"]
    missing = small.loc[~small["area_code"].isin(parents.index), "area_code"]
    if len(missing):
        raise DatasetError(str(table.path), f"the lookup leaves out small area {missing.iloc[0]}"
                           f" ({len(missing)} in all) of the boundaries", column=child_column)
    small["parent_code"] = small["area_code"].map(parents).to_numpy()
    empty = wards.loc[~wards["area_code"].isin(parents.to_numpy()), "area_code"]
    if len(empty):
        ward_file = sources.boundaries["ward"].path
        row = int(np.flatnonzero(layers["ward"]["area_code"].to_numpy() == empty.iloc[0])[0]) + 1
        raise DatasetError(str(ward_file), f"ward {empty.iloc[0]} has no small area in the "
                           f"lookup {table.path.name}", row=row, column="area code")


def _population(sources: Sources, frame: pd.DataFrame, level: str) -> None:
    if sources.population is None:
        frame["population"] = np.nan
        return
    spec = sources.population
    population = read_population(spec.path, code_column=spec.options.get("code"),
                                 value_column=spec.options.get("value"))
    _require_every_area(frame, population.index, spec.path, level, "population")
    frame["population"] = frame["area_code"].map(population).to_numpy(dtype="float64")


def _deprivation(sources: Sources, frame: pd.DataFrame, level: str) -> None:
    spec = sources.deprivation.get(level)
    if spec is None:
        for column in ("imd_score", "imd_rank", "imd_decile"):
            frame[column] = np.nan
        return
    deprivation = read_deprivation(spec.path, columns=spec.options.get("columns"))
    _require_every_area(frame, deprivation["area_code"], spec.path, level, "deprivation")
    indexed = deprivation.set_index("area_code")
    for column in ("imd_score", "imd_rank", "imd_decile"):
        frame[column] = frame["area_code"].map(indexed[column]).to_numpy(dtype="float64")


def _require_every_area(frame: pd.DataFrame, codes, path: Path, level: str, what: str) -> None:
    missing = frame.loc[~frame["area_code"].isin(codes), "area_code"]
    if len(missing):
        raise DatasetError(str(path), f"no {what} for {level} {missing.iloc[0]} "
                           f"({len(missing)} {level} areas missing)", column="area code")


def _ward_deprivation(sources: Sources, wards: pd.DataFrame, small: pd.DataFrame) -> None:
    """Ward scores: published (deprivation.ward), else population-weighted from small areas."""
    wards["population"] = wards["area_code"].map(
        small.groupby("parent_code")["population"].sum()).to_numpy(dtype="float64")
    if "ward" in sources.deprivation:
        _deprivation(sources, wards, "ward")
        wards["imd_rank"] = wards["imd_decile"] = np.nan
        return
    weight = small["population"].fillna(1.0)
    basis = small["imd_score"] if small["imd_score"].notna().all() else -small["imd_rank"]
    weighted = (basis * weight).groupby(small["parent_code"]).sum() / weight.groupby(
        small["parent_code"]).sum()
    scores = wards["area_code"].map(weighted).to_numpy(dtype="float64")
    wards["imd_score"] = scores if small["imd_score"].notna().all() else np.nan
    wards["_rank_basis"] = scores
    wards["imd_rank"] = wards["imd_decile"] = np.nan


def _msoa_deprivation(sources: Sources, msoas: pd.DataFrame, lsoas: pd.DataFrame) -> None:
    """MSOA population (sum of its LSOAs) and score (their population-weighted mean score);
    MSOAs have no national rank or decile (MHCLG ranks LSOAs only)."""
    from marmot_dash.ingest.small_areas import msoa_of_lsoa, successors

    parent = msoa_of_lsoa(lsoas["area_name"], msoas, successors(sources),
                          str(sources.boundaries["lsoa"].path)).to_numpy()
    weight = lsoas["population"].fillna(1.0)
    msoas["population"] = msoas["area_code"].map(
        lsoas["population"].groupby(parent).sum(min_count=1)).to_numpy(dtype="float64")
    if lsoas["imd_score"].notna().all():
        score = (lsoas["imd_score"] * weight).groupby(parent).sum() / weight.groupby(parent).sum()
        msoas["imd_score"] = msoas["area_code"].map(score).to_numpy(dtype="float64")
    else:
        msoas["imd_score"] = np.nan
    msoas["imd_rank"] = msoas["imd_decile"] = np.nan


def _local_quantiles(frame: pd.DataFrame) -> None:
    """Local quintile and decile (1 = most deprived within the authority); left empty where
    a level has fewer areas than quantiles."""
    from marmot_dash.stats.inequality import local_quantiles

    basis = frame.pop("_rank_basis") if "_rank_basis" in frame else None
    if basis is None:
        basis = frame["imd_score"] if frame["imd_score"].notna().all() else -frame["imd_rank"]
    if basis.isna().any():
        frame["local_quintile"] = frame["local_decile"] = np.nan
        return
    population = frame["population"] if frame["population"].notna().all() else None
    for column, n in (("local_quintile", 5), ("local_decile", 10)):
        frame[column] = (np.asarray(local_quantiles(basis.to_numpy(dtype="float64"), population,
                                                    n=n), dtype="float64")
                         if len(frame) >= n else np.nan)


# --- values and catalogue ----------------------------------------------------------------------


def build_dataset(sources_yaml: str | Path, out_dir: str | Path, *, progress: bool = True) -> Path:
    """Build the dataset a sources file describes into ``out_dir`` (atomically) and return it.

    Any malformed source raises ``DatasetError`` (file, row, column) before anything is written;
    ``write_dataset`` validates the result and swaps it in only when every check passes.
    """
    sources = read_sources(sources_yaml)
    with _steps(_step_count(sources) + 1, progress) as bar:
        parts = _read_everything(sources, bar)
        _step(bar, "writing")
        return write_dataset(out_dir, **parts)


def check_sources(sources_yaml: str | Path) -> None:
    """Read and check every file a sources file names, as a build does, writing nothing."""
    sources = read_sources(sources_yaml)
    with _steps(_step_count(sources), progress=False) as bar:
        _read_everything(sources, bar)


def _step_count(sources: Sources) -> int:
    return (len(sources.boundaries) + 3 + len(sources.catalogues) + len(sources.indicators)
            + (sources.peer_group is not None))


def _read_everything(sources: Sources, bar: tqdm) -> dict:
    """The keyword arguments of ``write_dataset`` for a sources file."""
    geography = _geography(sources, bar)
    catalogue = _catalogue(sources, bar)
    peers = _peers(sources, bar)
    values, catalogue, notes = _values(sources, geography, catalogue, peers, bar)
    return {"meta": _meta(sources, geography, notes, peers), "principles": list(PRINCIPLES),
            "indicators": catalogue, "values": values, "areas": geography.areas,
            "geo": geography.boundaries, "themes": _themes(sources)}


def _catalogue(sources: Sources, bar: tqdm) -> pd.DataFrame:
    frames = []
    for spec in sources.catalogues:
        _step(bar, f"catalogue: {spec.path.name}")
        frames.append(read_catalogue(spec.path, sheet=spec.options.get("sheet")))
    catalogue = (pd.concat(frames, ignore_index=True) if frames
                 else pd.DataFrame(columns=list(schema.INDICATOR_COLUMNS)))
    duplicated = catalogue["indicator_id"].duplicated()
    if duplicated.any():
        raise DatasetError(str(sources.catalogues[-1].path), "indicator_id "
                           f"{catalogue.loc[duplicated, 'indicator_id'].iloc[0]} is also in an "
                           "earlier catalogue file", column="indicator_id")
    return catalogue


def _peers(sources: Sources, bar: tqdm) -> PeerGroup | None:
    """The group of similar authorities the sources file asks for (``ingest.peers``)."""
    spec = sources.peer_group
    if spec is None:
        return None
    _step(bar, "similar authorities")
    return derive_peer_group(
        sources.area_code, sources.area_name, candidates=spec["candidates"].path,
        deprivation=spec["deprivation"].path, population=spec["population"].path,
        size=spec["size"], name=spec["name"], deprivation_options=spec["deprivation"].options,
        population_options=spec["population"].options)


def _values(
    sources: Sources, geography: Geography, catalogue: pd.DataFrame, peers: PeerGroup | None,
    bar: tqdm,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    area_types = _area_types(sources, geography)
    names = dict(zip(geography.areas["area_code"], geography.areas["area_name"], strict=True))
    names.update({c["code"]: c["name"] for c in sources.comparators})
    for code, name in peers.members if peers else ():
        area_types.setdefault(code, "comparator")
        names.setdefault(code, name)
    frames, derived, notes = [], [], []
    for spec in sources.indicators:
        _step(bar, f"indicators: {spec.path.name}")
        kind = spec.options["kind"]
        if kind in SMALL_AREA_KINDS and not sources.small_area_indicators:
            notes.append(f"{spec.path.name}: left out (small_area_indicators: false)")
            continue
        if kind == "fingertips":
            frame, rows, note = _fingertips(spec, catalogue, area_types)
            derived.append(rows)
        elif kind in SMALL_AREA_KINDS:
            frame, note = _small_areas(spec, sources, geography, catalogue)
        elif kind in SERIES_KINDS:
            frame, note = _series(sources, spec, catalogue, area_types)
        else:
            frame, note = _council(spec, catalogue, area_types)
        notes += note
        frames.append(frame)
    catalogue = pd.concat([catalogue, *derived], ignore_index=True)
    values = (pd.concat(frames, ignore_index=True) if frames
              else pd.DataFrame(columns=list(schema.VALUE_COLUMNS)))
    values["area_name"] = values["area_code"].map(names).fillna(values["area_name"])
    _step(bar, "intervals")
    values = _fill_intervals(values, catalogue)
    values, widened, dropped = reconcile_intervals(values)
    if widened or dropped:
        notes.append(f"{widened} interval limits widened to a value just outside them "
                     f"(rounding); {dropped} intervals not containing their value dropped")
    values["note"] = values["note"].replace("", None)
    used = catalogue["indicator_id"].isin(values["indicator_id"]) | ~catalogue[
        "indicator_id"].str.startswith("fingertips_")
    return values[list(schema.VALUE_COLUMNS)], catalogue.loc[used], notes


def _small_areas(spec: FileSpec, sources: Sources, geography: Geography,
                 catalogue: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    from marmot_dash.ingest.small_areas import small_area_rows

    frame, notes = small_area_rows(spec, sources, geography.areas)
    indicator = frame["indicator_id"].iloc[0]
    if indicator not in set(catalogue["indicator_id"]):
        raise DatasetError(str(sources.path), f"indicator {indicator!r} is in no catalogue file",
                           column=f"indicators ({spec.path.name}).indicator")
    return frame, notes


def _area_types(sources: Sources, geography: Geography) -> dict[str, str]:
    types = dict(zip(geography.areas["area_code"], geography.areas["level"], strict=True))
    types.update({c["code"]: c["area_type"] for c in sources.comparators})
    types[sources.area_code] = "la"
    return types


def _fingertips(
    spec: FileSpec, catalogue: pd.DataFrame, area_types: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    export = read_fingertips(spec.path, exclude_indicators=spec.options.get(
        "exclude_indicators", ()))
    frame = export.values
    frame["area_type"] = frame["area_code"].map(area_types)
    outside = frame["area_type"].isna()
    frame = frame.loc[~outside & (frame["value"].notna() | (frame["note"] != ""))].copy()
    if frame.empty:
        raise DatasetError(str(spec.path), "no rows for the authority, its comparators or its "
                           "areas", column="Area Code")
    known = catalogue.dropna(subset=["fingertips_id"])
    ids = dict(zip(known["fingertips_id"].astype("int64"), known["indicator_id"], strict=True))
    frame["indicator_id"] = frame["fingertips_id"].map(
        lambda fid: ids.get(fid, f"fingertips_{fid}"))
    new = sorted(set(frame["fingertips_id"]) - set(ids))
    rows = pd.DataFrame([_derived_row(fid, export.names.get(fid), frame, spec) for fid in new],
                        columns=list(schema.INDICATOR_COLUMNS))
    notes = [f"{spec.path.name}: {n} rows skipped: {reason}"
             for reason, n in export.skipped.items()]
    if outside.any():
        notes.append(f"{spec.path.name}: {int(outside.sum())} rows for other areas left out")
    return frame, rows, notes


def _derived_row(fid: int, name: str | None, frame: pd.DataFrame, spec: FileSpec) -> dict:
    """A catalogue row for a Fingertips indicator no catalogue lists (module doc)."""
    name = name or f"Fingertips indicator {fid}"
    value_type, unit, multiplier = _guess_value_type(frame.loc[frame["fingertips_id"] == fid],
                                                     name)
    return {
        "indicator_id": f"fingertips_{fid}", "name": name, "short_name": name[:60],
        "principle": spec.options["principle"], "sources": "Fingertips", "unit": unit,
        "value_type": value_type, "multiplier": multiplier, "polarity": "no_judgement",
        "baseline_period": None, "target": np.nan, "target_period": None,
        "definition": f"{name} (catalogue row derived from the Fingertips export "
                      f"{spec.path.name}; value type guessed from its rows)",
        "source_url": f"https://fingertips.phe.org.uk/search/{fid}", "fingertips_id": fid,
    }


def _guess_value_type(rows: pd.DataFrame, name: str) -> tuple[str, str, float]:
    usable = rows.dropna(subset=["value", "count", "denominator"])
    usable = usable.loc[(usable["count"] > 0) & (usable["denominator"] > 0)]
    if len(usable):
        ratio = float(np.median(usable["value"] / (usable["count"] / usable["denominator"])))
        for multiplier, (value_type, unit) in GUESSED_RATES.items():
            if abs(ratio / multiplier - 1) <= RATIO_TOLERANCE:
                return value_type, unit, multiplier
    lowered = name.lower()
    if "life expectancy" in lowered:
        return "life_expectancy", "years", 1.0
    if "standardised" in lowered:
        return "dsr", "per 100,000", 100000.0
    return "score", "", 1.0


def _council(
    spec: FileSpec, catalogue: pd.DataFrame, area_types: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    frame, table = read_council_values(spec.path, sheet=spec.options.get("sheet"))
    unknown = ~frame["indicator_id"].isin(catalogue["indicator_id"])
    if unknown.any():
        label = frame.index[unknown.to_numpy()][0]
        raise table.error(f"indicator {frame.loc[label, 'indicator_id']!r} is in no catalogue "
                          "file", position=label, column=table.column("indicator_id"))
    known_type = frame["area_code"].map(area_types)
    outside = known_type.isna()
    if outside.any():
        label = frame.index[outside.to_numpy()][0]
        raise table.error(f"unknown area code {frame.loc[label, 'area_code']} (not the "
                          "authority, a comparator or one of its areas)", position=label,
                          column=table.column("area_code"))
    given = frame["area_type"] != ""
    clash = given & (frame["area_type"] != known_type)
    if clash.any():
        label = frame.index[clash.to_numpy()][0]
        raise table.error(f"area type {frame.loc[label, 'area_type']!r} but the sources say "
                          f"{known_type[label]!r}", position=label,
                          column=table.column("area_type"))
    frame["area_type"] = known_type
    return frame, []


def _read_series(kind: str, path: Path) -> tuple[pd.DataFrame, object, list[str]]:
    """A published-series file read by its layout's reader: rows, table and notes."""
    if kind == "fuel_poverty":
        frame, table, skipped = read_fuel_poverty(path)
        notes = [f"{path.name}: {skipped} rows with old area codes whose names are in no "
                 "later year left out"] if skipped else []
        return frame, table, notes
    reader = {"ons_els": read_ons_els, "life_expectancy": read_life_expectancy,
              "dfe_ees": read_dfe_ees, "ons_health_index": read_health_index}[kind]
    frame, table = reader(path)
    return frame, table, []


def _series(
    sources: Sources, spec: FileSpec, catalogue: pd.DataFrame, area_types: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of a published-series file (ONS ELS, fuel poverty, life expectancy, DfE, ONS
    Health Index) under the catalogue ids the sources file maps its source indicators to;
    published value, interval, count and denominator unchanged. Rows of areas the dataset
    does not know are left out."""
    frame, table, notes = _read_series(spec.options["kind"], spec.path)
    targets = spec.options["targets"]
    where = f"indicators ({spec.path.name})"
    known_ids = set(catalogue["indicator_id"])
    column = table.column("indicator", "metric", "age") or "indicator"
    present = set(frame["source_indicator"])
    for name, items in targets.items():
        for target in items:
            if target.indicator_id not in known_ids:
                raise DatasetError(str(sources.path), f"indicator {target.indicator_id!r} is "
                                   "in no catalogue file", column=f"{where}.{name}")
        if name != EVERY_ROW and name not in present:
            raise table.error(f"source indicator {name!r} (named in {sources.path.name}) is "
                              "not in this file", column=column)
    if EVERY_ROW not in targets:
        mapped = frame["source_indicator"].isin(list(targets))
        if not mapped.all():
            left = frame.loc[~mapped, "source_indicator"]
            notes.append(f"{spec.path.name}: {len(left)} rows of {left.nunique()} source "
                         "indicators not in the sources file left out")
        frame = frame.loc[mapped]
    outside = ~frame["area_code"].isin(list(area_types))
    if outside.any():
        notes.append(f"{spec.path.name}: {int(outside.sum())} rows for other areas left out")
        frame = frame.loc[~outside]
    found = set(frame.loc[frame["area_code"] == sources.area_code, "source_indicator"])
    missing = [name for name in targets if name != EVERY_ROW and name not in found]
    if not found or missing:
        what = f" of source indicator {missing[0]!r}" if missing else ""
        raise DatasetError(str(spec.path), f"no rows{what} for {sources.area_name} "
                           f"({sources.area_code}): an unknown area code or name?",
                           column=table.column("areacd", "area_code", "Area Codes",
                                               "new_la_code", "ltla21_code"))
    parts = []
    for name, items in targets.items():
        rows = frame if name == EVERY_ROW else frame.loc[frame["source_indicator"] == name]
        for target in items:
            sort = target.category_sort or (SEX_ORDER.get(target.category, 3)
                                            if target.breakdown == "sex" else 0)
            parts.append(rows.assign(indicator_id=target.indicator_id,
                                     breakdown=target.breakdown, category=target.category,
                                     category_sort=sort))
    frame = pd.concat(parts, ignore_index=True)
    clash = frame.duplicated(list(schema.VALUE_KEY))
    if clash.any():
        row = frame.loc[clash].iloc[0]
        raise table.error(f"two source indicators give {row['indicator_id']} "
                          f"({row['category']}) for {row['area_code']} in {row['period']}",
                          position=int(row["row"]) - table.header_row - 1, column=column)
    _check_proportions(frame, catalogue, table)
    frame["area_type"] = frame["area_code"].map(area_types)
    return frame.drop(columns=["source_indicator", "row"]), notes


def _check_proportions(frame: pd.DataFrame, catalogue: pd.DataFrame, table) -> None:
    """A proportion above its multiplier (e.g. 104%) is refused at its source row."""
    kinds = catalogue.set_index("indicator_id")
    proportion = frame["indicator_id"].map(kinds["value_type"]) == "proportion"
    over = proportion & (frame["value"] > frame["indicator_id"].map(kinds["multiplier"]))
    if over.any():
        row = frame.loc[over].iloc[0]
        raise table.error(f"{row['value']:g} is above 100% for the proportion "
                          f"{row['indicator_id']}", position=int(row["row"]) - table.header_row
                          - 1)


def _fill_intervals(values: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Wilson (proportions) or Byars (rates) limits where a row has count and denominator but
    no interval; the value too when it is missing."""
    from marmot_dash.stats.intervals import byars, wilson

    kinds = catalogue.set_index("indicator_id")
    value_type = values["indicator_id"].map(kinds["value_type"])
    multiplier = values["indicator_id"].map(kinds["multiplier"]).astype("float64")
    usable = values["count"].notna() & (values["denominator"] > 0)
    for method, types in ((wilson, ("proportion",)), (byars, ("rate",))):
        for confidence, (low, high) in ((0.95, ("lower_ci", "upper_ci")),
                                        (0.998, ("lower_ci_998", "upper_ci_998"))):
            rows = usable & value_type.isin(types) & values[low].isna() & values[high].isna()
            if method is wilson:
                rows &= values["count"] <= values["denominator"]
            if not rows.any():
                continue
            for scale in multiplier[rows].unique():
                part = rows & (multiplier == scale)
                result = method(values.loc[part, "count"].to_numpy(),
                                values.loc[part, "denominator"].to_numpy(),
                                confidence=confidence, multiplier=float(scale))
                value, lower, upper = result[:3]
                values.loc[part, low], values.loc[part, high] = lower, upper
                missing = values.index[part & values["value"].isna()]
                values.loc[missing, "value"] = pd.Series(value, index=values.index[part])[missing]
    return values


def _meta(
    sources: Sources, geography: Geography, notes: list[str], peers: PeerGroup | None
) -> dict:
    optional = {"peer_group": peers.as_meta()} if peers else {}
    if sources.principle_notes:
        optional["principle_notes"] = dict(sources.principle_notes)
    return {
        "name": sources.name,
        "area": {"code": sources.area_code, "name": sources.area_name},
        "comparators": [dict(c) for c in sources.comparators],
        "levels": list(geography.levels),
        "illustrative": False,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "disclosure_threshold": 5,
        "sources": [dict(c) for c in sources.credits],
        "build_notes": notes,
        **optional,
    }


def _themes(sources: Sources) -> object:
    from marmot_dash.qualitative.themes import (
        DEFAULT_STAGES,
        DEFAULT_THEMES,
        read_themes_document,
    )

    if sources.themes is None:
        return {"themes": DEFAULT_THEMES, "stages": DEFAULT_STAGES}
    themes, stages = read_themes_document(sources.themes)
    return themes if stages is None else {"themes": themes, "stages": stages}
