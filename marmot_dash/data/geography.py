"""A geography: the areas of one local authority and their boundaries.

The simulator makes a synthetic one; the builder reads a real one from boundary, lookup,
deprivation and population files. Both hand the dataset writer the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Comparator:
    """An area the authority is compared with (England, its region, a statistical neighbour)."""

    code: str
    name: str
    area_type: str  # "england", "region" or "comparator"


@dataclass(frozen=True)
class Geography:
    """One authority (or several: ``places``), its comparators, its small areas (``areas.parquet``
    rows) and boundaries.

    ``areas`` has the columns of ``schema.AREA_COLUMNS``; ``boundaries`` maps a level
    (``ward``, ``lsoa``, ``msoa``, ``la``) to a WGS84 GeoJSON FeatureCollection whose features
    carry ``properties.area_code`` and ``id`` equal to it.
    """

    area_code: str
    area_name: str
    comparators: tuple[Comparator, ...]
    areas: pd.DataFrame
    boundaries: dict[str, dict] = field(default_factory=dict)
    # Several authorities: (code, name) of each, ``area_code`` first (empty: that one alone),
    # and the name of the whole (e.g. "Simulated England").
    places: tuple[tuple[str, str], ...] = ()
    name: str = ""

    @property
    def place_codes(self) -> list[str]:
        """The code of every authority: the places, or ``area_code`` alone."""
        return [code for code, _ in self.places] or [self.area_code]

    @property
    def levels(self) -> tuple[str, ...]:
        """The small-area levels present, finest last (ward, msoa, lsoa order kept)."""
        present = set(self.areas["level"])
        return tuple(level for level in ("ward", "msoa", "lsoa") if level in present)
