"""fetch with recorded responses (no network): the Fingertips CSV API and ONS boundaries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import requests
from tenacity import wait_none
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.ingest import fetch as fetch_module
from marmot_dash.ingest.fetch import FetchError, fetch
from marmot_dash.ingest.sources.fingertips import read_fingertips

from .conftest import FIXTURES


def _response(url: str, status: int, content: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content, response.url = status, content, url
    response.encoding = "utf-8"
    return response


class RecordedSession:
    """Answers from recorded files; ``failures`` 503s first for the CSV endpoint."""

    def __init__(self, failures: int = 0, offline: bool = False) -> None:
        self.failures, self.offline, self.calls = failures, offline, []

    def get(self, url: str, params: dict | None = None, timeout=None) -> requests.Response:
        self.calls.append((url, params, timeout))
        if self.offline:
            raise requests.ConnectionError("Name or service not known")
        assert timeout is not None
        if "all_data/csv/by_indicator_id" in url:
            if self.failures:
                self.failures -= 1
                return _response(url, 503, b"busy")
            return _response(url, 200, (FIXTURES / "fingertips_by_indicator_id.csv").read_bytes())
        if url.endswith("/query"):
            return _response(url, 200, (FIXTURES / "ons_wards_query.geojson").read_bytes())
        return _response(url, 200, b"[]")


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module._get.retry, "wait", wait_none())


def test_fetch_writes_the_area_and_its_comparators(tmp_path: Path) -> None:
    session = RecordedSession(failures=2)
    paths = fetch("E06000032", tmp_path, indicator_ids=[93701, 92033], session=session,
                  progress=False)
    export = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    assert set(export["Area Code"]) == {"E06000032", "E12000006", "E92000001"}
    assert read_fingertips(paths[0]).values["fingertips_id"].nunique() == 2
    csv_calls = [c for c in session.calls if "all_data" in c[0]]
    assert len(csv_calls) == 3  # two 503s retried
    assert csv_calls[0][1]["indicator_ids"] == "92033,93701"
    assert paths[1].name == "wards_E06000032.geojson"


def test_default_indicators_come_from_the_catalogue() -> None:
    ids = fetch_module.catalogue_fingertips_ids()
    assert len(ids) >= 20 and all(isinstance(i, int) for i in ids)


def test_offline_fails_fast_with_one_line(tmp_path: Path, monkeypatch) -> None:
    session = RecordedSession(offline=True)
    with pytest.raises(FetchError, match=r"cannot reach fingertips\.phe\.org\.uk"):
        fetch("E06000032", tmp_path, indicator_ids=[93701], session=session, progress=False)
    assert len(session.calls) == 1
    monkeypatch.setattr(fetch_module, "make_session", lambda: RecordedSession(offline=True))
    result = CliRunner().invoke(cli, ["fetch", "--area", "E06000032", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach") and result.stderr.count("\n") == 1


def test_an_area_with_no_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no rows for E06000099"):
        fetch("E06000099", tmp_path, indicator_ids=[93701], session=RecordedSession(),
              boundaries=False, progress=False)


class RecordedELS:
    """ONS Explore Local Statistics answers built from the real file's rows: employment rate in
    the common column order, wellbeing with measure before observation and a second notes."""

    def __init__(self, luton_dir: Path) -> None:
        rows = pd.read_csv(luton_dir / "ons_els" / "els_luton_eoe_england_timeseries.csv",
                           dtype=str, keep_default_na=False)
        employment = rows[rows["indicator"] == "Employment rate"]
        wellbeing = rows[rows["indicator"].isin(["Anxiety", "Satisfaction"])]
        columns = list(wellbeing.columns)
        columns.remove("measure")
        columns.insert(columns.index("observation"), "measure")
        odd = wellbeing[columns].to_csv(index=False).replace(",notes\n", ",notes,notes\n", 1)
        odd = odd.replace("\n", ",\n").replace(",notes,notes,\n", ",notes,notes\n", 1)
        self.answers = {"employment-rate": employment.to_csv(index=False).encode(),
                        "personal-wellbeing-estimates": odd.encode()}
        self.calls: list[str] = []

    def get(self, url: str, params: dict | None = None, timeout=None) -> requests.Response:
        assert timeout is not None and url.startswith(fetch_module.ELS_DATA)
        self.calls.append(url)
        name = url.removeprefix(fetch_module.ELS_DATA).split("/")[0]
        if name == "README.md":
            return _response(url, 200, b"# data")
        if name in self.answers:
            return _response(url, 200, self.answers[name])
        return _response(url, 404, b"404: Not Found")


def test_fetch_els_datasets_into_one_readable_file(tmp_path: Path, luton_dir: Path) -> None:
    from marmot_dash.ingest.fetch import fetch_els
    from marmot_dash.ingest.sources.ons_els import read_ons_els

    session = RecordedELS(luton_dir)
    path = fetch_els("E06000032", tmp_path, ["employment-rate", "personal-wellbeing-estimates"],
                     session=session, progress=False)
    frame, _ = read_ons_els(path)
    raw = pd.read_csv(luton_dir / "ons_els" / "els_luton_eoe_england_timeseries.csv")
    wanted = raw[raw["indicator"].isin(["Employment rate", "Anxiety", "Satisfaction"])]
    assert len(frame) == len(wanted)
    assert set(frame["source_indicator"]) == {"Employment rate", "Anxiety", "Satisfaction"}
    luton = frame[(frame["area_code"] == "E06000032")
                  & (frame["source_indicator"] == "Anxiety")].sort_values("period_sort")
    published = wanted[(wanted["areacd"] == "E06000032") & (wanted["indicator"] == "Anxiety")]
    assert luton["value"].tolist() == published.sort_values("period")["observation"].tolist()
    assert session.calls[1].endswith("employment-rate/employment-rate.csv")
    with pytest.raises(FetchError, match="download failed for no-such-dataset"):
        fetch_els("E06000032", tmp_path, ["no-such-dataset"], session=session, progress=False)
    with pytest.raises(FetchError, match="no rows for E06000099"):
        fetch_els("E06000099", tmp_path, ["employment-rate"], session=session, progress=False)
