"""Shared chart style: benchmark colours, symbols and words, trend marks, fonts, palette.

Benchmark colours are the OHID Fingertips ones. Colour is never the only carrier of meaning:
every benchmark label also has a marker symbol and a word. The categorical palette is
Okabe-Ito (Okabe and Ito, 2008, "Color Universal Design"), safe for the common colour-vision
deficiencies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from marmot_dash.stats.compare import BENCHMARK_LABELS as BENCHMARK_LABELS

BENCHMARK_COLOURS: dict[str, str] = {
    "better": "#92D050",
    "similar": "#FFC000",
    "worse": "#C00000",
    "higher": "#BED2FF",
    "lower": "#5555E6",
    "not_compared": "#C9C9C9",
}

# Plotly marker symbols: distinct shapes so the label reads without colour.
BENCHMARK_SYMBOLS: dict[str, str] = {
    "better": "triangle-up",
    "similar": "circle",
    "worse": "triangle-down",
    "higher": "diamond",
    "lower": "square",
    "not_compared": "circle-open",
}

BENCHMARK_WORDS: dict[str, str] = {
    "better": "Better",
    "similar": "Similar",
    "worse": "Worse",
    "higher": "Higher",
    "lower": "Lower",
    "not_compared": "Not compared",
}

# Recent-trend marks (``stats.compare.recent_trend`` directions): an arrow and a word each.
TREND_ARROWS: dict[str, str] = {
    "increasing": "↑",
    "decreasing": "↓",
    "no_significant_change": "→",
    "cannot_be_calculated": "·",
}
TREND_WORDS: dict[str, str] = {
    "increasing": "Increasing",
    "decreasing": "Decreasing",
    "no_significant_change": "No significant change",
    "cannot_be_calculated": "Cannot be calculated",
}

# Okabe-Ito palette, black last.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

# Lines in the trend chart: the authority, England, the region.
AREA_COLOURS: dict[str, str] = {"la": "#0072B2", "england": "#000000", "region": "#E69F00"}
AREA_DASHES: dict[str, str] = {"la": "solid", "england": "dash", "region": "dot"}
PEER_COLOUR = "#6A3D9A"  # the peer group's median line and range band (purple: not a benchmark)

TEXT_COLOUR = "#1A1A1A"
MUTED_COLOUR = "#595959"  # 7:1 contrast on white
GRID_COLOUR = "#E5E5E5"
REFERENCE_COLOUR = "#333333"
ILLUSTRATIVE_COLOUR = "#A6331A"

FONT_FAMILY = "Arial, 'Helvetica Neue', Helvetica, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 22
SOURCE_SIZE = 12

# plotly.js mode-bar button names (the cloud buttons under both of their names).
MODEBAR_REMOVE = (
    "sendChartToCloud",
    "sendDataToCloud",
    "lasso2d",
    "select2d",
    "autoScale2d",
    "toggleSpikelines",
)


def benchmark_colour(label: object) -> str:
    """The Fingertips colour of a benchmark label; grey for unknown or missing."""
    return BENCHMARK_COLOURS.get(str(label), BENCHMARK_COLOURS["not_compared"])


def benchmark_symbol(label: object) -> str:
    """The marker symbol of a benchmark label; an open circle for unknown or missing."""
    return BENCHMARK_SYMBOLS.get(str(label), BENCHMARK_SYMBOLS["not_compared"])


def benchmark_word(label: object) -> str:
    """The word of a benchmark label; "Not compared" for unknown or missing."""
    return BENCHMARK_WORDS.get(str(label), BENCHMARK_WORDS["not_compared"])


def base_layout(**overrides: object) -> dict:
    """The layout every builder starts from: white background, readable fonts, light grid."""
    layout: dict = {
        "template": "none",
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
        "margin": {"l": 70, "r": 30, "t": 40, "b": 60},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }
    layout.update(overrides)
    return layout


def axis_style(title: str | None = None, **overrides: object) -> dict:
    """An axis with a light grid, dark zero line and the given title."""
    axis: dict = {
        "showgrid": True,
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "linecolor": MUTED_COLOUR,
        "ticks": "outside",
        "automargin": True,
    }
    if title:
        axis["title"] = {"text": title}
    axis.update(overrides)
    return axis


def unit_label(indicator: Mapping) -> str:
    """The value-axis title: the indicator's unit, or "Value" when it has none."""
    unit = indicator.get("unit")
    if unit is None or (isinstance(unit, float) and math.isnan(unit)) or not str(unit).strip():
        return "Value"
    return str(unit)


def indicator_name(indicator: Mapping) -> str:
    """The indicator's short name, falling back to its name and then its id."""
    for key in ("short_name", "name", "indicator_id"):
        text = indicator.get(key)
        if isinstance(text, str) and text.strip():
            return text
    return "Indicator"


def format_value(value: object, digits: int = 1) -> str:
    """A number for hover and description text ("n/a" when missing)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "n/a"
    if math.isnan(number):
        return "n/a"
    return f"{number:,.{digits}f}"


def graph_config(filename: str) -> dict:
    """``dcc.Graph(config=...)``: a 1920x1080 PNG download named ``filename``, no cloud button."""
    return {
        "toImageButtonOptions": {
            "format": "png",
            "width": 1920,
            "height": 1080,
            "scale": 1,
            "filename": filename,
        },
        "modeBarButtonsToRemove": list(MODEBAR_REMOVE),
        "displaylogo": False,
        "showSendToCloud": False,
        "responsive": True,
    }
