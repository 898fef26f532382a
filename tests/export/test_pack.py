"""write_pack: a principle's charts as slide-sized PNGs plus Markdown slide notes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from marmot_dash.export import png
from marmot_dash.export.pack import Slide, plain_text, safe_name, slide_notes, write_pack
from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.path.exists(png.DEFAULT_CHROMIUM),
    reason="Chromium is not installed",
)


@pytest.fixture(scope="module")
def store(demo_dataset_dir: Path):
    from marmot_dash.data import Store, load_dataset

    yield Store(load_dataset(demo_dataset_dir))
    png.stop_browser()


def test_safe_names_and_plain_titles():
    assert safe_name("P1-school readiness/ø") == "P1-school-readiness"
    assert plain_text("<b>Smoking &amp; health</b>") == "Smoking & health"


def test_notes_list_slides_sources_and_the_illustrative_mark():
    fake = SimpleNamespace(area_name="Luton", meta={"name": "Demo"}, is_illustrative=True)
    slides = [Slide("01_x_trend.png", "X: trend", "Line chart of X.", "Demo; JSNA")]
    text = slide_notes(fake, {"id": 1, "title": "Best start"}, slides, ["X has no cohorts."])
    assert text.startswith("# Principle 1: Best start")
    assert ILLUSTRATIVE_TEXT in text
    assert "## Slide 1: X: trend" in text and "`01_x_trend.png`" in text
    assert "Line chart of X." in text and "Source: Demo; JSNA" in text
    assert "- X has no cohorts." in text


@needs_chromium
@pytest.mark.slow
def test_pack_writes_numbered_slide_pngs_and_notes(store, tmp_path):
    indicator_id = store.indicators(principle=1)["indicator_id"].iloc[0]
    pack = write_pack(store, 1, tmp_path / "pack", views=("trend", "places"),
                      indicators=[indicator_id])
    files = [slide.file for slide in pack.slides]
    assert files == [
        f"01_{indicator_id}_trend.png",
        f"02_{indicator_id}_places.png",
        f"03_{indicator_id}_places_2.png",
    ]
    for name in files:
        with Image.open(pack.directory / name) as image:
            assert image.size == (1920, 1080)
    notes = pack.notes.read_text(encoding="utf-8")
    assert "Slide 3" in notes and ILLUSTRATIVE_TEXT in notes
    assert all(slide.source and slide.description for slide in pack.slides)
    assert pack.slides[0].title.endswith(": trend")
