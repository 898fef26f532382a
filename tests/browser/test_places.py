"""A dataset of three places in a real browser: the list of places, a place's pages and links,
the single-place addresses, an unknown place and the comparison across places."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SECOND = "E06900002"


@pytest.fixture(scope="module")
def places_server(places_dir: Path, serve):
    from marmot_dash import create_app

    with serve(create_app(places_dir)) as url:
        yield url


def nav_hrefs(page) -> list[str]:
    return page.locator(".site-nav a.nav-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")


def test_from_the_list_of_places_to_a_places_views(page, places_server, wait_for_dash):
    page.goto(places_server + "/")
    wait_for_dash(page)
    rows = page.locator("#places-table tbody tr")
    assert rows.count() == 3
    assert "Better than England" in page.locator("#places-table thead").inner_text()
    assert page.locator(".illustrative-banner").is_visible()

    page.locator(f"#places-table a[href='/{SECOND}']").click()
    page.wait_for_url(f"{places_server}/{SECOND}")
    wait_for_dash(page)
    assert "Simulated place 002" in page.locator("#_pages_content h1").inner_text()
    assert nav_hrefs(page)[:2] == [f"/{SECOND}", f"/{SECOND}/principle/1"]

    page.locator("#tile-6 a.tile-link").click()
    page.wait_for_url(f"{places_server}/{SECOND}/principle/6")
    wait_for_dash(page)
    assert page.locator("#place-name").inner_text() == "Simulated place 002"
    assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == \
        f"/{SECOND}/principle/6"

    page.locator("#view-tab-places").click()
    page.wait_for_url(f"{places_server}/{SECOND}/principle/6?*view=places*")
    wait_for_dash(page)
    assert "Simulated place 002" in page.locator("#indicator-views").inner_text()
    page.locator("#callout-switch").click()
    page.wait_for_url(f"{places_server}/{SECOND}/principle/6?*callouts=on*")
    wait_for_dash(page)
    csv = page.locator("a[id$='-csv']").first.get_attribute("href")
    assert csv.startswith(f"/{SECOND}/download/chart-data/6.csv?")
    response = page.request.get(places_server + csv)
    assert response.ok and "Simulated place 002" in response.text()


def test_single_place_links_unknown_places_and_the_comparison(page, places_server,
                                                              wait_for_dash):
    page.goto(places_server + "/principle/6")
    wait_for_dash(page)
    assert page.locator("#place-name").inner_text() == "Simulated place 001"
    assert nav_hrefs(page)[1] == "/principle/1"

    page.goto(places_server + "/E06000000/principle/6")
    wait_for_dash(page)
    message = page.locator(".not-found")
    assert "no place 'E06000000'" in message.inner_text()
    assert message.locator("a[href='/']").count() >= 1

    page.goto(f"{places_server}/compare/P6-adult-smoking?place={SECOND}")
    wait_for_dash(page)
    table = page.locator("#compare-table")
    assert table.locator("tbody tr.compare-row").count() == 3
    assert "England" in table.locator("tbody tr").first.inner_text()
    assert "Simulated place 002" in table.locator("tr[aria-current='true']").inner_text()
    page.locator("#compare-similar").click()
    page.wait_for_url(f"{places_server}/compare/P6-adult-smoking?*group=similar*")
    wait_for_dash(page)
    assert "similar places" in page.locator("#compare-title").inner_text()
    page.locator("#compare-table a[href^='/E06900003/principle/6']").click()
    page.wait_for_url(f"{places_server}/E06900003/principle/6?*")
    wait_for_dash(page)
    assert page.locator("#place-name").inner_text() == "Simulated place 003"
