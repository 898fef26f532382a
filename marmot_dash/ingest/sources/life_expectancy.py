"""ONS life expectancy wide tables: one row per area, one column per rolling period.

Columns: ``Area Codes``, ``Area Names``, then one column per period (``2001-2003`` ...
``2016-2018``; every other header must be a period). A value may carry ONS's ``*`` marker
(kept as the row's note); an empty cell is no value for that period and makes no row. The
whole file is one source indicator (its file name), e.g. male life expectancy at birth; the
sources file says which catalogue indicator (and breakdown) it is. Values are years, 0-130.
"""

from __future__ import annotations

from pathlib import Path

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
from marmot_dash.ingest.sources.periods import parse_period

REQUIRED = (("Area Codes", "Area Code"), ("Area Names", "Area Name"))
MARKER = "*"
MARKER_NOTE = "marked * in the source (see the publisher's notes)"
MAXIMUM_YEARS = 130


def read_life_expectancy(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read a wide life-expectancy table into dataset value columns (one row per area and
    period with a value) plus ``source_indicator`` (the file's name) and ``row``."""
    table = read_table(path, REQUIRED)
    code_column, name_column = table.require(*REQUIRED[0]), table.require(*REQUIRED[1])
    codes = area_codes(table, code_column)
    names = texts(table, name_column, required=True)
    key = pd.DataFrame({"area_code": codes})
    duplicated_keys(table, key, ["area_code"], code_column, ["Area Codes"])
    parts = []
    for column in table.frame.columns:
        if column in (code_column, name_column):
            continue
        parsed = parse_period(column)
        if parsed is None:
            raise table.error("not a period column (expected e.g. 2016-2018)",
                              position=-1, column=column)
        cells = texts(table, column)
        marked = cells.str.endswith(MARKER)
        table.frame[column] = cells.str.rstrip(MARKER).str.strip()
        values = numbers(table, column, minimum=0)
        first_bad(table, values > MAXIMUM_YEARS, column,
                  f"expected years of life (0-{MAXIMUM_YEARS})")
        keep = values.notna()
        parts.append(pd.DataFrame({
            "area_code": codes[keep], "area_name": names[keep], "period": parsed[0],
            "period_sort": parsed[1], "value": values[keep],
            "note": marked[keep].map({True: MARKER_NOTE, False: ""}),
            "row": table.header_row + 1 + values.index[keep].to_numpy(),
        }))
    if not parts:
        raise table.error("no period columns after Area Codes and Area Names", position=-1)
    frame = pd.concat(parts, ignore_index=True)
    frame["source_indicator"] = table.path.stem
    frame["breakdown"], frame["category"], frame["category_sort"] = "total", "Total", 0
    for name in ("lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "count", "denominator"):
        frame[name] = float("nan")
    return frame, table
