"""Comparisons across the places of a dataset: one indicator for every place, and each place's
headline counts (the ``/`` list and the ``/compare/<indicator>`` table).

The judgements are those of ``data.summaries`` for one authority, computed for all places at
once: each place's latest value benchmarked against England's in the same period
(``compare.benchmark``), its recent trend (``compare.recent_trends``), its change since the
indicator's baseline (``compare.change_since_baseline``) and its rank among the places (1 = best
by polarity; highest first for indicators without one). So a place's row here agrees with its
own indicator table. Results are computed once per dataset and kept.
"""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd

from marmot_dash.data.store import Store
from marmot_dash.data.summaries import CHANGE_JUDGEMENTS, TREND_JUDGEMENTS, change_between
from marmot_dash.stats import compare

COMPARISON_COLUMNS = (
    "area_code", "area_name", "period", "value", "lower_ci", "upper_ci", "count",
    "denominator", "england_value", "benchmark", "trend", "trend_judgement", "baseline_period",
    "baseline_value", "change_judgement", "rank", "ranked",
)
PLACE_SCORECARD_COLUMNS = (
    "area_code", "area_name", "indicators", "better", "similar", "worse", "improved",
    "no_change", "worsened", "improving", "worsening", "red_red",
)


def england_code(store: Store) -> str | None:
    """The code of the dataset's England comparator (None without one)."""
    return next((c["code"] for c in store.comparators if c.get("area_type") == "england"), None)


def _latest_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Each area's row of its latest period (as ``Store.latest``: the value may be missing)."""
    return rows.groupby("area_code", sort=False).tail(1).set_index("area_code")


def compute_place_comparison(store: Store, indicator_id: str) -> pd.DataFrame:
    """One row per place (dataset order) with ``COMPARISON_COLUMNS`` (see the module doc).

    ``rank`` is of ``ranked`` places with a value (NaN without a value); ``england_value`` is
    England's in the place's latest period.
    """
    indicator = store.indicator(indicator_id)
    places = pd.DataFrame(store.places).rename(columns={"code": "area_code",
                                                        "name": "area_name"})
    codes = places["area_code"].tolist()
    rows = store.series(indicator_id, codes)
    latest = _latest_rows(rows).reindex(codes)
    table = places.assign(**{c: latest[c].to_numpy() for c in
                             ("period", "value", "lower_ci", "upper_ci", "count",
                              "denominator")})
    code = england_code(store)
    england = (store.series(indicator_id, [code]).set_index("period")["value"]
               if code else pd.Series(dtype=float))
    table["england_value"] = table["period"].map(england).to_numpy(dtype=float)
    polarity = indicator["polarity"]
    values = table["value"].to_numpy(dtype=float)
    table["benchmark"] = compare.benchmark(values, table["lower_ci"].to_numpy(dtype=float),
                                           table["upper_ci"].to_numpy(dtype=float),
                                           table["england_value"].to_numpy(dtype=float),
                                           polarity)
    table = table.join(_trends(store, rows), on="area_code")
    table = table.join(_changes(store, indicator, rows, latest), on="area_code")
    oriented = values if polarity == "lower_is_better" else -values
    known = np.isfinite(values)
    rank = np.full(len(values), np.nan)
    # ties share the best rank ("min"); pandas, as scipy.stats would cost 0.75 s of imports
    rank[known] = pd.Series(oriented[known]).rank(method="min").to_numpy()
    table["rank"] = rank
    table["ranked"] = int(known.sum())
    return table[list(COMPARISON_COLUMNS)]


def _trends(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """Each place's recent-trend marker and its judgement, indexed by area code."""
    columns = ["trend", "trend_judgement"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    trends = compare.recent_trends(rows, store.indicators()).set_index("area_code")
    return pd.DataFrame({
        "trend": trends["direction"].astype(str),
        "trend_judgement": trends["assessment"].astype(str).map(TREND_JUDGEMENTS)
        .fillna("not_applicable"),
    })


def _changes(store: Store, indicator: dict, rows: pd.DataFrame, latest: pd.DataFrame
             ) -> pd.DataFrame:
    """Each place's baseline value and change since it (``summaries.change_between``), by
    area code."""
    period = indicator.get("baseline_period")
    at_baseline = rows[rows["period"] == period] if isinstance(period, str) else rows.iloc[:0]
    baseline = _latest_rows(at_baseline).reindex(latest.index)

    def column(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=float)

    result = change_between(indicator, baseline, latest, column)
    later = column(latest, "period_sort") > column(baseline, "period_sort")
    judgement = pd.Series(np.asarray(result.label, dtype=str)).map(CHANGE_JUDGEMENTS)
    judgement = judgement.fillna("not_compared").where(later, "not_compared")
    return pd.DataFrame({"baseline_period": baseline["period"].to_numpy(dtype=object),
                         "baseline_value": column(baseline, "value"),
                         "change_judgement": judgement.to_numpy()}, index=latest.index)


def compute_place_scorecards(store: Store) -> pd.DataFrame:
    """One row per place (dataset order), ``PLACE_SCORECARD_COLUMNS``: how many indicators
    have a value, and how many are better / similar / worse than England, improved / show no
    significant change / worsened since the baseline, getting better / worse (recent trend),
    and worse than England and getting worse (``red_red``)."""
    tables = [place_comparison(store, i) for i in store.indicators()["indicator_id"]]
    every = pd.concat(tables, ignore_index=True)
    flags = pd.DataFrame({
        "area_code": every["area_code"],
        "indicators": every["value"].notna(),
        "better": every["benchmark"] == compare.BETTER,
        "similar": every["benchmark"] == compare.SIMILAR,
        "worse": every["benchmark"] == compare.WORSE,
        "improved": every["change_judgement"] == "improved",
        "no_change": every["change_judgement"] == "no_significant_change",
        "worsened": every["change_judgement"] == "worsened",
        "improving": every["trend_judgement"] == "improving",
        "worsening": every["trend_judgement"] == "worsening",
        "red_red": (every["benchmark"] == compare.WORSE)
        & (every["trend_judgement"] == "worsening"),
    })
    counts = flags.groupby("area_code", sort=False).sum().astype(int)
    places = pd.DataFrame(store.places).rename(columns={"code": "area_code",
                                                        "name": "area_name"})
    table = places.join(counts, on="area_code").fillna(0)
    return table[list(PLACE_SCORECARD_COLUMNS)]


# Computed once per dataset (the store of every place) and kept.
_comparisons: WeakKeyDictionary[Store, dict[str, pd.DataFrame]] = WeakKeyDictionary()
_scorecards: WeakKeyDictionary[Store, pd.DataFrame] = WeakKeyDictionary()
_lock = threading.RLock()


def place_comparison(store: Store, indicator_id: str) -> pd.DataFrame:
    """``compute_place_comparison`` of the dataset, computed once per indicator and kept (a
    copy is returned). Any place's store gives the same table."""
    whole = store.all_places
    with _lock:
        kept = _comparisons.setdefault(whole, {})
        if indicator_id not in kept:
            kept[indicator_id] = compute_place_comparison(whole, indicator_id)
        return kept[indicator_id].copy()


def place_scorecards(store: Store) -> pd.DataFrame:
    """``compute_place_scorecards`` of the dataset, computed once and kept (a copy)."""
    whole = store.all_places
    with _lock:
        if whole not in _scorecards:
            _scorecards[whole] = compute_place_scorecards(whole)
        return _scorecards[whole].copy()
