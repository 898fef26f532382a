"""PowerPoint decks: opened again with python-pptx (slides, titles, alt text, notes, image
size), converted to PDF by LibreOffice and looked at as an image, and the CLI's refusals."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import Store, load_dataset
from marmot_dash.data.run_sheets import RunSheet, Step, save_run_sheet
from marmot_dash.export import png
from marmot_dash.export.deck import build_deck, principle_deck, principle_steps, run_sheet_deck
from marmot_dash.export.pack import plain_text
from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT
from marmot_dash.views import step_view

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.path.exists(png.DEFAULT_CHROMIUM),
    reason="Chromium is not installed",
)
needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (libreoffice-impress) or poppler-utils is not installed",
)
pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def store(demo_dataset_dir: Path):
    yield Store(load_dataset(demo_dataset_dir))
    png.stop_browser()


@pytest.fixture(scope="module")
def principle_1(store) -> bytes:
    return build_deck(store, principle_deck(store, 1))


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_a_principle_deck_has_a_slide_per_chart_with_title_alt_text_and_notes(
    store, principle_1: bytes
) -> None:
    deck = Presentation(io.BytesIO(principle_1))
    results = [step_view(store, step) for step in principle_steps(store, 1)]
    figures = [(fig, result) for result in results for fig in result.figures]
    slides = list(deck.slides)
    assert len(slides) == len(figures) + 2
    assert deck.slide_width * 9 == deck.slide_height * 16
    assert slides[0].shapes.title.text == f"Principle 1: {store.principle(1)['title']}"
    title_text = slides[0].placeholders[1].text
    assert store.area_name in title_text and ILLUSTRATIVE_TEXT in title_text
    for slide, (fig, result) in zip(slides[1:-1], figures, strict=True):
        assert slide.shapes.title.text == plain_text(fig.layout.title.text)
        [picture] = pictures(slide)
        assert picture._element.nvPicPr.cNvPr.get("descr") == result.description
        with Image.open(io.BytesIO(picture.image.blob)) as image:
            assert image.size == (1920, 1080)
        texts = [shape.text_frame.text for shape in slide.shapes
                 if shape.has_text_frame and shape != slide.shapes.title]
        assert any(text.startswith("Source: ") and ILLUSTRATIVE_TEXT in text for text in texts)
        notes = slide.notes_slide.notes_text_frame.text
        assert result.description in notes
        assert "The numbers behind the chart:" in notes
        assert "What stakeholders said" in notes
    closing = slides[-1]
    assert closing.shapes.title.text == "Sources and licences"
    assert store.meta["sources"][0]["name"] in closing.placeholders[1].text


@needs_libreoffice
def test_libreoffice_converts_the_deck_to_pdf_with_charts_on_the_pages(
    principle_1: bytes, tmp_path: Path
) -> None:
    deck = tmp_path / "principle-1.pptx"
    deck.write_bytes(principle_1)
    done = subprocess.run(
        ["soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        capture_output=True, text=True, timeout=240, check=False)
    pdf = tmp_path / "principle-1.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert pages == len(Presentation(io.BytesIO(principle_1)).slides)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    [page] = tmp_path.glob("page*.png")
    with Image.open(page) as image:
        assert image.width > image.height  # a 16:9 page
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
        assert len(colours) > 50, "the chart page is not blank"


def test_a_run_sheet_deck_says_why_a_step_cannot_be_shown(store) -> None:
    no_cohorts = next(row for row in store.indicators().to_dict("records")
                      if store.cohorts(row["indicator_id"]).empty)
    steps = (
        Step(1, "P1-school-readiness", "trend", None, None, False, "Where we start",
             "Ask who has seen this before."),
        Step(3, "no-such-indicator", "trend", None, None, False, "Missing", "Skip quickly."),
        Step(int(no_cohorts["principle"]), no_cohorts["indicator_id"], "cohorts", None, None,
             False, "", ""),
    )
    seen = []
    data = build_deck(store, run_sheet_deck(RunSheet("board", "Board meeting", steps)),
                      progress=lambda done, total, what: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    slides = list(Presentation(io.BytesIO(data)).slides)
    assert [s.shapes.title.text for s in slides] == [
        "Board meeting", "Where we start", "Missing",
        f"Step 3: {no_cohorts['indicator_id']}", "Sources and licences"]
    assert slides[1].notes_slide.notes_text_frame.text.startswith("Ask who has seen this")
    missing = " ".join(shape.text_frame.text for shape in slides[2].shapes if shape.has_text_frame)
    assert "cannot be shown" in missing and "no indicator 'no-such-indicator'" in missing
    assert pictures(slides[2]) == []
    no_data = " ".join(shape.text_frame.text for shape in slides[3].shapes
                       if shape.has_text_frame)
    assert "No breakdown by sex, age" in no_data and "is published for this indicator" in no_data


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["deck", *[str(arg) for arg in args]])
    return result.exit_code, result.output


def test_the_deck_command_writes_a_run_sheet_deck(demo_dataset_dir, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_dataset_dir, data)
    step = Step(1, "P1-school-readiness", "trend", None, None, False, "Start", "")
    save_run_sheet(data, RunSheet("short", "Short event", (step,)))
    code, output = run("--data", data, "--run-sheet", "short", "--out", tmp_path / "s.pptx")
    assert code == 0, output
    assert "Short event" in output
    assert len(Presentation(str(tmp_path / "s.pptx")).slides) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "s.pptx"]


@pytest.mark.parametrize("args, says", [
    (["--principle", "9"], "There is no principle 9: the principles are numbered 1 to 8."),
    (["--principle", "0"], "There is no principle 0"),
    (["--run-sheet", "nowhere"], "events/nowhere.yaml: there is no run sheet 'nowhere'"),
    (["--run-sheet", "../dataset"], "'../dataset' is not a run sheet name"),
    (["--run-sheet", "broken"], "events/broken.yaml, row 1: not valid YAML"),
    (["--run-sheet", "hostile"], "events/hostile.yaml: step 1: 'heading' contains an HTML tag"),
    ([], "Give either --principle N or --run-sheet NAME."),
    (["--principle", "1", "--run-sheet", "x"], "Give either --principle N or --run-sheet NAME."),
])
def test_bad_deck_requests_are_one_line_and_leave_no_file(
    demo_dataset_dir, tmp_path: Path, args: list[str], says: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo_dataset_dir, data)
    (data / "events").mkdir()
    (data / "events" / "broken.yaml").write_text("title: [unclosed", encoding="utf-8")
    (data / "events" / "hostile.yaml").write_text(
        "title: T\nsteps:\n  - principle: 1\n    indicator: P1-school-readiness\n"
        "    view: trend\n    heading: <script>alert(1)</script>\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    code, output = run("--data", data, *args, "--out", out / "deck.pptx")
    assert code == 1
    assert output.strip() == f"error: {says}" or (
        output.startswith("error: ") and says in output and output.count("\n") == 1), output
    assert list(out.iterdir()) == []


def test_an_unwritable_output_folder_is_refused_before_drawing(
    demo_dataset_dir, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    for out, says in [(not_a_folder / "deck.pptx", "Not a directory"),
                      (tmp_path / "missing" / "deck.pptx", "No such file or directory"),
                      (tmp_path / "deck.pdf", "--out must end in .pptx")]:
        code, output = run("--data", demo_dataset_dir, "--principle", "1", "--out", out)
        assert code == 1 and output.startswith("error: ") and says in output, output
        assert output.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
