"""ONS healthy (HLE) and disability-free (DFLE) life expectancy reference tables by area (the
2009-13 release by MSOA and by upper-tier authority): a header row with the area code (``MSOA
Codes`` or ``UTLA Codes``) and name, ``HLE (years)`` or ``DFLE (years)``, an unnamed marker
column (``*`` / ``**``), the 95% limits, ``LE (Years)`` with its limits, the proportion of life
in good health or without disability (%) and national ranks. The two pairs of limits share
their names; the first pair after the HLE/DFLE column is its own.

The marker is ONS's comparison with England: ``*`` significantly higher, ``**`` significantly
lower; it becomes the row's note. The period is not in the table: the sources file gives it.
Checked: GSS codes, values and limits in years (0-120) with lower <= value <= upper, markers,
proportions within 0-100, one row per area.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    first_bad,
    normalise,
    numbers,
    read_cells,
    texts,
)

CODE_COLUMNS = ("MSOA Codes", "UTLA Codes", "Area Codes")
NAME_COLUMNS = ("MSOA Names", "UTLA Names", "UTLA Name", "Area Names")
MEASURES = ("HLE (years)", "DFLE (years)")
MARKERS = {"": "", "*": "significantly higher than England (ONS marker *)",
           "**": "significantly lower than England (ONS marker **)"}
MAX_YEARS = 120.0


def read_ons_hle(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read an ONS HLE or DFLE table; return one row per area (``area_code``, ``area_name``,
    ``value``, ``lower_ci``, ``upper_ci``, ``note``, ``row``) with ``attrs["measure"]`` (HLE or
    DFLE), and the table."""
    table = read_cells(path, [CODE_COLUMNS, MEASURES])
    columns = list(table.frame.columns)
    measure = table.require(*MEASURES)
    at = columns.index(measure)
    marker, lower, upper = (columns[at + 1:at + 4] + [None] * 3)[:3]
    for found, expected in ((lower, "lower 95"), (upper, "upper 95")):
        if found is None or not normalise(found).startswith(expected.replace(" ", "_")):
            raise table.error(f"expected the {expected}% confidence limit two and three columns "
                              f"after {measure}", column=found or measure)
    frame = pd.DataFrame({
        "area_code": area_codes(table, table.require(*CODE_COLUMNS)),
        "area_name": texts(table, table.column(*NAME_COLUMNS)),
    })
    for name, column in (("value", measure), ("lower_ci", lower), ("upper_ci", upper)):
        frame[name] = numbers(table, column, required=True, minimum=0)
        first_bad(table, frame[name] > MAX_YEARS, column,
                  f"expected years of life (0-{MAX_YEARS:g})")
    first_bad(table, frame["lower_ci"] > frame["value"], lower, "lower limit above the value")
    first_bad(table, frame["upper_ci"] < frame["value"], upper, "upper limit below the value")
    marks = texts(table, marker)
    first_bad(table, ~marks.isin(list(MARKERS)), marker, "expected a marker *, ** or nothing")
    frame["note"] = marks.map(MARKERS)
    for column in columns:
        if normalise(column).startswith("proportion") and "rank" not in normalise(column):
            share = numbers(table, column)
            first_bad(table, (share < 0) | (share > 100), column,
                      "expected a percentage between 0 and 100")
    duplicated_keys(table, frame, ["area_code"], table.require(*CODE_COLUMNS))
    frame["row"] = [table.row(position) for position in table.frame.index]
    frame.attrs["measure"] = measure.split(" ")[0]
    return frame, table
