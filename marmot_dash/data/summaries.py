"""Per-indicator summaries of the authority (the overview tiles and the indicator tables).

Every judgement comes from ``marmot_dash.stats``: change since the baseline
(``compare.change_since_baseline``), benchmarking against England (``compare.benchmark``),
the Fingertips recent trend (``compare.recent_trends``), the gap between the most and least
deprived (``inequality.gap``, MOVER limits) and the slope and relative index of inequality
(``inequality.sii``, Low & Low 2004), and the authority's rank among its peer group of
similar authorities (dataset.yaml ``peer_group``), whose median and range ``peer_band`` gives.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd

from marmot_dash.data import schema
from marmot_dash.data.store import Store
from marmot_dash.stats import compare, inequality

SUMMARY_COLUMNS = (
    "indicator_id", "principle", "latest_period", "value", "lower_ci", "upper_ci",
    "baseline_period", "baseline_value", "change", "change_significant", "change_judgement",
    "england_value", "benchmark", "trend", "trend_judgement", "gap_latest", "gap_baseline",
    "gap_change", "sii", "sii_lower", "sii_upper", "rii", "peer_rank", "peer_count", "red_red",
    "sparkline", "note", "by_sex",
)
SCORECARD_COLUMNS = (
    "principle", "indicators", "improved", "no_change", "worsened", "better", "similar", "worse",
    "narrowed", "widened", "red_red",
)
SPARKLINE_POINTS = 10
# Monte Carlo repetitions for the SII limits of the summaries (a fixed seed keeps them stable).
SII_REPETITIONS = 10_000
SII_SEED = 2026
# Deprivation breakdown used for the gap and SII: national deciles when the dataset has them,
# else national quintiles, else the authority's local deciles, then local quintiles.
DEPRIVATION_PREFERENCE = schema.DEPRIVATION_BREAKDOWNS
# The areas.parquet column that groups small areas like each deprivation breakdown's categories.
QUANTILE_AREA_COLUMNS = {
    "deprivation_decile": "imd_decile",
    "deprivation_quintile": "imd_quintile",  # derived from imd_decile below
    "local_deprivation_decile": "local_decile",
    "local_deprivation_quintile": "local_quintile",
}
# Small-area levels from the finest (quantile populations are summed from the finest one known).
FINEST_FIRST = ("lsoa", "msoa", "ward")
# A peer band needs at least this many members with a value in the period.
MIN_PEERS_FOR_BAND = 3
PEER_BAND_COLUMNS = ("period", "period_sort", "category", "median", "minimum", "maximum",
                     "areas")
# The summaries' note on an indicator published for males and females only (no persons total).
BY_SEX_ONLY = "Published by sex only: there is no figure for persons."

# compare.change_since_baseline labels -> change_judgement (no polarity: not judged).
CHANGE_JUDGEMENTS = {
    compare.IMPROVED: "improved",
    compare.WORSENED: "worsened",
    compare.NO_SIGNIFICANT_CHANGE: "no_significant_change",
}
# compare.recent_trends assessments -> trend_judgement.
TREND_JUDGEMENTS = {
    compare.GETTING_BETTER: "improving",
    compare.GETTING_WORSE: "worsening",
    compare.NO_SIGNIFICANT_CHANGE: "no_change",
}
# A change of the (oriented) gap read as "lower is better" -> gap_change.
GAP_CHANGES = {
    compare.IMPROVED: "narrowed",
    compare.WORSENED: "widened",
    compare.NO_SIGNIFICANT_CHANGE: "no_significant_change",
}


def _number(row: dict | None, column: str) -> float:
    if row is None or row.get(column) is None:
        return np.nan
    return float(row[column])


Rows = TypeVar("Rows")  # one row (a dict) or each place's row (a frame)


def change_between(indicator: Mapping, baseline: Rows, latest: Rows,
                   number: Callable[[Rows, str], Any]) -> compare.Change:
    """``compare.change_since_baseline`` of ``latest`` against ``baseline``, judged by the
    indicator's polarity and value type; ``number(rows, column)`` reads a column of either (a
    number for one row, an array for one row per place)."""
    return compare.change_since_baseline(
        number(baseline, "value"), number(baseline, "lower_ci"), number(baseline, "upper_ci"),
        number(latest, "value"), number(latest, "lower_ci"), number(latest, "upper_ci"),
        indicator["polarity"], value_type=indicator["value_type"],
        baseline_count=number(baseline, "count"),
        baseline_denominator=number(baseline, "denominator"),
        latest_count=number(latest, "count"), latest_denominator=number(latest, "denominator"),
    )


def _change(indicator: dict, latest: dict | None, baseline: dict | None) -> dict[str, Any]:
    """Latest against baseline (``change_between``)."""
    if latest is None or baseline is None or latest["period_sort"] <= baseline["period_sort"]:
        return {"change": np.nan, "change_significant": False,
                "change_judgement": "not_compared"}
    result = change_between(indicator, baseline, latest, _number)
    return {"change": float(result.difference), "change_significant": bool(result.significant),
            "change_judgement": CHANGE_JUDGEMENTS.get(str(result.label), "not_compared")}


def _england(store: Store, indicator_id: str, period: str | None) -> dict | None:
    """England's total row at ``period`` (None without an England comparator or row)."""
    codes = [c["code"] for c in store.comparators if c.get("area_type") == "england"]
    if not codes or period is None:
        return None
    rows = store.series(indicator_id, codes[:1])
    rows = rows[rows["period"] == period]
    return None if rows.empty else rows.iloc[0].to_dict()


def _benchmark(indicator: dict, latest: dict | None, england: dict | None) -> str:
    label = compare.benchmark(
        _number(latest, "value"), _number(latest, "lower_ci"), _number(latest, "upper_ci"),
        _number(england, "value"), indicator["polarity"],
    )
    return str(np.asarray(label).item())


def _deprivation(store: Store, indicator_id: str, period: str | None = None) -> pd.DataFrame:
    """The authority's deprivation rows at ``period``: the first breakdown of
    ``DEPRIVATION_PREFERENCE`` (national deciles first) that has rows."""
    for breakdown in DEPRIVATION_PREFERENCE:
        try:
            rows = store.breakdown(indicator_id, breakdown, period=period)
        except KeyError:  # no such period for this breakdown
            continue
        if not rows.empty:
            return rows
    return pd.DataFrame(columns=list(schema.VALUE_COLUMNS))


def _gap(rows: pd.DataFrame) -> tuple[float, float, float]:
    """Most deprived minus least deprived (first and last category), with MOVER limits."""
    if len(rows) < 2:
        return np.nan, np.nan, np.nan
    most, least = rows.iloc[0], rows.iloc[-1]
    result = inequality.gap(
        most["value"], least["value"], most["lower_ci"], most["upper_ci"],
        least["lower_ci"], least["upper_ci"],
    )
    return float(result.value), float(result.lower), float(result.upper)


def _gap_change(latest: tuple[float, float, float], baseline: tuple[float, float, float]) -> str:
    """Narrowed / widened / no significant change of the gap's size since the baseline.

    Both gaps are oriented so that the baseline gap is positive; the change is then tested
    with ``compare.change_since_baseline`` (z-test from the intervals) as "lower is better".
    """
    if not np.isfinite(latest[0]) or not np.isfinite(baseline[0]):
        return "not_available"
    sign = -1.0 if baseline[0] < 0 else 1.0

    def oriented(gap: tuple[float, float, float]) -> tuple[float, float, float]:
        value, lower, upper = (sign * part for part in gap)
        return (value, lower, upper) if sign > 0 else (value, upper, lower)

    result = compare.change_since_baseline(*oriented(baseline), *oriented(latest),
                                           "lower_is_better")
    return GAP_CHANGES.get(str(result.label), "not_available")


def quantile_populations(store: Store, rows: pd.DataFrame) -> np.ndarray:
    """Population of each deprivation quantile: the denominators when all are given,
    otherwise the finest level's (LSOA, MSOA, ward) populations summed by the quantile the
    breakdown groups areas by (national IMD decile or quintile, or local decile or quintile),
    otherwise equal."""
    denominators = rows["denominator"].to_numpy(dtype=float)
    if np.all(np.isfinite(denominators) & (denominators > 0)):
        return denominators
    column = QUANTILE_AREA_COLUMNS.get(str(rows["breakdown"].iloc[0]), "local_quintile")
    for level in sorted(store.levels, key=FINEST_FIRST.index):
        areas = store.areas(level)
        if column == "imd_quintile":
            areas = areas.assign(imd_quintile=(areas["imd_decile"] + 1) // 2)
        totals = areas.groupby(column)["population"].sum()
        populations = totals.reindex(rows["category_sort"].to_numpy()).to_numpy(dtype=float)
        if np.all(np.isfinite(populations) & (populations > 0)):
            return populations
    return np.ones(len(rows))


def deprivation_sii(store: Store, indicator: dict, rows: pd.DataFrame) -> dict | None:
    """SII and RII with Monte Carlo intervals (Low & Low 2004) across deprivation quantiles.

    The one place the summaries and the deprivation chart get them from, so both agree:
    quantile populations from ``quantile_populations``, proportions on the 0-1 scale, a fixed
    number of repetitions and seed. The ``SiiResult`` fields as a dict, plus ``populations``
    (each usable quantile's, which the chart needs to place the fitted line); None when fewer
    than 5 quantiles are usable or the method cannot take the values.
    """
    usable = rows.dropna(subset=["value", "lower_ci", "upper_ci"])
    if len(usable) < inequality.MIN_QUANTILES:
        return None
    populations = quantile_populations(store, usable)
    scale = float(indicator["multiplier"]) if indicator["value_type"] == "proportion" else 1.0
    try:
        result = inequality.sii(
            usable["category_sort"].to_numpy(dtype=float), populations,
            usable["value"].to_numpy(dtype=float) / scale,
            usable["lower_ci"].to_numpy(dtype=float) / scale,
            usable["upper_ci"].to_numpy(dtype=float) / scale,
            value_type=indicator["value_type"], repetitions=SII_REPETITIONS, seed=SII_SEED,
            multiplier=scale,
        )
    except ValueError:  # values or intervals the transform cannot take
        return None
    return {**result._asdict(), "populations": populations.tolist()}


def _sii(store: Store, indicator: dict, rows: pd.DataFrame) -> dict[str, float]:
    """SII and RII across the latest deprivation quantiles, NaN where not computable."""
    result = deprivation_sii(store, indicator, rows) or {}
    return {key: result.get(key, np.nan) for key in ("sii", "sii_lower", "sii_upper", "rii")}


def _trends(store: Store) -> pd.DataFrame:
    """The recent trend of the authority's total for every indicator, indexed by indicator."""
    catalogue = store.indicators()
    series = [store.series(i, [store.area_code]) for i in catalogue["indicator_id"]]
    series = [s for s in series if not s.empty]
    if not series:
        return pd.DataFrame(columns=["direction", "assessment"])
    trends = compare.recent_trends(pd.concat(series, ignore_index=True), catalogue)
    return trends.set_index("indicator_id")


def peer_band(store: Store, indicator_id: str, breakdown: str = "total") -> pd.DataFrame:
    """The peer group's median, minimum and maximum per period and category of ``breakdown``
    (``PEER_BAND_COLUMNS``; the total's category is "Total"), in period then category order;
    only where at least ``MIN_PEERS_FOR_BAND`` members have a value. Empty without a peer
    group."""
    rows = store.series(indicator_id, store.peer_codes, breakdown=breakdown)
    rows = rows.dropna(subset=["value"])
    if rows.empty:
        return pd.DataFrame(columns=list(PEER_BAND_COLUMNS))
    band = (rows.groupby(["period_sort", "period", "category_sort", "category"], sort=True)
            ["value"].agg(median="median", minimum="min", maximum="max", areas="count")
            .reset_index())
    band = band[band["areas"] >= MIN_PEERS_FOR_BAND]
    return band[list(PEER_BAND_COLUMNS)].reset_index(drop=True)


def rank_among(value: float, others: np.ndarray, polarity: str) -> tuple[int, int] | None:
    """``value``'s rank among itself and ``others`` (missing values left out) and how many
    were ranked: 1 = best by polarity; for ``no_judgement``, 1 = highest. Ties share the better
    rank. None when ``value`` is missing or no other value is known."""
    others = np.asarray(others, dtype=float)
    others = others[np.isfinite(others)]
    if not np.isfinite(value) or others.size == 0:
        return None
    better = others < value if polarity == "lower_is_better" else others > value
    return int(better.sum()) + 1, int(others.size) + 1


def _peer_rank(store: Store, indicator: dict, latest: dict | None) -> dict[str, float]:
    """The authority's rank among the peer group in its latest period (NaN when unranked)."""
    if latest is None or not store.peer_codes:
        return {"peer_rank": np.nan, "peer_count": np.nan}
    peers = store.peers(indicator["indicator_id"])
    return _ranked(indicator, latest, peers[peers["period"] == latest["period"]])


def _ranked(indicator: dict, row: dict, peers: pd.DataFrame) -> dict[str, float]:
    """``row``'s rank among the ``peers`` rows (NaN when unranked)."""
    others = peers["value"].to_numpy(dtype=float)
    ranked = rank_among(_number(row, "value"), others, indicator["polarity"])
    if ranked is None:
        return {"peer_rank": np.nan, "peer_count": np.nan}
    return {"peer_rank": float(ranked[0]), "peer_count": float(ranked[1])}


def _by_sex(store: Store, indicator: dict) -> list[dict[str, Any]]:
    """For an indicator published by sex only: each sex's latest value with its interval, its
    baseline value and the change since then, England's value for that sex and period, the
    benchmark against it and the rank among the peer group (the same judgements as the
    total's)."""
    indicator_id = indicator["indicator_id"]
    rows = store.breakdown(indicator_id, "sex")
    if rows.empty:
        return []
    codes = [c["code"] for c in store.comparators if c.get("area_type") == "england"]
    england = (store.breakdown(indicator_id, "sex", area_code=codes[0],
                               period=rows["period"].iloc[0]) if codes else rows.iloc[0:0])
    period = indicator["baseline_period"]
    baseline = (store.breakdown(indicator_id, "sex", period=period)
                if isinstance(period, str) and period else rows.iloc[0:0])

    def by_category(frame: pd.DataFrame) -> dict[str, dict]:
        return dict(zip(frame["category"], frame.to_dict("records"), strict=True))

    england_rows, baseline_rows = by_category(england), by_category(baseline)
    peers = store.series(indicator_id, store.peer_codes, breakdown="sex")
    peers = peers[peers["period"] == rows["period"].iloc[0]]
    found = []
    for row in rows.to_dict("records"):
        other, then = england_rows.get(row["category"]), baseline_rows.get(row["category"])
        found.append({"category": row["category"], "period": row["period"],
                      "value": _number(row, "value"), "lower_ci": _number(row, "lower_ci"),
                      "upper_ci": _number(row, "upper_ci"),
                      "baseline_value": _number(then, "value"),
                      **_change(indicator, row, then),
                      "england_value": _number(other, "value"),
                      "benchmark": _benchmark(indicator, row, other),
                      **_ranked(indicator, row, peers[peers["category"] == row["category"]])})
    return found


def _sparkline(store: Store, indicator_id: str) -> list[float | None]:
    values = store.series(indicator_id, [store.area_code])["value"].to_numpy(dtype=float)
    return [None if np.isnan(v) else float(v) for v in values[-SPARKLINE_POINTS:]]


def _summary(store: Store, indicator: dict, trends: pd.DataFrame) -> dict[str, Any]:
    indicator_id = indicator["indicator_id"]
    latest = store.latest(indicator_id)
    baseline = store.baseline(indicator_id)
    england = _england(store, indicator_id, latest and latest["period"])
    if indicator_id in trends.index:
        trend = str(trends.at[indicator_id, "direction"])
        trend_judgement = TREND_JUDGEMENTS.get(str(trends.at[indicator_id, "assessment"]),
                                               "not_applicable")
    else:
        trend, trend_judgement = compare.CANNOT_BE_CALCULATED, "not_applicable"
    deprivation = _deprivation(store, indicator_id)
    gap_latest = _gap(deprivation)
    gap_baseline = (_gap(_deprivation(store, indicator_id, baseline["period"]))
                    if baseline else (np.nan, np.nan, np.nan))
    benchmark = _benchmark(indicator, latest, england)
    by_sex = _by_sex(store, indicator) if latest is None else []
    return {
        "indicator_id": indicator_id,
        "principle": int(indicator["principle"]),
        "latest_period": latest["period"] if latest else None,
        "value": _number(latest, "value"),
        "lower_ci": _number(latest, "lower_ci"),
        "upper_ci": _number(latest, "upper_ci"),
        "baseline_period": baseline["period"] if baseline else None,
        "baseline_value": _number(baseline, "value"),
        **_change(indicator, latest, baseline),
        "england_value": _number(england, "value"),
        "benchmark": benchmark,
        "trend": trend,
        "trend_judgement": trend_judgement,
        "gap_latest": gap_latest[0],
        "gap_baseline": gap_baseline[0],
        "gap_change": _gap_change(gap_latest, gap_baseline),
        **_sii(store, indicator, deprivation),
        **_peer_rank(store, indicator, latest),
        "red_red": benchmark == compare.WORSE and trend_judgement == "worsening",
        "sparkline": _sparkline(store, indicator_id),
        "note": BY_SEX_ONLY if by_sex else "",
        "by_sex": by_sex,
    }


def summarise(store: Store) -> pd.DataFrame:
    """One row per indicator (catalogue order) with the columns of ``SUMMARY_COLUMNS``.

    For the authority: the latest value and interval; the baseline and the change since it
    (significance and improved / no_significant_change / worsened / not_compared by polarity;
    indicators without a polarity are not judged); England's value for the latest period and
    the benchmark against it; the recent trend (Fingertips trend marker) and its judgement
    (improving / worsening / no_change / not_applicable); the gap between the most and least
    deprived (national deciles, else quintiles, else local ones) at the latest and baseline
    periods and whether it narrowed or widened significantly; SII with its 95% limits and RII
    (10,000 Monte Carlo repetitions, fixed seed); ``peer_rank`` of ``peer_count`` (the
    authority and the peer group's members with a value in its latest period; 1 = best by
    polarity, or highest for indicators without one; NaN without a peer group); ``red_red``
    (worse than England and worsening); the latest ten values for a sparkline; and, for an
    indicator published by sex only (no total for the authority), ``note`` (``BY_SEX_ONLY``)
    and ``by_sex``: each sex's latest value, interval, baseline value, change, England's value,
    benchmark and peer rank (as above).
    """
    trends = _trends(store)
    rows = [_summary(store, indicator, trends)
            for indicator in store.indicators().to_dict(orient="records")]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def principle_scorecard(
    summaries: pd.DataFrame, principle: int | None = None
) -> pd.DataFrame | dict[str, int]:
    """The counts the overview tiles show, one row per principle (``SCORECARD_COLUMNS``).

    ``indicators`` is the number of indicators; ``improved``, ``no_change``, ``worsened``
    count change since the baseline; ``better``, ``similar``, ``worse`` the benchmark against
    England; ``narrowed``, ``widened`` the deprivation gap; ``red_red`` worse than England and
    worsening. With ``principle``, that principle's counts as a dict.
    """
    counts = {
        "improved": summaries["change_judgement"] == "improved",
        "no_change": summaries["change_judgement"] == "no_significant_change",
        "worsened": summaries["change_judgement"] == "worsened",
        "better": summaries["benchmark"] == compare.BETTER,
        "similar": summaries["benchmark"] == compare.SIMILAR,
        "worse": summaries["benchmark"] == compare.WORSE,
        "narrowed": summaries["gap_change"] == "narrowed",
        "widened": summaries["gap_change"] == "widened",
        "red_red": summaries["red_red"].astype(bool),
    }
    flags = pd.DataFrame(counts).assign(indicators=1, principle=summaries["principle"])
    table = flags.groupby("principle").sum().reindex(list(schema.PRINCIPLE_IDS), fill_value=0)
    table = table.reset_index()[list(SCORECARD_COLUMNS)].astype(int)
    if principle is None:
        return table
    row = table[table["principle"] == int(principle)]
    if row.empty:
        raise KeyError(f"unknown principle {principle!r}: expected one of 1 to 8")
    return {key: int(value) for key, value in row.iloc[0].items()}


# The summaries of each store, computed once on first use (the store itself knows nothing of them).
_computed: WeakKeyDictionary[Store, pd.DataFrame] = WeakKeyDictionary()
_computed_rows: WeakKeyDictionary[Store, dict[str, dict[str, Any]]] = WeakKeyDictionary()
_lock = threading.Lock()


def summaries(store: Store) -> pd.DataFrame:
    """One row per indicator of ``store`` (``summarise``), computed once and kept."""
    with _lock:
        if store not in _computed:
            _computed[store] = summarise(store)
            _computed_rows[store] = {row["indicator_id"]: row
                                     for row in _computed[store].to_dict(orient="records")}
        return _computed[store]


def summary(store: Store, indicator_id: str) -> dict[str, Any]:
    """The summary row of one indicator as a dict; KeyError for an unknown indicator."""
    store.indicator(indicator_id)
    summaries(store)
    return dict(_computed_rows[store][indicator_id])
