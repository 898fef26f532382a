"""The presentation mode in a browser: slides, keyboard, history, deep links, call-outs, axe."""

from __future__ import annotations

import re

import pytest

from marmot_dash.components.present_slides import Slide, build_slides
from marmot_dash.figures.callouts import CALLOUT_NAME_PREFIX, callout_themes
from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT
from marmot_dash.views import view_figure

pytestmark = pytest.mark.browser

# The slide's graph: whether it draws data, its title and subtitle, and its call-out names.
GRAPH_JS = """
() => {
    const gd = document.querySelector('#present-graph .js-plotly-plot');
    if (!gd) return null;
    const title = gd.layout.title || {};
    return {
        data: (gd.data || []).some(t => ((t.x || t.y || []).length > 0)),
        title: (title.text || '') + ' ' + ((title.subtitle || {}).text || ''),
        callouts: (gd.layout.annotations || []).map(a => a.name || '')
            .filter(name => name.startsWith('CALLOUT')),
    };
}
""".replace("CALLOUT", CALLOUT_NAME_PREFIX)


def _slides(store, principle: int) -> tuple[Slide, ...]:
    ids = store.indicators(principle=principle)["indicator_id"]
    return build_slides(
        ids, lambda i, v: view_figure(store, i, v, copy=False).figure is not None)


def _wait_for_slide(page, wait_for_dash, principle: int, number: int, slide: Slide) -> None:
    page.wait_for_selector(
        f".present-chart[data-indicator='{slide.indicator_id}'][data-view='{slide.view}']")
    page.wait_for_function(
        "([p, n]) => location.pathname === '/present/' + p"
        " && (new URLSearchParams(location.search).get('slide') || '1') === String(n)"
        " && (document.getElementById('present-position') || {textContent: ''}).textContent"
        ".startsWith('Slide ' + n)",
        arg=[principle, number])
    wait_for_dash(page)


def _open(page, live_server: str, wait_for_dash, path: str) -> None:
    page.goto(live_server + path)
    wait_for_dash(page)


def test_principle_1_shows_a_chart_with_data_and_the_themes(
    page, live_server, live_store, wait_for_dash, axe_violations
) -> None:
    slides = _slides(live_store, 1)
    _open(page, live_server, wait_for_dash, "/present/1")
    _wait_for_slide(page, wait_for_dash, 1, 1, slides[0])
    graph = page.evaluate(GRAPH_JS)
    assert graph["data"]
    assert ILLUSTRATIVE_TEXT in graph["title"]
    assert page.locator("#present-position").text_content().startswith(
        f"Slide 1 of {len(slides)}")
    assert page.locator(".present-themes .themes-panel[data-principle='1']").is_visible()
    assert page.locator(".present-themes .themes-panel-item").count() >= 1
    assert page.locator("#present-prev-slide[aria-disabled='true']").count() == 1
    assert page.locator("#present-exit").get_attribute("href") == "/principle/1"
    assert axe_violations(page) == []


def test_present_starts_at_principle_1(page, live_server, live_store, wait_for_dash) -> None:
    _open(page, live_server, wait_for_dash, "/present")
    assert page.locator("#present-title").text_content().startswith("Principle 1:")
    assert page.evaluate(GRAPH_JS)["data"]


def test_arrow_keys_move_slides_and_the_url(page, live_server, live_store, wait_for_dash) -> None:
    slides = _slides(live_store, 1)
    assert len(slides) >= 3
    _open(page, live_server, wait_for_dash, "/present/1")
    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])
    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, wait_for_dash, 1, 3, slides[2])
    assert page.evaluate(GRAPH_JS)["data"]
    page.keyboard.press("ArrowLeft")
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])


def test_page_keys_move_between_principles(page, live_server, live_store, wait_for_dash) -> None:
    _open(page, live_server, wait_for_dash, "/present/1?slide=2")
    page.keyboard.press("PageDown")
    _wait_for_slide(page, wait_for_dash, 2, 1, _slides(live_store, 2)[0])
    assert page.locator("#present-title").text_content().startswith("Principle 2:")
    page.keyboard.press("PageUp")
    _wait_for_slide(page, wait_for_dash, 1, 1, _slides(live_store, 1)[0])


def test_back_and_forward_move_between_slides(
    page, live_server, live_store, wait_for_dash
) -> None:
    slides = _slides(live_store, 1)
    _open(page, live_server, wait_for_dash, "/present/1")
    page.locator("#present-next-slide").click()
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])
    page.locator("#present-next-slide").click()
    _wait_for_slide(page, wait_for_dash, 1, 3, slides[2])
    page.go_back()
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])
    page.go_forward()
    _wait_for_slide(page, wait_for_dash, 1, 3, slides[2])


def test_a_deep_link_opens_that_slide(page, live_server, live_store, wait_for_dash) -> None:
    slides = _slides(live_store, 1)
    _open(page, live_server, wait_for_dash, "/present/1?slide=2")
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])
    assert page.evaluate(GRAPH_JS)["data"]


def test_the_last_slide_has_no_next(page, live_server, live_store, wait_for_dash) -> None:
    count = len(_slides(live_store, 8))
    _open(page, live_server, wait_for_dash, f"/present/8?slide={count}")
    assert page.locator("#present-next-slide[aria-disabled='true']").count() == 1
    assert page.locator("#present-next-principle[aria-disabled='true']").count() == 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    wait_for_dash(page)
    assert page.url.endswith(f"/present/8?slide={count}")


def test_the_callout_switch_adds_and_removes_annotations(
    page, live_server, live_store, wait_for_dash
) -> None:
    slides = _slides(live_store, 1)
    number, slide = next(
        ((n, s) for n, s in enumerate(slides, 1)
         if callout_themes(live_store.themes, s.view, principle=1)), (None, None))
    if slide is None:
        pytest.skip("no slide of principle 1 has a theme call-out")
    _open(page, live_server, wait_for_dash, f"/present/1?slide={number}")
    assert page.evaluate(GRAPH_JS)["callouts"] == []
    switch = page.locator("#present-callouts")
    assert switch.get_attribute("aria-checked") == "false"
    switch.click()
    page.wait_for_selector("#present-callouts[aria-checked='true']")
    wait_for_dash(page)
    assert "callouts=on" in page.url
    expected = [CALLOUT_NAME_PREFIX + t.id
                for t in callout_themes(live_store.themes, slide.view, principle=1)]
    assert page.evaluate(GRAPH_JS)["callouts"] == expected
    if number < len(slides):  # the choice goes with the next slide, and back
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('slide={number + 1}')")
        assert "callouts=on" in page.url
        page.go_back()
        _wait_for_slide(page, wait_for_dash, 1, number, slide)
    page.locator("#present-callouts[aria-checked='true']").click()
    page.wait_for_selector("#present-callouts[aria-checked='false']")
    wait_for_dash(page)
    assert "callouts" not in page.url
    assert page.evaluate(GRAPH_JS)["callouts"] == []


def test_a_control_used_from_the_keyboard_keeps_the_focus(
    page, live_server, live_store, wait_for_dash
) -> None:
    slides = _slides(live_store, 1)
    _open(page, live_server, wait_for_dash, "/present/1")
    page.locator("#present-next-slide").focus()
    page.keyboard.press("Enter")
    _wait_for_slide(page, wait_for_dash, 1, 2, slides[1])
    page.wait_for_function("() => document.activeElement.id === 'present-next-slide'")


@pytest.mark.parametrize(("path", "words"), [
    ("/present/99", "There is no principle '99'"),
    ("/present/abc", "There is no principle 'abc'"),
    ("/present/1?slide=99", "There is no slide '99' for principle 1"),
    ("/present/1?slide=zero", "There is no slide 'zero' for principle 1"),
])
def test_a_bad_principle_or_slide_gives_a_helpful_message(
    page, live_server, wait_for_dash, axe_violations, path: str, words: str
) -> None:
    _open(page, live_server, wait_for_dash, path)
    message = page.locator(".not-found")
    assert words in message.text_content()
    assert message.locator("a[href='/present/1?slide=1']").count() == 1
    if "slide=" in path:
        assert message.locator("a[href='/principle/1']").count() == 1
    assert axe_violations(page) == []


def test_the_principle_page_links_to_its_presentation(page, live_server, wait_for_dash) -> None:
    _open(page, live_server, wait_for_dash, "/principle/3")
    page.locator("#present-link").click()
    page.wait_for_selector(".present-page")
    wait_for_dash(page)
    assert page.url.endswith("/present/3")
    assert page.locator("#present-title").text_content().startswith("Principle 3:")


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768), (390, 844)])
def test_the_slide_fits_the_screen_and_passes_axe(
    open_page, live_server, wait_for_dash, axe_violations, horizontal_overflow,
    width: int, height: int
) -> None:
    page = open_page(width=width, height=height)
    _open(page, live_server, wait_for_dash, "/present/2?slide=2&callouts=on")
    assert horizontal_overflow(page) == 0
    assert axe_violations(page) == []
    box = page.locator("#present-graph").bounding_box()
    assert box["width"] >= min(width * 0.6, width - 40)
    if width >= 1366:  # the chart fills the window below the header, no page scroll
        assert box["y"] + box["height"] <= height
        assert box["height"] >= height * 0.55
        assert re.search(r"Slide 2 of \d+", page.locator("#present-position").text_content())


def test_hover_finds_the_point_under_the_pointer_on_a_projector(
    open_page, live_server, wait_for_dash
) -> None:
    """On a projector the chart is scaled up by CSS; hovering a marker still labels that one."""
    page = open_page(width=1920, height=1080)
    _open(page, live_server, wait_for_dash, "/present/1")
    marker = page.evaluate("""() => {
        const points = document.querySelectorAll('#present-graph .scatterlayer .points path');
        const box = points[Math.floor(points.length / 2)].getBoundingClientRect();
        return [box.x + box.width / 2, box.y + box.height / 2];
    }""")
    page.mouse.move(*marker)
    label = page.wait_for_selector("#present-graph .hoverlayer .hovertext")
    box = label.bounding_box()
    assert abs(box["y"] + box["height"] / 2 - marker[1]) < 40
    assert min(abs(box["x"] - marker[0]), abs(box["x"] + box["width"] - marker[0])) < 40
