"""DESNZ (formerly DECC, BEIS) sub-regional fuel poverty, Table 2, stacked over the years.

Columns: ``data_year``, ``metric``, ``area_code``, ``area_name``, ``households``,
``fuel_poor_households``, ``proportion_fuel_poor_pct`` (``source_table``, ``region``
optional). ``metric`` names the definition: LIHC (Low Income High Costs, 2011-2018) and LILEE
(Low Income Low Energy Efficiency, 2019 on) are different measures, so each is its own source
indicator and never one line. The value is the published proportion (%, 0-100); the count and
denominator are the published fuel-poor households and households.

The 2011 table uses the old ONS codes (Luton is ``00KA``): an old code takes the GSS code its
area name carries in the nearest later year of the file; an old-code row whose name is in no
other year is left out and counted in ``skipped`` (it cannot be placed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.ingest.sources._common import (
    GSS_CODE,
    Table,
    duplicated_keys,
    first_bad,
    numbers,
    read_table,
    texts,
)
from marmot_dash.ingest.sources.measures import check_measures
from marmot_dash.ingest.sources.periods import period_columns

REQUIRED = ("data_year", "metric", "area_code", "area_name", "households",
            "fuel_poor_households", "proportion_fuel_poor_pct")
OLD_CODE = r"^\d{2}[A-Z]{2}$"


def read_fuel_poverty(path: str | Path) -> tuple[pd.DataFrame, Table, int]:
    """Read the stacked fuel-poverty table into dataset value columns plus
    ``source_indicator`` (the metric) and ``row``; also the number of old-code rows left out."""
    table = read_table(path, REQUIRED)
    col = table.column
    frame = pd.DataFrame(index=table.frame.index)
    frame["source_indicator"] = texts(table, col("metric"), required=True).str.upper()
    frame["area_name"] = texts(table, col("area_name"), required=True)
    code = texts(table, col("area_code"), required=True).str.upper()
    gss, old = code.str.fullmatch(GSS_CODE.pattern), code.str.fullmatch(OLD_CODE)
    first_bad(table, ~(gss | old), col("area_code"),
              "expected a GSS area code such as E06000032 or an old ONS code such as 00KA")
    year = texts(table, col("data_year"), required=True)
    frame["period"], frame["period_sort"] = period_columns(table, year, col("data_year"),
                                                           frame["source_indicator"])
    frame["area_code"] = code.where(gss, _codes_by_name(frame, code, gss))
    frame["breakdown"], frame["category"], frame["category_sort"] = "total", "Total", 0
    headers = {"value": col("proportion_fuel_poor_pct"), "count": col("fuel_poor_households"),
               "denominator": col("households"), "lower_ci": None, "upper_ci": None,
               "lower_ci_998": None, "upper_ci_998": None}
    frame["value"] = numbers(table, headers["value"], required=True)
    first_bad(table, (frame["value"] < 0) | (frame["value"] > 100), headers["value"],
              "a percentage outside 0-100")
    for name in ("count", "denominator"):
        frame[name] = numbers(table, headers[name], required=True, integer=True)
    for name in ("lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998"):
        frame[name] = float("nan")
    check_measures(table, frame, headers)
    frame["note"] = ""
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    placed = frame["area_code"] != ""
    skipped = int((~placed).sum())
    frame = frame.loc[placed]
    duplicated_keys(table, frame, ["source_indicator", "area_code", "period"], col("area_code"),
                    ["metric", "area_code", "data_year"])
    return frame, table, skipped


def _codes_by_name(frame: pd.DataFrame, code: pd.Series, gss: pd.Series) -> pd.Series:
    """For old-code rows: the GSS code of the same area name in the nearest later year."""
    known = frame.loc[gss, ["area_name", "period_sort"]].assign(code=code[gss])
    old = frame.loc[~gss, ["area_name", "period_sort"]].reset_index(names="position")
    pairs = old.merge(known, on="area_name", suffixes=("", "_known"))
    pairs = pairs.loc[pairs["period_sort_known"] > pairs["period_sort"]]
    nearest = pairs.sort_values("period_sort_known").drop_duplicates("position")
    matched = pd.Series("", index=frame.index, dtype="str")
    matched[nearest["position"].to_numpy()] = nearest["code"].to_numpy()
    return matched
