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
    """One authority, its comparators, its small areas (``areas.parquet`` rows) and boundaries.

    ``areas`` has the columns of ``schema.AREA_COLUMNS``; ``boundaries`` maps a level
    (``ward``, ``lsoa``, ``msoa``, ``la``) to a WGS84 GeoJSON FeatureCollection whose features
    carry ``properties.area_code`` and ``id`` equal to it.
    """

    area_code: str
    area_name: str
    comparators: tuple[Comparator, ...]
    areas: pd.DataFrame
    boundaries: dict[str, dict] = field(default_factory=dict)

    @property
    def levels(self) -> tuple[str, ...]:
        """The small-area levels present, finest last (ward, msoa, lsoa order kept)."""
        present = set(self.areas["level"])
        return tuple(level for level in ("ward", "msoa", "lsoa") if level in present)
