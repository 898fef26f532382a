"""Synthetic geographies: Marmot Town (about 20 wards, 120 small areas) and a simulated
England (32,844 small areas in 150 places) for benchmarks and the many-places dashboard.

Marmot Town's wards are Voronoi cells of well-spread points (a few rounds of Lloyd's
algorithm on a sample denser in the centre) clipped to an irregular outline; each ward is cut
the same way into six small areas, so small areas nest in wards and wards tile the town.
Deprivation follows a lognormal fitted to England's IMD 2025 LSOA scores against their ranks
(log-score mean 2.835, sd 0.761), shifted towards the deprived end and highest in the centre
and the east, as in many English towns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy import stats as sps
from shapely.geometry import Polygon, mapping

from marmot_dash.data import schema
from marmot_dash.data.geography import Comparator, Geography
from marmot_dash.data.places import area_places
from marmot_dash.stats.inequality import local_quantiles

ENGLAND = Comparator("E92000001", "England", "england")
EAST_OF_ENGLAND = Comparator("E12000006", "East of England", "region")

TOWN_CODE = "E06999999"
TOWN_NAME = "Marmot Town"
ENGLAND_LSOAS = 32_844
ENGLAND_WARDS = 6_904
ENGLAND_AUTHORITIES = 296
ENGLAND_PLACES = 150  # about England's upper-tier authorities (153 in 2024)
PLACES_ACROSS = 10
PLACE_DEPRIVATION_SD = 0.6  # of the place part, against 1 for the local part

IMD_LOG_MEAN = 2.835
IMD_LOG_SD = 0.761

TOWN_CENTRE = (-0.35, 51.95)  # lon, lat: a made-up place in Bedfordshire
TOWN_RADIUS_KM = 4.5
KM_PER_DEGREE_LAT = 110.57

WARD_NAMES = (
    "Abbey", "Brookside", "Castle Hill", "Dallow Green", "Eastfield", "Farley Park",
    "Greenway", "Hightown", "Icknield", "Kingsway", "Lea Valley", "Marsh Farm", "Northwell",
    "Oakley", "Parkside", "Queensbury", "Riverside", "Saints", "Stopsley Rise", "Wigmore",
)
SMALL_AREAS_PER_WARD = 6


def national_deprivation(z: np.ndarray, n_areas: int = ENGLAND_LSOAS) -> pd.DataFrame:
    """IMD score, national rank (1 = most deprived) and decile for areas at national z-scores
    ``z`` of the log score (z = 0 is England's median)."""
    score = np.exp(IMD_LOG_MEAN + IMD_LOG_SD * z)
    rank = np.clip(np.ceil(n_areas * sps.norm.sf(z)), 1, n_areas).astype("int64")
    decile = np.ceil(rank * 10 / n_areas).astype("int64")
    return pd.DataFrame({"imd_score": np.round(score, 3), "imd_rank": rank, "imd_decile": decile})


def deprivation_z(imd_score: np.ndarray) -> np.ndarray:
    """The national z-score of the log IMD score (the inverse of ``national_deprivation``)."""
    score = np.clip(np.asarray(imd_score, dtype=float), 0.5, None)
    return (np.log(score) - IMD_LOG_MEAN) / IMD_LOG_SD


def _outline(rng: np.random.Generator) -> Polygon:
    """An irregular town outline in km around (0, 0): a circle with low-frequency wobble."""
    angle = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    wobble = sum(
        rng.uniform(0.03, 0.09) * np.cos(k * angle + rng.uniform(0, 2 * np.pi))
        for k in (2, 3, 5)
    )
    radius = TOWN_RADIUS_KM * (1 + wobble)
    return Polygon(np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]))


def _sample_inside(shape: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """About ``n`` points inside ``shape``, denser towards the town centre."""
    minx, miny, maxx, maxy = shape.bounds
    points = rng.uniform((minx, miny), (maxx, maxy), size=(n * 4, 2))
    density = 1 / (1 + (np.hypot(points[:, 0], points[:, 1]) / 2.5) ** 2)
    keep = (rng.uniform(size=len(points)) < density) & shapely.contains_xy(shape, *points.T)
    return points[keep][:n]


def _spread_seeds(shape: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` well-spread seed points in ``shape`` (Lloyd's algorithm on a dense sample)."""
    sample = _sample_inside(shape, max(400 * n, 2000), rng)
    seeds = sample[rng.choice(len(sample), size=n, replace=False)]
    for _ in range(15):
        nearest = ((sample[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        for k in range(n):
            members = sample[nearest == k]
            if len(members):
                seeds[k] = members.mean(axis=0)
    return seeds


def _cells(shape: Polygon, seeds: np.ndarray) -> list[Polygon]:
    """Voronoi cells of ``seeds`` clipped to ``shape``, in seed order."""
    diagram = shapely.voronoi_polygons(
        shapely.MultiPoint(seeds), extend_to=shape.buffer(1.0), ordered=True
    )
    cells = [cell.intersection(shape) for cell in diagram.geoms]
    return [_largest_polygon(cell) for cell in cells]


def _largest_polygon(geometry: shapely.Geometry) -> Polygon:
    if isinstance(geometry, Polygon):
        return geometry
    return max(geometry.geoms, key=lambda part: part.area)


def _to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    """km offsets from ``TOWN_CENTRE`` to longitude and latitude (equirectangular)."""
    lon0, lat0 = TOWN_CENTRE
    km_per_degree_lon = KM_PER_DEGREE_LAT * np.cos(np.radians(lat0))
    scale = np.array([1 / km_per_degree_lon, 1 / KM_PER_DEGREE_LAT])
    return shapely.transform(geometry, lambda xy: xy * scale + (lon0, lat0))


def feature_collection(codes: list[str], names: list[str], shapes: list) -> dict:
    """A GeoJSON FeatureCollection keyed by area code, rings oriented for Plotly (exterior
    counter-clockwise) and coordinates rounded to about a metre."""
    shapes = shapely.orient_polygons(shapely.set_precision(np.asarray(shapes), 1e-5))
    features = [
        {"type": "Feature", "id": code, "properties": {"area_code": code, "area_name": name},
         "geometry": mapping(shape)}
        for code, name, shape in zip(codes, names, shapes, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def _area_rows(codes, names, level, parent, population, z, n_national) -> pd.DataFrame:
    rows = pd.DataFrame({"area_code": codes, "area_name": names, "level": level,
                         "parent_code": parent, "population": population})
    return pd.concat([rows, national_deprivation(z, n_national)], axis=1)


def _with_local_quantiles(areas: pd.DataFrame) -> pd.DataFrame:
    """Local quintile and decile (1 = most deprived) within each level below the authority,
    each authority's areas ranked among themselves."""
    areas = areas.copy()
    areas["local_quintile"] = pd.array([pd.NA] * len(areas), dtype="Int64")
    areas["local_decile"] = pd.array([pd.NA] * len(areas), dtype="Int64")
    authorities = areas.loc[areas["level"] == "la", "area_code"].tolist()
    place = area_places(areas, authorities).fillna("")
    small = areas["level"].isin(schema.SMALL_AREA_LEVELS)
    for _, rows in areas[small].groupby([areas["level"], place]).groups.items():
        score, people = areas.loc[rows, "imd_score"], areas.loc[rows, "population"]
        areas.loc[rows, "local_quintile"] = local_quantiles(score, people, n=5)
        areas.loc[rows, "local_decile"] = local_quantiles(score, people, n=10)
    return areas.loc[:, list(schema.AREA_COLUMNS)]


def _weighted_z(z: np.ndarray, population: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Population-weighted mean log-score z per group (how ward and authority scores are
    averaged from their small areas)."""
    return np.bincount(groups, z * population, n) / np.bincount(groups, population, n)


def synthetic_town(seed: int = 2026) -> Geography:
    """Marmot Town: 20 wards of 6 small areas each (120), with boundaries, populations of
    about 1,500 and a deprived town's IMD scores, ranks and deciles."""
    rng = np.random.default_rng([seed, 1])
    outline = _outline(rng)
    ward_shapes = _cells(outline, _spread_seeds(outline, len(WARD_NAMES), rng))
    small_shapes, small_ward = [], []
    for ward, shape in enumerate(ward_shapes):
        small_shapes += _cells(shape, _spread_seeds(shape, SMALL_AREAS_PER_WARD, rng))
        small_ward += [ward] * SMALL_AREAS_PER_WARD
    small_ward = np.array(small_ward)
    n_small, n_wards = len(small_shapes), len(ward_shapes)

    centroid = np.array([[s.centroid.x, s.centroid.y] for s in small_shapes])
    closeness = 1 - np.hypot(*centroid.T) / TOWN_RADIUS_KM
    z = 0.2 + 1.1 * closeness + 0.35 * centroid[:, 0] / TOWN_RADIUS_KM
    z = z + rng.normal(0, 0.45, n_small)
    population = rng.normal(1550, 180, n_small).round().clip(1000, 2600).astype("int64")

    ward_codes = [f"E05999{k + 1:03d}" for k in range(n_wards)]
    small_codes = [f"E01999{k + 1:03d}" for k in range(n_small)]
    small_names = [f"{TOWN_NAME} {w + 1:03d}{'ABCDEF'[k % SMALL_AREAS_PER_WARD]}"
                   for k, w in enumerate(small_ward)]
    ward_pop = np.bincount(small_ward, population, n_wards).astype("int64")
    ward_z = _weighted_z(z, population, small_ward, n_wards)
    town_z = _weighted_z(z, population, np.zeros(n_small, int), 1)

    areas = pd.concat([
        _area_rows([TOWN_CODE], [TOWN_NAME], "la", [""], [int(population.sum())], town_z,
                   ENGLAND_AUTHORITIES),
        _area_rows(ward_codes, list(WARD_NAMES), "ward", TOWN_CODE, ward_pop, ward_z,
                   ENGLAND_WARDS),
        _area_rows(small_codes, small_names, "lsoa", [ward_codes[w] for w in small_ward],
                   population, z, ENGLAND_LSOAS),
    ], ignore_index=True)
    boundaries = {
        "la": feature_collection([TOWN_CODE], [TOWN_NAME], [_to_wgs84(outline)]),
        "ward": feature_collection(ward_codes, list(WARD_NAMES),
                                   [_to_wgs84(s) for s in ward_shapes]),
        "lsoa": feature_collection(small_codes, small_names,
                                   [_to_wgs84(s) for s in small_shapes]),
    }
    return Geography(TOWN_CODE, TOWN_NAME, (ENGLAND, EAST_OF_ENGLAND),
                     _with_local_quantiles(areas), boundaries)


def simulated_england(seed: int = 2026, n_small: int = ENGLAND_LSOAS,
                      n_places: int = ENGLAND_PLACES) -> Geography:
    """A benchmark geography the size of England: ``n_small`` square small areas in rows of
    180, cut into ``n_places`` rectangular places (upper-tier authorities, ten across) and each
    place's rows into wards of up to five squares. Deprivation has a place part and a local
    part, ranked into England's distribution, so places differ as authorities do. The names
    and codes say they are simulated (``Simulated place 001``, ``E06900001``)."""
    if n_places < 1:
        raise ValueError(f"n_places must be 1 or more, not {n_places}")
    rng = np.random.default_rng([seed, 2])
    columns, per_ward, cell = 180, 5, 0.035
    index = np.arange(n_small)
    row, col = np.divmod(index, columns)
    across = min(PLACES_ACROSS, n_places)
    bands = -(-n_places // across)
    n_rows = int(row.max()) + 1
    slot = col * across // columns
    place = np.minimum(row * bands // n_rows * across + slot, n_places - 1)
    if len(np.unique(place)) < n_places:
        raise ValueError(f"{n_small} small areas are too few for {n_places} places")
    start = -(-slot * columns // across)  # the first column of each slot
    _, ward = np.unique((row * across + slot) * columns + (col - start) // per_ward,
                        return_inverse=True)
    n_wards = int(ward.max()) + 1
    ward_place = np.zeros(n_wards, dtype=int)
    ward_place[ward] = place
    raw = rng.normal(0, PLACE_DEPRIVATION_SD, n_places)[place] + rng.normal(0, 1, n_small)
    z = sps.norm.ppf((np.argsort(np.argsort(raw, kind="stable")) + 0.5) / n_small)
    population = rng.normal(1700, 250, n_small).round().clip(1000, 3000).astype("int64")

    place_codes = [f"E069{k + 1:05d}" for k in range(n_places)]
    place_names = [f"Simulated place {k + 1:03d}" for k in range(n_places)]
    ward_codes = [f"E05{k:06d}" for k in range(n_wards)]
    small_codes = [f"E01{k:06d}" for k in range(n_small)]
    small_names = [f"Simulated England {k:05d}" for k in range(n_small)]
    ward_names = [f"Simulated ward {k:04d}" for k in range(n_wards)]
    areas = pd.concat([
        _area_rows(place_codes, place_names, "la", [""] * n_places,
                   np.bincount(place, population, n_places).astype("int64"),
                   _weighted_z(z, population, place, n_places), ENGLAND_AUTHORITIES),
        _area_rows(ward_codes, ward_names, "ward", np.array(place_codes)[ward_place],
                   np.bincount(ward, population, n_wards).astype("int64"),
                   _weighted_z(z, population, ward, n_wards), ENGLAND_WARDS),
        _area_rows(small_codes, small_names, "lsoa", np.array(ward_codes)[ward], population, z,
                   n_small),
    ], ignore_index=True)

    left, bottom = -5.5 + col * cell, 50.0 + row * cell
    squares = shapely.box(left, bottom, left + cell, bottom + cell, ccw=True)
    first = np.unique(ward, return_index=True)[1]
    last = n_small - 1 - np.unique(ward[::-1], return_index=True)[1]
    ward_boxes = shapely.box(left[first], bottom[first], left[last] + cell,
                             bottom[last] + cell, ccw=True)
    corners = pd.DataFrame({"place": place, "left": left, "bottom": bottom}).groupby("place")
    low, high = corners.min(), corners.max() + cell
    place_boxes = shapely.box(low["left"], low["bottom"], high["left"], high["bottom"], ccw=True)
    boundaries = {
        "la": feature_collection(place_codes, place_names, list(place_boxes)),
        "ward": feature_collection(ward_codes, ward_names, list(ward_boxes)),
        "lsoa": feature_collection(small_codes, small_names, list(squares)),
    }
    return Geography(place_codes[0], place_names[0], (ENGLAND,),
                     _with_local_quantiles(areas), boundaries,
                     places=tuple(zip(place_codes, place_names, strict=True)),
                     name="Simulated England")
