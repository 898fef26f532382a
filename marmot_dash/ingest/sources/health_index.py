"""ONS Health Index for England (2021 edition) by lower-tier authority, two layouts:

- underlying indicators, long: ``ltla21_code``, ``year``, ``indicator``, ``value`` (the ONS
  ``Area code``, ``Year``, ``Indicator name``, ``Value`` as humaniverse/healthyr renamed them);
  one row per authority, year and indicator;
- scores, wide: ``ltla21_code``, ``year``, then one column per score (``overall_score``,
  domain and subdomain scores; 100 = England in 2015); each column is a source indicator.

A file with an ``indicator`` or a ``value`` column is the long layout and needs both. ``year``
is labelled by ``periods``. Every value is required: the Health Index fills a missing year by
carrying the nearest year's value forward or back, so an empty cell or ``..`` is not its data.
The file gives no units, no intervals and no counts.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    numbers,
    read_table,
    texts,
)
from marmot_dash.ingest.sources.periods import period_columns

CODE, YEAR = ("ltla21_code", "Area code"), ("year",)
INDICATOR, VALUE = ("indicator", "Indicator name"), ("value",)
NO_MEASURE = ("lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "count", "denominator")


def read_health_index(path: str | Path) -> tuple[pd.DataFrame, Table]:
    """Read a Health Index table (either layout) into dataset value columns plus
    ``source_indicator`` (the indicator name or score column) and ``row``."""
    table = read_table(path, (CODE, *YEAR))
    code_column, year_column = table.require(*CODE), table.require(*YEAR)
    if table.column(*INDICATOR) or table.column(*VALUE):
        frame = _long(table, code_column, year_column)
    else:
        frame = _wide(table, code_column, year_column)
    frame["area_name"], frame["note"] = "", ""
    frame["breakdown"], frame["category"], frame["category_sort"] = "total", "Total", 0
    for name in NO_MEASURE:
        frame[name] = float("nan")
    return frame, table


def _long(table: Table, code_column: str, year_column: str) -> pd.DataFrame:
    indicator, value = table.require(*INDICATOR), table.require(*VALUE)
    frame = _keys(table, code_column, year_column, indicator)
    frame["value"] = numbers(table, value, required=True)
    duplicated_keys(table, frame, ["source_indicator", "area_code", "period"], year_column,
                    [indicator, code_column, year_column])
    return frame


def _keys(table: Table, code_column: str, year_column: str, indicator_column: str | None
          ) -> pd.DataFrame:
    """Area code, source indicator (long layout), period (label and sort) and spreadsheet row
    of every record; the area code is checked first (a footer row is not an area)."""
    frame = pd.DataFrame({"area_code": area_codes(table, code_column),
                          "row": table.header_row + 1 + table.frame.index.to_numpy()},
                         index=table.frame.index)
    frame["source_indicator"] = texts(table, indicator_column, required=True)
    year = texts(table, year_column, required=True)
    frame["period"], frame["period_sort"] = period_columns(table, year, year_column,
                                                           frame["source_indicator"])
    return frame


def _wide(table: Table, code_column: str, year_column: str) -> pd.DataFrame:
    scores = [c for c in table.frame.columns if c not in (code_column, year_column)]
    if not scores:
        raise table.error("no score columns after ltla21_code and year (or an indicator and "
                          "a value column)", position=-1)
    key = _keys(table, code_column, year_column, None)
    duplicated_keys(table, key, ["area_code", "period"], year_column, [code_column, year_column])
    parts = [key.assign(source_indicator=column, value=numbers(table, column, required=True))
             for column in scores]
    return pd.concat(parts, ignore_index=True)
