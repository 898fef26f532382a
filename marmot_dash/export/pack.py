"""Slide packs: every chart of a principle as 1920x1080 PNGs plus a Markdown slide-notes file.

Each chart is made by ``views.view_figure`` (so it is the same framed figure the screen shows,
with its title, source and Illustrative mark) and rendered by ``export.png.figure_to_png``.
The notes give, per slide, the file, the title, the text alternative and the source, so a
report writer can paste them under each slide.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go

from marmot_dash.export.png import SLIDE_HEIGHT, SLIDE_WIDTH, figure_to_png
from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT
from marmot_dash.qualitative.themes import theme_notes
from marmot_dash.views import view_figure

PACK_VIEWS: tuple[str, ...] = ("trend", "places", "deprivation", "cohorts")
NOTES_FILE = "slide-notes.md"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Slide:
    """One chart of the pack: its PNG file name and what the notes say about it."""

    file: str
    title: str
    description: str
    source: str


@dataclass(frozen=True)
class Pack:
    """A written pack: its folder, the slides in order, the notes file and views left out."""

    directory: Path
    slides: tuple[Slide, ...]
    notes: Path
    skipped: tuple[str, ...] = field(default_factory=tuple)


def safe_name(text: str) -> str:
    """A file-name-safe version of ``text`` (letters, digits, dot, dash, underscore)."""
    return _UNSAFE.sub("-", text).strip("-") or "chart"


def plain_text(markup: str | None) -> str:
    """Plotly text with its HTML tags removed and entities decoded."""
    return html.unescape(_TAGS.sub("", markup or "")).strip()


def source_of(fig: go.Figure) -> str:
    for annotation in fig.layout.annotations:
        if annotation.name == "source":
            return plain_text(annotation.text).removeprefix("Source: ")
    return ""


def write_pack(
    store,
    principle: int,
    out_dir: str | Path,
    *,
    views: Sequence[str] = PACK_VIEWS,
    indicators: Sequence[str] | None = None,
    width: int = SLIDE_WIDTH,
    height: int = SLIDE_HEIGHT,
) -> Pack:
    """Write every chart of ``principle`` (each indicator, each of ``views``) into ``out_dir``.

    ``indicators`` narrows the pack to some of the principle's indicators (in their order).
    Files are numbered in slide order: ``01_<indicator>_<view>.png`` (``_2`` for a view's
    second chart, e.g. the ranked bars beside the map), plus ``slide-notes.md``. A view with no
    data is left out and listed in the notes. Raises ``KeyError`` for an unknown principle and
    ``export.png.ChromiumNotFoundError`` when no browser is installed.
    """
    info = store.principle(principle)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    slides: list[Slide] = []
    skipped: list[str] = []
    chosen = [
        indicator_id for indicator_id in store.indicators(principle=principle)["indicator_id"]
        if indicators is None or indicator_id in indicators
    ]
    for indicator_id in chosen:
        for view in views:
            result = view_figure(store, indicator_id, view)
            if not result.figures:
                skipped.append(result.message or f"{indicator_id}: no {view} chart")
                continue
            for number, fig in enumerate(result.figures, start=1):
                suffix = "" if number == 1 else f"_{number}"
                name = f"{len(slides) + 1:02d}_{safe_name(indicator_id)}_{view}{suffix}.png"
                (directory / name).write_bytes(figure_to_png(fig, width=width, height=height))
                slides.append(Slide(name, plain_text(fig.layout.title.text), result.description,
                                    source_of(fig)))
    notes = directory / NOTES_FILE
    notes.write_text(slide_notes(store, info, slides, skipped), encoding="utf-8")
    return Pack(directory, tuple(slides), notes, tuple(skipped))


def slide_notes(store, principle: dict, slides: Sequence[Slide], skipped: Sequence[str]) -> str:
    """The Markdown notes: a heading per slide with its file, text alternative and source, then
    the qualitative themes bearing on the principle."""
    lines = [
        f"# Principle {principle['id']}: {principle['title']}",
        "",
        f"{store.area_name}. Dataset: {store.meta.get('name', '')}.",
    ]
    if store.is_illustrative:
        lines += ["", f"**{ILLUSTRATIVE_TEXT}.**"]
    for number, slide in enumerate(slides, start=1):
        lines += [
            "",
            f"## Slide {number}: {slide.title}",
            "",
            f"File: `{slide.file}`",
            "",
            slide.description,
            "",
            f"Source: {slide.source}",
        ]
    if skipped:
        lines += ["", "## Charts not drawn", ""]
        lines += [f"- {reason}" for reason in skipped]
    themes = getattr(store, "themes", None) or []
    lines += ["", theme_notes(themes, int(principle["id"])).rstrip("\n")]
    return "\n".join(lines) + "\n"
