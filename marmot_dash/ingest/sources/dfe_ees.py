"""DfE Explore Education Statistics (EES) tidy CSV, as the "Education provision: children
under 5" release publishes it.

Columns: ``time_period`` (``2023`` or an academic year such as ``202223``),
``geographic_level`` (National, Regional, Local authority), ``country_code``, ``region_code``,
``new_la_code``, ``entitlement_type``, ``age``, ``number_children``,
``number_eligible_children``, ``percentage_eligible_children``. A row's area is its level's
code; its source indicator is "<entitlement_type>: <age>" (e.g. "15-hour entitlement:
2-year-olds"). The value is the published percentage (0-100), the count and denominator the
published numbers of registered and eligible children. EES writes suppressed cells as ``c``,
``x``, ``z`` or ``low``: such a row keeps its code as the note and has no value.
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

REQUIRED = ("time_period", "geographic_level", "country_code", "entitlement_type", "age",
            "percentage_eligible_children")
LEVEL_CODES = {"national": "country_code", "regional": "region_code",
               "local authority": "new_la_code"}
SUPPRESSED = ("c", "x", "z", "low", "u")


def read_dfe_ees(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read an EES early-years table into dataset value columns plus ``source_indicator`` and
    ``row`` (breakdown ``total``)."""
    table = read_table(path, REQUIRED)
    col = table.column
    level = texts(table, col("geographic_level"), required=True).str.lower()
    first_bad(table, ~level.isin(list(LEVEL_CODES)), col("geographic_level"),
              f"expected a geographic level among {', '.join(LEVEL_CODES)}")
    code = pd.Series("", index=table.frame.index, dtype="str")
    for name, column in LEVEL_CODES.items():
        rows = level == name
        code[rows] = texts(table, table.require(column))[rows].str.upper()
    first_bad(table, ~code.str.fullmatch(GSS_CODE.pattern), col("new_la_code") or "new_la_code",
              "expected the row's GSS area code for its geographic level (e.g. E06000032)")
    frame = pd.DataFrame(index=table.frame.index)
    frame["source_indicator"] = (texts(table, col("entitlement_type"), required=True) + ": "
                                 + texts(table, col("age"), required=True))
    frame["area_code"] = code
    frame["area_name"] = texts(table, col("la_name")).where(
        level == "local authority", texts(table, col("region_name")).where(
            level == "regional", texts(table, col("country_name"))))
    period = texts(table, col("time_period"), required=True)
    frame["period"], frame["period_sort"] = period_columns(table, period, col("time_period"),
                                                           frame["source_indicator"])
    frame["breakdown"], frame["category"], frame["category_sort"] = "total", "Total", 0
    headers = {"value": col("percentage_eligible_children"), "count": col("number_children"),
               "denominator": col("number_eligible_children"), "lower_ci": None,
               "upper_ci": None, "lower_ci_998": None, "upper_ci_998": None}
    notes = pd.Series("", index=frame.index, dtype="str")
    for name, header in headers.items():
        if header is not None:
            cells = texts(table, header).str.lower()
            hidden = cells.isin(SUPPRESSED)
            notes[hidden] = "suppressed (" + cells[hidden] + ")"
            table.frame.loc[hidden, header] = ""
        frame[name] = numbers(table, header, integer=name in ("count", "denominator"))
    first_bad(table, frame["value"].isna() & (notes == ""), headers["value"],
              "expected a number, found an empty cell")
    first_bad(table, (frame["value"] < 0) | (frame["value"] > 100), headers["value"],
              "a percentage outside 0-100")
    check_measures(table, frame, headers)
    duplicated_keys(table, frame, ["source_indicator", "area_code", "period"],
                    col("time_period"), ["entitlement_type and age", "area", "time_period"])
    frame["note"] = notes
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    return frame, table
