"""DWP Stat-Xplore tables downloaded as CSV in wide layout: the first column holds the row
field's values (area names such as "Luton 001", or local authorities), then one column per
period ("2014/15", "2021/22 (p)", "November 2023 (p)") each followed by its
"<period> - Annotations" column.

Heading rows with one filled cell (e.g. "National - Regional - LA - OAs") and the "Unknown"
and "Total" footer rows are not records. ``..`` (Stat-Xplore's nil, negligible or suppressed)
becomes an empty value with a note; "(p)" and "(r)" periods are noted provisional or revised;
an annotation is added to the note. Checked: every period heading parses, periods are not
repeated, counts are whole numbers >= 0, area names are not repeated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import (
    Table,
    duplicated_keys,
    first_bad,
    read_cells,
    texts,
)
from marmot_dash.ingest.sources.periods import parse_heading

SUPPRESSED = ".."
SUPPRESSED_NOTE = "'..' in Stat-Xplore: nil, negligible or suppressed"
FOOTERS = ("unknown", "total")
ANNOTATIONS = " - Annotations"


def read_statxplore(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read a Stat-Xplore wide table; return long rows (``area_name``, ``period``,
    ``period_sort``, ``value``, ``note``, ``row``, ``column``) in period order, and the table.
    ``attrs["skipped"]`` counts the heading and footer rows left out."""
    table = read_cells(path, [])
    columns = list(table.frame.columns)
    if len(columns) < 2:
        raise table.error("expected a row-label column and period columns", position=None,
                          column=columns[0] if columns else None)
    label_column = columns[0]
    periods = []
    for column in columns[1:]:
        if column.endswith(ANNOTATIONS) or column.startswith("unnamed_"):
            continue
        period = parse_heading(column)
        if period is None:
            raise DatasetError(str(table.path), "period heading not understood (expected e.g. "
                               "2014/15, 2021/22 (p), November 2023)", row=table.header_row,
                               column=column)
        periods.append((column, period))
    if not periods:
        raise DatasetError(str(table.path), "no period columns", row=table.header_row)
    labels = [p.label for _, p in periods]
    repeated = next((c for (c, p) in periods if labels.count(p.label) > 1), None)
    if repeated:
        raise DatasetError(str(table.path), "period repeated", row=table.header_row,
                           column=repeated)
    names = texts(table, label_column)
    period_columns = [c for c, _ in periods]
    filled = (table.frame[period_columns].apply(lambda c: c.str.strip()) != "").any(axis=1)
    record = filled & ~names.str.lower().isin(FOOTERS)
    first_bad(table, record & (names == ""), label_column, "expected a row label (area name)")
    kept = Table(table.path, table.frame.loc[record], table.header_row)
    frame_names = names[record]
    duplicated_keys(kept, pd.DataFrame({"name": frame_names}), ["name"], label_column)
    frames = []
    for column, period in periods:
        cells = kept.frame[column].str.strip()
        suppressed = cells == SUPPRESSED
        values = pd.to_numeric(cells.where(~suppressed, ""), errors="coerce")
        first_bad(kept, values.isna() & ~suppressed, column,
                  "expected a count or '..'" + ("" if (cells != "").all() else
                                                 ", found an empty cell"))
        first_bad(kept, values.notna() & ((values < 0) | (values % 1 != 0)), column,
                  "expected a whole number >= 0")
        annotation = f"{column.split(' (')[0]}{ANNOTATIONS}"
        notes = pd.Series([[n] if n else [] for n in [period.note] * len(cells)],
                          index=cells.index)
        notes = notes + suppressed.map(lambda s: [SUPPRESSED_NOTE] if s else [])
        if annotation in kept.frame.columns:
            notes = notes + kept.frame[annotation].str.strip().map(lambda a: [a] if a else [])
        frames.append(pd.DataFrame({
            "area_name": frame_names, "period": period.label, "period_sort": period.sort,
            "value": values.astype("float64"), "note": notes.map("; ".join),
            "row": [table.row(p) for p in cells.index], "column": column,
        }))
    result = pd.concat(frames, ignore_index=True)
    result.attrs["skipped"] = int((~record).sum())
    return result, table
