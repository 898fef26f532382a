"""The Content-Security-Policy in a real Chromium: every page, the map included, draws with
no violation (Dash's inline scripts by hash, plotly.js without eval, MapLibre's blob: worker)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Recorded from the first script on: every violation the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _map_path(store) -> str:
    level = store.levels[0]
    for row in store.indicators().to_dict("records"):
        if store.periods(row["indicator_id"], area_type=level):
            return f"/principle/{row['principle']}?indicator={row['indicator_id']}&view=places"
    pytest.skip("no indicator in the demo dataset has small-area values")


def test_no_page_violates_the_content_security_policy(page, live_server, live_store,
                                                      wait_for_dash) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    seen: dict[str, list[str]] = {}
    for path in ["/", "/principle/1", "/present/1", "/themes", _map_path(live_store)]:
        response = page.goto(live_server + path)
        assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
        wait_for_dash(page, timeout=30)
        if "view=places" in path:
            page.wait_for_selector("#view-body .maplibregl-canvas", timeout=30_000)
            page.wait_for_timeout(500)  # the worker has drawn the boundaries
        seen[path] = page.evaluate("window.__cspViolations")
    assert seen == {path: [] for path in seen}  # console CSP errors fail the test too
