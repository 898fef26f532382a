"""Census 2021 small-area count tables in long layout (one row per area and category), as the
humaniverse/demographr extracts hold them: ``lsoa21_code`` or ``msoa21_code``, one category
column (e.g. ``occupancy_rating``), ``n`` and the area's total (``total_households`` or
``total_residents``), optionally ``prop`` (n / total, 0-1).

Checked: GSS codes, whole counts >= 0, n <= total, the same total on every row of an area, the
categories of each area adding up to its total, prop within 0-1 and equal to n / total, one
row per area and category, and every area with the same categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    first_bad,
    normalise,
    numbers,
    read_table,
    texts,
)

CODE_COLUMNS = {"lsoa21_code": "lsoa", "msoa21_code": "msoa", "lsoa11_code": "lsoa",
                "msoa11_code": "msoa"}
TOTAL_COLUMNS = ("total_households", "total_residents", "total_persons", "total")
PROPORTION_TOLERANCE = 1e-6


def read_census_long(
    path: str | Path, *, numerator: Sequence[str] = (), category_column: str | None = None
) -> tuple[pd.DataFrame, Table]:
    """Read a long census table; return one row per area (``area_code``, ``count`` = the sum of
    ``n`` over the ``numerator`` categories, ``denominator`` = the area's total, ``row``) with
    ``attrs["level"]`` (lsoa or msoa), and the table. Unknown numerator categories are refused
    (listing those found)."""
    table = read_table(path, [tuple(CODE_COLUMNS), "n", TOTAL_COLUMNS])
    code_column = table.require(*CODE_COLUMNS)
    count_column, total_column = table.require("n"), table.require(*TOTAL_COLUMNS)
    proportion_column = table.column("prop")
    fixed = {code_column, count_column, total_column, proportion_column}
    others = [c for c in table.frame.columns if c not in fixed]
    category = table.require(category_column) if category_column else (
        others[0] if len(others) == 1 else None)
    if category is None:
        raise DatasetError(str(table.path), "cannot tell the category column (found: "
                           f"{', '.join(others) or 'none'}): name it with category:",
                           row=table.header_row)
    frame = pd.DataFrame({
        "area_code": area_codes(table, code_column),
        "category": texts(table, category, required=True),
        "n": numbers(table, count_column, required=True, integer=True, minimum=0),
        "total": numbers(table, total_column, required=True, integer=True, minimum=0),
    })
    first_bad(table, frame["n"] > frame["total"], count_column, "count above its denominator "
              f"({total_column})")
    if proportion_column is not None:
        share = numbers(table, proportion_column, required=True)
        first_bad(table, (share < 0) | (share > 1), proportion_column,
                  "expected a proportion between 0 and 1 (a percent over 100?)")
        expected = frame["n"] / frame["total"].where(frame["total"] > 0)
        first_bad(table, (share - expected.fillna(0)).abs() > PROPORTION_TOLERANCE,
                  proportion_column, f"not {count_column} / {total_column}")
    duplicated_keys(table, frame, ["area_code", "category"], category)
    by_area = frame.groupby("area_code", sort=False)
    first_bad(table, by_area["total"].transform("nunique") > 1, total_column,
              "a different total from this area's other rows")
    first_bad(table, by_area["n"].transform("sum") != frame["total"], count_column,
              f"this area's categories do not add up to its {total_column}")
    categories = set(frame["category"])
    first_bad(table, by_area["category"].transform("size") != len(categories), code_column,
              f"this area lacks some of the table's {len(categories)} categories")
    unknown = [name for name in numerator if name not in categories]
    if unknown:
        raise DatasetError(str(table.path), f"no category {unknown[0]!r} (found: "
                           f"{', '.join(sorted(categories))})", column=category)
    chosen = frame["category"].isin(list(numerator))
    result = pd.DataFrame({
        "count": frame["n"].where(chosen, 0.0).groupby(frame["area_code"], sort=False).sum(),
        "denominator": by_area["total"].first(),
        "row": pd.Series(table.frame.index, index=frame.index).map(table.row)
        .groupby(frame["area_code"], sort=False).first(),
    }).reset_index()
    result.attrs["level"] = CODE_COLUMNS[normalise(code_column)]
    result["count"] = result["count"].astype("float64")
    result["row"] = result["row"].astype(np.int64)
    return result, table
