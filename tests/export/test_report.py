"""The principle and run-sheet reports: A4 PDFs printed by Chromium from the app's /report/<n>
and /report/event/<name> pages, checked with poppler (pdftotext per page, pdftoppm images), and
the CLI's refusals."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data.errors import UserError
from marmot_dash.data.run_sheets import RunSheet, Step, save_run_sheet
from marmot_dash.export import png
from marmot_dash.export.report import check_output, report_charts
from marmot_dash.qualitative.themes import themes_for_principle
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


def _printed(out: Path, *args: object) -> Path:
    """``out`` written by ``marmot-dash report --out OUT ARGS``, which must succeed."""
    result = CliRunner().invoke(cli, ["report", "--out", str(out), *map(str, args)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def report(tmp_path_factory, demo_dataset_dir: Path) -> Path:
    return _printed(tmp_path_factory.mktemp("report") / "principle-1.pdf", "--principle", 1,
                    "--data", demo_dataset_dir)


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
@pytest.mark.parametrize("which", ["report", "run_sheet_report"])
def test_every_page_has_content(request, which: str, tmp_path: Path) -> None:
    report = request.getfixturevalue(which)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(report), str(tmp_path / "page")],
                   check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(_pages(report))
    for path in images:
        with Image.open(path) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:200])
            assert dark / (grey.width * grey.height) > 0.005, f"{path.name} is blank"


@pytest.fixture(scope="module")
def event_data(tmp_path_factory, demo_dataset_dir: Path) -> Path:
    """A copy of the demo dataset with run sheet 'board': a trend step with notes, a places
    step at a chosen level and period, a deprivation step by local quintile and a step the
    dataset cannot show."""
    from marmot_dash.data import Store, load_dataset

    data = tmp_path_factory.mktemp("event") / "dataset"
    shutil.copytree(demo_dataset_dir, data)
    store = Store(load_dataset(data))
    first, second = store.indicators(principle=1)["indicator_id"].iloc[:2]
    level = store.levels[0]
    period = store.periods(second, area_type=level)[0]
    steps = (
        Step(1, first, "trend", None, None, True, "Where we start", "Ask who has seen this."),
        Step(1, second, "places", level, period, False, "Which places", ""),
        Step(1, first, "deprivation", None, None, False, "Who it is worse for", "",
             deprivation="national_quintile"),
        Step(2, "no-such-indicator", "trend", None, None, False, "A missing chart", ""),
    )
    save_run_sheet(data, RunSheet("board", "Board meeting: March", steps))
    return data


@pytest.fixture(scope="module")
def run_sheet_report(tmp_path_factory, event_data: Path) -> Path:
    return _printed(tmp_path_factory.mktemp("event-report") / "board.pdf", "--run-sheet", "board",
                    "--data", event_data)


@needs_tools
def test_the_run_sheet_report_has_each_step_its_notes_and_page_numbers(
        run_sheet_report: Path, event_data: Path) -> None:
    from marmot_dash.data import Store, load_dataset
    from marmot_dash.data.run_sheets import load_run_sheet
    from marmot_dash.views import step_view

    pages = _pages(run_sheet_report)
    assert 5 <= len(pages) <= 12
    first = pages[0]
    for heading in ("Board meeting: March", "Event run sheet from the", "Contents",
                    "Data status: Illustrative data", "Step 1: Where we start"):
        assert heading in first
    store = Store(load_dataset(event_data))
    steps = load_run_sheet(event_data, "board").steps
    for number, step in enumerate(steps, start=1):
        # each step starts a page with its heading, then its chart's own title
        starts = [page for page in pages if page.startswith(f"Step {number}: {step.heading}")]
        assert len(starts) == 1, f"step {number} does not start a page"
        if step.indicator != "no-such-indicator":
            for figure in step_view(store, step).figures[-1:]:  # the ranked chart of places
                assert figure_marks(figure)["title"] in starts[0]
    text = " ".join(pages)
    assert "Speaker notes Ask who has seen this." in text
    assert "by national deprivation quintile" in text  # the step's grouping, not the decile
    assert "This step cannot be shown: there is no indicator 'no-such-indicator'" in text
    for heading in ("What stakeholders said", "Principle 1:", "Methods and sources",
                    "Sources and licences"):
        assert heading in text
    for theme in themes_for_principle(store.themes, 1):  # the Markdown texts are drawn too
        assert " ".join(theme.points[0].split()[:4]) in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


@pytest.mark.parametrize(("name", "says"), [
    ("nowhere", "error: events/nowhere.yaml: there is no run sheet 'nowhere' in this dataset "
                "(run sheets: board)"),
    ("../board", "error: events: '../board' is not a run sheet name"),
    ("<script>", "error: events: '<script>' is not a run sheet name"),
])
def test_a_bad_run_sheet_is_refused_without_a_file(tmp_path, event_data, name, says) -> None:
    code, output = _run("report", "--run-sheet", name, "--out", tmp_path / "r.pdf",
                        "--data", event_data)
    assert code == 1
    assert output.startswith(says) and output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_run_sheet_without_steps_or_a_double_choice_is_refused(tmp_path, event_data) -> None:
    save_run_sheet(event_data, RunSheet("empty", "Nothing yet", ()))
    out = tmp_path / "r.pdf"
    code, output = _run("report", "--run-sheet", "empty", "--out", out, "--data", event_data)
    assert (code, output) == (1, "error: Run sheet 'empty' has no steps yet: add views to it "
                                 "from a principle page.\n")
    code, output = _run("report", "--run-sheet", "board", "--principle", 1, "--out", out,
                        "--data", event_data)
    assert (code, output) == (1, "error: Give either --principle N or --run-sheet NAME.\n")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_folder_is_refused_for_a_run_sheet(tmp_path, event_data) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: use a folder no one can
            folder = Path("/proc")
        code, output = _run("report", "--run-sheet", "board", "--out", folder / "r.pdf",
                            "--data", event_data)
        assert code == 1
        assert "cannot be written to" in output and output.count("\n") == 1
        assert not (folder / "r.pdf").exists()
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert [p.name for p in (tmp_path / "locked").iterdir()] == []


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


@needs_tools
def test_the_run_sheet_link_downloads_the_pdf(event_data: Path) -> None:
    from marmot_dash import create_app

    client = create_app(event_data).server.test_client()
    response = client.get("/download/report/event/board.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "run-sheet-board-report_" in response.headers["Content-Disposition"]
