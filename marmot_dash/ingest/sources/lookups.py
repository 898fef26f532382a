"""Lookups from small areas to wards (ONS best-fit lookups and derived ones alike).

Recognised headers: the small-area code (``LSOA11CD``, ``LSOA21CD``, ``LSOA code (2011)``,
``lsoa21_code``, ``MSOA21CD`` ...) and the ward code and name (``WD19CD``/``WD19NM``,
``WD25CD``/``WD25NM``, ``ward_code``/``ward_name`` ...); ``from``/``to``/``to_name`` in the
sources file override them. A lookup has one row per small area.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    normalise,
    read_table,
    texts,
)

FROM_NAMES = ("LSOA11CD", "LSOA21CD", "LSOA code (2011)", "LSOA code (2021)", "lsoa11_code",
              "lsoa21_code", "MSOA11CD", "MSOA21CD", "lsoa_code", "from_code")
TO_NAMES = ("WD25CD", "WD24CD", "WD23CD", "WD22CD", "WD21CD", "WD20CD", "WD19CD", "WD18CD",
            "WD17CD", "WD16CD", "WD13CD", "ward_code", "to_code")


def read_lookup(
    path: str | Path,
    *,
    from_column: str | None = None,
    to_column: str | None = None,
    to_name_column: str | None = None,
) -> tuple[pd.DataFrame, Table]:
    """Read a lookup: ``child_code``, ``parent_code``, ``parent_name`` and ``row``; returns the
    table too, for messages about areas it leaves out."""
    from_names = (from_column,) if from_column else FROM_NAMES
    to_names = (to_column,) if to_column else TO_NAMES
    table = read_table(path, [from_names, to_names])
    child, parent = table.require(*from_names), table.require(*to_names)
    name = table.column(to_name_column) if to_name_column else _name_column(table, parent)
    frame = pd.DataFrame(index=table.frame.index)
    frame["child_code"] = area_codes(table, child)
    frame["parent_code"] = area_codes(table, parent)
    frame["parent_name"] = texts(table, name)
    duplicated_keys(table, frame, ["child_code"], child)
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    frame.attrs["columns"] = (child, parent)
    return frame, table


def _name_column(table: Table, code_column: str) -> str | None:
    """The name column beside a code column: ``WD19CD`` -> ``WD19NM``, ``x_code`` -> ``x_name``."""
    code = normalise(code_column)
    for stem, ending in (("cd", "nm"), ("code", "name")):
        if code.endswith(stem):
            found = table.column(code[: -len(stem)] + ending)
            if found:
                return found
    return None
