"""The principle pages in a browser: rows, views, deep links, history, PNG and CSV, axe."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from marmot_dash.components.view_panel import format_cell
from marmot_dash.data.summaries import summary

pytestmark = pytest.mark.browser

PLOTS_WITH_DATA_JS = """
() => Array.from(document.querySelectorAll('#view-body .js-plotly-plot')).map(gd =>
    (gd.data || []).some(t => ((t.x || t.y || t.locations || []).length > 0)))
"""


def _open(page, live_server: str, wait_for_dash, path: str) -> None:
    page.goto(live_server + path)
    wait_for_dash(page)


def _open_view(page) -> str:
    return page.locator("#indicator-views").get_attribute("data-view")


def _indicator_with_all_views(store) -> tuple[int, str]:
    for row in store.indicators().to_dict("records"):
        indicator_id = row["indicator_id"]
        if (len(store.cohorts(indicator_id)) and len(store.breakdown(
                indicator_id, "deprivation_decile")) + len(store.breakdown(
                indicator_id, "deprivation_quintile"))
                and store.periods(indicator_id, area_type=store.levels[0])):
            return int(row["principle"]), indicator_id
    pytest.skip("no indicator in the demo dataset has every view")


@pytest.mark.parametrize("principle", range(1, 9))
def test_each_principle_page_has_its_rows_and_a_chart(
    page, live_server, live_store, wait_for_dash, principle: int
) -> None:
    _open(page, live_server, wait_for_dash, f"/principle/{principle}")
    indicators = live_store.indicators(principle=principle)
    assert page.locator("#indicator-table tbody tr").count() == len(indicators)
    assert page.locator(".sparkline").count() >= 1
    first = indicators.iloc[0]["indicator_id"]
    assert page.locator("#indicator-views").get_attribute("data-indicator") == first
    drawn = page.evaluate(PLOTS_WITH_DATA_JS)
    message = page.locator(".view-message").count()
    assert (drawn and all(drawn)) or message == 1
    expected = summary(live_store, first)
    shown = page.locator(f"tr[data-indicator='{first}'] td[data-value]").get_attribute(
        "data-value")
    if shown:
        assert float(shown) == pytest.approx(float(expected["value"]))


def test_each_view_draws_the_store_numbers(page, live_server, live_store, wait_for_dash) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    _open(page, live_server, wait_for_dash, f"/principle/{principle}?indicator={indicator_id}")
    level = live_store.levels[0]
    expected = {
        "trend": live_store.series(indicator_id, area_codes=[live_store.area_code]),
        "places": live_store.small_areas(indicator_id, level),
        "deprivation": live_store.breakdown(indicator_id, "deprivation_decile")
        if len(live_store.breakdown(indicator_id, "deprivation_decile"))
        else live_store.breakdown(indicator_id, "deprivation_quintile"),
        "cohorts": live_store.cohorts(indicator_id),
    }
    for view, rows in expected.items():
        page.locator(f"#view-tab-{view}").click()
        page.wait_for_selector(f"#indicator-views[data-view='{view}']")
        wait_for_dash(page)
        drawn = page.evaluate(PLOTS_WITH_DATA_JS)
        assert drawn and all(drawn), view
        numbers = page.locator("#view-body .values-table").first.text_content()
        value = rows["value"].dropna().iloc[-1]
        assert format_cell(float(value)) in numbers, (view, value)
    page.locator("#view-tab-data").click()
    page.wait_for_selector("#indicator-views[data-view='data']")
    wait_for_dash(page)
    assert live_store.indicator(indicator_id)["name"] in page.locator(
        ".indicator-definition").text_content()


def test_a_deep_link_restores_the_view(page, live_server, live_store, wait_for_dash) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    level = live_store.levels[-1]
    period = live_store.periods(indicator_id, area_type=level)[0]
    path = (f"/principle/{principle}?indicator={indicator_id}&view=places&level={level}"
            f"&period={period.replace(' ', '+')}")
    _open(page, live_server, wait_for_dash, path)
    assert _open_view(page) == "places"
    assert page.locator(f"#level-{level}").get_attribute("aria-current") == "true"
    assert period in page.locator("#view-body .values-table").first.text_content()
    assert page.locator("#view-body .js-plotly-plot").count() == 2


def test_back_and_forward_move_between_views(page, live_server, live_store, wait_for_dash
                                             ) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    _open(page, live_server, wait_for_dash, f"/principle/{principle}?indicator={indicator_id}")
    for view in ("places", "cohorts"):
        page.locator(f"#view-tab-{view}").click()
        page.wait_for_selector(f"#indicator-views[data-view='{view}']")
    for action, view in ((page.go_back, "places"), (page.go_back, "trend"),
                         (page.go_forward, "places")):
        action()
        page.wait_for_selector(f"#indicator-views[data-view='{view}']")
        wait_for_dash(page)
        assert re.search(r"view=" + view, page.url) or view == "trend"


def test_keyboard_opens_a_view_and_focus_follows(page, live_server, live_store, wait_for_dash
                                                 ) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    _open(page, live_server, wait_for_dash, f"/principle/{principle}?indicator={indicator_id}")
    page.locator("#view-tab-cohorts").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#indicator-views[data-view='cohorts']")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'indicator-views-heading'")


def test_the_period_choice_updates_the_url(page, live_server, live_store, wait_for_dash) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    level = live_store.levels[0]
    first = live_store.periods(indicator_id, area_type=level)[0]
    _open(page, live_server, wait_for_dash,
          f"/principle/{principle}?indicator={indicator_id}&view=places")
    page.locator("#period-0").click()
    page.wait_for_selector("#period-0[aria-current='true']")
    wait_for_dash(page)
    assert "period=" in page.url
    assert first in page.locator("#view-body .values-table").first.text_content()


def test_the_callout_switch_goes_into_the_url(page, live_server, live_store, wait_for_dash
                                             ) -> None:
    indicator_id = live_store.indicators(principle=1)["indicator_id"].iloc[0]
    _open(page, live_server, wait_for_dash, f"/principle/1?indicator={indicator_id}")
    assert page.locator("#callout-switch").get_attribute("aria-checked") == "false"
    page.locator("#callout-switch").click()
    page.wait_for_selector("#callout-switch[aria-checked='true']")
    assert "callouts=on" in page.url
    page.go_back()
    page.wait_for_selector("#callout-switch[aria-checked='false']")


def test_png_download_is_a_slide(page, live_server, live_store, wait_for_dash) -> None:
    from PIL import Image

    indicator_id = live_store.indicators(principle=1)["indicator_id"].iloc[0]
    _open(page, live_server, wait_for_dash, f"/principle/1?indicator={indicator_id}")
    page.locator("#view-graph-0").hover()
    with page.expect_download() as info:
        page.locator("#view-graph-0 .modebar-btn[data-title^='Download plot']").click()
    download = info.value
    today = dt.date.today().isoformat()
    assert download.suggested_filename == f"{indicator_id}_trend_{today}.png"
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert image.size == (1920, 1080)
    assert len(image.convert("RGB").getcolors(1_000_000) or ()) > 10


def test_csv_download_neutralises_and_blanks(page, live_server, live_store, wait_for_dash
                                            ) -> None:
    indicator_id = live_store.indicators(principle=1)["indicator_id"].iloc[0]
    _open(page, live_server, wait_for_dash, f"/principle/1?indicator={indicator_id}&view=data")
    with page.expect_download() as info:
        page.locator("#data-download-button").click()
    download = info.value
    assert download.suggested_filename.startswith(f"{indicator_id}_data_")
    text = Path(download.path()).read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    assert header.startswith('"area_code","area_name"'), "text cells are quoted (OWASP)"
    assert lines and not any(line.startswith(("=", "+", "-", "@")) for line in lines)


@pytest.mark.parametrize("path", ["/principle/9", "/principle/1?indicator=nope",
                                  "/principle/1?view=pie", "/principle/1?level=county"])
def test_bad_links_explain_and_link_back(page, live_server, wait_for_dash, path: str) -> None:
    page.goto(live_server + path)
    page.wait_for_selector(".not-found")
    assert page.locator(".not-found a[href='/']").count() >= 1
    assert page.locator(".not-found a[href='/principle/1']").count() == 1


def test_no_serious_accessibility_violations(page, live_server, live_store, wait_for_dash,
                                            axe_violations) -> None:
    principle, indicator_id = _indicator_with_all_views(live_store)
    for view in ("trend", "places", "data"):
        _open(page, live_server, wait_for_dash,
              f"/principle/{principle}?indicator={indicator_id}&view={view}")
        assert axe_violations(page) == [], view
