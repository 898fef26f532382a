"""The mini sources (tests/build/conftest.py) plus two MSOAs and one small file of each
small-area layout, shaped like the real Luton files (Census 2021 long and wide, Stat-Xplore by
MSOA and by local authority, IoD2019 File 6, ONS HLE by MSOA and by UTLA)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
import yaml

from .conftest import ORIGIN, SIDE, SMALL, write_mini_sources

MSOAS = ("E02999001", "E02999002")
LSOA_NAMES = ("Mini 001A", "Mini 001B", "Mini 002A", "Mini 002B")
WIDE_NOT_WELL = "Main language is not English: Cannot speak English well"
FILES = {
    "census_long.csv": (
        "lsoa21_code,total_households,occupancy_rating,n,prop\n"
        "E01999001,500,-1 (overcrowded),50,0.1\nE01999001,500,0 or more,450,0.9\n"
        "E01999002,400,-1 (overcrowded),20,0.05\nE01999002,400,0 or more,380,0.95\n"
        "E01999003,600,-1 (overcrowded),30,0.05\nE01999003,600,0 or more,570,0.95\n"
        "E01999004,300,-1 (overcrowded),3,0.01\nE01999004,300,0 or more,297,0.99\n"),
    "census_wide.csv": (
        f"msoa21_code,Main language is English,{WIDE_NOT_WELL},Proportion who cannot speak "
        "English (well)\nE02999001,900,100,0.1\nE02999002,1950,50,0.025\n"),
    "cilif_msoa.csv": (
        '"Year","2014/15","2014/15 - Annotations","2015/16 (p)","2015/16 - Annotations",\n'
        '"Mini 001",60,,70,,\n"Mini 002",..,,30,,\n'),
    "cilif_la.csv": (
        '"Year","2014/15","2014/15 - Annotations","2015/16 (p)","2015/16 - Annotations",\n'
        '"National - Regional - LA - OAs",\n"Bedford",500,,520,,\n"Luton",85,,101,,\n'
        '"Unknown",..,,..,,\n"Total",585,,621,,\n'),
    "file6.csv": (
        "LSOA code (2011),LSOA name (2011),Dependent Children aged 0-15: mid 2015\n"
        + "".join(f"{c},{n},{100 + 10 * i}\n" for i, (c, n) in enumerate(zip(SMALL, LSOA_NAMES,
                                                                               strict=True)))),
    "hle_msoa.csv": (
        "MSOA Codes,MSOA Names,Region,HLE (years),,Lower 95 % confidence interval,Upper 95 % "
        "confidence interval,LE (Years),Lower 95 % confidence interval,Upper 95 % confidence "
        "interval,Proportion1 of life spent in 'Good' health (%)\n"
        "E02999001,Mini 001,East of England,60.5,**,59.1,61.9,78.2,77.0,79.4,77.4\n"
        "E02999002,Mini 002,East of England,66.0,*,64.8,67.2,81.0,80.1,81.9,81.5\n"),
    "hle_utla.csv": (
        "UTLA Codes,UTLA Name,HLE (years),,Lower 95 % confidence interval,Upper 95 % confidence "
        "interval,LE (Years),Lower 95 % confidence interval,Upper 95 % confidence interval,"
        "Proportion1 of life spent in 'Good' health (%)\n"
        "E06000055,Bedford,64.1,,63.7,64.5,80.0,79.6,80.4,80.1\n"
        "E06000032,Luton,61.6,**,61.3,61.9,78.1,77.7,78.5,78.9\n"),
    "catalogue_small.csv": (
        "indicator_id,name,principle,unit,value_type,multiplier,polarity,baseline_period\n"
        "P5-overcrowding,Overcrowding,5,%,proportion,100,lower_is_better,2021\n"
        "P7-english,Cannot speak English well,7,%,proportion,100,lower_is_better,2021\n"
        "P1-cilif,Children in low-income families,1,%,proportion,100,lower_is_better,2014/15\n"
        "P6-hle-male,Male HLE,6,years,life_expectancy,1,higher_is_better,2009-2013\n"),
}
ENTRIES = [
    {"kind": "census_long", "path": "census_long.csv", "indicator": "P5-overcrowding",
     "numerator": ["-1 (overcrowded)"]},
    {"kind": "census_wide", "path": "census_wide.csv", "indicator": "P7-english",
     "numerator": [WIDE_NOT_WELL],
     "denominator": ["Main language is English", WIDE_NOT_WELL]},
    {"kind": "dwp_statxplore", "path": "cilif_msoa.csv", "indicator": "P1-cilif",
     "denominator": {"path": "file6.csv", "column": "Dependent Children aged 0-15: mid 2015"},
     "authority": {"path": "cilif_la.csv"}},
    {"kind": "ons_hle", "path": "hle_msoa.csv", "indicator": "P6-hle-male",
     "period": "2009-2013", "authority": {"path": "hle_utla.csv"}},
]


def write_small_area_sources(folder: Path) -> Path:
    """The mini sources with the msoa level and the small-area entries; returns sources.yaml."""
    path = write_mini_sources(folder)
    lsoa = gpd.read_file(folder / "lsoa.geojson")
    lsoa["LSOA21NM"] = list(LSOA_NAMES)
    lsoa.to_file(folder / "lsoa.geojson", driver="GeoJSON")
    x, y = ORIGIN
    halves = [shapely.box(x + i * 2 * SIDE, y, x + (i + 1) * 2 * SIDE, y + SIDE) for i in range(2)]
    gpd.GeoDataFrame({"MSOA11CD": list(MSOAS), "MSOA11NM": ["Mini 001", "Mini 002"]},
                     geometry=halves, crs="EPSG:27700").to_crs("EPSG:4326").to_file(
        folder / "msoa.geojson", driver="GeoJSON")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    sources = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources["geography"]["msoa"] = {"boundaries": "msoa.geojson"}
    sources["catalogue"].append("catalogue_small.csv")
    sources["indicators"] += ENTRIES
    path.write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
    return path
