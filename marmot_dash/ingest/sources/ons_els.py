"""ONS Explore Local Statistics (ELS) long CSV: one row per area, indicator and period.

Columns (the ELS originals): ``areacd``, ``areanm``, ``geography``, ``indicator``, ``period``,
``observation``, ``measure``, ``unit``, ``lci_95``, ``uci_95``, ``status``, ``notes``; the
first five and ``observation`` are required. ``period`` is an ISO 8601 interval
(``2022-01-01/P3Y``), a month (``/P1M``) or a plain date, labelled by ``periods``. A row with
no observation must carry an ONS status code (x not available, u low reliability, z not
applicable, c confidential); the status and the notes become the row's note. Percentages
(unit ``%``) must lie in 0-100. Every area code keeps one name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    first_bad,
    numbers,
    read_table,
    texts,
)
from marmot_dash.ingest.sources.measures import check_measures
from marmot_dash.ingest.sources.periods import period_columns

REQUIRED = ("areacd", "areanm", "indicator", "period", "observation")
STATUS = {"x": "not available", "u": "low reliability", "z": "not applicable",
          "c": "confidential"}


def read_ons_els(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read an ELS CSV into dataset value columns plus ``source_indicator`` and ``row``
    (breakdown ``total``; the builder maps indicators to catalogue ids)."""
    table = read_table(path, REQUIRED)
    col = table.column
    frame = pd.DataFrame(index=table.frame.index)
    frame["area_code"] = area_codes(table, col("areacd"))
    frame["source_indicator"] = texts(table, col("indicator"), required=True)
    frame["area_name"] = texts(table, col("areanm"), required=True)
    _one_name_per_code(table, frame)
    raw_period = texts(table, col("period"), required=True)
    frame["period"], frame["period_sort"] = period_columns(table, raw_period, col("period"),
                                                           frame["source_indicator"])
    frame["breakdown"], frame["category"], frame["category_sort"] = "total", "Total", 0
    headers = {"value": col("observation"), "lower_ci": col("lci_95"),
               "upper_ci": col("uci_95"), "lower_ci_998": None, "upper_ci_998": None,
               "count": None, "denominator": None}
    for name, header in headers.items():
        frame[name] = numbers(table, header)
    status = texts(table, col("status")).str.lower()
    status_column = col("status") or "status"
    first_bad(table, ~status.isin(["", *STATUS]), status_column,
              f"unknown status code (expected one of {', '.join(STATUS)} or empty)")
    first_bad(table, frame["value"].isna() & (status == ""), headers["value"],
              "expected a number, found an empty cell without a status code")
    unit = texts(table, col("unit"))
    first_bad(table, (unit == "%") & ((frame["value"] > 100) | (frame["value"] < 0)),
              headers["value"], "a percentage outside 0-100")
    check_measures(table, frame, headers)
    duplicated_keys(table, frame, ["source_indicator", "area_code", "period"], col("period"),
                    ["indicator", "areacd", "period"])
    frame["note"] = _notes(status, texts(table, col("notes")))
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    return frame, table


def _one_name_per_code(table: Table, frame: pd.DataFrame) -> None:
    names = frame.groupby("area_code")["area_name"].transform("first")
    bad = frame["area_name"] != names
    first_bad(table, bad, table.column("areanm"),
              "this area code has another name on an earlier row (unknown area?)")


def _notes(status: pd.Series, notes: pd.Series) -> pd.Series:
    words = status.map(lambda code: f"status {code}: {STATUS[code]}" if code else "")
    both = (words != "") & (notes != "")
    return pd.Series(np.where(both, words + "; " + notes, words + notes), index=status.index)
