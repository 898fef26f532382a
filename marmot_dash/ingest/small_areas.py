"""Indicator rows from small-area sources: Census 2021 counts by LSOA or MSOA, DWP Stat-Xplore
counts by MSOA, ONS healthy life expectancy by MSOA (the sources file's kinds ``census_long``,
``census_wide``, ``dwp_statxplore`` and ``ons_hle``).

Counts are never averaged: a ward, MSOA, deprivation group or the authority gets the SUM of its
small areas' counts over the sum of their denominators (the builder then computes the value and
its Wilson 95% and 99.8% limits from them, ``stats.intervals.wilson``). LSOAs nest in wards by
the lookup and in MSOAs by name (ONS names an LSOA after its MSOA plus a letter: "Luton 001A" is
in "Luton 001"); MSOAs of a newer census that split an older one are mapped to it by the
``successors`` of ``geography.msoa`` in the sources file (codes and names), so their counts are
summed into it.

Deprivation rows are for the authority: national IMD deciles and quintiles (quintile = pair of
deciles) of the LSOAs, and local deciles and quintiles (areas.parquet ``local_decile`` /
``local_quintile``) of the LSOAs or MSOAs. MSOAs have no national IMD decile (MHCLG ranks
LSOAs only), so MSOA sources have local groups only. A group holding a suppressed area gets no
value.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from marmot_dash.data import schema
from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import numbers, read_table, texts
from marmot_dash.ingest.sources.config import FileSpec, Sources, option_file
from marmot_dash.ingest.sources.periods import MONTH_NAMES, parse_heading

DECILE_LABELS = ("Most deprived decile", "Second most deprived decile",
                 "Third more deprived decile", "Fourth more deprived decile",
                 "Fifth more deprived decile", "Fifth less deprived decile",
                 "Fourth less deprived decile", "Third less deprived decile",
                 "Second least deprived decile", "Least deprived decile")
QUINTILE_LABELS = ("Most deprived quintile", "Second most deprived quintile",
                   "Middle quintile", "Second least deprived quintile",
                   "Least deprived quintile")
GROUPS = (  # breakdown, areas.parquet column, labels
    ("deprivation_decile", "imd_decile", DECILE_LABELS),
    ("deprivation_quintile", "imd_quintile", QUINTILE_LABELS),
    ("local_deprivation_decile", "local_decile", DECILE_LABELS),
    ("local_deprivation_quintile", "local_quintile", QUINTILE_LABELS),
)
SUM_NOTE = "sum of the small areas' counts"


# --- nesting ----------------------------------------------------------------------------------


def successors(sources: Sources) -> dict[str, str]:
    """Older MSOA code or name of each newer one (``geography.msoa.successors``)."""
    spec = sources.boundaries.get("msoa")
    raw = (spec.options.get("successors") if spec else None) or {}
    if not isinstance(raw, Mapping):
        raise DatasetError(str(sources.path), "expected a mapping of newer to older MSOA codes "
                           "or names", column="geography.msoa.successors")
    return {str(k): str(v) for k, v in raw.items()}


def msoa_of_lsoa(lsoa_names: pd.Series, msoas: pd.DataFrame, renamed: Mapping[str, str],
                 where: str) -> pd.Series:
    """The MSOA code of each LSOA (by name: the LSOA name less its final letter), as a Series
    aligned with ``lsoa_names``; an LSOA name that names no MSOA is refused."""
    names = lsoa_names.str.strip().str[:-1].map(lambda name: renamed.get(name, name))
    codes = names.map(dict(zip(msoas["area_name"], msoas["area_code"], strict=True)))
    if codes.isna().any():
        bad = lsoa_names[codes.isna()].iloc[0]
        raise DatasetError(where, f"LSOA {bad!r} is in no MSOA of the boundaries (LSOA names are"
                           " the MSOA name and a letter)", column="area name")
    return codes


def nest_msoas(areas: pd.DataFrame, renamed: Mapping[str, str], where: str) -> pd.Series:
    """The MSOA code of each LSOA of ``areas`` (indexed by LSOA code)."""
    lsoa = areas[areas["level"] == "lsoa"]
    msoas = areas[areas["level"] == "msoa"]
    return pd.Series(msoa_of_lsoa(lsoa["area_name"], msoas, renamed, where).to_numpy(),
                     index=lsoa["area_code"].to_numpy())


# --- rows -------------------------------------------------------------------------------------


def small_area_rows(spec: FileSpec, sources: Sources, areas: pd.DataFrame
                    ) -> tuple[pd.DataFrame, list[str]]:
    """Value rows (``schema.VALUE_COLUMNS``, value left empty where a count and denominator
    give it) of one small-area indicator entry, and notes for the build."""
    kind, options = spec.options["kind"], spec.options
    indicator = options.get("indicator")
    if not isinstance(indicator, str) or not indicator:
        raise DatasetError(str(sources.path), "expected the catalogue indicator_id this file "
                           "gives", column=f"indicators ({spec.path.name}).indicator")
    renamed = successors(sources)
    if kind in ("census_long", "census_wide"):
        frame, level, notes = _census(spec, renamed)
        frame["period"], frame["period_sort"] = _period(spec, sources, "2021")
    elif kind == "dwp_statxplore":
        frame, level, notes = _statxplore(spec, sources, areas)
    else:
        frame, level, notes = _hle(spec, sources)
    frame = _known_areas(frame, level, areas, spec)
    rows = [frame.assign(area_type=level)]
    if kind == "ons_hle":  # values with limits, no counts: nothing to sum
        rows.append(frame.attrs["authority_total"].assign(area_type="la"))
        return _finish(pd.concat(rows, ignore_index=True), indicator), notes
    small = areas[areas["level"] == level].set_index("area_code")
    keyed = frame.set_index("area_code")
    if level == "lsoa" and (areas["level"] == "ward").any():
        rows.append(_summed(keyed, small["parent_code"], "ward"))
    if level == "lsoa" and (areas["level"] == "msoa").any():
        rows.append(_summed(keyed, nest_msoas(areas, renamed, str(sources.path)), "msoa"))
    if "authority_total" not in frame.attrs:
        total = pd.Series(sources.area_code, index=small.index)
        rows.append(_summed(keyed, total, "la").assign(note=SUM_NOTE))
    else:
        rows.append(frame.attrs["authority_total"].assign(area_type="la"))
    groups = small.assign(imd_quintile=(small["imd_decile"] + 1) // 2)
    for breakdown, column, labels in GROUPS:
        if groups[column].isna().any():
            continue
        summed = _summed(keyed, groups[column].astype(int), "la").sort_values(
            ["period_sort", "area_code"], kind="stable")
        rows.append(summed.assign(
            breakdown=breakdown, category_sort=summed["area_code"].astype(int),
            category=summed["area_code"].map(lambda k, labels=labels: labels[int(k) - 1]),
            area_code=sources.area_code))
    return _finish(pd.concat(rows, ignore_index=True), indicator), notes


def _finish(frame: pd.DataFrame, indicator: str) -> pd.DataFrame:
    frame = frame.assign(indicator_id=indicator)
    for column, default in (("breakdown", "total"), ("category", schema.TOTAL_CATEGORY),
                            ("category_sort", 0), ("area_name", ""), ("note", "")):
        frame[column] = frame[column].fillna(default) if column in frame else default
    for column in ("value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998"):
        if column not in frame:
            frame[column] = np.nan
    frame["category_sort"] = frame["category_sort"].astype("int64")
    frame["period_sort"] = frame["period_sort"].astype("int64")
    return frame[list(schema.VALUE_COLUMNS)]


def _summed(keyed: pd.DataFrame, parent: pd.Series, area_type: str) -> pd.DataFrame:
    """Counts and denominators summed by ``parent`` (indexed by small-area code) per period;
    a group with a suppressed (empty) count gets no count."""
    parents = keyed.index.map(parent)
    grouped = keyed.assign(parent=parents).groupby(["parent", "period", "period_sort"],
                                                   sort=False)
    summed = grouped[["count", "denominator"]].sum(min_count=1)
    complete = grouped["count"].apply(lambda c: c.notna().all())
    summed.loc[~complete, "count"] = np.nan
    summed = summed.reset_index().rename(columns={"parent": "area_code"})
    if "value" in keyed and keyed["denominator"].isna().all():  # counts: the value is the sum
        summed["value"] = summed["count"]
        summed["denominator"] = np.nan
    summed["area_type"] = area_type
    summed["note"] = np.where(summed["count"].isna(), "a small area's count is suppressed", "")
    return summed


def _known_areas(frame: pd.DataFrame, level: str, areas: pd.DataFrame, spec: FileSpec
                 ) -> pd.DataFrame:
    known = set(areas.loc[areas["level"] == level, "area_code"])
    if not known:
        raise DatasetError(str(spec.path), f"the geography has no {level} level (add its "
                           "boundaries to geography)", column=level)
    unknown = ~frame["area_code"].isin(known)
    if unknown.any():
        row = frame.loc[unknown].iloc[0]
        raise DatasetError(str(spec.path), f"{level} {row['area_code']} is not in the {level} "
                           "boundaries", row=int(row["row"]), column="area code")
    missing = known - set(frame["area_code"])
    if missing:
        raise DatasetError(str(spec.path), f"no row for {level} {sorted(missing)[0]} "
                           f"({len(missing)} {level} areas missing)", column="area code")
    return frame.drop(columns="row")


def _period(spec: FileSpec, sources: Sources, default: str) -> tuple[str, int]:
    text = str(spec.options.get("period", default))
    period = parse_heading(text)
    if period is None:
        raise DatasetError(str(sources.path), f"period {text!r} not understood (e.g. 2021, "
                           "2014/15, 2009-2013)", column=f"indicators ({spec.path.name}).period")
    return period.label, period.sort


def _census(spec: FileSpec, renamed: Mapping[str, str]) -> tuple[pd.DataFrame, str, list[str]]:
    from marmot_dash.ingest.sources.census_long import read_census_long
    from marmot_dash.ingest.sources.census_wide import read_census_wide

    options = spec.options
    if spec.options["kind"] == "census_long":
        frame, _ = read_census_long(spec.path, numerator=_names(options, "numerator", spec),
                                    category_column=options.get("category"))
    else:
        frame, _ = read_census_wide(spec.path, numerator=_names(options, "numerator", spec),
                                    denominator=_names(options, "denominator", spec))
    level = frame.attrs["level"]
    if level == "msoa" and frame["area_code"].isin(list(renamed)).any():
        frame["area_code"] = frame["area_code"].map(lambda code: renamed.get(code, code))
        frame = frame.groupby("area_code", as_index=False, sort=False).agg(
            count=("count", "sum"), denominator=("denominator", "sum"), row=("row", "first"))
        return frame, level, [f"{spec.path.name}: newer MSOAs summed into the older MSOA they "
                              "split"]
    return frame, level, []


def _names(options: dict, key: str, spec: FileSpec) -> list[str]:
    names = options.get(key)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise DatasetError(str(spec.path), f"the sources file must list the {key} categories "
                           f"(indicators ({spec.path.name}).{key})", column=key)
    return names


def _statxplore(spec: FileSpec, sources: Sources, areas: pd.DataFrame
                ) -> tuple[pd.DataFrame, str, list[str]]:
    from marmot_dash.ingest.sources.statxplore import read_statxplore

    frame, table = read_statxplore(spec.path)
    notes = [f"{spec.path.name}: {frame.attrs['skipped']} heading and footer rows left out"]
    frame = _months(frame, spec, notes)
    msoas = areas[areas["level"] == "msoa"]
    codes = dict(zip(msoas["area_name"], msoas["area_code"], strict=True))
    frame["area_code"] = frame["area_name"].map(codes)
    unknown = frame["area_code"].isna()
    if unknown.any():
        first = frame.loc[unknown].iloc[0]
        raise DatasetError(str(table.path), f"unknown MSOA name {first['area_name']!r} (not an "
                           "MSOA name of the boundaries)", row=int(first["row"]),
                           column=table.frame.columns[0])
    frame["count"] = frame["value"]
    denominator = spec.options.get("denominator")
    if denominator:
        frame["denominator"] = frame["area_code"].map(
            _lsoa_denominator(denominator, sources, msoas))
        frame["value"] = np.nan
    else:  # counts only: the value is the count
        frame["denominator"] = np.nan
    above = frame["count"] > frame["denominator"]
    if above.any():
        first = frame.loc[above].iloc[0]
        raise DatasetError(str(table.path), f"count above its denominator ({first['count']:g} "
                           f"> {first['denominator']:g})", row=int(first["row"]),
                           column=first["column"])
    authority = spec.options.get("authority")
    if authority:
        frame.attrs["authority_total"] = _authority_count(authority, sources, frame)
    return frame.drop(columns=["area_name", "column"]), "msoa", notes


def _months(frame: pd.DataFrame, spec: FileSpec, notes: list[str]) -> pd.DataFrame:
    """Monthly tables: only the months named by ``months`` (e.g. [November]); periods where
    every area is suppressed are left out."""
    months = spec.options.get("months")
    if months:
        wanted = [MONTH_NAMES.index(str(m).lower()) + 1 for m in months
                  if str(m).lower() in MONTH_NAMES]
        if len(wanted) != len(months):
            raise DatasetError(str(spec.path), "months: expected month names such as November",
                               column="months")
        frame = frame.loc[(frame["period_sort"] // 100 % 100).isin(wanted)]
    empty = frame.groupby("period")["value"].transform(lambda v: v.isna().all())
    if empty.any():
        notes.append(f"{spec.path.name}: {frame.loc[empty, 'period'].nunique()} periods with "
                     "every area '..' left out")
    return frame.loc[~empty].copy()


def _lsoa_denominator(option: dict, sources: Sources, msoas: pd.DataFrame) -> pd.Series:
    """A small-area denominator by LSOA (``{path, column}``), summed to MSOAs by LSOA name."""
    spec = option_file(option, sources, "denominator")
    column = spec.options.get("column")
    if not isinstance(column, str):
        raise DatasetError(str(sources.path), "expected the denominator's column",
                           column="denominator.column")
    table = read_table(spec.path, [("LSOA name (2011)", "lsoa11_name", "LSOA11NM"), column])
    names = texts(table, table.require("LSOA name (2011)", "lsoa11_name", "LSOA11NM"),
                  required=True)
    counts = numbers(table, table.require(column), required=True, integer=True, minimum=0)
    codes = msoa_of_lsoa(names, msoas, successors(sources), str(spec.path))
    return counts.groupby(codes.to_numpy()).sum()


def _authority_count(option: dict, sources: Sources, frame: pd.DataFrame) -> pd.DataFrame:
    """The authority's published counts from a Stat-Xplore table by local authority."""
    from marmot_dash.ingest.sources.statxplore import read_statxplore

    spec = option_file(option, sources, "authority")
    table, source = read_statxplore(spec.path)
    rows = table.loc[(table["area_name"] == sources.area_name)
                     & table["period"].isin(frame["period"])]
    if rows["period"].nunique() != frame["period"].nunique():
        raise DatasetError(str(source.path), f"no {sources.area_name} row for every period of "
                           "the small-area table", column=source.frame.columns[0])
    denominators = frame.groupby("period")["denominator"].sum(min_count=1)
    return pd.DataFrame({
        "area_code": sources.area_code, "period": rows["period"].to_numpy(),
        "period_sort": rows["period_sort"].to_numpy(), "count": rows["value"].to_numpy(),
        "denominator": rows["period"].map(denominators).to_numpy(),
        "value": np.nan if frame["denominator"].notna().any() else rows["value"].to_numpy(),
        "note": rows["note"].to_numpy(),
    })


def _hle(spec: FileSpec, sources: Sources) -> tuple[pd.DataFrame, str, list[str]]:
    from marmot_dash.ingest.sources.ons_hle_areas import read_ons_hle

    frame, _ = read_ons_hle(spec.path)
    period, sort = _period(spec, sources, "")
    frame = frame.assign(period=period, period_sort=sort, count=np.nan, denominator=np.nan)
    authority = spec.options.get("authority")
    if authority:
        path = option_file(authority, sources, "authority").path
        rows, _ = read_ons_hle(path)
        rows = rows.loc[rows["area_code"] == sources.area_code]
        if rows.empty:
            raise DatasetError(str(path), f"no row for {sources.area_code}", column="area code")
        frame.attrs["authority_total"] = rows.drop(columns=["row", "area_name"]).assign(
            period=period, period_sort=sort, count=np.nan, denominator=np.nan)
    else:
        frame.attrs["authority_total"] = frame.iloc[:0].drop(columns=["row", "area_name"])
    return frame.drop(columns="area_name"), "msoa", []
