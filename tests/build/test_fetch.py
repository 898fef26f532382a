"""fetch with recorded responses (no network): the Fingertips CSV API, ONS boundaries, ONS
Explore Local Statistics and the Nomis API for Census 2021 tables."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
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


NOMIS_FILES = {  # the Nomis table -> the stored demographr extract of the same Census table
    "NM_2070_1": ("household_overcrowding21_lsoa21_luton.csv", "occupancy_rating",
                  "C2021_OCCRAT_BEDROOMS_6", "Total: All households"),
    "NM_2072_1": ("household_tenure21_lsoa21_luton.csv", "tenure", "C2021_TENURE_9",
                  "Total: All households"),
}
LOOKUP = "lookups/lsoa21_to_ward25_luton_bestfit_derived.csv"


class RecordedNomis:
    """Nomis ``data.csv`` answers built from the stored Census extracts: every column of the
    API's CSV, one row per area and cell (the Total as cell 0, the categories from 1, and for
    TS054 Nomis's own "Owned" aggregate as cell 1001), only for the areas asked for."""

    def __init__(self, luton_dir: Path, *, drop: str | None = None, failures: int = 0,
                 cut: bool = False) -> None:
        self.tables = {dataset: (pd.read_csv(luton_dir / "census2021" / name), *rest)
                       for dataset, (name, *rest) in NOMIS_FILES.items()}
        self.drop, self.failures, self.cut, self.calls = drop, failures, cut, []

    def get(self, url: str, params: dict | None = None, timeout=None) -> requests.Response:
        assert timeout is not None and url.startswith(fetch_module.NOMIS_API)
        self.calls.append((url, params))
        if url.endswith(".def.sdmx.json"):
            return _response(url, 200, b"{}")
        dataset = url.removeprefix(fetch_module.NOMIS_API + "dataset/").split(".")[0]
        if dataset not in self.tables:
            return _response(url, 404, b"no such dataset")
        if self.failures:
            self.failures -= 1
            return _response(url, 503, b"busy")
        return _response(url, 200, self._csv(dataset, params["geography"].split(",")))

    def _csv(self, dataset: str, codes: list[str]) -> bytes:
        frame, category, dimension, total_name = self.tables[dataset]
        frame = frame[frame["lsoa21_code"].isin(codes) & (frame["lsoa21_code"] != self.drop)]
        names = list(dict.fromkeys(frame[category]))
        rows = []
        for code, area in frame.groupby("lsoa21_code", sort=False):
            cells = [(0, total_name, area["total_households"].iloc[0])]
            cells += [(names.index(name) + 1, name, n) for name, n in
                      zip(area[category], area["n"], strict=True)]
            if dimension == "C2021_TENURE_9":
                owned = area.loc[area[category].str.startswith("Owned:"), "n"].sum()
                cells.append((1001, "Owned", owned))
            for cell, name, value in cells:
                rows.append({
                    "DATE": 2021, "DATE_NAME": 2021, "DATE_CODE": 2021, "DATE_TYPE": "date",
                    "DATE_TYPECODE": 0, "DATE_SORTORDER": 0, "GEOGRAPHY": 1249000000,
                    "GEOGRAPHY_NAME": f"Luton {code}", "GEOGRAPHY_CODE": code,
                    "GEOGRAPHY_TYPE": "2021 super output areas - lower layer",
                    "GEOGRAPHY_TYPECODE": 151, "GEOGRAPHY_SORTORDER": 0, dimension: cell,
                    f"{dimension}_NAME": name, f"{dimension}_CODE": cell,
                    f"{dimension}_TYPE": "category", f"{dimension}_TYPECODE": 0,
                    f"{dimension}_SORTORDER": cell, "MEASURES": 20100, "MEASURES_NAME": "Value",
                    "OBS_VALUE": int(value), "OBS_STATUS": "A", "OBS_STATUS_NAME": "Normal Value",
                    "OBS_CONF": "F", "OBS_CONF_NAME": "Free (free for publication)",
                    "URN": f"{dataset}d2021g{code}c{cell}", "RECORD_OFFSET": len(rows),
                    "RECORD_COUNT": 0})
        answer = pd.DataFrame(rows)
        answer["RECORD_COUNT"] = len(answer) + (1 if self.cut else 0)
        return answer.to_csv(index=False, quoting=1).encode()


def _published(luton_dir: Path, name: str, category: str, chosen: list[str]) -> pd.DataFrame:
    raw = pd.read_csv(luton_dir / "census2021" / name)
    picked = raw[raw[category].isin(chosen)].groupby("lsoa21_code")["n"].sum()
    return pd.DataFrame({"count": picked, "denominator": raw.groupby("lsoa21_code")[
        "total_households"].first()})


@pytest.mark.parametrize(("table", "dataset", "chosen"), [
    ("TS052", "NM_2070_1", ["-1 (overcrowded)", "-2 or less (overcrowded)"]),
    ("TS054", "NM_2072_1", ["Social rented: Rents from council or Local Authority",
                            "Social rented: Other social rented"]),
])
def test_fetch_nomis_writes_the_long_census_layout(tmp_path: Path, luton_dir: Path, table: str,
                                                   dataset: str, chosen: list[str]) -> None:
    from marmot_dash.ingest.fetch import fetch_nomis
    from marmot_dash.ingest.sources.census_long import read_census_long
    from marmot_dash.ingest.validate import validate_source

    session = RecordedNomis(luton_dir, failures=1)
    path = fetch_nomis("E06000032", tmp_path, table, luton_dir / LOOKUP, session=session,
                       progress=False)
    assert path.name == f"nomis_{table}_E06000032.csv"
    assert validate_source(path, "census_long") == "census_long"
    found, _ = read_census_long(path, numerator=chosen)
    assert found.attrs["level"] == "lsoa" and len(found) == 125
    expected = _published(luton_dir, NOMIS_FILES[dataset][0], NOMIS_FILES[dataset][1], chosen)
    found = found.set_index("area_code").loc[expected.index]
    np.testing.assert_array_equal(found["count"], expected["count"])
    np.testing.assert_array_equal(found["denominator"], expected["denominator"])
    data_calls = [params for url, params in session.calls if url.endswith(".data.csv")]
    assert [len(p["geography"].split(",")) for p in data_calls] == [50, 50, 50, 25]  # a 503
    assert all(p["measures"] == 20100 and p["date"] == "latest" for p in data_calls)
    assert "Owned" not in set(pd.read_csv(path).iloc[:, 2])  # Nomis's aggregate is dropped


@pytest.mark.parametrize(("options", "problem"), [
    ({"table": "TS999"}, "not a Nomis table: 'TS999'"),
    ({"table": "NM_1_1"}, "Nomis download failed for NM_1_1"),
    ({"drop": "E01015693"}, "no NM_2070_1 rows for 1 of the small areas, e.g. E01015693"),
    ({"cut": True}, "Nomis cut its answer for NM_2070_1 short"),
])
def test_fetch_nomis_refuses_with_one_line(tmp_path: Path, luton_dir: Path, options: dict,
                                           problem: str) -> None:
    from marmot_dash.ingest.fetch import fetch_nomis

    table = options.pop("table", "TS052")
    with pytest.raises(FetchError, match=re.escape(problem)):
        fetch_nomis("E06000032", tmp_path, table, luton_dir / LOOKUP,
                    session=RecordedNomis(luton_dir, **options), progress=False)


def test_the_cli_nomis_option_needs_small_areas(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["fetch", "--area", "E06000032", "--out", str(tmp_path),
                                      "--no-fingertips", "--nomis", "TS052"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --nomis needs --small-areas")
    assert result.stderr.count("\n") == 1
