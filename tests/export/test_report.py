"""The principle report: an A4 PDF printed by Chromium from the app's /report/<n> page, checked
with poppler (pdftotext per page, pdftoppm images), and the CLI's refusals."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data.errors import UserError
from marmot_dash.export import png
from marmot_dash.export.report import check_output, report_charts
from marmot_dash.views import figure_marks

needs_tools = pytest.mark.skipif(
    not (os.path.exists(png.DEFAULT_CHROMIUM) or shutil.which("chromium"))
    or not shutil.which("pdftotext"),
    reason="needs Chromium and poppler-utils (pdftotext, pdftoppm)",
)


def _pages(pdf: Path) -> list[str]:
    """The text of each page, whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def _chart_titles(store, principle: int) -> list[str]:
    return [figure_marks(figure)["title"]
            for indicator_id in store.indicators(principle=principle)["indicator_id"]
            for figure, _ in report_charts(store, indicator_id)]


@pytest.fixture(scope="module")
def report(tmp_path_factory, demo_dataset_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("report") / "principle-1.pdf"
    result = CliRunner().invoke(cli, ["report", "--principle", "1", "--out", str(out),
                                      "--data", str(demo_dataset_dir)])
    assert result.exit_code == 0, result.output
    return out


@needs_tools
def test_the_report_has_its_sections_and_page_numbers(report: Path, demo_dataset_dir) -> None:
    pages = _pages(report)
    assert 5 <= len(pages) <= 40
    first = pages[0]
    for heading in ("Principle 1:", "Contents", "Summary", "Data status: Illustrative data"):
        assert heading in first
    text = " ".join(pages)
    for heading in ("Indicators", "What stakeholders said", "Methods and sources",
                    "Sources and licences"):
        assert heading in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


@needs_tools
def test_no_chart_is_cut_across_a_page_break(report: Path, demo_dataset_dir) -> None:
    from marmot_dash.data import Store, load_dataset

    titles = _chart_titles(Store(load_dataset(demo_dataset_dir)), 1)
    assert len(titles) >= 7
    pages = _pages(report)
    for title in titles:
        # The heading and the chart's own title (the top of its image) on one page...
        found = [page for page in pages if page.count(title) == 2]
        assert len(found) == 1, f"{title!r} is split or missing"
        assert not any(title in page for page in pages if page is not found[0])
    for page in pages:
        # ...and every chart on a page ends on it: as many source lines as chart titles.
        charts = sum(page.count(title) for title in titles) // 2
        assert page.count("Source: ") == charts


@needs_tools
def test_every_page_has_content(report: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(report), str(tmp_path / "page")],
                   check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(_pages(report))
    for path in images:
        with Image.open(path) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:200])
            assert dark / (grey.width * grey.height) > 0.005, f"{path.name} is blank"


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def test_a_principle_out_of_range_is_refused_without_a_file(tmp_path, demo_dataset_dir) -> None:
    out = tmp_path / "r.pdf"
    code, output = _run("report", "--principle", 9, "--out", out, "--data", demo_dataset_dir)
    assert code == 1
    assert output.strip() == ("error: There is no principle '9'. The principles are numbered "
                              "1 to 8.")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["missing/r.pdf", "r.txt", "folder"])
def test_bad_output_paths_are_refused_in_one_line(tmp_path, demo_dataset_dir, name) -> None:
    (tmp_path / "folder.pdf").mkdir()
    out = tmp_path / ("folder.pdf" if name == "folder" else name)
    code, output = _run("report", "--principle", 1, "--out", out, "--data", demo_dataset_dir)
    assert code == 1
    assert output.startswith("error: ") and output.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.pdf"]


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: use a folder no one can
            folder = Path("/proc")
        with pytest.raises(UserError, match="cannot be written to"):
            check_output(folder / "r.pdf")
    finally:
        (tmp_path / "locked").chmod(0o700)


@needs_tools
def test_the_page_link_downloads_the_pdf(demo_dataset_dir: Path) -> None:
    from marmot_dash import create_app

    response = create_app(demo_dataset_dir).server.test_client().get("/download/report/3.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "principle-3-report_" in response.headers["Content-Disposition"]
