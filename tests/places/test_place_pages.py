"""The addresses of a dataset of several places, through the app's real page router (the
callback Chromium sends): /, /<place>, /<place>/principle|present|report/<n>, /compare/<id>,
the single-place addresses kept, unknown places, the downloads and ``demo --scale``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marmot_dash import create_app
from marmot_dash.cli import cli
from marmot_dash.data import load_dataset
from marmot_dash.views import parse_view_state, place_of_path, view_href
from tests.conftest import router_callback

SECOND = "E06900002"


@pytest.fixture(scope="module")
def client(places_dir: Path):
    return create_app(places_dir).server.test_client()


@pytest.fixture(scope="module")
def town_client(demo_dataset_dir: Path):
    return create_app(demo_dataset_dir).server.test_client()


def render(client, path: str, search: str = "") -> str:
    """The page content the router draws for ``path`` (as JSON text)."""
    response = client.post("/_dash-update-component", json=router_callback(path, search))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json()["response"]["_pages_content"]["children"])


def hrefs(page: str) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            href = node.get("href")
            if isinstance(href, str):
                found.add(href)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(page))
    return found


def test_root_lists_every_place_with_its_headline_counts(client) -> None:
    page = render(client, "/")
    assert "3 places" in page and "places-table" in page
    assert {"/E06900001", "/E06900002", "/E06900003"} <= hrefs(page)
    assert "Better than England" in page


def test_a_places_overview_has_its_tiles_linking_to_its_pages(client) -> None:
    page = render(client, f"/{SECOND}")
    assert "Simulated place 002: early impact" in page
    assert f"/{SECOND}/principle/1" in hrefs(page)
    assert "/principle/1" not in hrefs(page)


def test_a_places_principle_page_keeps_the_place_in_every_link(client) -> None:
    page = render(client, f"/{SECOND}/principle/6", "?indicator=P6-adult-smoking&view=places")
    links = hrefs(page)
    assert "Simulated place 002" in page and "place-bar" in page
    assert f"/{SECOND}/present/6" in links
    assert f"/{SECOND}/download/report/6.pdf" in links
    assert f"/compare/P6-adult-smoking?place={SECOND}" in links
    own = [h for h in links if "/principle/" in h]
    assert own and all(h.startswith(f"/{SECOND}/principle/6") for h in own)
    assert any(h.startswith(f"/{SECOND}/download/chart-data/6.csv?") for h in links)
    data_view = render(client, f"/{SECOND}/principle/6", "?indicator=P6-adult-smoking&view=data")
    assert f"/{SECOND}/download/data/6.csv?indicator=P6-adult-smoking" in hrefs(data_view)
    assert "E06900001" not in page.replace("E06900001\"", ""), "no other place's areas"


def test_single_place_addresses_still_mean_the_primary_place(client) -> None:
    page = render(client, "/principle/6", "?indicator=P6-adult-smoking&view=trend")
    assert "Simulated place 001" in page
    assert "/present/6" in hrefs(page)
    assert not any(h.startswith("/E069") and "/principle/" in h for h in hrefs(page))
    assert "Simulated place 001" in render(client, "/present/6", "?slide=2")
    assert "report-page" in render(client, "/report/6")


def test_presentation_and_report_of_a_place(client) -> None:
    slide = render(client, f"/{SECOND}/present/6", "?slide=2")
    assert "Simulated place 002 \\u00b7 Principle 6" in slide
    assert f"/{SECOND}/present/6?slide=3" in hrefs(slide)
    assert f"/{SECOND}/principle/6" in hrefs(slide)
    assert f'"children": "/{SECOND}/principle/6?indicator=' in slide, \
        "the QR code's address (here the path: no public URL set) keeps the place"
    report = render(client, f"/{SECOND}/report/6")
    assert "Simulated place 002 \\u00b7 Principle 6" in report
    assert f"/{SECOND}/download/report/6.pdf" in hrefs(report)


def test_a_place_report_prints_the_place_page(places_dir: Path) -> None:
    from marmot_dash.data import Store
    from marmot_dash.export.report import principle_report

    store = Store(load_dataset(places_dir))
    report = principle_report(store.place(SECOND), "6", SECOND)
    assert (report.path, report.stem) == (f"/{SECOND}/report/6", f"{SECOND}-principle-6-report")
    assert report.title == "Simulated place 002 · Principle 6 report"
    assert principle_report(store.place(), 6).path == "/report/6"


@pytest.mark.parametrize("path", ["/E06000000/principle/1", "/E06000000/present/1",
                                  "/E06000000/report/1", "/E06000000", "/nowhere",
                                  "/a/b/principle/1"])
def test_an_unknown_place_is_a_message_with_links_back(client, path: str) -> None:
    page = render(client, path)
    assert "no place" in page and "Page not found" in page
    assert "/" in hrefs(page)


def test_the_other_pages_keep_their_addresses(client) -> None:
    assert "Themes" in render(client, "/themes") or "theme" in render(client, "/themes")
    assert "no place" not in render(client, "/events")
    assert "no place" not in render(client, "/present")
    assert "There is no page at this address" in render(client, "/404")


def test_compare_page_ranks_every_place_against_england(client) -> None:
    page = render(client, "/compare/P6-adult-smoking", f"?place={SECOND}")
    assert "compare-table" in page and "England" in page
    rows = page.count('"data-place"')
    assert rows == 3
    assert "aria-current" in page
    assert f"/{SECOND}/principle/6?indicator=P6-adult-smoking&view=trend" in hrefs(page)
    similar = render(client, "/compare/P6-adult-smoking", f"?place={SECOND}&group=similar")
    assert "its similar places" in similar and "compare-group-note" in similar
    assert "There is no indicator" in render(client, "/compare/nope")
    assert "no place" in render(client, "/compare/P6-adult-smoking", "?place=X1")


def test_compare_page_of_a_single_place_dataset_says_there_is_nothing_to_compare(
        town_client) -> None:
    assert "no places to compare" in render(town_client, "/compare/P6-adult-smoking")


def test_a_single_place_dataset_keeps_its_overview_and_takes_its_own_code(town_client) -> None:
    page = render(town_client, "/")
    assert "early impact across the eight" in page and "places-table" not in page
    assert "place-bar" not in page
    prefixed = render(town_client, "/E06999999/principle/1")
    assert "principle-page" in prefixed
    assert "/E06999999/principle/1" in " ".join(hrefs(prefixed))


def test_downloads_of_a_place(client) -> None:
    response = client.get(f"/{SECOND}/download/chart-data/6.csv?indicator=P6-adult-smoking"
                          "&view=trend&chart=1")
    assert response.status_code == 200
    assert SECOND in response.headers["Content-Disposition"]
    assert "Simulated place 002 against England" in response.get_data(as_text=True)
    primary = client.get("/download/chart-data/6.csv?indicator=P6-adult-smoking&view=trend")
    assert "Simulated place 001 against England" in primary.get_data(as_text=True)
    missing = client.get("/X1/download/chart-data/6.csv")
    assert missing.status_code == 404 and b"no place 'X1'" in missing.data
    assert client.get("/X1/download/report/6.pdf").status_code == 404
    data = client.get(f"/{SECOND}/download/data/6.csv?indicator=P6-adult-smoking")
    assert data.status_code == 200 and SECOND in data.headers["Content-Disposition"]
    assert data.get_data(as_text=True).splitlines()[1].startswith(f'"{SECOND}"'), "its own rows"
    primary = client.get("/download/data/6.csv?indicator=P6-adult-smoking")
    assert primary.get_data(as_text=True).splitlines()[1].startswith('"E06900001"')


def test_the_url_state_carries_the_place(places_dir: Path) -> None:
    from marmot_dash.data import Store

    store = Store(load_dataset(places_dir)).place(SECOND)
    state = parse_view_state(store, f"/{SECOND}/principle/6", "?view=places&level=lsoa")
    assert state.place == SECOND and state.problem is None
    assert view_href(state, view="trend").startswith(f"/{SECOND}/principle/6?")
    assert place_of_path("/principle/6") is None
    assert place_of_path(f"/{SECOND}/present/2") == SECOND


def test_demo_scale_england_is_wired_to_the_simulator(tmp_path: Path, monkeypatch) -> None:
    """The CLI's --scale england through the real simulator, at 540 small areas in 3 places
    (the full size takes minutes: bench/ and the report give its figures)."""
    import marmot_dash.data.simulate as simulate
    from marmot_dash.data.simulate.town import simulated_england

    monkeypatch.setattr(simulate, "simulated_england",
                        lambda seed: simulated_england(seed, n_small=540, n_places=3))
    result = CliRunner().invoke(cli, ["demo", "--scale", "england", "--out",
                                      str(tmp_path / "england")])
    assert result.exit_code == 0, result.output
    meta = load_dataset(tmp_path / "england").meta
    assert len(meta["places"]) == 3 and meta["name"] == "Simulated England (illustrative)"


@pytest.mark.parametrize(("args", "words"), [
    (["--scale", "galaxy"], "--scale must be one of town, england"),
    (["--scale", "england", "--geography", "x.yaml"], "use it with --scale town"),
])
def test_demo_refuses_a_bad_scale_in_one_line(tmp_path: Path, args, words) -> None:
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "x"), *args])
    assert result.exit_code != 0
    assert words in result.output and "Traceback" not in result.output


def test_a_places_deck_is_made_from_its_store(places_dir: Path) -> None:
    from marmot_dash.app_state import AppState
    from marmot_dash.components.deck_button import requested_deck, requested_store
    from marmot_dash.data import Store
    from marmot_dash.data.errors import UserError

    dataset = load_dataset(places_dir)
    state = AppState(places_dir, dataset, Store(dataset).place())
    source = {"principle": 6, "place": SECOND}
    assert requested_store(state, source).area_code == SECOND
    assert requested_store(state, {"principle": 6, "place": None}) is state.store
    assert requested_deck(state, source).steps
    with pytest.raises(UserError, match="no place 'X1'"):
        requested_deck(state, {"principle": 6, "place": "X1"})
