"""The overview in a real browser: eight tiles whose counts are the store's scorecards."""

from __future__ import annotations

import pytest

from marmot_dash.data.summaries import principle_scorecard, summaries

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(375, 812), (1366, 768), (1920, 1080)],
                         ids=["phone", "laptop", "projector"])
def test_overview_has_no_serious_accessibility_violations(open_page, live_server, wait_for_dash,
                                                          axe_violations, width, height):
    page = open_page(width=width, height=height)
    page.goto(live_server + "/")
    wait_for_dash(page)
    assert axe_violations(page) == []


def test_not_found_page_has_no_serious_accessibility_violations(page, live_server,
                                                                wait_for_dash, axe_violations):
    page.goto(live_server + "/nowhere")
    wait_for_dash(page)
    assert axe_violations(page) == []


def test_whole_tile_opens_its_principle_at_the_top_with_focus_on_the_content(
    page, live_server, wait_for_dash
):
    page.goto(live_server + "/")
    wait_for_dash(page)
    title = page.locator("#tile-8 .tile-title")
    title.scroll_into_view_if_needed()
    box = title.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(live_server + "/principle/8")
    wait_for_dash(page)
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    assert page.evaluate("() => window.scrollY") == 0


def test_overview_shows_eight_tiles_with_the_store_scorecards_and_the_banner(
    page, live_server, live_store, wait_for_dash
):
    page.goto(live_server + "/")
    wait_for_dash(page)
    assert page.locator(".tile").count() == 8
    for principle in live_store.principles().to_dict("records"):
        number = int(principle["id"])
        tile = page.locator(f"#tile-{number}")
        assert principle["short_name"] in tile.locator("h2").inner_text()
        assert tile.locator("a.tile-link").get_attribute("href") == f"/principle/{number}"
        expected = principle_scorecard(summaries(live_store), number)
        shown = {
            key: int(text)
            for key, text in tile.locator("[data-key]").evaluate_all(
                "nodes => nodes.map(n => [n.dataset.key, n.textContent])")
        }
        assert shown == {key: value for key, value in expected.items() if key != "principle"}
    banner = page.locator(".illustrative-banner")
    assert banner.is_visible()
    assert "not official statistics" in banner.inner_text()


def test_every_count_has_words_and_a_symbol_not_just_colour(page, live_server, wait_for_dash):
    page.goto(live_server + "/")
    wait_for_dash(page)
    items = page.locator(".tile .count, .tile .red-red").evaluate_all(
        """nodes => nodes.map(n => [n.querySelector('.chip').textContent,
                                    n.querySelector('.count-number').textContent,
                                    n.querySelector('.count-words').textContent])"""
    )
    assert len(items) == 8 * 9
    for symbol, number, words in items:
        assert symbol.strip() and number.isdigit() and len(words.strip()) > 3
