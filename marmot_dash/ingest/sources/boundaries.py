"""Boundary files (GeoJSON, GeoPackage, shapefile; any coordinate system) to browser GeoJSON.

The layer is reprojected to the British National Grid (EPSG:27700, metres), simplified as one
coverage with shapely's ``coverage_simplify`` (a topology-preserving Visvalingam-Whyatt
simplification of the shared edges, so neighbouring areas keep one common border with no gaps
or slivers), reprojected to WGS84, oriented with exterior rings counter-clockwise (RFC 7946,
which Plotly's ``choropleth_map`` expects) and rounded to 6 decimals (about 0.1 m).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from marmot_dash.data.errors import DatasetError
from marmot_dash.ingest.sources._common import GSS_CODE, normalise

METRIC_CRS = "EPSG:27700"
WGS84 = "EPSG:4326"
DEFAULT_TOLERANCE_M = 10.0
DECIMALS = 6


def read_boundaries(
    path: str | Path,
    *,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a boundary layer: one valid polygon per area, keyed by a GSS code.

    Returns columns ``area_code``, ``area_name``, ``geometry`` in the British National Grid.
    ``code_field`` defaults to the first property named like ``...CD`` or ``...code``;
    ``name_field`` to the matching ``...NM``/``...name``. A file without a coordinate system
    needs ``crs``. Empty, invalid or non-polygon geometry, a missing or malformed code and a
    duplicate code raise ``DatasetError`` naming the file, the feature (row 1 = first feature)
    and the property.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise DatasetError(file, "file not found")
    try:
        layer = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several kinds for unreadable files
        raise DatasetError(file, f"cannot read the boundary file: {error}") from None
    if layer.empty:
        raise DatasetError(file, "the boundary file has no features", row=1)
    code_field = code_field or _field(layer, ("cd", "code"), file)
    name_field = name_field or _field(layer, ("nm", "name"), file, required=False)
    for wanted in (code_field, name_field):
        if wanted is not None and wanted not in layer.columns:
            raise DatasetError(file, f"no property '{wanted}' (found: "
                                     f"{', '.join(c for c in layer.columns if c != 'geometry')})",
                               column=wanted)
    _check_geometry(layer, file)
    codes = layer[code_field].astype("str").str.strip().str.upper()
    _check_codes(codes, file, code_field)
    layer = layer.set_crs(crs, allow_override=True) if crs else layer
    if layer.crs is None:
        raise DatasetError(file, "no coordinate reference system: set 'crs' in the sources "
                                 "file (e.g. EPSG:27700)")
    names = layer[name_field].astype("str").str.strip() if name_field else codes
    out = gpd.GeoDataFrame({"area_code": codes, "area_name": names},
                           geometry=layer.geometry.values, crs=layer.crs)
    return out.to_crs(METRIC_CRS)


def _field(layer: gpd.GeoDataFrame, endings: tuple[str, ...], file: str,
           required: bool = True) -> str | None:
    for column in layer.columns:
        if column != "geometry" and normalise(column).endswith(endings):
            return column
    if required:
        raise DatasetError(file, "no area-code property found: set 'code_field' in the sources "
                                 "file", column="code_field")
    return None


def _check_geometry(layer: gpd.GeoDataFrame, file: str) -> None:
    geometry = layer.geometry
    for problem, bad in (
        ("missing geometry", geometry.isna().to_numpy()),
        ("empty geometry", geometry.is_empty.to_numpy()),
        ("not a polygon", ~geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()),
    ):
        if bad.any():
            row = int(np.argmax(bad))
            raise DatasetError(file, problem, row=row + 1, column="geometry")
    valid = geometry.is_valid.to_numpy()
    if not valid.all():
        row = int(np.argmin(valid))
        reason = shapely.is_valid_reason(geometry.iloc[row])
        raise DatasetError(file, f"invalid geometry ({reason})", row=row + 1, column="geometry")


def _check_codes(codes, file: str, code_field: str) -> None:
    bad = ~codes.str.fullmatch(GSS_CODE.pattern).to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        raise DatasetError(file, f"expected a GSS area code, found {codes.iloc[row]!r}",
                           row=row + 1, column=code_field)
    duplicated = codes.duplicated().to_numpy()
    if duplicated.any():
        row = int(np.argmax(duplicated))
        raise DatasetError(file, f"duplicate area code {codes.iloc[row]}", row=row + 1,
                           column=code_field)


def to_feature_collection(
    layer: gpd.GeoDataFrame, *, tolerance_m: float = DEFAULT_TOLERANCE_M
) -> dict:
    """A WGS84 FeatureCollection of ``layer`` (from ``read_boundaries``), simplified as one
    coverage by ``tolerance_m`` metres, exterior rings counter-clockwise, keyed by area_code."""
    geometry = np.asarray(layer.geometry.values)
    if tolerance_m > 0:
        geometry = shapely.coverage_simplify(geometry, tolerance_m)
    wgs84 = gpd.GeoSeries(geometry, crs=layer.crs).to_crs(WGS84)
    geometry = shapely.transform(np.asarray(wgs84.values), lambda xy: np.round(xy, DECIMALS))
    broken = ~shapely.is_valid(geometry)  # rounding can pinch a ring; buffer(0) mends it
    geometry[broken] = shapely.buffer(geometry[broken], 0)
    geometry = shapely.orient_polygons(geometry, exterior_cw=False)
    features = []
    for code, name, shape in zip(layer["area_code"], layer["area_name"], geometry, strict=True):
        features.append({
            "type": "Feature",
            "id": code,
            "properties": {"area_code": code, "area_name": name},
            "geometry": json.loads(shapely.to_geojson(shape)),
        })
    return {"type": "FeatureCollection", "features": features}
