"""Download public data for one authority: Fingertips indicators, ONS Explore Local Statistics
datasets and ONS boundaries.

Fingertips: the API's ``all_data/csv/by_indicator_id`` endpoint (the CSV export layout, every
period, with the inequality breakdowns), batched by at most 100 indicators, for upper-tier
local authorities (area type 502, April 2023 geography) under their regions (6); the rows of
the authority, England, its region and its listed comparators are kept. Boundaries: the ONS
Open Geography Portal's ArcGIS feature services, queried as GeoJSON for the authority's wards.
ONS Explore Local Statistics (ELS): each named dataset's long CSV from ONS's public data
repository (``<dataset>/<dataset>.csv``), put in the common 12-column order (a few datasets
order ``measure`` before ``observation`` or repeat an empty ``notes``), keeping the rows of
England, the regions and every county or unitary authority (the candidates of a group of
similar authorities), in one ``els_<area>.csv`` that ``ingest.sources.ons_els`` reads.
Nomis (Census 2021 tables such as TS052 overcrowding): the API's ``data.csv`` of one table
(``NM_<id>_1``; the TS codes of ``NOMIS_TABLES`` are named for convenience) for the small areas
listed in a file (the build's LSOA-to-ward lookup, say), asked by GSS code in batches, as counts
(``measures=20100``); written in the long census layout (``lsoa21_code``, the total, one
category column, ``n``) that ``ingest.sources.census_long`` reads: the Total cell (code 0)
becomes each area's total, the categories (codes 1-999) its rows, and Nomis's own aggregates
(codes 1000 and above, such as TS054's "Owned") are dropped so the categories add up to the
total. The table ids and this request shape follow Nomis's API documentation and public code
using it; they were not run against the live service here (tests replay recorded answers).

HTTP goes through a ``requests_cache`` session (a local SQLite cache, so a second run is
offline-safe), with timeouts, and retries (tenacity, exponential back-off) on timeouts and 5xx
answers. Before anything else one short request checks the host is reachable, so offline it
fails at once with one clear ``FetchError`` line instead of retrying.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
import requests
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)
from tqdm import tqdm

from marmot_dash.data.errors import UserError
from marmot_dash.data.simulate.catalogue import read_catalogue_table
from marmot_dash.ingest.sources._common import area_codes, normalise, read_table

FINGERTIPS_API = "https://fingertips.phe.org.uk/api/"
UPPER_TIER_2023 = 502
REGION = 6
ENGLAND = "E92000001"
BATCH = 100
TIMEOUT = (5, 120)  # connect, read (seconds): the CSV endpoints are slow
REACH_TIMEOUT = 5
ATTEMPTS = 4
ELS_DATA = "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/HEAD/"
ELS_COLUMNS = ("areacd", "areanm", "geography", "indicator", "period", "observation", "measure",
               "unit", "lci_95", "uci_95", "status", "notes")
ELS_GEOGRAPHIES = ("Nation", "Region", "County or Unitary Authority")
NOMIS_API = "https://www.nomisweb.co.uk/api/v01/"
# Census 2021 topic summaries by their ONS code -> Nomis dataset id (from Nomis's dataset list,
# not checked online here); any other table is named by its Nomis id.
NOMIS_TABLES = {"TS011": "NM_2031_1", "TS038": "NM_2056_1", "TS052": "NM_2070_1",
                "TS054": "NM_2072_1"}
NOMIS_BATCH = 50  # GSS codes per request: keeps the URL short and the answer far below a page
NOMIS_COUNT = 20100  # the "value" (count) measure, not the percentage
NOMIS_AGGREGATES = 1000  # category codes from here up are Nomis's sums of other categories
NOMIS_FIXED = {"DATE", "GEOGRAPHY", "MEASURES", "OBS_STATUS", "OBS_CONF"}
SMALL_AREA_COLUMNS = {"lsoa21_code": "lsoa21_code", "lsoa21cd": "lsoa21_code",
                      "msoa21_code": "msoa21_code", "msoa21cd": "msoa21_code"}
WARD_BOUNDARIES = (
    "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
    "WD_MAY_2025_UK_BGC/FeatureServer/0/query"
)


class FetchError(UserError, RuntimeError):
    """Downloading failed (offline, the service refused, or an answer was malformed)."""


def _transient(error: BaseException) -> bool:
    if isinstance(error, requests.Timeout):
        return True
    response = getattr(error, "response", None)
    return response is not None and response.status_code >= 500


def make_session(cache_dir: str | Path | None = None) -> requests.Session:
    """A cached session (``requests_cache``; SQLite under ``cache_dir``, default ~/.cache)."""
    import requests_cache

    cache_dir = Path(cache_dir or Path.home() / ".cache" / "marmot-dash")
    cache_dir.mkdir(parents=True, exist_ok=True)
    return requests_cache.CachedSession(str(cache_dir / "http"), backend="sqlite",
                                        expire_after=7 * 24 * 3600)


@retry(retry=retry_if_exception(_transient), stop=stop_after_attempt(ATTEMPTS),
       wait=wait_exponential(multiplier=1, max=20), reraise=True)
def _get(session: requests.Session, url: str, params: dict) -> requests.Response:
    response = session.get(url, params=params, timeout=TIMEOUT)
    response.raise_for_status()
    return response


def _reachable(session: requests.Session, url: str) -> None:
    """Fail fast, with one line, when the host cannot be reached."""
    try:
        session.get(url, timeout=REACH_TIMEOUT)
    except requests.RequestException as error:
        host = url.split("/")[2]
        raise FetchError(f"cannot reach {host} (offline?): {type(error).__name__}") from None


def fetch(
    area_code: str,
    out_dir: str | Path,
    *,
    indicator_ids: Iterable[int] | None = None,
    comparators: Sequence[str] = (),
    boundaries: bool = True,
    session: requests.Session | None = None,
    progress: bool = True,
) -> list[Path]:
    """Download Fingertips indicators (and ward boundaries) for ``area_code`` into ``out_dir``.

    ``indicator_ids`` defaults to the Fingertips ids of the illustrative catalogue (the
    indicators the dashboard models). Writes ``fingertips_<area>.csv`` in the export layout
    (rows of the authority, England, its region and ``comparators``) and, with
    ``boundaries``, ``wards_<area>.geojson``; returns the paths written.
    """
    ids = sorted(set(indicator_ids if indicator_ids is not None else catalogue_fingertips_ids()))
    if not ids:
        raise FetchError("no Fingertips indicator ids to fetch")
    session = session or make_session()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _reachable(session, FINGERTIPS_API + "area_types")
    batches = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    frames = []
    for batch in tqdm(batches, desc="Fingertips", unit="batch", disable=not progress,
                      file=sys.stderr):
        frames.append(_fingertips_batch(session, batch))
    export = pd.concat(frames, ignore_index=True)
    keep = _areas_to_keep(export, area_code, comparators)
    export = export.loc[export["Area Code"].isin(keep)]
    if not (export["Area Code"] == area_code).any():
        raise FetchError(f"Fingertips returned no rows for {area_code}: is it an upper-tier "
                         "authority code?")
    written = [out / f"fingertips_{area_code}.csv"]
    export.to_csv(written[0], index=False)
    if boundaries:
        written.append(_ward_boundaries(session, area_code, out))
    return written


def fetch_els(
    area_code: str, out_dir: str | Path, datasets: Sequence[str], *,
    session: requests.Session | None = None, progress: bool = True,
) -> Path:
    """Download ELS ``datasets`` (names such as ``employment-rate``) into ``els_<area>.csv``:
    England, the regions and every county or unitary authority (module doc)."""
    if not datasets:
        raise FetchError("no Explore Local Statistics datasets named")
    session = session or make_session()
    _reachable(session, ELS_DATA + "README.md")
    frames = []
    for dataset in tqdm(datasets, desc="Explore Local Statistics", unit="dataset",
                        disable=not progress, file=sys.stderr):
        frames.append(_els_dataset(session, dataset))
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.loc[frame["geography"].isin(ELS_GEOGRAPHIES)]
    if not (frame["areacd"] == area_code).any():
        raise FetchError(f"Explore Local Statistics has no rows for {area_code} in these "
                         "datasets: is it a county or unitary authority code?")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"els_{area_code}.csv"
    frame.to_csv(path, index=False)
    return path


def fetch_nomis(
    area_code: str, out_dir: str | Path, table: str, small_areas: str | Path, *,
    session: requests.Session | None = None, progress: bool = True,
) -> Path:
    """Download a Census 2021 ``table`` (e.g. ``TS052`` or ``NM_2070_1``) from Nomis for the
    small areas listed in ``small_areas`` (a CSV or XLSX with an ``LSOA21CD``/``lsoa21_code``
    or ``MSOA21CD``/``msoa21_code`` column) into ``nomis_<table>_<area>.csv`` in the long
    census layout (module doc)."""
    dataset = _nomis_dataset(table)
    column, codes = _small_area_codes(small_areas)
    session = session or make_session()
    _reachable(session, f"{NOMIS_API}dataset/{dataset}.def.sdmx.json")
    batches = [codes[i : i + NOMIS_BATCH] for i in range(0, len(codes), NOMIS_BATCH)]
    frames = [_nomis_batch(session, dataset, batch)
              for batch in tqdm(batches, desc=f"Nomis {table}", unit="batch",
                                disable=not progress, file=sys.stderr)]
    long = _nomis_long(pd.concat(frames, ignore_index=True), dataset, column, codes)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"nomis_{table.upper()}_{area_code}.csv"
    long.to_csv(path, index=False)
    return path


def _nomis_dataset(table: str) -> str:
    name = table.strip().upper()
    dataset = NOMIS_TABLES.get(name, name)
    if not re.fullmatch(r"NM_\d{1,6}_\d{1,3}", dataset):
        raise FetchError(f"not a Nomis table: {table!r} (use a Nomis id such as NM_2070_1, or "
                         f"one of {', '.join(NOMIS_TABLES)})")
    return dataset


def _small_area_codes(path: str | Path) -> tuple[str, list[str]]:
    """The layout's code column (lsoa21_code or msoa21_code) and the distinct GSS codes of the
    first small-area code column of ``path``, in file order."""
    table = read_table(path, [tuple(SMALL_AREA_COLUMNS)])
    found = table.require(*SMALL_AREA_COLUMNS)
    codes = list(dict.fromkeys(area_codes(table, found)))
    return SMALL_AREA_COLUMNS[normalise(found)], codes


def _nomis_batch(session: requests.Session, dataset: str, codes: list[str]) -> pd.DataFrame:
    params = {"date": "latest", "geography": ",".join(codes), "measures": NOMIS_COUNT}
    try:
        response = _get(session, f"{NOMIS_API}dataset/{dataset}.data.csv", params)
        frame = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")), dtype=str,
                            keep_default_na=False)
    except requests.RequestException as error:
        raise FetchError(f"Nomis download failed for {dataset}: {error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError(f"Nomis answered {dataset} with something that is not CSV: "
                         f"{error}") from None
    missing = [c for c in ("GEOGRAPHY_CODE", "OBS_VALUE", "RECORD_COUNT") if c not in frame]
    if missing:
        raise FetchError(f"Nomis answered {dataset} without the columns {', '.join(missing)}")
    if len(frame) and int(frame["RECORD_COUNT"].iloc[0]) > len(frame):
        raise FetchError(f"Nomis cut its answer for {dataset} short ({len(frame)} of "
                         f"{frame['RECORD_COUNT'].iloc[0]} rows)")
    return frame


def _nomis_long(frame: pd.DataFrame, dataset: str, column: str, codes: list[str]
                ) -> pd.DataFrame:
    """Nomis rows (one per area and category cell) as the long census layout."""
    dimensions = [c for c in frame.columns if f"{c}_NAME" in frame and c not in NOMIS_FIXED]
    if len(dimensions) != 1:
        raise FetchError(f"Nomis answered {dataset} with {len(dimensions)} category dimensions "
                         f"({', '.join(dimensions) or 'none'}); expected one")
    dimension = dimensions[0]
    cell = pd.to_numeric(frame[dimension], errors="coerce")
    count = pd.to_numeric(frame["OBS_VALUE"], errors="coerce")
    if cell.isna().any() or count.isna().any():
        raise FetchError(f"Nomis answered {dataset} with a cell that is not a number")
    totals = frame.loc[cell == 0]
    if totals.empty:
        raise FetchError(f"Nomis answered {dataset} without the Total cell (code 0)")
    unit = "households" if "household" in totals[f"{dimension}_NAME"].iloc[0].lower() \
        else "residents"
    absent = sorted(set(codes) - set(frame["GEOGRAPHY_CODE"]))
    if absent:
        raise FetchError(f"Nomis has no {dataset} rows for {len(absent)} of the small areas, "
                         f"e.g. {absent[0]}")
    parts = (cell > 0) & (cell < NOMIS_AGGREGATES)
    return pd.DataFrame({
        column: frame.loc[parts, "GEOGRAPHY_CODE"],
        f"total_{unit}": frame.loc[parts, "GEOGRAPHY_CODE"].map(
            dict(zip(totals["GEOGRAPHY_CODE"], count[cell == 0], strict=True))),
        dimension.lower(): frame.loc[parts, f"{dimension}_NAME"],
        "n": count[parts],
    })


def _els_dataset(session: requests.Session, dataset: str) -> pd.DataFrame:
    if not dataset.replace("-", "").isalnum():
        raise FetchError(f"not an Explore Local Statistics dataset name: {dataset!r}")
    url = f"{ELS_DATA}{dataset}/{dataset}.csv"
    try:
        response = _get(session, url, {})
        frame = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")), dtype=str,
                            keep_default_na=False)
    except requests.RequestException as error:
        raise FetchError(f"Explore Local Statistics download failed for {dataset}: "
                         f"{error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError(f"Explore Local Statistics answered {dataset} with something that is "
                         f"not CSV: {error}") from None
    missing = [c for c in ELS_COLUMNS if c not in frame.columns]
    if missing:
        raise FetchError(f"Explore Local Statistics dataset {dataset} lacks the columns "
                         f"{', '.join(missing)}")
    return frame[list(ELS_COLUMNS)]  # a repeated notes column (read as notes.1) is dropped


def _fingertips_batch(session: requests.Session, batch: list[int]) -> pd.DataFrame:
    params = {
        "indicator_ids": ",".join(map(str, batch)),
        "child_area_type_id": UPPER_TIER_2023,
        "parent_area_type_id": REGION,
        "include_sortable_time_periods": "yes",
    }
    try:
        response = _get(session, FINGERTIPS_API + "all_data/csv/by_indicator_id", params)
    except requests.RequestException as error:
        raise FetchError(f"Fingertips download failed for indicators {batch[0]}...: "
                         f"{error}") from None
    try:
        frame = pd.read_csv(io.StringIO(response.content.decode("utf-8-sig")), dtype=str,
                            keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchError(f"Fingertips answered with something that is not CSV: {error}") from None
    if "Indicator ID" not in frame.columns or "Area Code" not in frame.columns:
        raise FetchError("Fingertips answered without the export layout's columns")
    return frame


def _areas_to_keep(export: pd.DataFrame, area_code: str, comparators: Sequence[str]) -> set[str]:
    """The authority, England, the authority's region (its Parent Code) and the comparators."""
    own = export.loc[export["Area Code"] == area_code]
    parents = set(own.get("Parent Code", pd.Series(dtype=str))) - {""}
    return {area_code, ENGLAND, *parents, *comparators}


def _ward_boundaries(session: requests.Session, area_code: str, out: Path) -> Path:
    params = {"where": f"LAD25CD='{area_code}'", "outFields": "*", "outSR": 4326, "f": "geojson"}
    _reachable(session, WARD_BOUNDARIES.rsplit("/", 1)[0] + "?f=json")
    try:
        response = _get(session, WARD_BOUNDARIES, params)
        collection = response.json()
    except (requests.RequestException, ValueError) as error:
        raise FetchError(f"ONS ward boundaries download failed: {error}") from None
    if not collection.get("features"):
        raise FetchError(f"ONS returned no ward boundaries for {area_code}")
    path = out / f"wards_{area_code}.geojson"
    path.write_text(response.text, encoding="utf-8")
    return path


def catalogue_fingertips_ids() -> list[int]:
    """The Fingertips ids of the illustrative catalogue (``data/simulate/catalogue.csv``)."""
    ids = read_catalogue_table()["fingertips_id"].dropna()
    return sorted(int(i) for i in ids)
