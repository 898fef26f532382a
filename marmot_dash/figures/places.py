"""Places view: a choropleth of wards or small areas and a ranked bar chart with intervals.

The map uses ``go.Choroplethmap`` (MapLibre); its default ``white-bg`` style needs no tiles,
so it draws with no internet. Features are matched on ``properties.area_code``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from marmot_dash.figures.style import (
    BENCHMARK_LABELS,
    REFERENCE_COLOUR,
    axis_style,
    base_layout,
    benchmark_colour,
    benchmark_word,
    format_value,
    indicator_name,
    unit_label,
)

# Cividis-like sequential scale: readable with every common colour-vision deficiency.
MAP_COLOURSCALE = "Cividis"
FEATURE_ID_KEY = "properties.area_code"
_MAP_PIXELS = 280  # the map height the zoom fits: a phone, or a framed chart on a laptop
_TILE_PIXELS = 512  # MapLibre's world width at zoom 0
_COLOURBAR_PIXELS = 90  # room the colour bar takes beside the map
_PADDING = 0.9  # leave a little space around the boundaries
MAP_BOUNDS_KEY = "map_bounds"  # layout.meta key: the boundaries' (west, south, east, north)
_DARK_FILLS = {"worse", "lower"}


def _rings(geometry: Mapping) -> Iterable[list]:
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        yield from coordinates
    elif geometry.get("type") == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon


def geojson_bounds(geojson: Mapping) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a FeatureCollection of polygons."""
    west = south = math.inf
    east = north = -math.inf
    for feature in geojson.get("features", []):
        for ring in _rings(feature.get("geometry") or {}):
            points = np.asarray(ring, dtype=float)[:, :2]
            (lon_min, lat_min), (lon_max, lat_max) = points.min(axis=0), points.max(axis=0)
            west, south = min(west, float(lon_min)), min(south, float(lat_min))
            east, north = max(east, float(lon_max)), max(north, float(lat_max))
    if not math.isfinite(west):
        return (-6.0, 49.9, 2.0, 55.9)  # England, when there is nothing to fit
    return (west, south, east, north)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    bounds: Sequence[float], width: float = _MAP_PIXELS, height: float = _MAP_PIXELS
) -> tuple[dict, float]:
    """Centre and zoom (Web Mercator) that fit ``bounds`` (west, south, east, north) in a map
    of ``width`` x ``height`` pixels (by default about 280 px square, a phone's map)."""
    west, south, east, north = bounds
    centre = {"lon": (west + east) / 2, "lat": (south + north) / 2}
    lon_fraction = max(east - west, 1e-6) / 360
    lat_fraction = max(_mercator_y(north) - _mercator_y(south), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(width / lon_fraction, height / lat_fraction) / _TILE_PIXELS)
    return centre, round(min(max(zoom, 0.0), 16.0), 2)


def fit_map_to_size(fig: go.Figure, width: int, height: int) -> go.Figure:
    """The map figure with its zoom fitted to a ``width`` x ``height`` image (e.g. a slide).

    Uses the boundaries' extent that ``build_places_map`` keeps in ``layout.meta``; any other
    figure is returned unchanged. The input figure is not modified.
    """
    meta = fig.layout.meta
    bounds = meta.get(MAP_BOUNDS_KEY) if isinstance(meta, dict) else None
    if not bounds:
        return fig
    margin = fig.layout.margin
    plot_width = width - (margin.l or 0) - (margin.r or 0) - _COLOURBAR_PIXELS
    plot_height = height - (margin.t or 0) - (margin.b or 0)
    centre, zoom = fit_view(bounds, max(plot_width, 50) * _PADDING, max(plot_height, 50) * _PADDING)
    fitted = go.Figure(fig)
    fitted.layout.map.center = centre
    fitted.layout.map.zoom = zoom
    return fitted


@dataclass(frozen=True)
class _Places:
    """The places table as arrays (masking arrays is far cheaper than slicing a DataFrame)."""

    code: np.ndarray
    name: np.ndarray
    value: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    label: np.ndarray  # comparison labels, "not_compared" where missing

    @classmethod
    def of(cls, values: pd.DataFrame) -> _Places:
        if "comparison" in values:
            labels = values["comparison"].to_numpy(dtype=object)
            labels = np.array([_label(x) for x in labels], dtype=object)
        else:
            labels = np.full(len(values), "not_compared", dtype=object)
        return cls(
            code=values["area_code"].to_numpy(dtype=object),
            name=values["area_name"].to_numpy(dtype=object),
            value=values["value"].to_numpy(dtype=float),
            lower=values["lower_ci"].to_numpy(dtype=float),
            upper=values["upper_ci"].to_numpy(dtype=float),
            label=labels,
        )

    def take(self, index: np.ndarray) -> _Places:
        return _Places(self.code[index], self.name[index], self.value[index], self.lower[index],
                       self.upper[index], self.label[index])

    def labels_in_order(self) -> list[str]:
        """The labels present: benchmark order first, then any others alphabetically."""
        present = set(self.label)
        return [b for b in BENCHMARK_LABELS if b in present] + sorted(
            present - set(BENCHMARK_LABELS))


def _label(value: object) -> str:
    return value if isinstance(value, str) and value else "not_compared"


def _hover_rows(places: _Places) -> list[list[str]]:
    return [
        [str(name), format_value(value), format_value(lo), format_value(hi),
         benchmark_word(label)]
        for name, value, lo, hi, label in zip(
            places.name, places.value, places.lower, places.upper, places.label, strict=True,
        )
    ]


def _finite(values: np.ndarray) -> list[float | None]:
    """A list for JSON with missing values as None (plotly leaves a gap)."""
    return [None if math.isnan(v) else float(v) for v in values.tolist()]


def _hover_template(unit: str) -> str:
    return (
        "<b>%{customdata[0]}</b><br>"
        f"%{{customdata[1]}} {unit}<br>95% CI %{{customdata[2]}} to %{{customdata[3]}}<br>"
        "%{customdata[4]}<extra></extra>"
    )


def _map_trace(places: _Places, geojson: dict, unit: str, name: str) -> dict:
    return {
        "type": "choroplethmap", "geojson": geojson, "featureidkey": FEATURE_ID_KEY,
        "locations": places.code.tolist(), "name": name,
        "marker": {"line": {"color": "white", "width": 1}},
        "customdata": _hover_rows(places), "hovertemplate": _hover_template(unit),
    }


def _comparison_colouring(places: _Places) -> dict:
    """Benchmark colours as a stepped scale, with the words on the colour bar's ticks.

    One trace (so the boundaries are sent once) whose colour bar doubles as the legend.
    """
    present = places.labels_in_order()
    steps = len(present)
    scale = []
    for index, label in enumerate(present):
        colour = benchmark_colour(label)
        scale += [[index / steps, colour], [(index + 1) / steps, colour]]
    codes = {label: index for index, label in enumerate(present)}
    return {
        "z": [codes[label] for label in places.label], "zmin": -0.5, "zmax": steps - 0.5,
        "colorscale": scale,
        "colorbar": {
            "tickmode": "array", "tickvals": list(range(steps)),
            "ticktext": [benchmark_word(label) for label in present], "thickness": 14,
            "title": {"text": "Compared with the authority", "side": "right"},
        },
    }


def build_places_map(
    values: pd.DataFrame,
    geojson: dict,
    *,
    indicator: Mapping,
    map_style: str = "white-bg",
    colour_by: str = "value",
) -> go.Figure:
    """A choropleth of ``values`` (area_code, area_name, value, lower_ci, upper_ci, comparison).

    ``colour_by="value"`` shades a colour-blind-safe sequential scale with a colour bar;
    ``colour_by="comparison"`` uses the Fingertips benchmark colours with their words on the
    colour bar. The view is fitted to the boundaries. ``map_style`` other than ``white-bg``
    needs map tiles from the internet.
    """
    unit = unit_label(indicator)
    places = _Places.of(values)
    trace = _map_trace(places, geojson, unit, indicator_name(indicator))
    if colour_by == "comparison":
        trace.update(_comparison_colouring(places))
    else:
        trace.update({
            "z": _finite(places.value), "colorscale": MAP_COLOURSCALE,
            "colorbar": {"title": {"text": unit, "side": "right"}, "thickness": 14},
        })
    bounds = geojson_bounds(geojson)
    centre, zoom = fit_view(bounds)
    layout = base_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 60},
        map={"style": map_style, "center": centre, "zoom": zoom},
        meta={MAP_BOUNDS_KEY: list(bounds)},
    )
    return go.Figure(data=[trace], layout=layout)


def _bar_trace(places: _Places, label: str, unit: str) -> dict:
    word = benchmark_word(label)
    return {
        "type": "bar", "x": _finite(places.value), "y": places.name.tolist(),
        "orientation": "h", "name": word,
        "marker": {"color": benchmark_colour(label), "line": {"width": 0}},
        "error_x": {
            "type": "data", "symmetric": False, "color": REFERENCE_COLOUR, "thickness": 1,
            "width": 2,
            "array": _finite(places.upper - places.value),
            "arrayminus": _finite(places.value - places.lower),
        },
        "text": [word] * len(places.code), "textposition": "inside",
        "insidetextanchor": "start",
        "textfont": {"color": "white" if label in _DARK_FILLS else "#1A1A1A"},
        "customdata": _hover_rows(places), "hovertemplate": _hover_template(unit),
    }


def _reference_marks(value: float, label: str) -> tuple[dict, dict]:
    """A dashed line at the authority's value and its legend entry (so no label covers a bar)."""
    line = {"color": REFERENCE_COLOUR, "width": 2, "dash": "dash"}
    shape = {
        "type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0,
        "y1": 1, "line": line, "name": "reference",
    }
    legend_entry = {
        "type": "scatter", "x": [None], "y": [None], "mode": "lines", "line": line,
        "name": f"{label} {format_value(value)}", "hoverinfo": "skip",
    }
    return shape, legend_entry


def build_places_bar(
    values: pd.DataFrame,
    *,
    indicator: Mapping,
    reference_value: float | None,
    reference_label: str,
) -> go.Figure:
    """Areas ranked by value as horizontal bars with 95% error bars.

    Bars are coloured by comparison with the authority and carry the comparison word; the
    authority's value is a vertical reference line.
    """
    places = _Places.of(values)
    known = np.flatnonzero(~np.isnan(places.value))
    ranked = places.take(known[np.argsort(places.value[known], kind="stable")])
    unit = unit_label(indicator)
    traces = [
        _bar_trace(ranked.take(ranked.label == label), label, unit)
        for label in ranked.labels_in_order()
    ]
    shapes = []
    if reference_value is not None and not pd.isna(reference_value):
        shape, legend_entry = _reference_marks(float(reference_value), reference_label)
        shapes.append(shape)
        traces.append(legend_entry)
    layout = base_layout(
        barmode="overlay", bargap=0.25, hovermode="closest",
        uniformtext={"minsize": 9, "mode": "hide"},
        xaxis=axis_style(unit),
        yaxis=axis_style(
            None, type="category", categoryorder="array",
            categoryarray=ranked.name.tolist(), showgrid=False, ticks="",
        ),
        shapes=shapes,
    )
    return go.Figure(data=traces, layout=layout)


def describe_places(
    values: pd.DataFrame,
    *,
    indicator: Mapping,
    reference_label: str = "the authority",
    level: str = "area",
) -> str:
    """A plain-English text alternative of the map and ranked bars."""
    name = indicator_name(indicator)
    known = values.dropna(subset=["value"]).sort_values("value")
    if known.empty:
        return f"No {level} data for {name}."
    high, low = known.iloc[-1], known.iloc[0]
    polarity = indicator.get("polarity")
    text = (
        f"Map and ranked bar chart of {name} across {len(known)} {level}s. "
        f"Highest: {high['area_name']} ({format_value(high['value'])}); "
        f"lowest: {low['area_name']} ({format_value(low['value'])})."
    )
    if polarity in ("higher_is_better", "lower_is_better"):
        best, worst = (high, low) if polarity == "higher_is_better" else (low, high)
        text += f" Best: {best['area_name']}; worst: {worst['area_name']}."
    counts = pd.Series(_Places.of(known).label).value_counts()
    parts = [
        f"{counts[label]} {benchmark_word(label).lower()}"
        for label in BENCHMARK_LABELS
        if label in counts and label != "not_compared"
    ]
    if parts:
        text += f" Compared with {reference_label}: {', '.join(parts)}."
    return text
