"""The app shell in a real browser: navigation, banner, bad addresses, keyboard, layout sizes."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PRINCIPLE_IDS = range(1, 9)
BAD_ADDRESSES = ("/nowhere", "/principle/9", "/principle/x", "/principle/0", "/themes/extra")
VIEWPORTS = ((375, 812), (1366, 768), (1920, 1080))
REPO_ROOT = Path(__file__).resolve().parents[2]
README_URL = "http://127.0.0.1:8050"


def nav_hrefs(page) -> list[str]:
    return page.locator(".site-nav a.nav-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_header_lists_overview_eight_principles_and_themes(page, live_server, wait_for_dash):
    page.goto(live_server + "/")
    wait_for_dash(page)
    assert nav_hrefs(page) == ["/", *[f"/principle/{n}" for n in PRINCIPLE_IDS], "/themes"]
    assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == "/"


def test_every_nav_link_opens_its_page(page, live_server, wait_for_dash):
    page.goto(live_server + "/")
    wait_for_dash(page)
    for href in nav_hrefs(page)[::-1]:
        page.locator(f".site-nav a.nav-link[href='{href}']").click()
        page.wait_for_url(live_server + href)
        wait_for_dash(page)
        content = page.locator("#_pages_content")
        assert content.locator("h1").first.is_visible(), href
        assert "not found" not in content.inner_text().lower(), href
        assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == href


@pytest.mark.parametrize("number", PRINCIPLE_IDS)
def test_principle_page_loads_without_errors(page, live_server, wait_for_dash, number):
    page.goto(f"{live_server}/principle/{number}")
    wait_for_dash(page, timeout=30)
    heading = page.locator("#_pages_content h1").first.inner_text()
    assert heading.strip()
    assert "not found" not in heading.lower()


def test_illustrative_banner_on_every_page(page, live_server, wait_for_dash):
    for path in ("/", "/principle/3", "/themes", "/nowhere"):
        page.goto(live_server + path)
        wait_for_dash(page, timeout=30)
        banner = page.locator(".illustrative-banner")
        assert banner.is_visible(), path
        text = banner.inner_text()
        assert "simulated" in text and "not official statistics" in text, path


@pytest.mark.parametrize("path", BAD_ADDRESSES)
def test_bad_address_shows_a_helpful_message_and_a_way_back(page, live_server, wait_for_dash,
                                                            path):
    page.goto(live_server + path)
    wait_for_dash(page)
    content = page.locator("#_pages_content")
    assert re.search(r"not found|no principle|does not exist", content.inner_text(), re.I), path
    assert content.locator("a[href='/']").count() >= 1, path


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, live_server,
                                                                        wait_for_dash):
    page.goto(live_server + "/")
    wait_for_dash(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_footer_names_the_sources_and_their_licences(page, live_server, live_store,
                                                     wait_for_dash):
    page.goto(live_server + "/")
    wait_for_dash(page)
    footer = page.locator(".site-footer").inner_text()
    for source in live_store.meta["sources"]:
        assert source["name"] in footer
        if source.get("licence"):
            assert source["licence"] in footer


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=lambda v: str(v))
@pytest.mark.parametrize("path", ["/", "/principle/1", "/themes"])
def test_page_fits_the_screen_without_horizontal_scroll(open_page, live_server, wait_for_dash,
                                                        horizontal_overflow, width, height,
                                                        path):
    page = open_page(width=width, height=height)
    page.goto(live_server + path)
    wait_for_dash(page, timeout=30)
    assert horizontal_overflow(page) == 0


def _port_8050_in_use() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", 8050)) == 0


def _wait_until_served(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"{url} was not served (exit status {process.poll()})")


@pytest.mark.slow
def test_make_run_simulates_then_serves_the_overview_with_the_banner(open_page, wait_for_dash,
                                                                     tmp_path):
    """`make run` (marmot-dash serve --demo) on an empty data folder: simulate, serve on 8050."""
    if _port_8050_in_use():
        pytest.skip("port 8050 is taken by another program")
    log_path = tmp_path / "app.log"
    command = [sys.executable, "-m", "marmot_dash.cli", "serve", "--demo",
               "--data", str(tmp_path / "data")]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_served(README_URL + "/", process, timeout=120)
        page = open_page()
        page.goto(README_URL + "/")
        wait_for_dash(page, timeout=30)
        assert page.locator(".tile").count() == 8
        assert "not official statistics" in page.locator(".illustrative-banner").inner_text()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "simulated the illustrative one" in log_path.read_text()
