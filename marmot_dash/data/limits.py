"""The limits a dataset must keep for one server to serve it, checked by ``load_dataset`` (so by
``marmot-dash validate``, the builder and the app at start-up). Documented in
docs/architecture.md ("Limits").

Every file of a dataset must be a regular file inside the dataset folder (a symlink may point
elsewhere inside it, never out of it: a link to ``/dev/zero`` or ``/etc/passwd`` is refused)
and no larger than ``MAX_FILE_BYTES``. Tables are also bounded in rows, boundary files in
vertices (after the builder's simplification) and in JSON nesting depth. The two limits that
grow with the area covered (value rows, boundary vertices) can be raised by environment
variables for a deployment that has the memory for it.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np

from marmot_dash.data import schema
from marmot_dash.data.errors import DatasetError, UserError

MB = 1024 * 1024
MAX_YAML_BYTES = 5 * MB  # any YAML file; a themes file with many coded excerpts stays well under
MAX_GEOJSON_BYTES = 64 * MB  # one geo/<level>.geojson
MAX_FILE_BYTES: dict[str, int] = {
    schema.DATASET_FILE: 1 * MB,
    schema.PRINCIPLES_FILE: 1 * MB,
    schema.INDICATORS_FILE: 5 * MB,
    schema.VALUES_FILE: 2048 * MB,
    schema.AREAS_FILE: 100 * MB,
    schema.THEMES_FILE: MAX_YAML_BYTES,
}
MAX_INDICATORS = 5_000  # rows of indicators.csv
MAX_AREAS = 250_000  # rows of areas.parquet (England has about 34,000 LSOAs and 7,000 wards)
# The England-scale simulated dataset (``simulate_dataset(scale="england")``: 150 places) has
# 19.2 million value rows and about 165,000 small-area boundary vertices; the defaults leave
# room for it.
MAX_VALUES_ROWS = 21_000_000
# values.arrow is uncompressed: about 85 bytes a row (1.4 GB at England scale), bounded per row
# allowed so that raising MARMOT_MAX_VALUES_ROWS raises it too.
MAX_VALUES_ARROW_BYTES_PER_ROW = 256
MAX_GEO_VERTICES = 500_000  # per level; 1e6 vertices made 40 MB map responses
MAX_JSON_DEPTH = 20  # a MultiPolygon FeatureCollection is 8 deep
VALUES_ROWS_ENV = "MARMOT_MAX_VALUES_ROWS"
GEO_VERTICES_ENV = "MARMOT_MAX_GEO_VERTICES"

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # brackets in text do not nest
_NESTING = np.zeros(256, np.int8)  # +1 for each byte that opens an array or object, -1 closes
_NESTING[list(b"[{")], _NESTING[list(b"]}")] = 1, -1


def _configured(variable: str, default: int) -> int:
    text = os.environ.get(variable, "").strip().replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"{variable} must be a whole number of at least 1, not {text!r}")
    return int(text)


def max_values_rows() -> int:
    """Rows allowed in values.parquet: ``MARMOT_MAX_VALUES_ROWS`` or ``MAX_VALUES_ROWS``."""
    return _configured(VALUES_ROWS_ENV, MAX_VALUES_ROWS)


def max_values_arrow_bytes() -> int:
    """Bytes allowed in values.arrow, for ``max_values_rows()`` rows."""
    return max_values_rows() * MAX_VALUES_ARROW_BYTES_PER_ROW


def max_file_bytes(file: str) -> int:
    """The size limit of a dataset file (``geo/<level>.geojson`` for any file not named)."""
    if file == schema.VALUES_ARROW_FILE:
        return max_values_arrow_bytes()
    return MAX_FILE_BYTES.get(file, MAX_GEOJSON_BYTES)


def max_geo_vertices() -> int:
    """Vertices allowed per boundary level: ``MARMOT_MAX_GEO_VERTICES`` or ``MAX_GEO_VERTICES``."""
    return _configured(GEO_VERTICES_ENV, MAX_GEO_VERTICES)


def check_folder(directory: Path) -> Path:
    """The dataset folder, resolved; ``DatasetError`` when it is not a readable folder."""
    if not directory.is_dir():
        raise DatasetError(str(directory), "not a dataset directory")
    if not os.access(directory, os.R_OK | os.X_OK):
        raise DatasetError(str(directory), "cannot read the folder (permission denied)")
    return directory.resolve()


def check_file(root: Path, file: str, max_bytes: int) -> Path:
    """``root / file`` after checking it is a readable regular file of at most ``max_bytes``
    inside ``root`` (a resolved dataset folder), so reading it is bounded and stays in it."""
    path = root / file
    real = path.resolve()
    if not real.is_relative_to(root):
        raise DatasetError(file, "is a link to a file outside the dataset folder")
    info = regular_file(real, file)
    if info.st_size > max_bytes:
        raise DatasetError(file, f"{info.st_size / MB:,.1f} MB, larger than the "
                                 f"{max_bytes / MB:,.0f} MB allowed")
    if not os.access(real, os.R_OK):
        raise DatasetError(file, "cannot read the file (permission denied)")
    return path


def regular_file(path: Path, file: str) -> os.stat_result:
    """``path``'s status once it is known to be a regular file: a folder, a device such as
    ``/dev/zero`` or a FIFO (whose reading would block) is refused before it is opened."""
    try:
        info = path.stat()
    except OSError as error:
        raise DatasetError(file, f"cannot read the file ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise DatasetError(file, f"{kind} where a file was expected")
    return info


def check_rows(count: int, limit: int, file: str, *, variable: str | None = None) -> None:
    """``DatasetError`` when a table has more than ``limit`` rows."""
    if count > limit:
        how = f" (set {variable} to raise the limit)" if variable else ""
        raise DatasetError(file, f"{count:,} rows, more than the {limit:,} allowed{how}")


def check_json_depth(data: bytes, file: str, limit: int = MAX_JSON_DEPTH) -> None:
    """``DatasetError`` when JSON ``data`` nests arrays and objects more than ``limit`` deep,
    found before parsing (a deep enough document exhausts the parser's recursion)."""
    steps = _NESTING[np.frombuffer(_JSON_STRING.sub(b"", data), np.uint8)]
    depth = int(np.cumsum(steps[steps != 0], dtype=np.int32).max(initial=0))
    if depth > limit:
        raise DatasetError(file, f"nested {depth:,} levels deep; GeoJSON needs at most {limit}")
