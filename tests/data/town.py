"""A small hand-built dataset: one town, two wards, four LSOAs, three indicators, six years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from marmot_dash.data import schema
from marmot_dash.data.principles import PRINCIPLES

LA, ENGLAND, REGION = "E06000032", "E92000001", "E12000006"
WARDS = ("E05000001", "E05000002")
LSOAS = ("E01000001", "E01000002", "E01000003", "E01000004")
YEARS = tuple(range(2015, 2021))


def square(x: float, y: float) -> dict:
    """A small counter-clockwise square polygon at (x, y)."""
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(codes: tuple[str, ...]) -> dict:
    features = [
        {"type": "Feature", "id": code, "properties": {"area_code": code},
         "geometry": square(-0.4 + 0.01 * i, 51.9)}
        for i, code in enumerate(codes)
    ]
    return {"type": "FeatureCollection", "features": features}


def catalogue() -> pd.DataFrame:
    rows = [
        ("smoking", "Smoking prevalence in adults", "Smoking", 6, "proportion", 100.0,
         "lower_is_better", "%"),
        ("employment", "Employment rate", "Employment", 3, "proportion", 100.0,
         "higher_is_better", "%"),
        ("life_expectancy", "Life expectancy at birth", "Life expectancy", 1, "life_expectancy",
         1.0, "higher_is_better", "years"),
    ]
    frame = pd.DataFrame(rows, columns=["indicator_id", "name", "short_name", "principle",
                                        "value_type", "multiplier", "polarity", "unit"])
    frame["sources"] = "JSNA; Luton 2040"
    frame["baseline_period"] = "2015"
    frame["target"] = [10.0, np.nan, np.nan]
    frame["target_period"] = ["2030", None, None]
    frame["definition"] = "A definition."
    frame["source_url"] = "https://fingertips.phe.org.uk/"
    frame["publisher"] = ["OHID (Fingertips)", None, "OHID (Fingertips)"]
    frame["fingertips_id"] = pd.array([92443, None, 90366], dtype="Int64")
    return frame[list(schema.INDICATOR_COLUMNS)]


def areas() -> pd.DataFrame:
    rows = [(LA, "Town", "la", "", 200000.0, np.nan, None, None, None, None)]
    rows += [(code, f"Ward {i + 1}", "ward", LA, 10000.0, 20.0 + 10 * i, 1000 + i, 3 + i, 1 + i,
              1 + i) for i, code in enumerate(WARDS)]
    rows += [(code, f"Town {i + 1:03d}A", "lsoa", WARDS[i // 2], 1500.0, 40.0 - 8 * i,
              100 + 5000 * i, 1 + 2 * i, 1 + i, 1 + 2 * i) for i, code in enumerate(LSOAS)]
    frame = pd.DataFrame(rows, columns=list(schema.AREA_COLUMNS))
    for column in ("imd_rank", "imd_decile", "local_quintile", "local_decile"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    return frame


def proportion_row(indicator, code, name, area_type, year, count, denominator,
                   breakdown="total", category="Total", category_sort=0) -> dict:
    value = 100 * count / denominator
    half = 100 * 1.96 * np.sqrt(value / 100 * (1 - value / 100) / denominator)
    return {
        "indicator_id": indicator, "area_code": code, "area_name": name, "area_type": area_type,
        "period": str(year), "period_sort": year, "breakdown": breakdown, "category": category,
        "category_sort": category_sort, "value": value, "lower_ci": value - half,
        "upper_ci": value + half, "lower_ci_998": value - 1.6 * half,
        "upper_ci_998": value + 1.6 * half, "count": float(count),
        "denominator": float(denominator), "note": None,
    }


def values() -> pd.DataFrame:
    """Smoking falls in the town (faster in the most deprived), employment falls below
    England's, life expectancy stays flat below England's; England is flat throughout."""
    rows = []
    for step, year in enumerate(YEARS):
        rows.append(proportion_row("smoking", ENGLAND, "England", "england", year,
                                   1_400_000, 10_000_000))
        rows.append(proportion_row("smoking", REGION, "East of England", "region", year,
                                   130_000, 1_000_000))
        rows.append(proportion_row("smoking", LA, "Town", "la", year, 40_000 - 3000 * step,
                                   200_000))
        for i, code in enumerate(WARDS):
            rows.append(proportion_row("smoking", code, f"Ward {i + 1}", "ward", year,
                                       2000 - 100 * step, 10000))
        for i, code in enumerate(LSOAS):
            rows.append(proportion_row("smoking", code, f"Town {i + 1:03d}A", "lsoa", year,
                                       400 - 40 * i - 10 * step, 1500))
        for sort, sex in enumerate(schema.SEXES, start=1):
            rows.append(proportion_row("smoking", LA, "Town", "la", year, 21_000 - 1000 * step
                                       - 2000 * sort, 100_000, "sex", sex, sort))
        for quintile in range(1, 6):
            rows.append(proportion_row("smoking", LA, "Town", "la", year,
                                       9000 - 1000 * quintile - (300 - 40 * quintile) * step,
                                       40_000, "deprivation_quintile", f"Quintile {quintile}",
                                       quintile))
        rows.append(proportion_row("employment", ENGLAND, "England", "england", year,
                                   7_500_000, 10_000_000))
        rows.append(proportion_row("employment", LA, "Town", "la", year, 140_000 - 3000 * step,
                                   200_000))
    frame = pd.DataFrame(rows)
    life = frame[(frame.indicator_id == "employment")].copy()
    life["indicator_id"] = "life_expectancy"
    life["value"] = np.where(life.area_type == "england", 79.5, 78.0)
    for suffix, half in (("", 0.3), ("_998", 0.5)):
        life[f"lower_ci{suffix}"] = life["value"] - half
        life[f"upper_ci{suffix}"] = life["value"] + half
    life[["count", "denominator"]] = np.nan
    return pd.concat([frame, life], ignore_index=True)[list(schema.VALUE_COLUMNS)]


def meta() -> dict:
    return {
        "name": "Test town", "area": {"code": LA, "name": "Town"},
        "comparators": [{"code": ENGLAND, "name": "England", "area_type": "england"},
                        {"code": REGION, "name": "East of England", "area_type": "region"}],
        "levels": ["ward", "lsoa"], "illustrative": True, "built_at": "2026-11-27T00:00:00Z",
        "seed": 1, "disclosure_threshold": 5, "sources": [],
    }


def parts() -> dict:
    """The keyword arguments of write_dataset for the small town."""
    return {
        "meta": meta(), "principles": list(PRINCIPLES), "indicators": catalogue(),
        "values": values(), "areas": areas(),
        "geo": {"ward": collection(WARDS), "lsoa": collection(LSOAS)}, "themes": None,
    }
