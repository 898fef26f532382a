"""Sharing in a browser: each chart's SVG, copy-link and CSV buttons, the presentation's QR code
(key q and the button), the report link, and the principle page on a 375 px phone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from marmot_dash.components.present_slides import build_slides
from marmot_dash.export.qr import PUBLIC_URL_VARIABLE
from marmot_dash.views import chart_table, view_figure

pytestmark = pytest.mark.browser

PUBLIC = "https://marmot.example.org"
# Every visible control in the page's main content and the site navigation, with its box
# (plotly's own mode bar, shown on hover, is left out).
TARGETS_JS = """
() => [...document.querySelectorAll(
        '#main-content a, #main-content button, #main-content summary, .site-nav a')]
    .filter(e => e.offsetParent !== null && !e.closest('.modebar-container'))
    .map(e => { const r = e.getBoundingClientRect();
                return {text: (e.textContent || e.id).trim().slice(0, 40),
                        width: r.width, height: r.height}; })
"""


def _first_indicator(store) -> str:
    return store.indicators(principle=1)["indicator_id"].iloc[0]


def test_chart_svg_link_and_csv(browser, page_problems, live_server, live_store,
                                wait_for_dash) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page_problems.watch(page)
    try:
        indicator = _first_indicator(live_store)
        path = f"/principle/1?indicator={indicator}&view=places&level=ward"
        page.goto(live_server + path)
        wait_for_dash(page)
        ranked = page.locator(".view-chart").nth(1)

        with page.expect_download() as svg:
            ranked.get_by_role("button", name="Download SVG").click()
        assert svg.value.suggested_filename.endswith(".svg")
        text = Path(svg.value.path()).read_text(encoding="utf-8")
        assert text.lstrip().startswith("<svg") and "ranked" in text

        ranked.get_by_role("button", name="Copy link to this chart").click()
        status = ranked.locator(".share-status")
        status.filter(has_text="Link copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == live_server + path
        assert copied in status.text_content()

        with page.expect_download() as csv:
            ranked.get_by_role("link", name="Download the data behind this chart (CSV)").click()
        lines = Path(csv.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("Title,") and "ranked" in lines[0]
        assert "Illustrative" in lines[1] and lines[2].startswith("Source,")
        assert lines[3].startswith("Date,") and lines[4] == f"Link,{path}"
        result = view_figure(live_store, indicator, "places", level="ward")
        assert len(lines) - 7 == len(chart_table(result, 1))  # 5 marks, blank, header
    finally:
        context.close()
    assert page_problems.all() == []


def _slide_path(store) -> tuple[str, str]:
    ids = store.indicators(principle=1)["indicator_id"]
    slide = build_slides(ids, lambda i, v: view_figure(store, i, v, copy=False).figure
                         is not None)[0]
    return "/present/1", f"/principle/1?indicator={slide.indicator_id}&view={slide.view}"


def test_key_q_shows_the_qr_code_of_the_view(open_page, live_server, live_store, wait_for_dash,
                                              monkeypatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, PUBLIC + "/")
    present, view = _slide_path(live_store)
    page = open_page(1366, 768)
    page.goto(live_server + present)
    wait_for_dash(page)
    overlay = page.locator("#present-qr")
    assert overlay.is_hidden()
    page.keyboard.press("q")
    overlay.wait_for(state="visible")
    code = page.locator("#present-qr-code")
    assert code.get_attribute("data-url") == PUBLIC + view
    assert page.locator("#present-qr-link").text_content() == PUBLIC.split("://")[1] + view
    box = code.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 300, "large enough to scan across a room"
    if shutil.which("zbarimg"):  # Debian zbar-tools (.ci/run installs it)
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", "-"],
                                 input=code.screenshot(), capture_output=True, check=True)
        assert decoded.stdout.decode().strip() == PUBLIC + view
    page.keyboard.press("Escape")
    overlay.wait_for(state="hidden")
    page.locator("#present-qr-button").click()
    overlay.wait_for(state="visible")
    page.locator("#present-qr-close").click()
    overlay.wait_for(state="hidden")


def test_without_a_public_url_the_overlay_says_so(open_page, live_server, live_store,
                                                  wait_for_dash, monkeypatch) -> None:
    monkeypatch.delenv(PUBLIC_URL_VARIABLE, raising=False)
    present, view = _slide_path(live_store)
    page = open_page(1366, 768)
    page.goto(live_server + present)
    wait_for_dash(page)
    page.locator("#present-qr-button").click()
    assert PUBLIC_URL_VARIABLE in page.locator("#present-qr .qr-missing").text_content()
    assert page.locator("#present-qr-code").count() == 0
    assert page.locator("#present-qr-link").text_content() == view


def test_the_phone_view_of_a_chart_link(open_page, live_server, live_store, wait_for_dash,
                                        horizontal_overflow) -> None:
    _, view = _slide_path(live_store)
    page = open_page(375, 812)
    page.goto(live_server + view)
    wait_for_dash(page)
    chart = page.locator(".view-chart").first.bounding_box()
    table = page.locator("section.indicators").bounding_box()
    themes = page.locator(".principle-side").bounding_box()
    assert chart["y"] < table["y"] < themes["y"], "the chart first, then the table and themes"
    assert horizontal_overflow(page) == 0
    targets = page.evaluate(TARGETS_JS)
    assert len(targets) > 20
    small = [t for t in targets if t["height"] < 44 or t["width"] < 44]
    assert small == []


def test_report_link_on_the_principle_page(page, live_server, wait_for_dash) -> None:
    page.goto(live_server + "/principle/2")
    wait_for_dash(page)
    assert page.locator("#report-download").get_attribute("href") == "/download/report/2.pdf"


