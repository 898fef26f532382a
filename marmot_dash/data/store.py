"""The in-memory store the pages query, built once from a validated ``Dataset``.

At build time the values are sorted once by (indicator, breakdown, area type, area, period,
category) and cut into one block per (indicator, breakdown, area type). Each block keeps an
integer array of its area ids, so every query is a dictionary lookup, a binary search and a
``take`` of a few rows: no scan of the whole table. Text columns stay categorical inside the
store (little memory at England scale) and are returned as plain ``str`` columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marmot_dash.data import schema

if TYPE_CHECKING:
    from marmot_dash.data.dataset import Dataset

AREA_EXTRA_COLUMNS = ("population", "imd_decile", "local_quintile", "local_decile")
BlockKey = tuple[str, str, str]  # (indicator_id, breakdown, area_type)


@dataclass(frozen=True)
class _Block:
    """The rows of one (indicator, breakdown, area type), sorted by area, period, category."""

    rows: pd.DataFrame
    area_ids: np.ndarray  # int32, sorted: the store's id of each row's area
    period_sort: np.ndarray  # int64, each row's period_sort
    periods: tuple[tuple[int, str], ...]  # (period_sort, period) in order

    def area_span(self, area_id: int) -> tuple[int, int]:
        """The first and past-the-last row of ``area_id``."""
        return (int(np.searchsorted(self.area_ids, area_id, "left")),
                int(np.searchsorted(self.area_ids, area_id, "right")))


def _plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical and object text columns as ``str``; a fresh RangeIndex."""
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.CategoricalDtype) or dtype is np.dtype(object):
            frame[column] = frame[column].astype("str")
    return frame


def _record(row: pd.DataFrame) -> dict:
    """One row as a dict of plain Python values (NaN for missing numbers, None for text)."""
    record = row.iloc[0].to_dict()
    return {key: (value.item() if isinstance(value, np.generic) else value)
            for key, value in record.items()}


class Store:
    """Indexed, read-only queries over one dataset (see each method's docstring)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.meta: dict = dataset.meta
        self.themes = dataset.themes
        self._principles = dataset.principles.reset_index(drop=True)
        self._catalogue = dataset.indicators.reset_index(drop=True)
        self._indicator_rows = {
            row["indicator_id"]: row for row in self._catalogue.to_dict(orient="records")
        }
        self._areas = dataset.areas.reset_index(drop=True)
        self._area_ids, self._area_types = self._index_areas(dataset.values)
        self._area_table_row = self._area_table_positions()
        self._blocks = self._split(dataset.values)
        self._empty = _plain_text(dataset.values.iloc[0:0][list(schema.VALUE_COLUMNS)])

    # --- building ------------------------------------------------------------------------------

    def _index_areas(self, values: pd.DataFrame) -> tuple[dict[str, int], dict[str, list[str]]]:
        """An integer id per area code, and the area types each code has in the values."""
        codes = pd.Categorical(values["area_code"]).categories.union(
            pd.Index(self._areas["area_code"])
        )
        ids = {code: number for number, code in enumerate(codes)}
        pairs = values.groupby(["area_code", "area_type"], observed=True).size().index
        types: dict[str, list[str]] = {}
        for code, area_type in pairs:
            types.setdefault(code, []).append(area_type)
        return ids, types

    def _area_table_positions(self) -> np.ndarray:
        """For each area id, its row in areas.parquet (-1 when it has none)."""
        positions = np.full(len(self._area_ids), -1, dtype=np.int64)
        ids = [self._area_ids[code] for code in self._areas["area_code"]]
        positions[ids] = np.arange(len(self._areas))
        return positions

    def _split(self, values: pd.DataFrame) -> dict[BlockKey, _Block]:
        """Sort the values once and cut them into blocks per (indicator, breakdown, area type)."""
        frame = values[list(schema.VALUE_COLUMNS)]
        codes = pd.Categorical(frame["area_code"])
        id_of_category = np.array([self._area_ids[c] for c in codes.categories], dtype=np.int32)
        area_ids = id_of_category[codes.codes]
        keys = [pd.Categorical(frame[column]) for column in ("indicator_id", "breakdown",
                                                              "area_type")]
        order = np.lexsort((
            frame["category_sort"].to_numpy(), frame["period_sort"].to_numpy(), area_ids,
            *[key.codes for key in reversed(keys)],
        ))
        frame = frame.take(order).reset_index(drop=True)
        frame = frame.astype({column: "category" for column in
                              ("indicator_id", "area_code", "area_name", "area_type", "period",
                               "breakdown", "category")})
        area_ids = area_ids[order]
        block_codes = np.stack([key.codes[order] for key in keys], axis=1)
        starts = np.flatnonzero(np.any(np.diff(block_codes, axis=0) != 0, axis=1)) + 1
        bounds = [0, *starts.tolist(), len(frame)]
        period_sort = frame["period_sort"].to_numpy()
        blocks = {}
        for start, stop in pairwise(bounds):
            if start == stop:
                continue
            key = tuple(str(k.categories[block_codes[start, i]]) for i, k in enumerate(keys))
            rows = frame.iloc[start:stop]
            blocks[key] = _Block(
                rows=rows,
                area_ids=area_ids[start:stop],
                period_sort=period_sort[start:stop],
                periods=self._periods_of(rows),
            )
        return blocks

    @staticmethod
    def _periods_of(rows: pd.DataFrame) -> tuple[tuple[int, str], ...]:
        pairs = rows[["period_sort", "period"]].drop_duplicates("period_sort")
        pairs = pairs.sort_values("period_sort")
        return tuple(zip(pairs["period_sort"].tolist(), pairs["period"].astype(str).tolist(),
                         strict=True))

    # --- the dataset's description -------------------------------------------------------------

    @property
    def is_illustrative(self) -> bool:
        """True for a simulated dataset (every view then says the values are not official)."""
        return bool(self.meta.get("illustrative", False))

    @property
    def area_code(self) -> str:
        """The local authority's code."""
        return self.meta["area"]["code"]

    @property
    def area_name(self) -> str:
        """The local authority's name."""
        return self.meta["area"]["name"]

    @property
    def comparators(self) -> list[dict]:
        """The comparators of dataset.yaml: ``{code, name, area_type}`` each, England first."""
        return [dict(comparator) for comparator in self.meta.get("comparators", [])]

    @property
    def levels(self) -> list[str]:
        """The small-area levels of the dataset (e.g. ``["ward", "lsoa"]``)."""
        return list(self.meta.get("levels", []))

    def principles(self) -> pd.DataFrame:
        """The principles (id, short_name, title, colour) in id order."""
        return self._principles.copy()

    def principle(self, number: int) -> dict:
        """One principle as a dict; KeyError for an unknown number."""
        match = self._principles[self._principles["id"] == int(number)]
        if match.empty:
            raise KeyError(f"unknown principle {number!r}: expected one of 1 to 8")
        return _record(match)

    def indicators(self, principle: int | None = None) -> pd.DataFrame:
        """The catalogue rows (all, or of one principle) in catalogue order."""
        if principle is None:
            return self._catalogue.copy()
        self.principle(principle)
        rows = self._catalogue[self._catalogue["principle"] == int(principle)]
        return rows.reset_index(drop=True)

    def indicator(self, indicator_id: str) -> dict:
        """One catalogue row as a dict; KeyError for an unknown id."""
        try:
            return dict(self._indicator_rows[indicator_id])
        except KeyError:
            raise KeyError(f"unknown indicator_id {indicator_id!r}") from None

    # --- values --------------------------------------------------------------------------------

    def _block(self, indicator_id: str, breakdown: str, area_type: str) -> _Block | None:
        self.indicator(indicator_id)
        if breakdown not in schema.BREAKDOWNS:
            raise KeyError(f"unknown breakdown {breakdown!r}: expected one of "
                           f"{', '.join(schema.BREAKDOWNS)}")
        return self._blocks.get((indicator_id, breakdown, area_type))

    def _area_id(self, area_code: str) -> int:
        try:
            return self._area_ids[area_code]
        except KeyError:
            raise KeyError(f"unknown area_code {area_code!r}") from None

    def _area_positions(self, indicator_id: str, breakdown: str, area_code: str
                        ) -> list[tuple[_Block, int, int]]:
        """(block, start, stop) of every block holding rows of ``area_code``."""
        area_id = self._area_id(area_code)
        spans = []
        for area_type in self._area_types.get(area_code, ()):
            block = self._block(indicator_id, breakdown, area_type)
            if block is not None:
                start, stop = block.area_span(area_id)
                if stop > start:
                    spans.append((block, start, stop))
        return spans

    def _area_rows(self, indicator_id: str, breakdown: str, area_code: str) -> pd.DataFrame:
        """All rows of one area for an indicator and breakdown (sorted by period, category)."""
        parts = [block.rows.iloc[start:stop]
                 for block, start, stop in self._area_positions(indicator_id, breakdown,
                                                                area_code)]
        if not parts:
            self._block(indicator_id, breakdown, "la")  # unknown ids still raise KeyError
            return self._empty.copy()
        return parts[0] if len(parts) == 1 else pd.concat(parts)

    def periods(self, indicator_id: str, area_type: str = "la") -> list[str]:
        """Period labels of the indicator's totals for ``area_type``, ordered by period_sort."""
        if area_type not in schema.AREA_TYPES:
            raise KeyError(f"unknown area_type {area_type!r}: expected one of "
                           f"{', '.join(schema.AREA_TYPES)}")
        block = self._block(indicator_id, schema.BREAKDOWNS[0], area_type)
        return [] if block is None else [label for _, label in block.periods]

    def series(
        self,
        indicator_id: str,
        area_codes: Sequence[str] | None = None,
        breakdown: str = "total",
        category: str | None = None,
    ) -> pd.DataFrame:
        """Every period of the indicator for ``area_codes`` (default: the authority and its
        comparators), sorted by area in the order asked, then period_sort and category_sort."""
        if area_codes is None:
            area_codes = [self.area_code, *[c["code"] for c in self.comparators]]
        elif isinstance(area_codes, str):
            area_codes = [area_codes]
        parts = [self._area_rows(indicator_id, breakdown, code) for code in area_codes]
        self._block(indicator_id, breakdown, "la")
        rows = pd.concat(parts) if parts else self._empty
        if category is not None:
            rows = rows[rows["category"] == category]
        return _plain_text(rows)

    def _total_row(self, indicator_id: str, area_code: str | None, period: str | None
                   ) -> dict | None:
        rows = self._area_rows(indicator_id, "total", area_code or self.area_code)
        if period is not None:
            rows = rows[rows["period"] == period]
        return None if rows.empty else _record(_plain_text(rows.iloc[-1:]))

    def latest(self, indicator_id: str, area_code: str | None = None) -> dict | None:
        """The latest total row of an area (default the authority) as a dict, or None."""
        return self._total_row(indicator_id, area_code, None)

    def baseline(self, indicator_id: str, area_code: str | None = None) -> dict | None:
        """The total row at the indicator's baseline period as a dict, or None."""
        period = self.indicator(indicator_id)["baseline_period"]
        if not isinstance(period, str) or not period:
            return None
        return self._total_row(indicator_id, area_code, period)

    def small_areas(self, indicator_id: str, level: str, period: str | None = None
                    ) -> pd.DataFrame:
        """All areas at ``level`` for one period (default the latest), in area-code order,
        with the areas' population, imd_decile, local_quintile and local_decile."""
        self._check_level(level)
        block = self._block(indicator_id, "total", level)
        if block is None:
            return self._with_area_columns(self._empty, np.array([], dtype=np.int32))
        period_sort = self._period_sort(block, period, indicator_id, level)
        positions = np.flatnonzero(block.period_sort == period_sort)
        rows = block.rows.take(positions)
        return self._with_area_columns(rows, block.area_ids[positions])

    def _with_area_columns(self, rows: pd.DataFrame, area_ids: np.ndarray) -> pd.DataFrame:
        extra = self._areas[list(AREA_EXTRA_COLUMNS)].take(self._area_table_row[area_ids])
        rows = _plain_text(rows)
        for column in AREA_EXTRA_COLUMNS:
            rows[column] = extra[column].array
        return rows

    @staticmethod
    def _period_sort(block: _Block, period: str | None, indicator_id: str, where: str) -> int:
        """The period_sort of ``period`` (default the block's latest)."""
        if period is None:
            return block.periods[-1][0]
        for period_sort, label in block.periods:
            if label == period:
                return period_sort
        raise KeyError(f"indicator {indicator_id!r} has no period {period!r} for {where}")

    def _check_level(self, level: str) -> None:
        if level not in schema.AREA_LEVELS:
            raise KeyError(f"unknown level {level!r}: expected one of "
                           f"{', '.join(schema.AREA_LEVELS)}")

    def breakdown(
        self,
        indicator_id: str,
        breakdown: str,
        area_code: str | None = None,
        period: str | None = None,
    ) -> pd.DataFrame:
        """The categories of one breakdown for an area (default the authority) and period
        (default its latest), sorted by category_sort."""
        return self._breakdowns(indicator_id, (breakdown,), area_code, period)

    def cohorts(self, indicator_id: str, area_code: str | None = None, period: str | None = None
                ) -> pd.DataFrame:
        """The sex, age and ethnicity rows together for one period (default the latest period
        with any cohort row), in that breakdown order, each by category_sort."""
        return self._breakdowns(indicator_id, schema.COHORT_BREAKDOWNS, area_code, period)

    def _breakdowns(self, indicator_id: str, breakdowns: Iterable[str], area_code: str | None,
                    period: str | None) -> pd.DataFrame:
        code = area_code or self.area_code
        frames = [self._area_rows(indicator_id, name, code) for name in breakdowns]
        frames = [frame for frame in frames if not frame.empty]
        if not frames:
            return self._empty.copy()
        if period is None:
            wanted = max(int(frame["period_sort"].iloc[-1]) for frame in frames)
            frames = [frame[frame["period_sort"].to_numpy() == wanted] for frame in frames]
        else:
            frames = [frame[(frame["period"] == period).to_numpy()] for frame in frames]
        return _plain_text(pd.concat(frames))

    # --- areas ---------------------------------------------------------------------------------

    @cached_property
    def _areas_by_level(self) -> dict[str, pd.DataFrame]:
        return {str(level): _plain_text(rows.sort_values("area_code"))
                for level, rows in self._areas.groupby("level", observed=True)}

    def areas(self, level: str) -> pd.DataFrame:
        """The areas.parquet rows of one level, in area-code order."""
        self._check_level(level)
        rows = self._areas_by_level.get(level)
        return (self._areas.iloc[0:0] if rows is None else rows).copy()

    def geometry(self, level: str) -> dict:
        """The GeoJSON FeatureCollection of one level; KeyError when the dataset has none."""
        try:
            return self.dataset.geo[level]
        except KeyError:
            raise KeyError(f"no boundaries for level {level!r} in this dataset") from None

    # --- summaries -----------------------------------------------------------------------------

    @cached_property
    def summaries(self) -> pd.DataFrame:
        """One row per indicator (``summaries.summarise``), computed on first use."""
        from marmot_dash.data.summaries import summarise

        return summarise(self)

    def summary(self, indicator_id: str) -> dict[str, Any]:
        """The summary row of one indicator as a dict."""
        self.indicator(indicator_id)
        rows = self.summaries[self.summaries["indicator_id"] == indicator_id]
        return _record(rows)
