"""Decks and run sheets in a browser: the slides button downloads a deck made in a background
job; a run sheet is built from principle pages, reordered, renamed and trimmed in its editor;
``/present/event/<name>`` answers the presentation keys (q: the QR code of the step's whole
view), says why a step cannot be shown and links to the run sheet's PDF report."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from pptx import Presentation

from marmot_dash.data.run_sheets import RunSheet, Step, load_run_sheet, save_run_sheet
from marmot_dash.export import png
from marmot_dash.export.qr import PUBLIC_URL_VARIABLE
from marmot_dash.views import step_state, view_href

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def deck_site(demo_dataset_dir: Path, tmp_path_factory, serve):
    """The app over a copy of the demo dataset (its events folder is written here), with its
    background jobs in a folder of this test's own; yields (base URL, data folder, store)."""
    from marmot_dash import create_app
    from marmot_dash.app_state import EXTENSION_KEY

    root = tmp_path_factory.mktemp("decks")
    data_dir = root / "dataset"
    shutil.copytree(demo_dataset_dir, data_dir)
    old = os.environ.get("MARMOT_JOBS_DIR")
    os.environ["MARMOT_JOBS_DIR"] = str(root / "jobs")
    try:
        app = create_app(data_dir)
    finally:
        os.environ.pop("MARMOT_JOBS_DIR") if old is None else os.environ.update(
            MARMOT_JOBS_DIR=old)
    with serve(app) as url:
        yield url, data_dir, app.server.extensions[EXTENSION_KEY].store
    png.stop_browser()


def _open(page, url: str, wait_for_dash) -> None:
    page.goto(url)
    wait_for_dash(page)


def _step(store, principle: int, view: str = "trend", number: int = 0, heading: str = "") -> Step:
    indicator = store.indicators(principle=principle)["indicator_id"].iloc[number]
    return Step(principle, indicator, view, None, None, False, heading, "")


def test_slides_button_downloads_a_deck_made_in_the_background(
    page, deck_site, wait_for_dash
) -> None:
    base, _, store = deck_site
    from marmot_dash.export.deck import principle_steps

    principle = min(range(1, 9), key=lambda p: len(principle_steps(store, p)))
    steps = principle_steps(store, principle)
    _open(page, f"{base}/principle/{principle}", wait_for_dash)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Download slides (.pptx)").click()
        page.wait_for_selector("#deck-progress-box:not([hidden])")  # progress is shown
    download = info.value
    assert download.suggested_filename.endswith(".pptx")
    deck = Presentation(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(deck.slides) == len(steps) + 2  # title, one per chart, sources
    assert deck.slides[0].shapes.title.text.startswith(f"Principle {principle}:")
    page.wait_for_selector("#deck-status:has-text('Slides ready')")
    assert page.locator("#deck-button").is_enabled()


def test_a_run_sheet_is_built_reordered_renamed_and_trimmed(
    page, deck_site, wait_for_dash, axe_violations
) -> None:
    base, data_dir, store = deck_site
    views = [(1, 0, "trend"), (1, 0, "deprivation"), (2, 0, "trend")]
    for number, (principle, index, view) in enumerate(views, start=1):
        indicator = store.indicators(principle=principle)["indicator_id"].iloc[index]
        _open(page, f"{base}/principle/{principle}?indicator={indicator}&view={view}",
              wait_for_dash)
        page.get_by_text("Add this view to a run sheet").click()
        page.get_by_label("Run sheet: choose one or type a new name").fill("Board event")
        page.get_by_role("button", name="Add this view").click()
        page.wait_for_selector(f"#run-sheet-add-status:has-text('Added as step {number}')")
    assert axe_violations(page, ".page-tools") == []
    sheet = load_run_sheet(data_dir, "board-event")
    assert sheet.title == "Board event"
    assert [(s.principle, s.view) for s in sheet.steps] == [(1, "trend"), (1, "deprivation"),
                                                            (2, "trend")]

    page.get_by_role("link", name="Edit the run sheet").click()
    wait_for_dash(page)
    steps = page.locator(".run-sheet-step")
    assert steps.count() == 3
    assert axe_violations(page) == []
    page.get_by_role("button", name="Move up: step 2").click()
    page.wait_for_selector("#run-sheet-status:has-text('Moved step 2 up')")
    assert steps.nth(0).get_attribute("data-view") == "deprivation"
    assert [s.view for s in load_run_sheet(data_dir, "board-event").steps] == [
        "deprivation", "trend", "trend"]

    page.get_by_label("Heading of step 1").fill("Who is it worse for?")
    page.get_by_label("Speaker notes for step 1").fill("Ask the room first.")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector("#run-sheet-status:has-text('Saved')")
    first = load_run_sheet(data_dir, "board-event").steps[0]
    assert (first.heading, first.notes) == ("Who is it worse for?", "Ask the room first.")

    page.get_by_label("Heading of step 2").fill("<script>alert(1)</script>")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector("#run-sheet-status:has-text('HTML tag')")
    assert load_run_sheet(data_dir, "board-event").steps[1].heading != "<script>alert(1)</script>"

    page.get_by_label("Heading of step 2").fill("Over time")  # a refused edit stays in the form
    page.get_by_role("button", name="Remove: step 3").click()
    page.wait_for_selector("#run-sheet-status:has-text('Removed step 3')")
    assert steps.count() == 2
    assert [s.heading for s in load_run_sheet(data_dir, "board-event").steps] == [
        "Who is it worse for?", "Over time"]
    assert not list((data_dir / "events").glob(".*.tmp")), "no temporary file left behind"


def test_present_event_keys_and_a_step_that_cannot_be_shown(
    page, deck_site, wait_for_dash, axe_violations
) -> None:
    base, data_dir, store = deck_site
    unknown = Step(3, "no-such-indicator", "trend", None, None, False, "A missing chart", "")
    steps = (_step(store, 1, heading="Where we start"), _step(store, 1, "deprivation"),
             unknown, _step(store, 4))
    save_run_sheet(data_dir, RunSheet("keys", "Keys event", steps))

    def at(number: int) -> None:
        page.wait_for_function(
            "n => new URLSearchParams(location.search).get('step') === String(n)"
            " && document.getElementById('present-position').textContent"
            ".startsWith('Step ' + n + ' of 4')", arg=number)
        wait_for_dash(page)

    _open(page, f"{base}/present/event/keys", wait_for_dash)
    assert page.locator("#present-title").text_content() == "Keys event"
    assert "Where we start" in page.locator("#present-position").text_content()
    assert page.locator(".present-chart").get_attribute("data-indicator") == steps[0].indicator
    assert axe_violations(page) == []
    page.keyboard.press("ArrowRight")
    at(2)
    assert page.locator(".present-chart").get_attribute("data-view") == "deprivation"
    page.keyboard.press("PageDown")
    at(3)
    assert "no-such-indicator" in page.locator("#present-step-problem").text_content()
    page.keyboard.press("PageDown")
    at(4)
    page.keyboard.press("PageUp")
    at(3)
    page.keyboard.press("PageUp")
    at(1)
    page.keyboard.press("ArrowLeft")  # the first step: nothing before it
    at(1)


def test_present_event_q_shows_the_qr_code_of_the_steps_whole_view(
    page, deck_site, wait_for_dash, monkeypatch
) -> None:
    base, data_dir, store = deck_site
    public = "https://marmot.example.org"
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, public)
    indicator = store.indicators(principle=1)["indicator_id"].iloc[0]
    level = store.levels[-1]
    period = store.periods(indicator, area_type=level)[0]
    steps = (Step(1, indicator, "places", level, period, True, "Where", ""),
             Step(1, indicator, "deprivation", None, None, False, "Who", "",
                  deprivation="national_quintile"))
    save_run_sheet(data_dir, RunSheet("qr", "QR event", steps))
    _open(page, f"{base}/present/event/qr", wait_for_dash)
    assert page.locator("#report-download").get_attribute("href") == (
        "/download/report/event/qr.pdf")
    overlay, code = page.locator("#present-qr"), page.locator("#present-qr-code")
    assert overlay.is_hidden()
    page.keyboard.press("q")
    overlay.wait_for(state="visible")
    assert code.get_attribute("data-url") == public + view_href(step_state(steps[0]))
    assert f"level={level}" in code.get_attribute("data-url")
    page.keyboard.press("ArrowRight")  # the next step keeps the code showing, with its view
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '2'")
    wait_for_dash(page)
    overlay.wait_for(state="visible")
    assert code.get_attribute("data-url") == public + view_href(step_state(steps[1]))
    page.keyboard.press("Escape")
    overlay.wait_for(state="hidden")
    page.locator("#present-qr-button").click()
    overlay.wait_for(state="visible")


def test_the_run_sheet_editor_links_to_its_report(page, deck_site, wait_for_dash) -> None:
    base, data_dir, store = deck_site
    save_run_sheet(data_dir, RunSheet("linked", "Linked event", (_step(store, 1),)))
    _open(page, f"{base}/events/linked", wait_for_dash)
    link = page.get_by_role("link", name="Download report (PDF)")
    assert link.get_attribute("href") == "/download/report/event/linked.pdf"


@pytest.mark.parametrize("path, says", [
    ("/present/event/nowhere", "there is no run sheet 'nowhere'"),
    ("/present/event/..%2Fdataset", "is not a run sheet name"),
    ("/present/event/broken", "not valid YAML"),
    ("/events/broken", "not valid YAML"),
    ("/present/event/keys?step=99", "There is no step '99'"),
])
def test_bad_run_sheet_addresses_say_why(page, deck_site, wait_for_dash, path, says) -> None:
    base, data_dir, store = deck_site
    (data_dir / "events").mkdir(exist_ok=True)
    (data_dir / "events" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    save_run_sheet(data_dir, RunSheet("keys", "Keys event", (_step(store, 1),)))
    _open(page, base + path, wait_for_dash)
    assert says in page.locator(".not-found").text_content()
