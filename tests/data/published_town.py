"""A small hand-built *published* (non-illustrative) dataset that follows the issue-9 contract.

It extends the small town (``town.py``) with what a real dataset carries: ``illustrative:
false`` with sources, publishers and licences; the catalogue's ``publisher`` column; an
indicator with no JSNA / Luton 2040 tag; a peer group of similar authorities (their values are
``area_type: comparator`` rows) in ``peer_group``; ``principle_notes``; an ``msoa`` level with
its boundaries; and national and local deprivation breakdowns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.data import schema, write_dataset

from . import town
from .town import LA, YEARS, collection, proportion_row

MSOAS = ("E02000001", "E02000002", "E02000003")
PEERS = (("E06000001", "Peerton"), ("E06000002", "Likeborough"), ("E06000003", "Samefield"),
         ("E06000004", "Akinford"))
# Latest-year peer values: smoking (lower is better; the town has 12.5) and the ethnic-minority
# share (no judgement; the town has 40).
PEER_SMOKING = (10.0, 14.0, 16.0, 20.0)
PEER_ETHNIC = (50.0, 30.0, 20.0, 45.0)
PEER_GROUP = {
    "name": "Test neighbours",
    "description": "The four authorities closest to the town on IMD 2019 average score and "
                   "population.",
    "members": [{"code": code, "name": name} for code, name in PEERS],
}
PRINCIPLE_NOTES = {
    1: "Early years foundation stage results are not published below authority level.",
    2: "No education indicator is published for the town yet.",
    6: "Smoking comes from the Annual Population Survey.",
}
SOURCES = [
    {"name": "Explore local statistics", "publisher": "Office for National Statistics",
     "licence": "Open Government Licence v3.0",
     "url": "https://www.ons.gov.uk/explore-local-statistics/"},
    {"name": "Children in low income families", "publisher": "Department for Work and Pensions",
     "licence": "Open Government Licence v3.0", "url": "https://stat-xplore.dwp.gov.uk/"},
]
PUBLISHERS = {
    "smoking": "OHID (via ONS Explore Local Statistics)",
    "employment": "ONS Annual Population Survey (via ONS Explore Local Statistics)",
    "life_expectancy": "ONS (via ONS Explore Local Statistics)",
    "children_low_income": "DWP Stat-Xplore",
    "ethnic_minority": "ONS Census 2021",
}


def catalogue() -> pd.DataFrame:
    frame = town.catalogue()
    extra = pd.DataFrame([
        {"indicator_id": "children_low_income", "name": "Children in relative low income families",
         "short_name": "Child low income", "principle": 4, "value_type": "proportion",
         "multiplier": 100.0, "polarity": "lower_is_better", "unit": "%", "sources": None,
         "baseline_period": "2015", "definition": "Children under 16 in relative low income.",
         "source_url": "https://stat-xplore.dwp.gov.uk/"},
        {"indicator_id": "ethnic_minority", "name": "Residents from ethnic minority groups",
         "short_name": "Ethnic minority share", "principle": 7, "value_type": "proportion",
         "multiplier": 100.0, "polarity": "no_judgement", "unit": "%", "sources": None,
         "baseline_period": "2020", "definition": "Context: Census 2021 ethnic group.",
         "source_url": "https://www.ons.gov.uk/"},
    ])
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.loc[frame["indicator_id"] == "employment", "sources"] = None  # no JSNA tag
    frame["fingertips_id"] = pd.array(frame["fingertips_id"], dtype="Int64")
    frame["publisher"] = frame["indicator_id"].map(PUBLISHERS)
    return frame


def areas() -> pd.DataFrame:
    frame = town.areas()
    msoas = pd.DataFrame({
        "area_code": list(MSOAS), "area_name": [f"Town {i + 1:03d}" for i in range(3)],
        "level": "msoa", "parent_code": LA, "population": 8000.0,
        "imd_score": [40.0, 25.0, 10.0]})
    frame = pd.concat([frame, msoas], ignore_index=True)
    for column in ("imd_rank", "imd_decile", "local_quintile", "local_decile"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame[list(schema.AREA_COLUMNS)]


def _peer_rows(indicator: str, latest: tuple[float, ...]) -> list[dict]:
    """Each peer's values: its latest-year share, one point higher per year before."""
    rows = []
    for (code, name), value in zip(PEERS, latest, strict=True):
        for step, year in enumerate(YEARS):
            share = value + (len(YEARS) - 1 - step)
            rows.append(proportion_row(indicator, code, name, "comparator", year,
                                       round(share * 100), 10_000))
    return rows


def values() -> pd.DataFrame:
    rows = _peer_rows("smoking", PEER_SMOKING) + _peer_rows("ethnic_minority", PEER_ETHNIC)
    for step, year in enumerate(YEARS):
        rows.append(proportion_row("children_low_income", LA, "Town", "la", year,
                                   12_000 - 300 * step, 50_000))
        rows.append(proportion_row("children_low_income", town.ENGLAND, "England", "england",
                                   year, 1_900_000, 10_000_000))
        for i, code in enumerate(MSOAS):
            rows.append(proportion_row("children_low_income", code, f"Town {i + 1:03d}", "msoa",
                                       year, 900 - 200 * i - 20 * step, 3000))
        for decile in range(1, 9):  # no small area of the town in the two least deprived
            rows.append(proportion_row("children_low_income", LA, "Town", "la", year,
                                       2000 - 150 * decile - 10 * step, 6000,
                                       "deprivation_decile", f"Decile {decile}", decile))
        for quintile in range(1, 6):
            rows.append(proportion_row("children_low_income", LA, "Town", "la", year,
                                       2500 - 300 * quintile - 20 * step, 10_000,
                                       "local_deprivation_quintile", f"Quintile {quintile}",
                                       quintile))
    rows.append(proportion_row("ethnic_minority", LA, "Town", "la", YEARS[-1], 80_000, 200_000))
    frame = pd.concat([town.values(), pd.DataFrame(rows)], ignore_index=True)
    return frame[list(schema.VALUE_COLUMNS)]


def meta() -> dict:
    meta = town.meta()
    meta.pop("seed")
    meta.update(name="Test town: published figures", illustrative=False,
                levels=["ward", "lsoa", "msoa"], sources=SOURCES, peer_group=PEER_GROUP,
                principle_notes=PRINCIPLE_NOTES)
    return meta


def write(directory: Path) -> Path:
    """Write the published town to ``directory`` (returns the dataset's path)."""
    parts = town.parts()
    parts.update(meta=meta(), indicators=catalogue(), values=values(), areas=areas())
    parts["geo"] = {**parts["geo"], "msoa": collection(MSOAS)}
    return write_dataset(directory, **parts)
