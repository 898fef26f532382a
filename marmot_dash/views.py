"""An indicator's views: the one place a chart is made for the screen, a presentation and export.

``view_figure(store, indicator_id, view, ...)`` asks the store for the rows, calls ``stats`` for
the comparisons (benchmark, SII/RII, gaps and ratios) and disclosure control, then one figure
builder, and frames the result with ``figures.slide.frame``. The page's URL state
(``/principle/<n>?indicator=&view=&level=&period=&deprivation=``) is parsed and written here
too, so a copied link opens the same view.
"""

from __future__ import annotations

import csv
import functools
import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from marmot_dash.data.comparisons import england_code
from marmot_dash.data.run_sheets import RunSheet, Step, check_run_sheet
from marmot_dash.data.schema import (
    COHORT_BREAKDOWNS,
    DEPRIVATION_BREAKDOWNS,
    PRINCIPLE_IDS,
    VALUE_COLUMNS,
)
from marmot_dash.data.summaries import deprivation_sii, peer_band
from marmot_dash.figures.callouts import add_theme_callouts
from marmot_dash.figures.cohorts import build_cohorts, describe_cohorts
from marmot_dash.figures.deprivation import build_deprivation, describe_deprivation
from marmot_dash.figures.places import (
    build_places_bar,
    build_places_map,
    describe_places,
)
from marmot_dash.figures.slide import frame
from marmot_dash.figures.trend import build_trend, describe_trend
from marmot_dash.stats.compare import benchmark
from marmot_dash.stats.disclosure import suppress
from marmot_dash.stats.inequality import gap, ratio

VIEWS: tuple[str, ...] = ("trend", "places", "deprivation", "cohorts", "data")
VIEW_LABELS: dict[str, str] = {
    "trend": "Trend",
    "places": "Places",
    "deprivation": "Deprivation",
    "cohorts": "Cohorts",
    "data": "Definition and data",
}
DEFAULT_VIEW = "trend"
# Above these sizes a map response would be several MB (England-wide datasets): the map is left
# out and the ranked bars show the extremes; the table and CSV keep every area.
MAX_MAPPED_AREAS = 800
MAX_RANKED_AREAS = 60

# The columns of a view's table, in the order the page and the CSV show them.
TABLE_COLUMNS = (
    "area_code", "area_name", "area_type", "period", "breakdown", "category",
    "value", "lower_ci", "upper_ci", "count", "denominator", "note",
)
# OWASP's CSV injection rules: a text cell starting with one of these (after any leading
# whitespace, which spreadsheets skip) is read as a formula; tab, CR and LF are refused at the very
# start too. The full-width forms are included because some spreadsheets accept them as formulas.
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_CONTROL_PREFIXES = ("\t", "\r", "\n")

# The deprivation view's groupings: URL value -> breakdown, and how each is named.
DEPRIVATION_CHOICES: dict[str, str] = {
    "national_decile": "deprivation_decile",
    "national_quintile": "deprivation_quintile",
    "local_decile": "local_deprivation_decile",
    "local_quintile": "local_deprivation_quintile",
}
DEPRIVATION_LABELS: dict[str, str] = {
    "national_decile": "National deciles",
    "national_quintile": "National quintiles",
    "local_decile": "Local deciles",
    "local_quintile": "Local quintiles",
}


@dataclass(frozen=True)
class ViewResult:
    """What a view shows: framed figures (the first is the main one), their data and words.

    ``message`` is set (and ``figures`` empty) when the indicator has no data for the view.
    ``table`` holds the values behind the figures after disclosure control.
    """

    view: str
    figures: tuple[go.Figure, ...] = ()
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    description: str = ""
    message: str | None = None

    @property
    def figure(self) -> go.Figure | None:
        """The main figure, or None when the view has nothing to draw."""
        return self.figures[0] if self.figures else None


@dataclass(frozen=True)
class ViewState:
    """The page state carried in the URL; ``problem`` says in words what was wrong, if anything."""

    principle: int | None = None
    indicator: str | None = None
    view: str = DEFAULT_VIEW
    level: str | None = None
    period: str | None = None
    deprivation: str | None = None  # a key of DEPRIVATION_CHOICES
    callouts: bool = False
    problem: str | None = None
    place: str | None = None  # the place in the address (/<place>/principle/<n>), if any


# ---------------------------------------------------------------------------------------------
# URL state


def _first(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_PAGE_PATH = re.compile(r"/?(?:([^/?#]+)/)?(principle|present|report)/([^/?#]*)/?")


def _principle_number(pathname: str | None) -> str | None:
    match = _PAGE_PATH.fullmatch((pathname or "").strip())
    return match.group(3) if match and match.group(2) == "principle" else None


def place_of_path(pathname: str | None) -> str | None:
    """The place of a ``/<place>/principle|present|report/<n>`` address (None without one)."""
    match = _PAGE_PATH.fullmatch((pathname or "").strip())
    return match.group(1) if match else None


def place_prefix(place: str | None) -> str:
    """What goes before a page's path for a place: ``/<place>``, or nothing (the primary
    place at the single-place addresses)."""
    return f"/{place}" if place else ""


def parse_view_state(store, pathname: str | None, search: str | None) -> ViewState:
    """The state in ``[/<place>]/principle/<n>?indicator=&view=&level=&period=&deprivation=``,
    checked against the store (the place's: see ``place_of_path``).

    Missing values take defaults (the principle's first indicator with a value for the
    authority, else its first; the trend view; the first level with the indicator's values and
    the latest period there; no deprivation grouping, so the view shows the first the indicator
    has: national deciles first). A bad value gives a state whose ``problem`` names it and says
    what is allowed; this never raises for user input.
    """
    params = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    return state_from_params(store, _principle_number(pathname), params,
                             place=place_of_path(pathname))


def state_from_params(store, principle: object, params: Mapping[str, object], *,
                      place: str | None = None) -> ViewState:
    """Validate a principle number and query parameters (as Dash pages pass them); ``place``
    is the place in the address (kept in the links the state makes)."""
    number = _parse_principle(store, principle)
    if isinstance(number, str):
        return ViewState(problem=number, place=place)
    state = ViewState(principle=number, callouts=_first(params, "callouts") in ("1", "on", "true"),
                      place=place)
    checks = (_with_indicator, _with_view, _with_level, _with_period, _with_deprivation)
    for check in checks:
        state = check(store, state, params)
        if state.problem:
            return state
    return state


def _parse_principle(store, principle: object) -> int | str:
    text = str(principle).strip() if principle is not None else ""
    try:
        return int(store.principle(int(text))["id"]) if text.isdigit() else _bad(text)
    except KeyError:
        return _bad(text)


def _bad(text: str) -> str:
    return (f"There is no principle '{text or '(none)'}'. The principles are numbered "
            f"{min(PRINCIPLE_IDS)} to {max(PRINCIPLE_IDS)}.")


def _with_indicator(store, state: ViewState, params: Mapping[str, object]) -> ViewState:
    ids = list(store.indicators(principle=state.principle)["indicator_id"])
    wanted = _first(params, "indicator")
    if wanted is None:
        if not ids:
            return replace(state, problem=f"Principle {state.principle} has no indicators yet.")
        with_values = [i for i in ids if store.latest(i) is not None]
        return replace(state, indicator=(with_values or ids)[0])
    if wanted in ids:
        return replace(state, indicator=wanted)
    try:
        other = int(store.indicator(wanted)["principle"])
    except KeyError:
        return replace(state, problem=f"There is no indicator '{wanted}' in this dataset.")
    return replace(
        state,
        problem=f"Indicator '{wanted}' belongs to principle {other}, not principle "
                f"{state.principle}.",
    )


def _with_view(store, state: ViewState, params: Mapping[str, object]) -> ViewState:
    wanted = _first(params, "view") or DEFAULT_VIEW
    if wanted not in VIEWS:
        return replace(state, problem=f"There is no view '{wanted}'. The views are "
                                      f"{', '.join(VIEWS)}.")
    return replace(state, view=wanted)


def _with_level(store, state: ViewState, params: Mapping[str, object]) -> ViewState:
    levels = list(store.levels)
    wanted = _first(params, "level")
    if wanted is None:
        with_rows = indicator_levels(store, state.indicator)
        return replace(state, level=(with_rows or levels or [None])[0])
    if wanted not in levels:
        allowed = ", ".join(levels) if levels else "none"
        return replace(state, problem=f"There is no level '{wanted}' in this dataset. "
                                      f"Its levels are: {allowed}.")
    return replace(state, level=wanted)


def _with_period(store, state: ViewState, params: Mapping[str, object]) -> ViewState:
    wanted = _first(params, "period")
    if wanted is None:
        return state
    periods = _place_periods(store, state.indicator, state.level)
    if wanted not in periods:
        allowed = f"{periods[0]} to {periods[-1]}" if periods else "none"
        return replace(state, problem=f"There is no period '{wanted}' for this indicator at "
                                      f"{state.level} level. Its periods are {allowed}.")
    return replace(state, period=wanted)


def _with_deprivation(store, state: ViewState, params: Mapping[str, object]) -> ViewState:
    wanted = _first(params, "deprivation")
    if wanted is None:  # the view shows the first grouping the indicator has
        return state
    if wanted not in DEPRIVATION_CHOICES:
        return replace(state, problem=f"There is no deprivation grouping '{wanted}'. The "
                                      f"groupings are {', '.join(DEPRIVATION_CHOICES)}.")
    return replace(state, deprivation=wanted)


def indicator_levels(store, indicator_id: str | None) -> list[str]:
    """The dataset's small-area levels at which the indicator has values, in dataset order."""
    if indicator_id is None:
        return []
    return [level for level in store.levels if store.periods(indicator_id, area_type=level)]


def deprivation_choices(store, indicator_id: str | None) -> list[str]:
    """The keys of ``DEPRIVATION_CHOICES`` the indicator has values for, in that order."""
    if indicator_id is None:
        return []
    return [key for key, breakdown in DEPRIVATION_CHOICES.items()
            if store.breakdown(indicator_id, breakdown)["value"].notna().any()]


def cohort_breakdowns(store, indicator_id: str) -> list[str]:
    """The cohort breakdowns (sex, age, ethnicity, pupil group) the indicator has rows for."""
    present = set(store.cohorts(indicator_id)["breakdown"])
    return [breakdown for breakdown in COHORT_BREAKDOWNS if breakdown in present]


def _place_periods(store, indicator_id: str | None, level: str | None) -> list[str]:
    if indicator_id is None or level is None:
        return []
    return list(store.periods(indicator_id, area_type=level))


def view_state_to_search(state: ViewState) -> str:
    """The URL search string (``?indicator=...``) for a state; empty values are left out."""
    params = {
        "indicator": state.indicator,
        "view": state.view,
        "level": state.level,
        "period": state.period,
        "deprivation": state.deprivation,
        "callouts": "on" if state.callouts else None,
    }
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else ""


def view_href(state: ViewState, **changes: object) -> str:
    """The path and search of the page showing ``state`` with ``changes`` applied."""
    changed = replace(state, **changes)
    return (f"{place_prefix(changed.place)}/principle/{changed.principle}"
            f"{view_state_to_search(changed)}")


# ---------------------------------------------------------------------------------------------
# CSV


def neutralise_csv_cells(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with formula-like text cells prefixed by ``'``: those starting with ``= + - @``
    (also after leading whitespace), a tab, a carriage return or a line feed.

    Spreadsheet programs run such cells as formulas (CSV injection, OWASP). Numbers are left as
    numbers, so a negative value stays a negative number.
    """
    out = table.copy()
    for column in out.columns:
        cells = out[column]
        if cells.dtype.kind in "iufb":
            continue
        risky = _formula_like(cells)
        if risky.any():
            cells = cells.astype(object)
            out[column] = cells.mask(risky, cells[risky].map(lambda cell: "'" + cell))
    return out


# Every character str.lstrip() strips (none is above U+3000), as a regular expression class
# that Python's re and Arrow's RE2 read alike (the characters themselves, "-" escaped).
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
CSV_FORMULA_PATTERN = ("^(?:[" + "".join(CSV_CONTROL_PREFIXES) + "]|[" + _SPACES + "]*["
                       + "".join(CSV_FORMULA_PREFIXES).replace("-", "\\-") + "])")


def _formula_like(cells: pd.Series) -> np.ndarray:
    """Which cells are formula-like text (one regular expression pass: RE2 on Arrow text)."""
    try:
        found = cells.str.contains(CSV_FORMULA_PATTERN, regex=True)
    except AttributeError:  # no text in the column
        return np.zeros(len(cells), dtype=bool)
    return found.fillna(False).to_numpy(dtype=bool)


def table_to_csv(table: pd.DataFrame) -> str:
    """The table as CSV text with formula cells neutralised and suppressed cells blank; every
    text cell is quoted (OWASP), numbers are not.

    The text is exactly what ``DataFrame.to_csv(quoting=csv.QUOTE_NONNUMERIC, na_rep="")``
    writes, built a column at a time with Arrow (pandas' writer formats and quotes cell by cell
    in Python: 0.15 s for an England-wide place's 40k rows); a column of another type than
    numbers or text goes through pandas' writer.
    """
    safe = neutralise_csv_cells(table)
    names = [str(name) for name in safe.columns]
    cells = [_csv_cells(safe[name]) for name in safe.columns]
    if not names or names != list(safe.columns) or any(column is None for column in cells):
        return safe.to_csv(index=False, na_rep="", quoting=csv.QUOTE_NONNUMERIC)
    header = ",".join(_quoted(pa.array(names)).to_pylist())
    rows = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    return "\n".join([header, *rows.to_pylist(), ""])


def _quoted(texts: pa.Array) -> pa.Array:
    """Each text in double quotes, its own quotes doubled; a missing one as ``""``."""
    doubled = pc.replace_substring(texts, '"', '""')
    return pc.binary_join_element_wise('"', doubled, '"', "").fill_null('""')


def _csv_cells(cells: pd.Series) -> pa.Array | None:
    """A column's CSV cells as Python's csv module writes them (``str`` of a number, quoted
    text, ``""`` for a missing value), or None for a type written otherwise."""
    if isinstance(cells.dtype, np.dtype) and cells.dtype.kind in "iub":
        return pa.array(cells.to_numpy().astype(str))
    if isinstance(cells.dtype, np.dtype) and cells.dtype.kind == "f":
        return _float_cells(cells.to_numpy(dtype=float))
    try:
        texts = pa.array(cells, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects
        return None
    kind = texts.type.value_type if pa.types.is_dictionary(texts.type) else texts.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return None  # numbers held as objects, dates, nullable numbers...
    return _quoted(texts.cast(pa.string()))


def _float_cells(values: np.ndarray) -> pa.Array:
    """``repr`` of each float (``""`` for NaN). Arrow writes the same shortest digits from 1e-4
    to 1e10 except for whole numbers (written here as integers with ``.0``); the rare others
    (exponents, -0.0, infinities) get Python's own ``repr``."""
    magnitude = np.abs(values)
    negative_zero = (values == 0) & np.signbit(values)
    whole = (values == np.trunc(values)) & (magnitude < 2.0**53) & ~negative_zero
    usual = (magnitude >= 1e-4) & (magnitude < 1e10)
    integers = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
    text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(integers, ".0", ""),
                      pc.cast(pa.array(values), pa.string()))
    missing = np.isnan(values)
    text = pc.if_else(pa.array(missing), '""', text)
    odd = ~(missing | whole | usual)
    if odd.any():
        cells = text.to_numpy(zero_copy_only=False).astype(object)
        cells[odd] = [repr(value) for value in values[odd].tolist()]
        text = pa.array(cells, type=pa.string())
    return text


def chart_table(result: ViewResult, index: int = 0) -> pd.DataFrame:
    """The rows figure ``index`` of ``result`` draws (its level, period, groups and intervals).

    Every figure of a view draws its table, except a ranked places chart of a large area set,
    which draws only the highest and lowest areas (as ``_places_view`` chose them).
    """
    if not 0 <= index < len(result.figures):
        raise IndexError(f"this view has {len(result.figures)} chart(s); no chart {index + 1}")
    table = result.table
    ranked = result.view == "places" and index == len(result.figures) - 1
    shown = table.dropna(subset=["value"]) if ranked else table
    if ranked and len(shown) > MAX_RANKED_AREAS:
        shown = _extremes(shown, MAX_RANKED_AREAS // 2)
    return shown.reset_index(drop=True)


def figure_marks(fig: go.Figure) -> dict[str, str]:
    """A framed figure's title, subtitle and source line as plain text (``frame`` wrote them)."""
    title = fig.layout.title
    source = next((a.text for a in fig.layout.annotations if a.name == "source"), "") or ""
    subtitle = (title.subtitle.text or "") if title.subtitle else ""
    return {"title": _plain(title.text or ""), "subtitle": _plain(subtitle.replace("<br>", "; ")),
            "source": _plain(source).removeprefix("Source: ")}


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text)).strip()


def chart_csv(result: ViewResult, index: int, *, link: str, today: str) -> str:
    """The data behind one chart as CSV: first its title, subtitle, source, date and link, one
    per line, then a blank line and the rows it draws (formula cells neutralised)."""
    marks = figure_marks(result.figures[index])
    header = pd.DataFrame([("Title", marks["title"]), ("Subtitle", marks["subtitle"]),
                           ("Source", marks["source"]), ("Date", today), ("Link", link)])
    lines = neutralise_csv_cells(header).to_csv(index=False, header=False)
    return lines + "\n" + table_to_csv(chart_table(result, index))


# ---------------------------------------------------------------------------------------------
# Views


def view_figure(
    store,
    indicator_id: str,
    view: str,
    *,
    level: str | None = None,
    period: str | None = None,
    deprivation: str | None = None,
    callouts: bool = False,
    copy: bool = True,
) -> ViewResult:
    """The framed figures, table and text alternative of one view of one indicator.

    ``level`` and ``period`` choose the places view's small areas (default: the first level
    with values, its latest period); ``deprivation`` (a key of ``DEPRIVATION_CHOICES``) the
    deprivation view's grouping (default: the first the indicator has). Results are cached per
    store, indicator, view, level, period, grouping and call-out choice. The
    figures returned are copies, so callers may change them; a caller that only serialises
    them (a page callback) may pass ``copy=False`` to skip the copy.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    store.indicator(indicator_id)  # a clear KeyError for an unknown id
    if view != "places":  # only the places view depends on the level and period
        level = period = None
    if view != "deprivation":
        deprivation = None
    result = _cached_view(StoreKey(store), indicator_id, view, level, period, deprivation,
                          callouts)
    if not copy:
        return result
    return replace(result, figures=tuple(go.Figure(fig) for fig in result.figures),
                   table=result.table.copy())


class StoreKey:
    """Hashes a store by identity, so caches keyed on it are per loaded dataset."""

    __slots__ = ("store",)

    def __init__(self, store) -> None:
        self.store = store

    def __hash__(self) -> int:
        return id(self.store)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoreKey) and other.store is self.store


# 96 results cover every view of a principle several times over; England-wide one places table
# holds ~33,000 rows (~10 MB), so the bound keeps the cache well under a gigabyte.
@functools.lru_cache(maxsize=96)
def _cached_view(
    key: StoreKey, indicator_id: str, view: str, level: str | None, period: str | None,
    deprivation: str | None, callouts: bool,
) -> ViewResult:
    store = key.store
    indicator = store.indicator(indicator_id)
    if view == "places":
        result = _places_view(store, indicator, level=level, period=period)
    elif view == "deprivation":
        result = _deprivation_view(store, indicator, deprivation)
    else:
        builders = {"trend": _trend_view, "cohorts": _cohorts_view, "data": _data_view}
        result = builders[view](store, indicator)
    if callouts and result.figures:
        principle = int(indicator["principle"])
        result = replace(result, figures=_with_callouts(store, result.figures, view, principle))
    return result


def _with_callouts(store, figures: tuple[go.Figure, ...], view: str, principle: int
                   ) -> tuple[go.Figure, ...]:
    first = add_theme_callouts(go.Figure(figures[0]), store.themes, view, principle=principle)
    return (first, *figures[1:])


def _threshold(store) -> int:
    return int(store.meta.get("disclosure_threshold", 5) or 5)


def _suppressed(store, table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return table
    return suppress(table, threshold=_threshold(store))


def _framed(store, fig: go.Figure, indicator: Mapping, title: str, subtitle: str,
            periods: str) -> go.Figure:
    return frame(
        fig,
        title=title,
        subtitle=subtitle,
        source=source_line(store, indicator, periods),
        illustrative=bool(store.is_illustrative),
    )


def source_line(store, indicator: Mapping, periods: str) -> str:
    """The chart's source: the indicator's publisher (else the dataset's name) and the periods
    shown, e.g. "DfE (via ONS Explore Local Statistics), 2015/16 to 2022/23"."""
    publisher = _text(indicator.get("publisher")) or _text(store.meta.get("name")) or "dataset"
    return f"{publisher}, {periods}" if periods else publisher


def _span(periods: list[str]) -> str:
    """ "2015 to 2022" (or one period) for a list of period labels in order."""
    periods = list(dict.fromkeys(periods))
    return "" if not periods else periods[0] if len(periods) == 1 else \
        f"{periods[0]} to {periods[-1]}"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _name(indicator: Mapping) -> str:
    return _text(indicator.get("short_name")) or _text(indicator.get("name"))


def _no_data(view: str, indicator: Mapping, what: str) -> ViewResult:
    return ViewResult(view=view, message=f"{_name(indicator)} has no {what} in this dataset.")


def _table(rows: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    columns = [c for c in (*TABLE_COLUMNS, *extra) if c in rows.columns]
    return rows.loc[:, columns].reset_index(drop=True)


# Trend -----------------------------------------------------------------------------------------


def _trend_view(store, indicator: Mapping) -> ViewResult:
    indicator_id = indicator["indicator_id"]
    breakdown, series = _trend_rows(store, indicator_id)
    own = series[series["area_code"] == store.area_code]
    if breakdown is None:
        return _no_data("trend", indicator, f"values over time for {store.area_name}")
    series = series.assign(benchmark=_benchmark_against_england(store, series, indicator))
    band = peer_band(store, indicator_id, breakdown)
    group = store.peer_group
    peer_name = group["name"] if group and not band.empty else None
    fig = build_trend(
        series,
        indicator=indicator,
        area_code=store.area_code,
        baseline_period=_text(indicator.get("baseline_period")) or None,
        target=_number(indicator.get("target")),
        target_period=_text(indicator.get("target_period")) or None,
        peer_band=band if peer_name else None,
        peer_name=peer_name,
    )
    # only the comparators and intervals this indicator has (an LTLA-only source has no England)
    shown = set(series.loc[series["value"].notna(), "area_code"])
    against = [c["name"] for c in store.comparators if c["code"] in shown]
    if peer_name:  # named in the legend; the subtitle stays one line
        against.append(f"{len(store.peer_codes)} similar authorities (median and range)")
    listed = " against " + ", ".join(against[:-1]) + (" and " if len(against) > 1 else "") \
        + against[-1] if against else " over time"
    intervals = ", with 95% intervals" if own["lower_ci"].notna().any() else ""
    subtitle = f"{store.area_name}{listed}{intervals}"
    title = f"{_name(indicator)}: trend"
    if breakdown == "sex":
        title += " by sex"
        subtitle += "; published by sex only"
    fig = _framed(store, fig, indicator, title, subtitle,
                  _span(own.dropna(subset=["value"])["period"].tolist()))
    table = _table(series, ("benchmark",))
    if peer_name:
        members = _suppressed(store, store.series(indicator_id, store.peer_codes,
                                                  breakdown=breakdown))
        table = pd.concat([table, _table(members)], ignore_index=True)
    return ViewResult(
        view="trend",
        figures=(fig,),
        table=table,
        description=describe_trend(series, indicator=indicator, area_code=store.area_code,
                                   peer_band=band if peer_name else None, peer_name=peer_name),
    )


def _trend_rows(store, indicator_id: str) -> tuple[str | None, pd.DataFrame]:
    """The authority's and comparators' totals over time, or their rows by sex for an indicator
    published by sex only (no total for the authority): the breakdown and its rows, after
    disclosure control. The breakdown is None when the authority has no value in either."""
    for breakdown in ("total", "sex"):
        series = _suppressed(store, store.series(indicator_id, breakdown=breakdown))
        if series.loc[series["area_code"] == store.area_code, "value"].notna().any():
            return breakdown, series
    return None, series


def _benchmark_against_england(store, series: pd.DataFrame, indicator: Mapping) -> np.ndarray:
    """Each authority point's comparison with England in the same period and category (the
    same sex, for an indicator published by sex); others blank."""
    keys = ["period", "category"]
    england = series[series["area_code"] == england_code(store)].set_index(keys)["value"]
    comparator = england.reindex(pd.MultiIndex.from_frame(series[keys])).to_numpy(dtype=float)
    labels = benchmark(
        series["value"].to_numpy(dtype=float),
        series["lower_ci"].to_numpy(dtype=float),
        series["upper_ci"].to_numpy(dtype=float),
        comparator,
        indicator["polarity"],
    )
    own = (series["area_code"] == store.area_code).to_numpy()
    return np.where(own, labels, None)


# Places ----------------------------------------------------------------------------------------


def _places_view(store, indicator: Mapping, *, level: str | None, period: str | None
                 ) -> ViewResult:
    indicator_id = indicator["indicator_id"]
    level = level or _first_level_with_data(store, indicator_id)
    periods = _place_periods(store, indicator_id, level)
    if not periods:
        return _no_data("places", indicator, f"values for {level or 'small areas'}")
    period = period or periods[-1]
    places = _suppressed(store, store.small_areas(indicator_id, level, period))
    if places["value"].notna().sum() == 0:
        return _no_data("places", indicator, f"values for {level}s in {period}")
    authority = _authority_value(store, indicator_id, period)
    places = places.assign(comparison=benchmark(
        places["value"].to_numpy(dtype=float),
        places["lower_ci"].to_numpy(dtype=float),
        places["upper_ci"].to_numpy(dtype=float),
        np.full(len(places), np.nan if authority is None else authority),
        indicator["polarity"],
    ))
    subtitle = f"{LEVEL_PLURALS.get(level, level)}, {period}, compared with {store.area_name}"
    name = _name(indicator)
    figures = []
    shown = places.dropna(subset=["value"])
    if len(places) <= MAX_MAPPED_AREAS and level in store.dataset.geo:
        geojson = _features_for(store.geometry(level), set(places["area_code"]))
        figures.append(_framed(store, build_places_map(places, geojson, indicator=indicator),
                               indicator, f"{name}: map by {level_word(level)}", subtitle,
                               period))
    ranked_title = f"{name}: {level_word(level)}s ranked"
    if len(shown) > MAX_RANKED_AREAS:
        shown = _extremes(shown, MAX_RANKED_AREAS // 2)
        ranked_title = (f"{name}: the {MAX_RANKED_AREAS // 2} highest and lowest of "
                        f"{len(places):,} {level_word(level)}s")
    figures.append(_framed(
        store,
        build_places_bar(shown, indicator=indicator, reference_value=authority,
                         reference_label=store.area_name),
        indicator, ranked_title, subtitle, period,
    ))
    description = describe_places(places, indicator=indicator, reference_label=store.area_name,
                                  level=level_word(level))
    if len(places) > MAX_MAPPED_AREAS:
        description += (f" There are too many {level_word(level)}s ({len(places):,}) to map "
                        "here; choose a coarser level or download the data.")
    return ViewResult(
        view="places",
        figures=tuple(figures),
        table=_table(places, ("comparison",)),
        description=description,
    )


def _extremes(rows: pd.DataFrame, each: int) -> pd.DataFrame:
    """The ``each`` highest and ``each`` lowest rows by value."""
    ordered = rows.sort_values("value")
    return pd.concat([ordered.head(each), ordered.tail(each)])


LEVEL_WORDS = {"ward": "ward", "lsoa": "LSOA", "msoa": "MSOA"}
LEVEL_PLURALS = {"ward": "Wards", "lsoa": "LSOAs", "msoa": "MSOAs"}


def level_word(level: str | None) -> str:
    """How a level is named in text: ward, LSOA, MSOA."""
    return LEVEL_WORDS.get(level or "", level or "area")


def _first_level_with_data(store, indicator_id: str) -> str | None:
    return (indicator_levels(store, indicator_id) or [None])[0]


def _authority_value(store, indicator_id: str, period: str) -> float | None:
    rows = store.series(indicator_id, area_codes=[store.area_code])
    rows = rows[rows["period"] == period]
    return _number(rows["value"].iloc[0]) if len(rows) else None


def _features_for(geojson: Mapping, codes: set[str]) -> dict:
    """Only the features of the areas shown (keeps a map response small)."""
    features = [f for f in geojson.get("features", ())
                if f.get("properties", {}).get("area_code") in codes]
    return {"type": "FeatureCollection", "features": features}


# Deprivation -----------------------------------------------------------------------------------


DEPRIVATION_WORDS = {
    "deprivation_decile": ("national deprivation decile", "deciles of England's Index of "
                           "Multiple Deprivation"),
    "deprivation_quintile": ("national deprivation quintile", "quintiles of England's Index of "
                             "Multiple Deprivation"),
    "local_deprivation_decile": ("deprivation decile within {area}", "tenths of {area}'s own "
                                 "small areas by deprivation"),
    "local_deprivation_quintile": ("deprivation quintile within {area}", "fifths of {area}'s "
                                   "own small areas by deprivation"),
}


def _deprivation_rows(store, indicator_id: str, period: str | None = None,
                      breakdowns: tuple[str, ...] = DEPRIVATION_BREAKDOWNS
                      ) -> tuple[str | None, pd.DataFrame]:
    for breakdown in breakdowns:
        rows = store.breakdown(indicator_id, breakdown, period=period)
        if len(rows) and rows["value"].notna().any():
            return breakdown, rows
    return None, pd.DataFrame(columns=list(VALUE_COLUMNS))


def _deprivation_view(store, indicator: Mapping, choice: str | None) -> ViewResult:
    indicator_id = indicator["indicator_id"]
    wanted = (DEPRIVATION_CHOICES[choice],) if choice in DEPRIVATION_CHOICES \
        else DEPRIVATION_BREAKDOWNS
    breakdown, latest = _deprivation_rows(store, indicator_id, breakdowns=wanted)
    if breakdown is None:
        what = (DEPRIVATION_WORDS[wanted[0]][0].format(area=store.area_name)
                if len(wanted) == 1 else "deprivation")
        return _no_data("deprivation", indicator, f"breakdown by {what}")
    latest = _suppressed(store, latest)
    baseline_period = _text(indicator.get("baseline_period")) or None
    baseline = None
    if baseline_period and baseline_period != latest["period"].iloc[0]:
        baseline = _suppressed(store, store.breakdown(indicator_id, breakdown,
                                                      period=baseline_period))
        baseline = baseline if len(baseline) else None
    index = deprivation_sii(store, indicator, latest)
    fig = build_deprivation(latest, indicator=indicator, sii=index, baseline=baseline)
    grouping, groups = DEPRIVATION_WORDS[breakdown]
    shown = [baseline["period"].iloc[0]] if baseline is not None else []
    shown.append(latest["period"].iloc[0])
    fig = _framed(store, fig, indicator,
                  f"{_name(indicator)}: by {grouping.format(area=store.area_name)}",
                  f"{store.area_name}, {latest['period'].iloc[0]}; "
                  f"{groups.format(area=store.area_name)}, 1 = most deprived",
                  " and ".join(shown))
    table = pd.concat([t for t in (latest, baseline) if t is not None], ignore_index=True)
    return ViewResult(
        view="deprivation",
        figures=(fig,),
        table=_table(table),
        description=describe_deprivation(latest, indicator=indicator, sii=index,
                                         baseline=baseline),
    )


# Cohorts ---------------------------------------------------------------------------------------


def no_cohorts_message(indicator: Mapping) -> str:
    """The plain sentence for an indicator without cohort rows; pupil groups (free school
    meals, looked after) are named only for an indicator of pupils."""
    of_pupils = "pupil" in _text(indicator.get("name")).lower()
    groups = "sex, age, ethnicity or pupil group" if of_pupils else "sex, age or ethnicity"
    return f"No breakdown by {groups} is published for this indicator."


def _cohorts_view(store, indicator: Mapping) -> ViewResult:
    rows = store.cohorts(indicator["indicator_id"])
    if rows.empty:
        return ViewResult(view="cohorts", message=no_cohorts_message(indicator))
    rows = _suppressed(store, rows)
    reference = reference_groups(rows)
    rows = _with_gaps_to_reference(rows, reference)
    fig = build_cohorts(rows, indicator=indicator, reference=reference)
    fig = _framed(store, fig, indicator, f"{_name(indicator)}: by cohort",
                  f"{store.area_name}, {rows['period'].iloc[0]}; gaps and ratios to the "
                  "reference group", str(rows["period"].iloc[0]))
    return ViewResult(
        view="cohorts",
        figures=(fig,),
        table=_table(rows, ("reference", "gap", "gap_lower", "gap_upper", "ratio", "ratio_lower",
                            "ratio_upper")),
        description=describe_cohorts(rows, indicator=indicator, reference=reference),
    )


def reference_groups(rows: pd.DataFrame) -> dict[str, str]:
    """Each breakdown's reference group: its largest category by denominator (else the first)."""
    reference: dict[str, str] = {}
    for breakdown in COHORT_BREAKDOWNS:
        part = rows[rows["breakdown"] == breakdown]
        if part.empty:
            continue
        sizes = part["denominator"].astype(float)
        best = sizes.idxmax() if sizes.notna().any() else part.index[0]
        reference[breakdown] = str(part.loc[best, "category"])
    return reference


def _with_gaps_to_reference(rows: pd.DataFrame, reference: Mapping[str, str]) -> pd.DataFrame:
    """Gap and ratio of each group to its breakdown's reference group, with MOVER limits."""
    keys = list(zip(rows["breakdown"], rows["category"], strict=True))
    lookup = rows.set_index(["breakdown", "category"])
    ref = lookup.reindex([(b, reference.get(b)) for b, _ in keys])
    columns = ("value", "lower_ci", "upper_ci")
    own = [rows[c].to_numpy(dtype=float) for c in columns]
    other = [ref[c].to_numpy(dtype=float) for c in columns]
    with np.errstate(invalid="ignore", divide="ignore"):
        gaps = gap(own[0], other[0], own[1], own[2], other[1], other[2])
        ratios = ratio(own[0], other[0], own[1], own[2], other[1], other[2])
    return rows.assign(
        reference=rows["breakdown"].map(reference),
        gap=gaps[0], gap_lower=gaps[1], gap_upper=gaps[2],
        ratio=ratios[0], ratio_lower=ratios[1], ratio_upper=ratios[2],
    )


# Definition and data ---------------------------------------------------------------------------


def _data_view(store, indicator: Mapping) -> ViewResult:
    """The values behind every chart of the indicator, one table (no figure)."""
    indicator_id = indicator["indicator_id"]
    parts = [_suppressed(store, store.series(indicator_id)),
             _suppressed(store, store.peers(indicator_id))]
    parts += [_suppressed(store, store.small_areas(indicator_id, level))
              for level in indicator_levels(store, indicator_id)]
    parts += [_suppressed(store, store.breakdown(indicator_id, DEPRIVATION_CHOICES[choice]))
              for choice in deprivation_choices(store, indicator_id)]
    cohorts = store.cohorts(indicator_id)
    if not cohorts.empty:
        parts.append(_suppressed(store, cohorts))
    table = pd.concat([_table(p) for p in parts if not p.empty], ignore_index=True)
    if table.empty:
        return _no_data("data", indicator, "values")
    described = (f"{len(table)} values for {_name(indicator)}: the trend for "
                 f"{store.area_name} and its comparators, places (latest period at each "
                 "level), deprivation and cohorts.")
    return ViewResult(view="data", table=table, description=described)


# Run sheets ------------------------------------------------------------------------------------


def step_view(store, step: Step, *, copy: bool = True) -> ViewResult:
    """The view a run-sheet step shows (its level, period, deprivation grouping and call-out
    choice included); an unknown grouping is the result's ``message``, never a silent default."""
    if step.deprivation is not None and step.deprivation not in DEPRIVATION_CHOICES:
        return ViewResult(view=step.view, message=(
            f"there is no deprivation grouping '{step.deprivation}'. The groupings are "
            f"{', '.join(DEPRIVATION_CHOICES)}."))
    return view_figure(store, step.indicator, step.view, level=step.level, period=step.period,
                       deprivation=step.deprivation, callouts=step.callouts, copy=copy)


def step_state(step: Step) -> ViewState:
    """The principle page's URL state of a run-sheet step (all of it: a QR code or link made
    from it opens the very chart the step shows)."""
    return ViewState(principle=step.principle, indicator=step.indicator, view=step.view,
                     level=step.level, period=step.period, deprivation=step.deprivation,
                     callouts=step.callouts)


def run_sheet_problems(store, sheet: RunSheet) -> list[str]:
    """Every step of ``sheet`` the dataset cannot show, by name: the run sheet's own checks
    (unknown indicator, level or period) and then the view's "no data" message."""
    return check_run_sheet(store, sheet,
                           view_message=lambda step: step_view(store, step, copy=False).message)
