"""The QR code (segno SVG, MARMOT_PUBLIC_URL only), a chart's data as CSV (the download route:
marks first, rows the chart draws, formula cells neutralised, bad requests in one line) and an
indicator's data as CSV (its data view, compressed once)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import segno

from marmot_dash.export.qr import PUBLIC_URL_VARIABLE, public_base_url, public_link, qr_svg


def _svg_matrix(svg: str) -> list[list[int]]:
    """The dark modules drawn by segno's SVG path (``M x y`` / ``m dx dy`` moves, ``h n`` runs)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                grid[int(y)][column] = 1
            x += float(a)
    return grid


def test_the_qr_svg_draws_the_code_of_the_url() -> None:
    url = "https://marmot.example.org/principle/1?indicator=P1-school-readiness&view=trend"
    border = 4
    expected = [[int(bool(m)) for m in row] for row in segno.make_qr(url, error="m").matrix]
    drawn = _svg_matrix(qr_svg(url))
    inner = [row[border:-border] for row in drawn[border:-border]]
    assert inner == expected
    assert all(cell == 0 for row in drawn[:border] + drawn[-border:] for cell in row)


@pytest.mark.parametrize(("value", "expected"), [
    ("https://marmot.example.org/", "https://marmot.example.org"),
    ("http://10.0.0.5:8050/dash", "http://10.0.0.5:8050/dash"),
    ("", None),
    ("marmot.example.org", None),
    ("javascript:alert(1)", None),
    ("https://marmot.example.org/?next=evil", None),
])
def test_the_public_url_comes_only_from_configuration(monkeypatch, value, expected) -> None:
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, value)
    assert public_base_url() == expected
    assert public_link("/principle/1") == (expected + "/principle/1" if expected else None)


@pytest.fixture(scope="module")
def client(tmp_path_factory, demo_dataset_dir: Path):
    """The app over a copy of the demo dataset whose first indicator has a formula for a name."""
    from marmot_dash import create_app
    from marmot_dash.data.dataset import validate_and_record

    data = tmp_path_factory.mktemp("hostile") / "dataset"
    shutil.copytree(demo_dataset_dir, data)
    catalogue = pd.read_csv(data / "indicators.csv", dtype=str, keep_default_na=False)
    catalogue.loc[0, "short_name"] = '=HYPERLINK("http://evil.example","x")'
    catalogue.to_csv(data / "indicators.csv", index=False)
    validate_and_record(data)  # as a person does after editing a dataset by hand
    app = create_app(data)
    return app.server.test_client(), catalogue.loc[0, "indicator_id"]


def test_chart_csv_starts_with_its_marks_and_is_formula_safe(client, monkeypatch) -> None:
    monkeypatch.delenv(PUBLIC_URL_VARIABLE, raising=False)
    test_client, indicator = client
    response = test_client.get(f"/download/chart-data/1.csv?indicator={indicator}&view=trend")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{indicator}_trend_')
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Title,\"'=HYPERLINK(")
    assert lines[1].startswith("Subtitle,") and "Illustrative" in lines[1]
    assert lines[3].startswith("Date,")
    assert lines[4] == f"Link,/principle/1?indicator={indicator}&view=trend&level=ward"
    assert lines[5] == "" and lines[6].startswith('"area_code","area_name"')
    assert not any(line.startswith(("=", "+", "@")) for line in lines)


def test_chart_csv_link_is_public_when_configured(client, monkeypatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, "https://marmot.example.org")
    test_client, indicator = client
    body = test_client.get(f"/download/chart-data/1.csv?indicator={indicator}&view=cohorts"
                           ).get_data(as_text=True)
    assert "Link,https://marmot.example.org/principle/1?" in body


def test_chart_csv_of_a_deprivation_grouping_is_that_grouping(client) -> None:
    test_client, indicator = client
    body = test_client.get(f"/download/chart-data/1.csv?indicator={indicator}"
                           "&view=deprivation&deprivation=national_quintile"
                           ).get_data(as_text=True)
    assert "quintile" in body.splitlines()[0] and "deprivation_decile" not in body


@pytest.mark.parametrize(("query", "message"), [
    ("/9.csv", "There is no principle '9'. The principles are numbered 1 to 8."),
    ("/1.csv?view=maps", "There is no view 'maps'."),
    ("/1.csv?view=data", "The data view has no chart; its data is on the page."),
    ("/1.csv?view=trend&chart=2", "There is no chart '2' in this view: it has 1 chart"),
    ("/1.csv?indicator=nope", "There is no indicator 'nope' in this dataset."),
])
def test_bad_chart_data_requests_get_one_line(client, query, message) -> None:
    response = client[0].get("/download/chart-data" + query)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith(message) and text.count("\n") == 1


def test_indicator_data_csv_is_its_data_view_kept_compressed(client) -> None:
    """The Definition and data view's CSV: the whole view table, formula-safe, sent in the
    encoding the browser prefers (compressed once and kept), else as it is."""
    from backports import zstd

    from marmot_dash.app_state import get_store
    from marmot_dash.views import table_to_csv, view_figure

    test_client, indicator = client
    url = f"/download/data/1.csv?indicator={indicator}"
    plain = test_client.get(url)
    assert plain.status_code == 200 and plain.mimetype == "text/csv"
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Content-Disposition"].startswith(
        f'attachment; filename="{indicator}_data_')
    with test_client.application.app_context():
        table = view_figure(get_store(), indicator, "data").table
    assert plain.get_data(as_text=True) == table_to_csv(table)
    assert plain.get_data(as_text=True).startswith('"area_code","area_name"')
    for _ in range(2):  # the second from the kept bytes
        packed = test_client.get(url, headers={"Accept-Encoding": "gzip, br, zstd"})
        assert packed.headers["Content-Encoding"] == "zstd"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert zstd.decompress(packed.data) == plain.data


@pytest.mark.parametrize(("query", "status", "message"), [
    ("/download/data/1.csv?indicator=nope", 400, "There is no indicator 'nope' in this dataset."),
    ("/download/data/9.csv", 400, "There is no principle '9'."),
    ("/X1/download/data/1.csv", 404, "There is no place 'X1' in this dataset."),
])
def test_bad_indicator_data_requests_get_one_line(client, query, status, message) -> None:
    response = client[0].get(query)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert text.startswith(message) and text.count("\n") == 1


def test_bad_report_requests_get_one_line(client) -> None:
    response = client[0].get("/download/report/0.pdf")
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("There is no principle '0'.")


@pytest.mark.parametrize(("name", "message"), [
    ("nowhere", "events/nowhere.yaml: there is no run sheet 'nowhere' in this dataset"),
    ("%3Cscript%3Ealert(1)", "events: '<script>alert(1)' is not a run sheet name"),
    ("Bad%20Name", "events: 'Bad Name' is not a run sheet name"),
])
def test_bad_run_sheet_report_requests_get_one_line(client, name, message) -> None:
    response = client[0].get(f"/download/report/event/{name}.pdf")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith(message) and text.count("\n") == 1


def test_a_path_in_a_run_sheet_name_reaches_no_report(client) -> None:
    response = client[0].get("/download/report/event/..%2F..%2Fetc.pdf")
    assert response.mimetype != "application/pdf"


def test_the_qr_code_of_a_step_carries_its_whole_view(monkeypatch) -> None:
    from marmot_dash.components.present_qr import qr_overlay
    from marmot_dash.data.run_sheets import Step
    from marmot_dash.views import step_state

    monkeypatch.setenv(PUBLIC_URL_VARIABLE, "https://marmot.example.org")
    places = Step(2, "P2-x", "places", "msoa", "2021/22", True, "Where", "")
    deprivation = Step(3, "P3-y", "deprivation", None, None, False, "Who", "",
                       deprivation="local_quintile")
    for step, search in [
        (places, "indicator=P2-x&view=places&level=msoa&period=2021%2F22&callouts=on"),
        (deprivation, "indicator=P3-y&view=deprivation&deprivation=local_quintile"),
    ]:
        overlay = qr_overlay(step_state(step))
        code = next(c for c in overlay._traverse() if getattr(c, "id", None) == "present-qr-code")
        url = f"https://marmot.example.org/principle/{step.principle}?{search}"
        assert getattr(code, "data-url") == url
        assert code.src.startswith("data:image/svg+xml;base64,")
