"""A published (non-illustrative) dataset in a browser: no illustrative wording anywhere, the
sources with publishers and licences in the footer, the MSOA map, the peer band and rank, the
principle notes (the small published town of tests/data/published_town.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.data.published_town import MSOAS, PEER_GROUP, PRINCIPLE_NOTES, SOURCES

pytestmark = pytest.mark.browser

# The map's traces and whether MapLibre drew its canvas (a visible, non-empty <canvas>).
MAP_DRAWN_JS = """
() => Array.from(document.querySelectorAll('#view-body .js-plotly-plot'))
    .filter(gd => (gd.data || []).some(t => t.type === 'choroplethmap'))
    .map(gd => {
        const canvas = gd.querySelector('canvas.maplibregl-canvas');
        return {locations: gd.data[0].locations.length,
                drawn: Boolean(canvas && canvas.width > 0 && canvas.height > 0)};
    })
"""
TRACE_NAMES_JS = """
() => Array.from(document.querySelectorAll('#view-body .js-plotly-plot'))
    .flatMap(gd => (gd.data || []).map(t => t.name || ''))
"""


@pytest.fixture(scope="module")
def published_server(published_dir: Path, serve):
    from marmot_dash import create_app

    with serve(create_app(published_dir)) as url:
        yield url


def _open(page, url: str, wait_for_dash) -> str:
    page.goto(url)
    wait_for_dash(page, timeout=30)
    return page.locator("body").inner_text()


@pytest.mark.parametrize("path", [
    "/", "/principle/6", "/principle/6?view=places", "/principle/6?view=deprivation",
    "/principle/6?view=cohorts", "/principle/6?view=data", "/principle/4?view=places",
    "/themes", "/present/6",
])
def test_nothing_says_illustrative_or_simulated(page, published_server, wait_for_dash, path):
    text = _open(page, published_server + path, wait_for_dash).lower()
    assert page.locator(".illustrative-banner").count() == 0
    assert "illustrative" not in text and "simulated" not in text
    subtitles = page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(gd => JSON.stringify(gd.layout.title || {}))""")
    assert not any("llustrative" in s or "imulated" in s for s in subtitles)


def test_the_footer_lists_sources_publishers_and_licences(page, published_server,
                                                          wait_for_dash):
    _open(page, published_server + "/", wait_for_dash)
    footer = page.locator(".site-footer").inner_text()
    for source in SOURCES:
        for key in ("name", "publisher", "licence"):
            assert source[key] in footer


def test_the_msoa_map_draws(page, published_server, wait_for_dash):
    _open(page, published_server + "/principle/4?indicator=children_low_income&view=places",
          wait_for_dash)
    assert page.locator("#level-msoa").get_attribute("aria-current") == "true"
    assert page.locator("#level-ward").count() == 0  # the indicator has no ward rows
    page.wait_for_function(f"() => {{ const m = ({MAP_DRAWN_JS})(); "
                           "return m.length === 1 && m[0].drawn; }", timeout=15000)
    (found,) = page.evaluate(MAP_DRAWN_JS)
    assert found == {"locations": len(MSOAS), "drawn": True}


def test_the_trend_has_the_peer_band_and_the_table_the_rank(page, published_server,
                                                           wait_for_dash):
    text = _open(page, published_server + "/principle/6", wait_for_dash)
    names = page.evaluate(TRACE_NAMES_JS)
    assert f"{PEER_GROUP['name']}: range" in names
    assert PEER_GROUP["name"] in names
    assert page.locator("tr[data-indicator='smoking'] td.peer-rank").inner_text() == "2nd of 5"
    assert PEER_GROUP["description"] in page.locator("#peer-group-note").inner_text()
    assert PRINCIPLE_NOTES[6] in text


def test_a_thin_principle_shows_its_note_prominently(page, published_server, wait_for_dash):
    _open(page, published_server + "/principle/1", wait_for_dash)
    note = page.locator("#principle-note.prominent")
    assert PRINCIPLE_NOTES[1] in note.inner_text()
    assert note.inner_text().startswith("1 of this principle's indicators has values")


def test_the_deprivation_grouping_switch(page, published_server, wait_for_dash):
    _open(page, published_server + "/principle/4?indicator=children_low_income"
          "&view=deprivation", wait_for_dash)
    heading = page.evaluate("() => document.querySelector('#view-body .js-plotly-plot')"
                            ".layout.title.text")
    assert "national deprivation decile" in heading
    page.locator("#deprivation-local_quintile").click()
    page.wait_for_url("**deprivation=local_quintile**")
    wait_for_dash(page)
    heading = page.evaluate("() => document.querySelector('#view-body .js-plotly-plot')"
                            ".layout.title.text")
    assert "deprivation quintile within Town" in heading


def test_a_principle_without_indicators_says_why(page, published_server, wait_for_dash):
    text = _open(page, published_server + "/principle/2", wait_for_dash)
    assert "Principle 2 has no indicators yet." in text
    assert PRINCIPLE_NOTES[2] in page.locator("#principle-note").inner_text()
