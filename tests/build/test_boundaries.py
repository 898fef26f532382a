"""Boundaries: any format and coordinate system in, clean simplified WGS84 coverage out."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.ops

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources.boundaries import read_boundaries, to_feature_collection


def _shapes(collection: dict) -> list:
    return [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]


def test_luton_lsoa_coverage_stays_clean(luton_dir: Path) -> None:
    layer = read_boundaries(luton_dir / "boundaries" / "luton_lsoa_2021.geojson")
    collection = to_feature_collection(layer, tolerance_m=10)
    shapes = gpd.GeoSeries(_shapes(collection), crs="EPSG:4326").to_crs("EPSG:27700")
    assert shapes.is_valid.all() and not shapes.is_empty.any()
    overlap = shapes.area.sum() - shapely.union_all(shapes.values).area
    assert overlap / shapes.area.sum() < 1e-4  # shared borders: no overlaps
    original = layer.geometry.area.sum()
    assert abs(shapes.area.sum() / original - 1) < 0.01
    vertices = sum(len(shapely.get_coordinates(s)) for s in _shapes(collection))
    assert vertices <= len(shapely.get_coordinates(layer.geometry.values))


def test_dense_shared_border_simplified_once_for_both_sides() -> None:
    """Two halves of a 2,000-vertex disc: far fewer vertices, and the halves still meet."""
    disc = shapely.Point(510000, 220000).buffer(3000, quad_segs=500)
    wiggle = shapely.LineString([(510000 + 20 * ((i % 2) - 0.5), 216000 + 8 * i)
                                 for i in range(1001)])
    halves = list(shapely.get_parts(shapely.ops.split(disc, wiggle)))
    layer = gpd.GeoDataFrame({"area_code": ["E05999001", "E05999002"], "area_name": ["W", "E"]},
                             geometry=halves, crs="EPSG:27700")
    collection = to_feature_collection(layer, tolerance_m=25)
    shapes = gpd.GeoSeries(_shapes(collection), crs="EPSG:4326").to_crs("EPSG:27700")
    before = len(shapely.get_coordinates(np.asarray(halves, dtype=object)))
    assert len(shapely.get_coordinates(shapes.values)) < before / 4
    union = shapely.union_all(shapes.values)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gap along the border
    assert shapes.area.sum() - union.area < 1.0  # and no overlap (square metres)


def test_shapefile_in_british_national_grid(tmp_path: Path) -> None:
    squares = [shapely.box(510000, 220000, 511000, 221000),
               shapely.box(511000, 220000, 512000, 221000)]
    gpd.GeoDataFrame({"WD25CD": ["E05999001", "E05999002"], "WD25NM": ["A", "B"]},
                     geometry=squares, crs="EPSG:27700").to_file(tmp_path / "wards.shp")
    collection = to_feature_collection(read_boundaries(tmp_path / "wards.shp"))
    first = collection["features"][0]
    assert first["id"] == first["properties"]["area_code"] == "E05999001"
    assert first["properties"]["area_name"] == "A"
    ring = shapely.geometry.shape(first["geometry"]).exterior
    assert ring.is_ccw
    lon, lat = ring.coords[0]
    assert -0.5 < lon < -0.3 and 51.8 < lat < 51.9


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_file_without_coordinate_system_is_refused(tmp_path: Path) -> None:
    gpd.GeoDataFrame({"WD25CD": ["E05999001"]},
                     geometry=[shapely.box(510000, 220000, 511000, 221000)]).to_file(
        tmp_path / "wards.shp")
    with pytest.raises(DatasetError, match="no coordinate reference system"):
        read_boundaries(tmp_path / "wards.shp")
    layer = read_boundaries(tmp_path / "wards.shp", crs="EPSG:27700")
    assert layer.crs.to_epsg() == 27700
