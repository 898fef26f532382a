"""The validation record in ``dataset.yaml``: which files were validated, under which schema.

``write_dataset`` (and ``marmot-dash validate DIR``) validate every row once and then record::

    validated:
      schema: <digest of the format in schema.py and of RECORD_VERSION>
      files: {indicators.csv: sha256:<hex>, values.parquet: sha256:<hex>, ...}

``load_dataset`` trusts the rows of a file whose SHA-256 still matches the record (a changed
file is refused), so a worker starts without re-running the row checks. ``dataset.yaml`` itself
holds the record and is always checked in full (it is small); so is ``themes.yaml`` (read by its
own loader). A record made under another format (``schema`` differs, e.g. after an upgrade)
is ignored: the dataset is then validated in full, as one without a record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from marmot_dash.data import limits, schema
from marmot_dash.data.errors import DatasetError

RECORD_KEY = "validated"
# Bump when the row checks of dataset.py change in a way schema.py's constants do not show.
RECORD_VERSION = 1
ALGORITHM = "sha256"
CHUNK = 1 << 20


def schema_digest() -> str:
    """A short digest of the format: the record's version and every constant of schema.py
    (file names, columns, vocabularies), so a record made under another format is ignored."""
    constants = sorted((name, repr(value)) for name, value in vars(schema).items()
                       if name.isupper())
    text = repr((RECORD_VERSION, constants))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def checked_files(directory: Path) -> list[str]:
    """The files whose rows the record vouches for, relative to ``directory``, in order."""
    files = [schema.PRINCIPLES_FILE, schema.INDICATORS_FILE, schema.VALUES_FILE,
             schema.AREAS_FILE]
    geo_dir = directory / schema.GEO_DIR
    if geo_dir.is_dir():
        files += [f"{schema.GEO_DIR}/{path.name}" for path in sorted(geo_dir.glob("*.geojson"))]
    return files


def file_digest(directory: Path, file: str) -> str:
    """``sha256:<hex>`` of a dataset file's bytes (a regular file inside the dataset, within
    its size limit: never a link to /dev/zero)."""
    path = limits.check_file(directory, file,
                             limits.MAX_FILE_BYTES.get(file, limits.MAX_GEOJSON_BYTES))
    with path.open("rb") as stream:
        return f"{ALGORITHM}:{hashlib.file_digest(stream, ALGORITHM).hexdigest()}"


def make_record(directory: Path) -> dict:
    """The record of a dataset directory just validated in full."""
    return {"schema": schema_digest(),
            "files": {file: file_digest(directory, file) for file in checked_files(directory)}}


def current_record(meta: Mapping[str, Any]) -> dict | None:
    """The record of ``dataset.yaml``'s ``meta`` when it was made under this format, else None
    (no record, a malformed one, or one of another format: validate in full)."""
    record = meta.get(RECORD_KEY)
    if not isinstance(record, Mapping) or record.get("schema") != schema_digest():
        return None
    files = record.get("files")
    if not isinstance(files, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return None
    return {"schema": record["schema"], "files": dict(files)}


def check_record(directory: Path, record: Mapping[str, Any]) -> None:
    """Refuse, naming the file, any file that differs from the record (changed, added or
    removed since the dataset was validated)."""
    recorded: Mapping[str, str] = record["files"]
    present = checked_files(directory)
    for file in [*present, *sorted(set(recorded) - set(present))]:
        if file not in present:
            problem = "removed since the dataset was validated (it is in the record)"
        elif file not in recorded:
            problem = "added since the dataset was validated (it is not in the record)"
        elif file_digest(directory, file) != recorded[file]:
            problem = "changed since the dataset was validated (checksum differs)"
        else:
            continue
        raise DatasetError(file, f"{problem}: rebuild the dataset, or run "
                                 f"`marmot-dash validate {directory}` to check every row and "
                                 "record it again")
