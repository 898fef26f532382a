"""Several authorities ("places") in one dataset: which place each area belongs to.

A dataset lists its places in dataset.yaml ``places: [{code, name}]`` (absent: the one ``area``).
Each place is an ``la`` row of areas.parquet; its wards and MSOAs name it as ``parent_code``
and its LSOAs name their ward, so an area's place is found by following ``parent_code`` up
to a place. The Store (``Store.place``) and the dataset validation both use ``area_places``.
"""

from __future__ import annotations

import pandas as pd

from marmot_dash.data import schema

# Parent links followed at most (lsoa -> ward -> la is two; a deeper chain is a loop or an error).
MAX_DEPTH = 4


def place_list(meta: dict) -> list[dict]:
    """The dataset's places as ``{code, name}``, the primary (``area``) first."""
    area = {"code": meta["area"]["code"], "name": meta["area"]["name"]}
    listed = [{"code": p["code"], "name": p["name"]} for p in meta.get("places") or []]
    return [area, *[p for p in listed if p["code"] != area["code"]]]


def area_places(areas: pd.DataFrame, place_codes: list[str]) -> pd.Series:
    """The place code of each row of ``areas`` (areas.parquet), by following ``parent_code``
    up to one of ``place_codes``; missing (NA) for an area that reaches none. Indexed like
    ``areas``."""
    codes = areas["area_code"].astype(str)
    parent = pd.Series(areas["parent_code"].fillna("").astype(str).to_numpy(),
                       index=codes.to_numpy())
    parent = parent[~parent.index.duplicated()]
    wanted = set(place_codes)
    current = pd.Series(codes.to_numpy(), index=areas.index)
    found = pd.Series(pd.NA, index=areas.index, dtype="str")
    for _ in range(MAX_DEPTH):
        hit = found.isna() & current.isin(wanted)
        found[hit] = current[hit]
        current = current.map(parent)
    return found


def small_area_rows(areas: pd.DataFrame) -> pd.Series:
    """True for the rows of areas.parquet below an authority (ward, LSOA, MSOA)."""
    return areas["level"].isin(schema.SMALL_AREA_LEVELS)
