"""Small-area population files: one total per area, or several rows per area (age bands) summed.

Recognised headers: the area code (as for deprivation files) and the count: ``Total
population: mid 2015 (excluding prisoners)`` (IoD2019 File 6), ``usual_residents`` (Census
2021 tables), ``population`` or ``observation``; ``code``/``value`` in the sources file
override them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.ingest.sources._common import area_codes, numbers, read_table
from marmot_dash.ingest.sources.imd import CODE_NAMES

VALUE_NAMES = ("Total population: mid 2015 (excluding prisoners)", "usual_residents",
               "population", "observation", "count")


def read_population(
    path: str | Path, *, code_column: str | None = None, value_column: str | None = None
) -> pd.Series:
    """Read a population file: a Series of head counts indexed by area code (summed over the
    rows of one area). Counts are whole numbers >= 0."""
    code_names = (code_column,) if code_column else CODE_NAMES
    value_names = (value_column,) if value_column else VALUE_NAMES
    table = read_table(path, [code_names, value_names])
    codes = area_codes(table, table.require(*code_names))
    counts = numbers(table, table.require(*value_names), required=True, integer=True, minimum=0)
    population = counts.groupby(codes, sort=False).sum()
    population.attrs["path"] = str(table.path)
    return population
