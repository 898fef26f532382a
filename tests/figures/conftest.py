"""Small hand-made tables for the figure builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

PERIODS = ("2015", "2016", "2017", "2018", "2019")
AUTHORITY = "E06000032"


@pytest.fixture
def indicator() -> dict:
    return {
        "indicator_id": "smoking",
        "name": "Smoking prevalence in adults",
        "short_name": "Adult smoking",
        "unit": "%",
        "polarity": "lower_is_better",
        "baseline_period": "2016",
    }


@pytest.fixture
def series() -> pd.DataFrame:
    """Five years for the authority, England and the region; authority points benchmarked."""
    areas = (
        ("la", AUTHORITY, "Luton", 3.0),
        ("england", "E92000001", "England", 0.0),
        ("region", "E12000006", "East of England", -1.0),
    )
    labels = ("worse", "similar", "better", "worse", None)
    rows = []
    for area_type, code, name, shift in areas:
        for sort, period in enumerate(PERIODS):
            value = 20.0 + sort + shift
            rows.append({
                "indicator_id": "smoking", "area_code": code, "area_name": name,
                "area_type": area_type, "period": period, "period_sort": sort,
                "breakdown": "total", "category": "Total", "value": value,
                "lower_ci": value - 1, "upper_ci": value + 1,
                "benchmark": labels[sort] if area_type == "la" else None,
            })
    return pd.DataFrame(rows)


def _square(lon: float, lat: float, size: float = 0.01) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
             [lon, lat]]]


@pytest.fixture
def geojson() -> dict:
    codes = ("W01", "W02", "W03")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"area_code": code},
             "geometry": {"type": "Polygon", "coordinates": _square(-0.45 + 0.01 * i, 51.87)}}
            for i, code in enumerate(codes)
        ],
    }


@pytest.fixture
def places() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": ["W01", "W02", "W03"],
        "area_name": ["Biscot", "Challney", "Wigmore"],
        "value": [30.0, 22.0, 12.0],
        "lower_ci": [27.0, 19.0, 10.0],
        "upper_ci": [33.0, 25.0, 14.0],
        "comparison": ["worse", "similar", "better"],
    })


@pytest.fixture
def deprivation() -> pd.DataFrame:
    values = np.array([30.0, 26.0, 21.0, 17.0, 12.0])
    return pd.DataFrame({
        "period": "2019",
        "breakdown": "deprivation_quintile",
        "category": [f"Quintile {i}" for i in range(1, 6)],
        "category_sort": range(1, 6),
        "value": values,
        "lower_ci": values - 2,
        "upper_ci": values + 2,
    })


@pytest.fixture
def sii() -> dict:
    return {"sii": -22.0, "sii_lower": -26.0, "sii_upper": -18.0, "rii": 0.42,
            "rii_lower": 0.35, "rii_upper": 0.5, "intercept": 32.0}


@pytest.fixture
def cohorts() -> pd.DataFrame:
    return pd.DataFrame({
        "breakdown": ["sex", "sex", "ethnicity", "ethnicity", "ethnicity"],
        "category": ["Male", "Female", "White", "Mixed / Multiple ethnic groups", "Asian"],
        "category_sort": [1, 2, 1, 2, 3],
        "value": [18.0, 14.0, 16.0, np.nan, 19.0],
        "lower_ci": [16.0, 12.0, 14.0, np.nan, 17.0],
        "upper_ci": [20.0, 16.0, 18.0, np.nan, 21.0],
        "note": [None, None, None, "suppressed: fewer than 5", None],
    })
