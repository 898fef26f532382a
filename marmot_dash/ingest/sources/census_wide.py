"""Census 2021 small-area count tables in wide layout (one row per area, one column per
category), such as demographr's English proficiency by MSOA: ``msoa21_code`` (or
``lsoa21_code``), count columns, and optionally a ``Proportion ...`` column (0-1).

The sources file names the numerator and denominator columns (each a list, summed). Checked:
GSS codes, whole counts >= 0 in every count column, numerator <= denominator, proportions
within 0-1, one row per area.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
)
from marmot_dash.ingest.sources.census_long import CODE_COLUMNS


def read_census_wide(
    path: str | Path, *, numerator: Sequence[str] = (), denominator: Sequence[str] = ()
) -> tuple[pd.DataFrame, Table]:
    """Read a wide census table; return one row per area (``area_code``, ``count``,
    ``denominator``, ``row``) with ``attrs["level"]``, and the table."""
    table = read_table(path, [tuple(CODE_COLUMNS)])
    code_column = table.require(*CODE_COLUMNS)
    codes = area_codes(table, code_column)
    counts = {}
    for column in table.frame.columns:
        if column == code_column:
            continue
        if normalise(column).startswith("proportion"):
            share = numbers(table, column)
            first_bad(table, (share < 0) | (share > 1), column,
                      "expected a proportion between 0 and 1 (a percent over 100?)")
        else:
            counts[column] = numbers(table, column, required=True, integer=True, minimum=0)
    frame = pd.DataFrame({"area_code": codes})
    duplicated_keys(table, frame, ["area_code"], code_column)
    for role, names in (("count", numerator), ("denominator", denominator)):
        if not names and (numerator or denominator):
            raise DatasetError(str(table.path), f"no {role} columns named", column=role)
        columns = [table.require(name) for name in names]
        for column in columns:
            if column not in counts:
                raise DatasetError(str(table.path), f"not a count column: use counts as the "
                                   f"{role}", row=table.header_row, column=column)
        frame[role] = sum((counts[c] for c in columns), pd.Series(0.0, index=frame.index))
        if columns:
            frame.attrs[role] = columns[0]
    if numerator:
        first_bad(table, frame["count"] > frame["denominator"], frame.attrs["count"],
                  "count above its denominator (the sum of "
                  f"{', '.join(denominator)})")
    frame["row"] = [table.row(position) for position in table.frame.index]
    frame.attrs["level"] = CODE_COLUMNS[normalise(code_column)]
    return frame, table
