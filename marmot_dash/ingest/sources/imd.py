"""English Indices of Deprivation files in their published layouts.

Recognised headers (compared loosely; ``columns:`` in the sources file overrides any):

- IoD2019 File 1/2/7 (LSOA 2011): ``LSOA code (2011)``, ``Index of Multiple Deprivation (IMD)
  Rank (where 1 is most deprived)``, ``... Decile (where 1 is most deprived 10% of LSOAs)``,
  and in File 7 ``Index of Multiple Deprivation (IMD) Score``;
- IoD2025 (LSOA 2021, as published by humaniverse/IMD): ``lsoa21_code``, ``IMD_score``,
  ``IMD_rank``, ``IMD_decile``;
- ward aggregates (humaniverse/IMD ``imd_england_ward``): ``ward_code`` and ``Score`` (the
  population-weighted average LSOA score).

Rank 1 and decile 1 are the most deprived. A file with ranks and deciles but no score (IoD2019
File 2) is read as it is: the score stays empty.
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
)

CODE_NAMES = ("LSOA code (2011)", "LSOA code (2021)", "lsoa11_code", "lsoa21_code", "LSOA11CD",
              "LSOA21CD", "ward_code", "area_code")
SCORE_NAMES = ("Index of Multiple Deprivation (IMD) Score", "IMD_score", "imd_score", "Score")
RANK_NAMES = ("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
              "Index of Multiple Deprivation (IMD) Rank", "IMD_rank", "imd_rank")
DECILE_NAMES = ("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
                "LSOAs)", "Index of Multiple Deprivation (IMD) Decile", "IMD_decile",
                "imd_decile")


def read_deprivation(path: str | Path, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a deprivation file: ``area_code``, ``imd_score``, ``imd_rank``, ``imd_decile``
    (float, NaN where the file has no such column). It needs a code column and either a
    score or both rank and decile; ranks are whole numbers >= 1, deciles 1-10."""
    columns = columns or {}
    code_names = (columns["code"],) if "code" in columns else CODE_NAMES
    table = read_table(path, [code_names])
    code = table.require(*code_names)
    score = table.column(*([columns["score"]] if "score" in columns else SCORE_NAMES))
    rank = table.column(*([columns["rank"]] if "rank" in columns else RANK_NAMES))
    decile = table.column(*([columns["decile"]] if "decile" in columns else DECILE_NAMES))
    if score is None and (rank is None or decile is None):
        table.require(*([columns["score"]] if "score" in columns else SCORE_NAMES))
    frame = pd.DataFrame(index=table.frame.index)
    frame["area_code"] = area_codes(table, code)
    duplicated_keys(table, frame, ["area_code"], code)
    frame["imd_score"] = numbers(table, score, required=score is not None)
    frame["imd_rank"] = numbers(table, rank, required=rank is not None, integer=True, minimum=1)
    frame["imd_decile"] = numbers(table, decile, required=decile is not None, integer=True,
                                  minimum=1)
    _check_deciles(table, frame, decile)
    frame.attrs["path"] = str(table.path)
    return frame.reset_index(drop=True)


def _check_deciles(table: Table, frame: pd.DataFrame, decile: str | None) -> None:
    if decile is not None:
        first_bad(table, frame["imd_decile"] > 10, decile, "expected a decile from 1 to 10")

