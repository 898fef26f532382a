"""Slide packs: every chart of a principle as 1920x1080 PNGs plus a Markdown slide-notes file.

Each chart is made by ``views.view_figure`` (so it is the same framed figure the screen shows,
with its title, source and Illustrative mark) and rendered by ``export.png.figure_to_png``.
The notes give, per slide, the file, the title, the text alternative and the source, so a
report writer can paste them under each slide.
"""

from __future__ import annotations

import contextlib
import html
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go

from marmot_dash.data.errors import UserError
from marmot_dash.data.files import staged_writes
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
    data is left out and listed in the notes. The files appear together at the end (written
    through ``data.files.staged_writes``): a failure leaves none of them, nor a folder it made.
    Raises ``KeyError`` for an unknown principle, ``UserError`` when ``out_dir`` is not a folder
    that can be written to, ``OSError`` when writing fails (a full disk) and
    ``export.png.ChromiumNotFoundError`` when no browser is installed.
    """
    info = store.principle(principle)
    directory = Path(out_dir)
    created = output_folder(directory)
    slides: list[Slide] = []
    skipped: list[str] = []
    chosen = [
        indicator_id for indicator_id in store.indicators(principle=principle)["indicator_id"]
        if indicators is None or indicator_id in indicators
    ]
    try:
        with staged_writes(directory) as write:  # every file appears at the end, or none
            for indicator_id in chosen:
                for view in views:
                    result = view_figure(store, indicator_id, view)
                    if not result.figures:
                        skipped.append(result.message or f"{indicator_id}: no {view} chart")
                        continue
                    for number, fig in enumerate(result.figures, start=1):
                        suffix = "" if number == 1 else f"_{number}"
                        name = (f"{len(slides) + 1:02d}_{safe_name(indicator_id)}_{view}"
                                f"{suffix}.png")
                        write(name, figure_to_png(fig, width=width, height=height))
                        slides.append(Slide(name, plain_text(fig.layout.title.text),
                                            result.description, source_of(fig)))
            write(NOTES_FILE, slide_notes(store, info, slides, skipped).encode("utf-8"))
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
    return Pack(directory, tuple(slides), directory / NOTES_FILE, tuple(skipped))


def output_folder(directory: Path) -> bool:
    """Make sure ``directory`` is a folder this process can write to, before anything is
    rendered; return whether it was created. ``UserError`` with one line otherwise."""
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{directory} exists and is not a folder: give a folder for the slides")
    created = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):  # a folder may say writable and refuse
            pass
    except OSError as error:
        if created:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise UserError(f"cannot write to {directory}: {error.strerror}") from None
    return created


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
