"""Themes in a browser: the themes page, the principle panels, call-outs, and no script runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from marmot_dash.qualitative.themes import (
    load_stages,
    read_themes_document,
    themes_for_principle,
    write_themes,
)

pytestmark = pytest.mark.browser

CALLOUT_TEXTS_JS = """
() => Array.from(document.querySelectorAll('#view-body .js-plotly-plot')).flatMap(gd =>
    ((gd.layout || {}).annotations || [])
        .filter(a => (a.name || '').startsWith('theme-callout:')).map(a => a.text))
"""
DRAWN_ANNOTATIONS_JS = """
() => Array.from(document.querySelectorAll('#view-body .annotation-text'))
    .map(node => node.textContent)
"""


def _open(page, url: str, wait_for_dash) -> None:
    page.goto(url)
    wait_for_dash(page)


def test_themes_page_shows_every_theme_with_its_points_and_the_timeline(
    page, live_server, live_store, wait_for_dash
) -> None:
    _open(page, live_server + "/themes", wait_for_dash)
    themes = live_store.themes
    assert [t.title for t in themes] == [
        "Awareness", "Strategic alignment", "Existing inequalities work", "Opportunities",
        "Barriers", "Marmot indicators",
    ]
    for theme in themes:
        card = page.locator(f"article#theme-{theme.id}")
        assert card.locator("h3").inner_text().startswith(theme.title)
        points = card.locator(".theme-points > li").all_inner_texts()
        assert [text.strip() for text in points] == list(theme.points)
        assert card.locator(".cross-cutting").count() == int(theme.cross_cutting)
        for principle in theme.principles:
            assert theme.links[principle] in card.locator(".theme-links").inner_text()
    rows = page.locator(".theme-matrix tbody tr")
    assert rows.count() == len(themes)
    linked = page.locator(".theme-matrix tr[data-theme-id='opportunities'] td.linked")
    assert linked.count() == 2
    stages = load_stages(live_store.dataset.path)
    statuses = page.locator(".stages-timeline > li").evaluate_all(
        "items => items.map(item => item.dataset.status)")
    assert statuses == [stage.status for stage in stages]
    assert "Planned (next)" in page.locator(".stage-next").inner_text()
    assert "focus groups" in page.locator(".stage-next h3").inner_text()


@pytest.mark.parametrize("principle", [2, 3, 8])
def test_principle_page_shows_its_linked_themes_then_cross_cutting(
    page, live_server, live_store, wait_for_dash, principle: int
) -> None:
    _open(page, f"{live_server}/principle/{principle}", wait_for_dash)
    panel = page.locator("aside.themes-panel")
    shown = panel.locator(".themes-panel-item").evaluate_all(
        "items => items.map(item => item.dataset.themeId)")
    expected = themes_for_principle(live_store.themes, principle)
    assert shown == [theme.id for theme in expected]
    for theme in expected:
        item = panel.locator(f".themes-panel-item[data-theme-id='{theme.id}']")
        assert theme.title in item.locator("h3").inner_text()
        assert item.locator(".theme-badge").count() == int(theme.cross_cutting)
        if not theme.cross_cutting:
            assert theme.links[principle] in item.inner_text()


def _switch_callouts(page, on: bool) -> None:
    """Set the principle page's call-out switch (a button with aria-checked)."""
    switch = page.locator("#callout-switch")
    if (switch.get_attribute("aria-checked") == "true") != on:
        switch.click()
    page.wait_for_function(
        f"() => ({CALLOUT_TEXTS_JS})().length {'>' if on else '==='} 0")


def _places_indicator(store) -> tuple[int, str]:
    for row in store.indicators().to_dict("records"):
        if store.periods(row["indicator_id"], area_type=store.levels[0]):
            return int(row["principle"]), row["indicator_id"]
    pytest.skip("no indicator in the demo dataset has small-area values")


def test_the_call_out_switch_adds_annotations_and_removes_them(
    page, live_server, live_store, wait_for_dash
) -> None:
    principle, indicator_id = _places_indicator(live_store)
    _open(page, f"{live_server}/principle/{principle}?indicator={indicator_id}&view=places",
          wait_for_dash)
    assert page.evaluate(CALLOUT_TEXTS_JS) == []

    _switch_callouts(page, on=True)
    wait_for_dash(page)
    assert "Barrier: data granularity" in page.evaluate(CALLOUT_TEXTS_JS)
    assert "Barrier: data granularity" in page.evaluate(DRAWN_ANNOTATIONS_JS)
    assert "callouts=on" in page.url

    _switch_callouts(page, on=False)
    wait_for_dash(page)
    assert "Barrier: data granularity" not in page.evaluate(DRAWN_ANNOTATIONS_JS)


HOSTILE = {
    "summary": "<script>window.__xss = 1; alert(1)</script> summary",
    "point": '<img src="x" onerror="window.__xss = 2; alert(2)"> point',
    "reason": '<svg onload="window.__xss = 3; alert(3)"></svg> reason',
    "quote": "[click me](javascript:window.__xss=4;alert(4))",
    "callout": '<a href="javascript:alert(5)">call-out</a> & co',
    "group": '<img src="y" onerror="window.__xss = 7; alert(7)">VCS',
}


@pytest.fixture(scope="module")
def hostile_server(demo_dataset_dir: Path, tmp_path_factory, serve) -> Iterator[str]:
    """The demo dataset plus a theme full of markup, served on loopback by its own app."""
    from marmot_dash import create_app

    data = tmp_path_factory.mktemp("hostile") / "dataset"
    shutil.copytree(demo_dataset_dir, data)
    themes, stages = read_themes_document(data)
    themes = [{
        "id": "hostile", "title": "<b onmouseover=alert(6)>Hostile</b> theme",
        "summary": HOSTILE["summary"], "points": [HOSTILE["point"]], "principles": [1],
        "links": {1: HOSTILE["reason"]}, "stage": "interviews",
        "callout": {"text": HOSTILE["callout"], "views": ["places", "trend"]},
        "quotes": [{"text": HOSTILE["quote"], "group": "Officers", "stage": "interviews"}],
        "counts": {"by_group": {"Officers": 2, HOSTILE["group"]: 1}, "by_stage": {"interviews": 3}},
    }, *themes]
    write_themes(data / "themes.yaml", themes, stages)
    with serve(create_app(data)) as url:
        yield url


def _watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def test_theme_markup_shows_as_text_and_never_runs(page, hostile_server, wait_for_dash,
                                                   page_problems) -> None:
    dialogs = _watch_dialogs(page)
    _open(page, hostile_server + "/themes", wait_for_dash)
    card = page.locator("article#theme-hostile")
    text = card.inner_text()
    for key in ("summary", "point", "reason"):
        assert HOSTILE[key] in text, key
    assert "<b onmouseover=alert(6)>Hostile</b> theme" in card.locator("h3").inner_text()
    assert card.locator("script, img, svg, b").count() == 0
    legend = page.locator("#prevalence-group .legendtext").all_text_contents()
    assert HOSTILE["group"] in legend
    assert page.locator("#prevalence-group img, #prevalence-stage img").count() == 0
    card.locator("h3").hover()
    link = card.locator(".theme-quote a")
    if link.count():  # react-markdown neuters javascript: links to javascript:void(0)
        assert "__xss" not in (link.get_attribute("href") or "")
        link.click()
        # ... and the Content-Security-Policy refuses to run a javascript: URL (and says so)
        page_problems.console_errors = [
            error for error in page_problems.console_errors
            if "Running the JavaScript URL violates the following Content Security" not in error]
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


def test_theme_markup_in_the_panel_and_call_outs_never_runs(
    page, hostile_server, wait_for_dash
) -> None:
    dialogs = _watch_dialogs(page)
    _open(page, hostile_server + "/principle/1", wait_for_dash)
    panel = page.locator(".themes-panel-item[data-theme-id='hostile']")
    assert HOSTILE["summary"] in panel.inner_text()
    assert panel.locator("script, img, svg").count() == 0
    _switch_callouts(page, on=True)
    wait_for_dash(page)
    assert HOSTILE["callout"] in page.evaluate(DRAWN_ANNOTATIONS_JS)
    assert page.locator("#view-body .annotation a").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


def test_themes_page_is_accessible_and_fits_a_phone(
    open_page, live_server, wait_for_dash, axe_violations, horizontal_overflow
) -> None:
    page = open_page()
    _open(page, live_server + "/themes", wait_for_dash)
    assert axe_violations(page) == []
    phone = open_page(width=390, height=844)
    _open(phone, live_server + "/themes", wait_for_dash)
    assert horizontal_overflow(phone) == 0
