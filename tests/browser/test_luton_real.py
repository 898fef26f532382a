"""The real Luton dataset (examples/luton/sources.yaml over ../shared/data/luton) in a browser:
the overview and every view of all eight principle pages draw without console errors, nothing
says "illustrative" or "simulated", the footer lists the sources with publishers and licences,
the MSOA map draws and the trend shows the peer group.

Built once per module (skips with a reason when ../shared is absent, or when the build lacks
the MSOA rows or the peer group that the issue-9 data branches add)."""

from __future__ import annotations

import pytest

from tests.browser.test_published import MAP_DRAWN_JS, TRACE_NAMES_JS
from tests.conftest import REPO_ROOT, shared_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SOURCES_YAML = REPO_ROOT / "examples" / "luton" / "sources.yaml"
VIEWS = ("trend", "places", "deprivation", "cohorts", "data")


@pytest.fixture(scope="module")
def luton_store(tmp_path_factory: pytest.TempPathFactory):
    shared_path("data", "luton")
    from marmot_dash.data import Store, load_dataset
    from marmot_dash.ingest.build import build_dataset

    path = build_dataset(SOURCES_YAML, tmp_path_factory.mktemp("luton") / "dataset",
                         progress=False)
    store = Store(load_dataset(path))
    if "msoa" not in store.levels:
        pytest.skip("the Luton build has no MSOA level yet (the luton-small-areas branch)")
    if store.peer_group is None:
        pytest.skip("the Luton build has no peer group yet (the luton-series branch)")
    return store


@pytest.fixture(scope="module")
def luton_server(luton_store, serve):
    from marmot_dash import create_app

    with serve(create_app(luton_store.dataset.path)) as url:
        yield url


def _no_illustrative_words(page) -> None:
    text = page.locator("body").inner_text().lower()
    assert "illustrative" not in text and "simulated" not in text
    assert page.locator(".illustrative-banner").count() == 0
    titles = page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(gd => JSON.stringify(gd.layout.title || {}))""")
    assert not any("llustrative" in t or "imulated" in t for t in titles)


def test_the_overview_is_real_and_names_its_sources(page, luton_server, luton_store,
                                                    wait_for_dash):
    for path in ("/themes", "/present/1"):
        page.goto(luton_server + path)
        wait_for_dash(page, timeout=60)
        _no_illustrative_words(page)
    page.goto(luton_server + "/")
    wait_for_dash(page, timeout=60)
    assert page.locator(".tile").count() == 8
    _no_illustrative_words(page)
    footer = page.locator(".site-footer").inner_text()
    assert luton_store.meta["sources"]
    for source in luton_store.meta["sources"]:
        for key in ("name", "publisher", "licence"):
            if source.get(key):
                assert str(source[key]) in footer


def _with_view(store, principle: int, view: str) -> str:
    """The principle's first indicator that has something to draw in ``view`` (else its first)."""
    from marmot_dash.views import view_figure

    ids = list(store.indicators(principle=principle)["indicator_id"])
    for indicator_id in ids:
        result = view_figure(store, indicator_id, view)
        if result.figures or (view == "data" and not result.table.empty):
            return indicator_id
    return ids[0]


@pytest.mark.parametrize("principle", range(1, 9))
def test_every_view_of_each_principle_draws(page, luton_server, luton_store, wait_for_dash,
                                            principle: int):
    for view in VIEWS:
        indicator_id = _with_view(luton_store, principle, view)
        page.goto(f"{luton_server}/principle/{principle}?indicator={indicator_id}&view={view}")
        wait_for_dash(page, timeout=60)
        assert page.locator("#indicator-views").get_attribute("data-view") == view
        drawn = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#view-body .js-plotly-plot')).map(gd => (gd.data || []).length > 0)""")
        assert all(drawn) and (drawn or page.locator(".view-message, .indicator-data").count())
        _no_illustrative_words(page)


def test_the_msoa_map_draws(page, luton_server, luton_store, wait_for_dash):
    indicator = next(row for row in luton_store.indicators().to_dict("records")
                     if luton_store.periods(row["indicator_id"], area_type="msoa"))
    page.goto(f"{luton_server}/principle/{indicator['principle']}?indicator="
              f"{indicator['indicator_id']}&view=places&level=msoa")
    wait_for_dash(page, timeout=60)
    page.wait_for_function(f"() => {{ const m = ({MAP_DRAWN_JS})(); "
                           "return m.length === 1 && m[0].drawn; }", timeout=30000)
    (found,) = page.evaluate(MAP_DRAWN_JS)
    assert found["locations"] == len(luton_store.small_areas(indicator["indicator_id"], "msoa"))


def test_the_trend_shows_the_peer_group_and_the_table_ranks_luton(page, luton_server,
                                                                  luton_store, wait_for_dash):
    from marmot_dash.data.summaries import summaries

    ranked = summaries(luton_store).dropna(subset=["peer_rank"]).iloc[0]
    page.goto(f"{luton_server}/principle/{ranked['principle']}?indicator="
              f"{ranked['indicator_id']}")
    wait_for_dash(page, timeout=60)
    name = luton_store.peer_group["name"]
    assert name in page.evaluate(TRACE_NAMES_JS)
    cell = page.locator(f"tr[data-indicator='{ranked['indicator_id']}'] td.peer-rank")
    assert cell.inner_text().endswith(f"of {int(ranked['peer_count'])}")
    assert luton_store.peer_group["description"] in page.locator("#peer-group-note").inner_text()


def test_life_expectancy_by_sex_draws_two_panels(page, luton_server, wait_for_dash):
    """Published for males and females only: a panel each, and the table says so."""
    page.goto(f"{luton_server}/principle/6?indicator=P6-life-expectancy&view=trend")
    wait_for_dash(page, timeout=60)
    assert page.locator(".view-message").count() == 0
    panels = page.evaluate("""() => { const gd = document.querySelector(
        '#view-body .js-plotly-plot'); return [gd._fullLayout.yaxis.title.text,
        gd._fullLayout.yaxis2.title.text]; }""")
    assert panels == ["<b>Male</b> (years)", "<b>Female</b> (years)"]
    row = page.locator("tr[data-indicator='P6-life-expectancy']").inner_text()
    assert "Published by sex only" in row and "Male" in row and "Female" in row
