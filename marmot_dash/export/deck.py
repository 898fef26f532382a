"""PowerPoint decks (python-pptx): a principle's charts, a chosen list of views, or a run sheet.

A 16:9 deck: a title slide (what the deck covers, the dataset, area, build date and sources),
one slide per chart, and a closing slide of sources and licences. Each chart slide has a real
text title, the chart as a 1920x1080 PNG picture (``views`` makes the framed figure, with its
title, source line, period and Illustrative mark; ``export.png`` renders it) whose alt text is
the chart's text alternative, the source line as text, and speaker notes holding the step's
notes, the text alternative, the numbers behind the chart and the stakeholder themes. A step
the dataset cannot show becomes a slide saying why: nothing is skipped silently.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from marmot_dash.components.present_slides import build_slides
from marmot_dash.data import Store, load_dataset
from marmot_dash.data.errors import UserError
from marmot_dash.data.run_sheets import RunSheet, Step, load_run_sheet, step_problem
from marmot_dash.export.pack import plain_text, safe_name, source_of
from marmot_dash.export.png import SLIDE_HEIGHT, SLIDE_WIDTH, figure_to_png
from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT
from marmot_dash.qualitative.themes import theme_notes
from marmot_dash.views import VIEW_LABELS, step_view, view_figure

DECK_WIDTH = Inches(13 + 1 / 3)  # 16:9
DECK_HEIGHT = Inches(7.5)
MARGIN = Inches(0.4)
TITLE_HEIGHT = Inches(0.9)
SOURCE_HEIGHT = Inches(0.4)
MAX_NOTE_ROWS = 40
MAX_SOURCES = 12
TITLE_LAYOUT, CONTENT_LAYOUT, TITLE_ONLY_LAYOUT = 0, 1, 5  # python-pptx's default template

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Deck:
    """What a deck shows: its title and its steps, in order."""

    title: str
    steps: tuple[Step, ...]
    subtitle: str = ""


def principle_steps(store, principle: int) -> tuple[Step, ...]:
    """A principle's charts in presentation order (``components.present_slides``): each
    indicator's trend then deprivation chart, where the dataset has one."""
    ids = store.indicators(principle=principle)["indicator_id"]
    slides = build_slides(
        ids, lambda indicator, view: view_figure(store, indicator, view, copy=False).figure
        is not None)
    return tuple(Step(principle, slide.indicator_id, slide.view, None, None, False, "", "")
                 for slide in slides)


def principle_deck(store, principle: int) -> Deck:
    """The deck of principle ``principle``; ``UserError`` for a principle the dataset lacks."""
    try:
        row = store.principle(int(principle))
    except (KeyError, ValueError):
        numbers = store.principles()["id"]
        raise UserError(f"There is no principle {principle}: the principles are numbered "
                        f"{numbers.min()} to {numbers.max()}.") from None
    return Deck(f"Principle {row['id']}: {row['title']}", principle_steps(store, int(row["id"])))


def run_sheet_deck(sheet: RunSheet) -> Deck:
    """The deck of a run sheet: its steps, headings and notes."""
    return Deck(sheet.title, sheet.steps, subtitle="Event run sheet")


def deck_for(data_dir: str | Path, *, principle: int | None = None,
             run_sheet: str | None = None, out: str | Path | None = None) -> tuple[object, Deck]:
    """The store of the dataset in ``data_dir`` and the deck of ``principle`` or of
    ``run_sheet`` (exactly one), as the CLI asks; ``UserError`` for a bad choice or ``out``."""
    if (principle is None) == (run_sheet is None):
        raise UserError("Give either --principle N or --run-sheet NAME.")
    if out is not None and Path(out).suffix.lower() != ".pptx":
        raise UserError(f"The deck is a PowerPoint file: --out must end in .pptx (got {out}).")
    store = Store(load_dataset(data_dir)).place()  # the primary place of a multi-place dataset
    if run_sheet is not None:
        return store, run_sheet_deck(load_run_sheet(data_dir, run_sheet))
    return store, principle_deck(store, principle)


def build_deck(store, deck: Deck, *, progress: Progress | None = None) -> bytes:
    """The deck as .pptx bytes; ``progress(done, total, what)`` is called before each chart.

    Raises ``export.png.ChromiumNotFoundError`` when no browser can render the charts.
    """
    prs = Presentation()
    prs.slide_width, prs.slide_height = DECK_WIDTH, DECK_HEIGHT
    _title_slide(prs, store, deck)
    sources: list[str] = []
    total = len(deck.steps)
    for number, step in enumerate(deck.steps, start=1):
        if progress:
            progress(number - 1, total, f"Drawing chart {number} of {total}")
        problem = step_problem(store, step)
        result = None if problem else step_view(store, step)
        if result is None or not result.figures:
            _message_slide(prs, step, number, problem or (result.message if result else ""))
            continue
        for index, fig in enumerate(result.figures):
            source = source_of(fig)
            if source and source not in sources:
                sources.append(source)
            _chart_slide(prs, store, step, fig, result, second=index > 0)
    if progress:
        progress(total, total, "Writing the deck")
    _closing_slide(prs, store, sources)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def write_deck(store, deck: Deck, out: str | Path, *, progress: Progress | None = None) -> Path:
    """Build the deck and write it to ``out`` through a temporary file beside it, renamed when
    complete, so a failure leaves no partial file. The folder is tried first (``UserError``
    when it is missing or cannot be written), before the charts are drawn."""
    target = Path(out)
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".tmp")
    except OSError as error:
        raise UserError(f"Cannot write {target}: {error.strerror or error} "
                        f"({target.parent}).") from None
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), 0o644)  # mkstemp's 0600 would hide the deck from others
            file.write(build_deck(store, deck, progress=progress))
        os.replace(temp, target)
    except OSError as error:
        raise UserError(f"Cannot write {target}: {error.strerror or error}.") from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return target


def deck_file_name(deck: Deck) -> str:
    """A download file name for the deck, from its title."""
    return f"{safe_name(deck.title.lower())[:60]}.pptx"


# ---------------------------------------------------------------------------------------------
# Slides


def _place(shape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _title(slide, text: str) -> None:
    title = slide.shapes.title
    title.text = text
    _place(title, MARGIN, Inches(0.2), DECK_WIDTH - 2 * MARGIN, TITLE_HEIGHT)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(30)


def _text_box(slide, lines: Sequence[str], top: int, height: int, size: int, *,
              left: int = MARGIN, width: int = DECK_WIDTH - 2 * MARGIN) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)


def _illustrative(store) -> list[str]:
    return [f"{ILLUSTRATIVE_TEXT}."] if store.is_illustrative else []


def _title_slide(prs, store, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    slide.shapes.title.text = deck.title
    _place(slide.shapes.title, MARGIN, Inches(1.2), DECK_WIDTH - 2 * MARGIN, Inches(1.8))
    meta = store.meta
    built = str(meta.get("built_at") or "")[:10]
    sources = "; ".join(str(s.get("name", "")) for s in (meta.get("sources") or [])[:4])
    lines = [line for line in (
        deck.subtitle,
        f"Dataset: {meta.get('name', '')}",
        f"Area: {store.area_name}",
        f"Dataset built {built}" if built else "",
        f"Sources: {sources}" if sources else "",
        *_illustrative(store),
    ) if line]
    body = slide.placeholders[1]
    _place(body, MARGIN, Inches(3.2), DECK_WIDTH - 2 * MARGIN, Inches(3.6))
    body.text = "\n".join(lines)
    for paragraph in body.text_frame.paragraphs:
        paragraph.font.size = Pt(20)


def _chart_slide(prs, store, step: Step, fig, result, *, second: bool) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    chart_title = plain_text(fig.layout.title.text)
    _title(slide, step.heading if step.heading and not second else chart_title)
    top = Inches(0.2) + TITLE_HEIGHT
    room = DECK_HEIGHT - top - SOURCE_HEIGHT - Inches(0.2)
    width = min(DECK_WIDTH - 2 * MARGIN, room * SLIDE_WIDTH // SLIDE_HEIGHT)
    height = width * SLIDE_HEIGHT // SLIDE_WIDTH
    png = figure_to_png(fig, width=SLIDE_WIDTH, height=SLIDE_HEIGHT)
    left = (DECK_WIDTH - width) // 2
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
    alt = result.description if not second else f"{chart_title}. {result.description}"
    picture._element.nvPicPr.cNvPr.set("descr", alt)  # the picture's alt text
    picture.name = f"Chart: {chart_title}"
    source = " ".join([f"Source: {source_of(fig)}.", *_illustrative(store)])
    _text_box(slide, [source], top + height + Inches(0.05), SOURCE_HEIGHT, 12, left=left,
              width=width)
    slide.notes_slide.notes_text_frame.text = _notes(store, step, result)


def _message_slide(prs, step: Step, number: int, why: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, step.heading or f"Step {number}: {step.indicator}")
    what = f"{step.indicator}, {VIEW_LABELS.get(step.view, step.view).lower()} view"
    _text_box(slide, [f"This chart cannot be shown ({what}):", why or "no chart was drawn."],
              Inches(2.5), Inches(2), 24)
    slide.notes_slide.notes_text_frame.text = "\n\n".join(
        part for part in (step.notes, f"Not shown: {why}") if part)


def _closing_slide(prs, store, chart_sources: Sequence[str]) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[CONTENT_LAYOUT])
    _title(slide, "Sources and licences")
    lines = []
    for source in (store.meta.get("sources") or [])[:MAX_SOURCES]:
        parts = [str(source.get("name") or ""), str(source.get("publisher") or "")]
        licence = source.get("licence")
        url = source.get("url")
        line = ", ".join(part for part in parts if part)
        line += f". Licence: {licence}" if licence else ""
        lines.append(line + (f". {url}" if url else ""))
    lines += [f"Charts: {source}" for source in chart_sources[:MAX_SOURCES]]
    lines += _illustrative(store)
    body = slide.placeholders[1]
    _place(body, MARGIN, Inches(0.2) + TITLE_HEIGHT, DECK_WIDTH - 2 * MARGIN, Inches(6))
    body.text = "\n".join(lines)
    for paragraph in body.text_frame.paragraphs:
        paragraph.font.size = Pt(14)


# ---------------------------------------------------------------------------------------------
# Speaker notes


def _notes(store, step: Step, result) -> str:
    parts = [step.notes, result.description, _numbers(result.table),
             _plain_markdown(theme_notes(store.themes or [], step.principle))]
    return "\n\n".join(part for part in parts if part).strip()


def _numbers(table: pd.DataFrame) -> str:
    """The numbers behind the chart, one line per row (at most ``MAX_NOTE_ROWS``)."""
    if table.empty:
        return ""
    lines = ["The numbers behind the chart:"]
    for row in table.head(MAX_NOTE_ROWS).to_dict("records"):
        label = [str(row.get("area_name") or row.get("area_code") or "")]
        if row.get("breakdown") not in (None, "total"):
            label.append(str(row.get("category") or ""))
        label.append(str(row.get("period") or ""))
        value = _number(row.get("value"))
        low, high = _number(row.get("lower_ci")), _number(row.get("upper_ci"))
        if value is None:
            text = "suppressed" + (f" ({row['note']})" if row.get("note") else "")
        else:
            text = value + (f" (95% interval {low} to {high})" if low and high else "")
        lines.append(f"- {', '.join(part for part in label if part)}: {text}")
    if len(table) > MAX_NOTE_ROWS:
        lines.append(f"... and {len(table) - MAX_NOTE_ROWS} more rows: the dashboard's "
                     "Definition and data view has them all as CSV.")
    return "\n".join(lines)


def _number(value: object) -> str | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _plain_markdown(text: str) -> str:
    return text.replace("**", "").replace("## ", "").strip()
