"""A group of similar authorities derived from published figures (a nearest-neighbour group).

Fingertips and CIPFA publish nearest-neighbour groups; where none is at hand, the group is
derived here: the candidates are the upper-tier authorities of an ONS Explore Local Statistics
file (``geography`` "County or Unitary Authority", obsolete codes left out) that also have a
published deprivation average score (MHCLG's local-authority summary, e.g. IoD2019 "average
score" of the IMD) and a published population. Each measure is standardised over the candidates
and the authority (z-scores), and the ``size`` candidates nearest the authority by Euclidean
distance form the group (ties by area code). Counties drop out when the deprivation summary has
districts and unitary authorities only; the description says so.

The sources file's ``peer_group`` key::

    peer_group:
      name: Similar authorities
      size: 15
      candidates: {path: els_all_england_utla_region_timeseries.csv}
      deprivation: {path: iod2019_lad19_summaries_all_england.csv, code: lad19cd,
                    score: average_score, index: Index of Multiple Deprivation,
                    label: IMD 2019 average score}
      population: {path: england_disability_21_all_ltla21.csv, code: ltla21_code,
                   value: total_residents, label: Census 2021 usual residents}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import area_codes, numbers, read_table, texts
from marmot_dash.stats.neighbours import nearest

UPPER_TIER = "County or Unitary Authority"
OBSOLETE = "Obsolete code"
DEFAULT_SIZE = 15


@dataclass(frozen=True)
class PeerGroup:
    """The derived group: its name, the sentence saying how it was chosen, its members."""

    name: str
    description: str
    members: tuple[tuple[str, str], ...]  # (code, name), nearest first

    def as_meta(self) -> dict[str, Any]:
        """The ``peer_group`` entry of dataset.yaml."""
        return {"name": self.name, "description": self.description,
                "members": [{"code": code, "name": name} for code, name in self.members]}


def derive_peer_group(
    area_code: str, area_name: str, *, candidates: Path, deprivation: Path, population: Path,
    size: int = DEFAULT_SIZE, name: str = "Similar authorities",
    deprivation_options: dict | None = None, population_options: dict | None = None,
) -> PeerGroup:
    """The ``size`` upper-tier authorities nearest ``area_code`` (module doc)."""
    depr = deprivation_options or {}
    pop = population_options or {}
    upper = upper_tier_authorities(candidates)
    scores = _column(deprivation, depr.get("code", "lad19cd"),
                     depr.get("score", "average_score"),
                     (depr.get("index_column", "index_domain"),
                      depr.get("index", "Index of Multiple Deprivation")))
    people = _column(population, pop.get("code", "ltla21_code"),
                     pop.get("value", "total_residents"), None)
    measures = pd.DataFrame({"score": scores, "population": people}).dropna()
    if area_code not in measures.index:
        raise DatasetError(str(deprivation), f"no deprivation score or population for "
                           f"{area_name} ({area_code})", column="peer_group")
    pool = measures.loc[measures.index.isin(upper.index) | (measures.index == area_code)]
    if len(pool) - 1 < size:
        raise DatasetError(str(candidates), f"only {len(pool) - 1} candidate authorities have "
                           f"both measures; the group needs {size}", column="peer_group.size")
    group = nearest(pool, area_code, size)
    labels = (depr.get("label", "IMD 2019 average score"),
              pop.get("label", "Census 2021 usual residents"))
    description = (
        f"The {size} upper-tier authorities nearest {area_name} on the {labels[0]} and "
        f"{labels[1]} (Euclidean distance of the two measures standardised over the "
        f"{len(pool) - 1} candidates), chosen from the county and unitary authorities of "
        f"ONS Explore Local Statistics that have both (counties drop out: the deprivation "
        f"summaries are for districts and unitary authorities). Derived for this dashboard, "
        f"not a published CIPFA or Fingertips neighbour group.")
    return PeerGroup(name, description, tuple((code, str(upper[code])) for code in group))


def upper_tier_authorities(path: Path) -> pd.Series:
    """Current upper-tier authority names by code from an ELS file (obsolete codes dropped)."""
    table = read_table(path, ("areacd", "areanm", "geography"))
    frame = pd.DataFrame({"code": area_codes(table, table.require("areacd")),
                          "name": texts(table, table.require("areanm")),
                          "geography": texts(table, table.require("geography")),
                          "notes": texts(table, table.column("notes"))})
    obsolete = set(frame.loc[frame["notes"].str.startswith(OBSOLETE), "code"])
    upper = frame.loc[(frame["geography"] == UPPER_TIER) & ~frame["code"].isin(obsolete)]
    return upper.drop_duplicates("code").set_index("code")["name"]


def _column(path: Path, code: str, value: str, where: tuple[str, str] | None) -> pd.Series:
    """A published measure by area code (the first row per code; ``where`` filters rows)."""
    required = [code, value, *(where[:1] if where else ())]
    table = read_table(path, required)
    codes = area_codes(table, table.require(code))
    values = numbers(table, table.require(value))
    if where is not None:
        keep = texts(table, table.require(where[0])) == where[1]
        if not keep.any():
            raise DatasetError(str(path), f"no rows with {where[0]} = {where[1]!r}",
                               column=where[0])
        codes, values = codes[keep], values[keep]
    frame = pd.DataFrame({"code": codes, "value": values}).drop_duplicates("code")
    return frame.set_index("code")["value"]
