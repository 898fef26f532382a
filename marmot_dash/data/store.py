"""The in-memory store the pages query, built once from a validated ``Dataset``.

At build time the values' rows are ordered once by (indicator, breakdown, area type, area,
period, category) and cut into one block per (indicator, breakdown, area type); each block
knows its area ids in sorted order. A query is a dictionary lookup, a binary search and a
gather of a few rows from column arrays: no scan of the whole table. The store keeps only that
ordering and the columns as numpy arrays (text as categorical codes, not strings), so it adds
little memory to the dataset at England scale. A values.parquet written in that order
(``schema.VALUE_ORDER``, as ``write_dataset`` does) is not sorted again: one pass checks it.
Answers are fresh DataFrames with ``str`` text columns and a RangeIndex.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from marmot_dash.data import schema
from marmot_dash.data.places import area_places, place_list
from marmot_dash.stats.neighbours import nearest

if TYPE_CHECKING:
    from marmot_dash.data.dataset import Dataset

AREA_EXTRA_COLUMNS = ("population", "imd_decile", "local_quintile", "local_decile")
TEXT_VALUE_COLUMNS = ("indicator_id", "area_code", "area_name", "area_type", "period",
                      "breakdown", "category", "note")
BLOCK_KEYS = ("indicator_id", "breakdown", "area_type")
BlockKey = tuple[str, str, str]
# How a place's similar places are chosen: areas.parquet columns of the places' ``la`` rows,
# and how many.
PEER_MEASURES = ("imd_score", "population")
PEER_GROUP_SIZE = 15


@dataclass(frozen=True)
class _Block:
    """Rows ``start:stop`` of the store's order: one (indicator, breakdown, area type)."""

    start: int
    stop: int


def _plain_text(value: object) -> str:
    """A YAML scalar as stripped text ("" for missing or non-text values)."""
    return value.strip() if isinstance(value, str) else ""


class _Columns:
    """The value columns as numpy arrays over the dataset's rows (text as codes + labels)."""

    def __init__(self, values: pd.DataFrame) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, pd.api.extensions.ExtensionArray] = {}  # str arrays
        self.numbers: dict[str, np.ndarray] = {}
        for column in schema.VALUE_COLUMNS:
            series = values[column]
            if column in TEXT_VALUE_COLUMNS:
                categorical = (series.array if isinstance(series.dtype, pd.CategoricalDtype)
                               else pd.Categorical(series))
                self.codes[column] = np.asarray(categorical.codes)  # -1 where missing
                self.labels[column] = pd.array(categorical.categories, dtype="str")
            else:
                self.numbers[column] = series.to_numpy()

    def label(self, column: str, row: int) -> str | None:
        code = self.codes[column][row]
        return None if code < 0 else str(self.labels[column][code])

    def text(self, column: str, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """Column ``column`` at dataset rows ``rows`` as a ``str`` array."""
        return self.labels[column].take(self.codes[column][rows], allow_fill=True)

    def frame(self, rows: np.ndarray, extra: dict | None = None) -> pd.DataFrame:
        """The value columns (then ``extra`` columns) of dataset rows ``rows``."""
        data = {column: self.text(column, rows) if column in self.codes
                else self.numbers[column][rows] for column in schema.VALUE_COLUMNS}
        return pd.DataFrame({**data, **(extra or {})}, index=pd.RangeIndex(len(rows)))

    def record(self, row: int) -> dict:
        """Dataset row ``row`` as a dict of plain Python values (None for missing text)."""
        record = {}
        for column in schema.VALUE_COLUMNS:
            if column in self.codes:
                record[column] = self.label(column, row)
            else:
                record[column] = self.numbers[column][row].item()
        return record


def _run_starts(key_codes: Sequence[np.ndarray]) -> np.ndarray:
    """Positions where any of the (equal-length) key arrays changes from the row before."""
    changed = np.zeros(max(len(key_codes[0]) - 1, 0), dtype=bool)
    for codes in key_codes:
        changed |= codes[1:] != codes[:-1]
    return np.flatnonzero(changed) + 1


def _in_store_order(starts: np.ndarray, key_codes: Sequence[np.ndarray], area_ids: np.ndarray,
                    period_sort: np.ndarray, category_sort: np.ndarray) -> bool:
    """True when rows are already in the store's order: one run per block key (runs starting
    at ``starts``), within a run by area id, period_sort, category_sort (as schema.VALUE_ORDER
    writes them). One pass over the columns instead of a sort."""
    firsts = np.concatenate([[0], starts]) if len(area_ids) else starts
    if len({tuple(int(codes[i]) for codes in key_codes) for i in firsts}) != len(firsts):
        return False  # a block key in more than one run
    a, p, c = area_ids, period_sort, category_sort
    same_area, same_period = a[1:] == a[:-1], p[1:] == p[:-1]
    ordered = (a[1:] > a[:-1]) | (same_area & ((p[1:] > p[:-1])
                                               | (same_period & (c[1:] >= c[:-1]))))
    ordered[starts - 1] = True  # a new block may start anywhere
    return bool(ordered.all())


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
        self._principle_rows = {int(row["id"]): row
                                for row in self._principles.to_dict(orient="records")}
        self._catalogue_by_principle = {
            number: self._catalogue[self._catalogue["principle"] == number].reset_index(drop=True)
            for number in self._principle_rows
        }
        self._areas = dataset.areas.reset_index(drop=True)
        self._columns = _Columns(dataset.values)
        self._area_ids = self._number_areas()
        self._area_table_row = self._area_table_positions()
        self._build_blocks()

    # --- building ------------------------------------------------------------------------------

    def _number_areas(self) -> dict[str, int]:
        """An integer id per known area code (values, areas.parquet, the authority and its
        comparators). When the values' codes are categories in code order (as ``load_dataset``
        gives them), they are numbered first, as their categorical codes, and the others
        after them: the column of codes is then the column of area ids (no 17M-row copy).
        Otherwise every code in code order."""
        named = [self.area_code, *[c["code"] for c in self.comparators], *self.peer_codes]
        in_values = pd.Index(self._columns.labels["area_code"])
        others = pd.Index(self._areas["area_code"]).union(pd.Index(named))
        codes = (in_values.append(others.difference(in_values))
                 if in_values.is_monotonic_increasing else in_values.union(others))
        return {code: number for number, code in enumerate(codes)}

    def _area_table_positions(self) -> np.ndarray:
        """For each area id, its row in areas.parquet (-1 when it has none)."""
        positions = np.full(len(self._area_ids), -1, dtype=np.int64)
        ids = [self._area_ids[code] for code in self._areas["area_code"]]
        positions[ids] = np.arange(len(self._areas))
        return positions

    def _build_blocks(self) -> None:
        """Order the rows once (unless the file is already in that order) and cut them into
        blocks per (indicator, breakdown, area type)."""
        columns = self._columns
        id_of_code = np.array([self._area_ids[c] for c in columns.labels["area_code"]],
                              dtype=np.int32)
        area_ids = columns.codes["area_code"]  # the ids themselves when they are the codes
        if not np.array_equal(id_of_code, np.arange(len(id_of_code))):
            area_ids = id_of_code[area_ids]
        key_codes = [columns.codes[key] for key in BLOCK_KEYS]
        period_sort = columns.numbers["period_sort"]
        category_sort = columns.numbers["category_sort"]
        starts = _run_starts(key_codes)
        self._order: np.ndarray | None = None  # None: dataset rows are already in store order
        if not _in_store_order(starts, key_codes, area_ids, period_sort, category_sort):
            self._order = np.lexsort((category_sort, period_sort, area_ids,
                                      *reversed(key_codes)))
            area_ids, period_sort = area_ids[self._order], period_sort[self._order]
            starts = _run_starts([codes[self._order] for codes in key_codes])
        self._sorted_area_ids = area_ids
        self._sorted_period_sort = period_sort
        bounds = [0, *starts.tolist(), len(area_ids)]
        self._blocks: dict[BlockKey, _Block] = {}
        ids_by_type: dict[str, list[np.ndarray]] = {}
        for start, stop in pairwise(bounds):
            if start == stop:
                continue
            first = int(self._rows(np.array([start]))[0])
            key = tuple(str(columns.label(name, first)) for name in BLOCK_KEYS)
            self._blocks[key] = _Block(start, stop)
            ids = area_ids[start:stop]  # sorted: its distinct ids start each run
            ids_by_type.setdefault(key[2], []).append(ids[np.flatnonzero(np.diff(ids)) + 1])
            ids_by_type[key[2]].append(ids[:1])
        types: dict[int, list[str]] = {}
        for area_type in sorted(ids_by_type):
            for area_id in np.unique(np.concatenate(ids_by_type[area_type])).tolist():
                types.setdefault(area_id, []).append(area_type)
        codes = list(self._area_ids)
        self._area_types = {codes[area_id]: found for area_id, found in types.items()}
        self._block_periods: dict[_Block, tuple[tuple[int, str], ...]] = {}

    def _rows(self, positions: np.ndarray) -> np.ndarray:
        """Dataset rows at ``positions`` of the store's order."""
        return positions if self._order is None else self._order[positions]

    def _periods(self, block: _Block) -> tuple[tuple[int, str], ...]:
        """(period_sort, period) of a block in order, found on its first query and kept
        (finding them for every block took a second of each England-scale start)."""
        periods = self._block_periods.get(block)
        if periods is None:
            sorts, first = np.unique(self._sorted_period_sort[block.start:block.stop],
                                     return_index=True)
            rows = self._rows(block.start + first)
            periods = tuple((int(sort), str(self._columns.label("period", row)))
                            for sort, row in zip(sorts, rows, strict=True))
            self._block_periods[block] = periods  # the same from any thread that races here
        return periods

    def _frame(self, positions: np.ndarray, extra: dict | None = None) -> pd.DataFrame:
        """The rows at ``positions`` of the store's order (then ``extra`` columns)."""
        return self._columns.frame(self._rows(positions), extra)

    def _span(self, block: _Block, area_id: int) -> np.ndarray:
        """Positions (in the store's order) of one area's rows within a block."""
        ids = self._sorted_area_ids[block.start:block.stop]
        wanted = ids.dtype.type(area_id)  # same dtype: no cast of the whole block
        left = int(np.searchsorted(ids, wanted, "left"))
        right = int(np.searchsorted(ids, wanted, "right"))
        return np.arange(block.start + left, block.start + right)

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

    @cached_property
    def peer_group(self) -> dict | None:
        """dataset.yaml ``peer_group`` (similar authorities) as ``{name, description, members:
        [{code, name}]}``, or None when the dataset has none. Members without a code, and the
        authority itself, are left out; a group with no members is no group."""
        group = self.meta.get("peer_group")
        if not isinstance(group, dict):
            return None
        listed = [m for m in group.get("members") or [] if isinstance(m, dict)]
        members = [{"code": code, "name": _plain_text(m.get("name")) or code}
                   for m in listed if (code := _plain_text(m.get("code")))
                   and code != self.area_code]
        if not members:
            return None
        return {"name": _plain_text(group.get("name")) or "Similar authorities",
                "description": _plain_text(group.get("description")), "members": members}

    @property
    def peer_codes(self) -> list[str]:
        """The area codes of the peer group's members (empty without a group)."""
        return [m["code"] for m in (self.peer_group or {"members": []})["members"]]

    def principle_note(self, number: int) -> str:
        """dataset.yaml ``principle_notes[number]`` (keys may be numbers or text), or ""."""
        notes = self.meta.get("principle_notes")
        if not isinstance(notes, dict):
            return ""
        return _plain_text(notes.get(number, notes.get(str(number))))

    @property
    def levels(self) -> list[str]:
        """The small-area levels of the dataset (e.g. ``["ward", "lsoa"]``)."""
        return list(self.meta.get("levels", []))

    def principles(self) -> pd.DataFrame:
        """The principles (id, short_name, title, colour) in id order."""
        return self._principles.copy()

    def principle(self, number: int) -> dict:
        """One principle as a dict; KeyError for an unknown number."""
        try:
            return dict(self._principle_rows[int(number)])
        except (KeyError, TypeError, ValueError):
            raise KeyError(f"unknown principle {number!r}: expected one of 1 to 8") from None

    def indicators(self, principle: int | None = None) -> pd.DataFrame:
        """The catalogue rows (all, or of one principle) in catalogue order."""
        if principle is None:
            return self._catalogue.copy()
        self.principle(principle)
        return self._catalogue_by_principle[int(principle)].copy()

    def indicator(self, indicator_id: str) -> dict:
        """One catalogue row as a dict; KeyError for an unknown id."""
        try:
            return dict(self._indicator_rows[indicator_id])
        except KeyError:
            raise KeyError(f"unknown indicator_id {indicator_id!r}") from None

    # --- values --------------------------------------------------------------------------------

    def _check(self, indicator_id: str, breakdown: str = "total") -> None:
        """KeyError for an unknown indicator or breakdown."""
        if indicator_id not in self._indicator_rows:
            raise KeyError(f"unknown indicator_id {indicator_id!r}")
        if breakdown not in schema.BREAKDOWNS:
            raise KeyError(f"unknown breakdown {breakdown!r}: expected one of "
                           f"{', '.join(schema.BREAKDOWNS)}")

    def _block(self, indicator_id: str, breakdown: str, area_type: str) -> _Block | None:
        self._check(indicator_id, breakdown)
        return self._blocks.get((indicator_id, breakdown, area_type))

    def _area_id(self, area_code: str) -> int:
        try:
            return self._area_ids[area_code]
        except KeyError:
            raise KeyError(f"unknown area_code {area_code!r}") from None

    def _positions(self, indicator_id: str, breakdown: str, area_code: str) -> np.ndarray:
        """Positions (store order) of one area's rows, sorted by period then category."""
        self._check(indicator_id, breakdown)
        area_id = self._area_id(area_code)
        spans = [np.arange(0)]
        for area_type in self._area_types.get(area_code, ()):
            block = self._blocks.get((indicator_id, breakdown, area_type))
            if block is not None:
                spans.append(self._span(block, area_id))
        return np.concatenate(spans)

    def _text_at(self, column: str, positions: np.ndarray) -> np.ndarray:
        return np.asarray(self._columns.text(column, self._rows(positions)), dtype=object)

    def periods(self, indicator_id: str, area_type: str = "la") -> list[str]:
        """Period labels of the indicator's totals for ``area_type``, ordered by period_sort."""
        if area_type not in schema.AREA_TYPES:
            raise KeyError(f"unknown area_type {area_type!r}: expected one of "
                           f"{', '.join(schema.AREA_TYPES)}")
        block = self._block(indicator_id, schema.BREAKDOWNS[0], area_type)
        return [] if block is None else [label for _, label in self._periods(block)]

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
        self._check(indicator_id, breakdown)
        positions = np.concatenate(
            [np.arange(0)] + [self._positions(indicator_id, breakdown, c) for c in area_codes])
        if category is not None:
            positions = positions[self._text_at("category", positions) == category]
        return self._frame(positions)

    def peers(self, indicator_id: str) -> pd.DataFrame:
        """Every total row of the peer group's members (``series`` of their codes)."""
        return self.series(indicator_id, self.peer_codes)

    def _total_row(self, indicator_id: str, area_code: str | None, period: str | None
                   ) -> dict | None:
        positions = self._positions(indicator_id, "total", area_code or self.area_code)
        if period is not None:
            positions = positions[self._text_at("period", positions) == period]
        if len(positions) == 0:
            return None
        return self._columns.record(int(self._rows(positions[-1:])[0]))

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
            return self._with_area_columns(np.arange(0))
        period_sort = self._period_sort(block, period, indicator_id, level)
        in_period = self._sorted_period_sort[block.start:block.stop] == period_sort
        return self._with_area_columns(block.start + np.flatnonzero(in_period))

    def _with_area_columns(self, positions: np.ndarray) -> pd.DataFrame:
        area_rows = self._area_table_row[self._sorted_area_ids[positions]]
        return self._frame(positions, {
            column: self._areas[column].array.take(area_rows, allow_fill=True)
            for column in AREA_EXTRA_COLUMNS
        })

    def _period_sort(self, block: _Block, period: str | None, indicator_id: str, where: str
                     ) -> int:
        """The period_sort of ``period`` (default the block's latest)."""
        periods = self._periods(block)
        if period is None:
            return periods[-1][0]
        for period_sort, label in periods:
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
        parts = [self._positions(indicator_id, name, code) for name in breakdowns]
        positions = np.concatenate([np.arange(0), *parts])
        if len(positions) == 0:
            return self._frame(positions)
        if period is None:
            latest = max(self._sorted_period_sort[part[-1]] for part in parts if len(part))
            positions = positions[self._sorted_period_sort[positions] == latest]
        else:
            positions = positions[self._text_at("period", positions) == period]
        return self._frame(positions)

    # --- areas ---------------------------------------------------------------------------------

    @cached_property
    def _areas_by_level(self) -> dict[str, pd.DataFrame]:
        text = {c: "str" for c in ("area_code", "area_name", "level", "parent_code")}
        areas = self._areas.astype(text).sort_values("area_code")
        return {level: rows.reset_index(drop=True) for level, rows in areas.groupby("level")}

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

    # --- places (several authorities in one dataset) -------------------------------------------

    @cached_property
    def places(self) -> list[dict]:
        """The dataset's places as ``{code, name}``, the primary (dataset.yaml ``area``)
        first; a single-place dataset has one."""
        return place_list(self.dataset.meta)

    @property
    def all_places(self) -> Store:
        """The store of the whole dataset (every place); a place's view answers its store."""
        return self

    @property
    def is_multi_place(self) -> bool:
        """True when the dataset holds several places (``/`` then lists them)."""
        return len(self.places) > 1

    def place(self, code: str | None = None) -> Store:
        """The store of one place (None: the primary), answering as if the dataset held that
        place alone: its ``area_code``, ``area_name``, small areas and similar-authority group.
        A single-place dataset answers with the store itself; KeyError for an unknown code.
        Views are made once and kept, so caches keyed by store work per place."""
        code = self.places[0]["code"] if code is None else code
        if not self.is_multi_place and code == self.area_code:
            return self
        with _places_lock:
            views = self.__dict__.setdefault("_place_views", {})
            if code not in views:
                place = next((p for p in self.places if p["code"] == code), None)
                if place is None or not self.is_multi_place:
                    raise KeyError(f"unknown place {code!r}")
                views[code] = PlaceView(self, place)
            return views[code]

    @cached_property
    def _area_places(self) -> pd.Series:
        """The place code of each areas.parquet row (NA for areas outside every place)."""
        return area_places(self._areas, [p["code"] for p in self.places])

    @cached_property
    def place_measures(self) -> pd.DataFrame:
        """Each place's ``imd_score`` and ``population`` (areas.parquet ``la`` rows), indexed by
        code in place order; the measures similar places are chosen on."""
        rows = self._areas.set_index("area_code")
        codes = [p["code"] for p in self.places]
        return rows.loc[codes, list(PEER_MEASURES)].astype(float)

    def similar_places(self, code: str, size: int = PEER_GROUP_SIZE) -> dict | None:
        """The ``size`` places nearest place ``code`` on deprivation score and population
        (``stats.neighbours.nearest``), as a dataset.yaml ``peer_group``; None when the dataset
        has a single place or the measures are missing."""
        measures = self.place_measures.dropna()
        if not self.is_multi_place or code not in measures.index or len(measures) < 2:
            return None
        size = min(size, len(measures) - 1)
        names = {p["code"]: p["name"] for p in self.places}
        place = names[code]
        return {
            "name": "Similar places",
            "description": (f"The {size} places of this dataset nearest {place} on average "
                            f"deprivation score (IMD) and population (Euclidean distance of the "
                            f"two measures standardised over the {len(measures)} places)."),
            "members": [{"code": member, "name": names[member]}
                        for member in nearest(measures, code, size)],
        }


_places_lock = threading.Lock()


class PlaceView(Store):
    """One place of a multi-place dataset (``Store.place``): the store's queries with the
    place as the authority.

    It shares the store's arrays and indexes (nothing is copied); what differs is ``meta``
    (``area`` is the place; ``peer_group`` its similar places, or dataset.yaml's group for
    the primary place) and the small areas, which are the place's own.
    """

    def __init__(self, store: Store, place: dict) -> None:  # no Store.__init__: shared state
        cached = {name for name, value in vars(Store).items()
                  if isinstance(value, cached_property)}
        self.__dict__.update({name: value for name, value in vars(store).items()
                              if name not in cached and name != "_place_views"})
        self.base = store
        primary = place["code"] == store.area_code
        group = store.meta.get("peer_group") if primary else None
        self.meta = {**store.meta, "area": dict(place),
                     "peer_group": group or store.similar_places(place["code"])}
        mine = store._area_places.to_numpy() == place["code"]
        self._own_areas = self._areas[mine]
        self._own_ids = {
            level: np.sort(np.array([self._area_ids[c] for c in rows["area_code"]],
                                    dtype=self._sorted_area_ids.dtype))
            for level, rows in self._own_areas.groupby("level")
        }

    @property
    def places(self) -> list[dict]:
        """The dataset's places (as the store's)."""
        return self.base.places

    @property
    def all_places(self) -> Store:
        """The store of the whole dataset."""
        return self.base

    def place(self, code: str | None = None) -> Store:
        """Another place of the same dataset (``Store.place``)."""
        return self.base.place(code)

    def similar_places(self, code: str, size: int = PEER_GROUP_SIZE) -> dict | None:
        """``Store.similar_places`` of the dataset."""
        return self.base.similar_places(code, size)

    @cached_property
    def _areas_by_level(self) -> dict[str, pd.DataFrame]:
        text = {c: "str" for c in ("area_code", "area_name", "level", "parent_code")}
        areas = self._own_areas.astype(text).sort_values("area_code")
        return {level: rows.reset_index(drop=True) for level, rows in areas.groupby("level")}

    def small_areas(self, indicator_id: str, level: str, period: str | None = None
                    ) -> pd.DataFrame:
        """``Store.small_areas`` of this place's areas only (found by binary search in the
        block, which is ordered by area)."""
        self._check_level(level)
        block = self._block(indicator_id, "total", level)
        mine = self._own_ids.get(level)
        if block is None or mine is None:
            return self._with_area_columns(np.arange(0))
        period_sort = self._period_sort(block, period, indicator_id, level)
        ids = self._sorted_area_ids[block.start:block.stop]
        left = np.searchsorted(ids, mine, "left")
        right = np.searchsorted(ids, mine, "right")
        lengths = right - left
        positions = (np.repeat(left - np.cumsum(lengths) + lengths, lengths)
                     + np.arange(int(lengths.sum())) + block.start)
        positions = positions[self._sorted_period_sort[positions] == period_sort]
        return self._with_area_columns(positions)
