"""The validation record in ``dataset.yaml``: which files were validated, under which schema.

``write_dataset`` (and ``marmot-dash validate DIR``) validate every row once and then record::

    validated:
      schema: <digest of the format in schema.py and of RECORD_VERSION>
      files: {indicators.csv: blake3:<hex>, values.parquet: blake3:<hex>, ...}

``load_dataset`` trusts the rows of a file whose BLAKE3 digest still matches the record (a
changed file is refused), so a worker starts without re-running the row checks. The record also
covers ``values.arrow`` (the validated values, written with the record; the fast load maps it)
and the boundary files, which the fast load hashes as it reads them (``check_bytes``,
``check_stream``): what is checked is exactly what is used. ``dataset.yaml`` itself holds the
record and is always checked in full (it is small); so is ``themes.yaml`` (read by its own
loader). A record made under another format (``schema`` differs, e.g. after an upgrade) is
ignored: the dataset is then validated in full, as one without a record.

BLAKE3, not SHA-256: as strong, and 4 times faster here on one core (0.3 s instead of 1.1 s for
the 1.4 GB values.arrow at England scale, hashed through a memory map: no copy into Python).
It runs on the calling thread only (``max_threads`` 1): no thread pool is left for a fork.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import blake3

from marmot_dash.data import limits, schema
from marmot_dash.data.errors import DatasetError

RECORD_KEY = "validated"
# Bump when the row checks of dataset.py or the recorded files change in a way schema.py's
# constants do not show. 2: values.arrow written and recorded beside values.parquet.
RECORD_VERSION = 2
ALGORITHM = "blake3"
SLICE = 64 << 20  # bytes of a mapped file hashed at a time


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
    arrow = directory / schema.VALUES_ARROW_FILE
    if arrow.exists() or arrow.is_symlink():
        files.append(schema.VALUES_ARROW_FILE)
    geo_dir = directory / schema.GEO_DIR
    if geo_dir.is_dir():
        files += [f"{schema.GEO_DIR}/{path.name}" for path in sorted(geo_dir.glob("*.geojson"))]
    return files


def file_digest(directory: Path, file: str) -> str:
    """``blake3:<hex>`` of a dataset file's bytes (a regular file inside the dataset, within
    its size limit: never a link to /dev/zero)."""
    path = limits.check_file(directory, file, limits.max_file_bytes(file))
    with path.open("rb") as stream:
        return stream_digest(stream)


def stream_digest(stream: BinaryIO) -> str:
    """``blake3:<hex>`` of the whole file open in ``stream``, hashed through a memory map
    unmapped afterwards."""
    size = os.fstat(stream.fileno()).st_size
    hasher = blake3.blake3()
    if size == 0:  # an empty file cannot be mapped
        return f"{ALGORITHM}:{hasher.hexdigest()}"
    with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped, \
            memoryview(mapped) as view:
        for start in range(0, size, SLICE):
            hasher.update(view[start:start + SLICE])
            # hashed pages leave this process (they stay in the page cache): hashing 1.4 GB
            # does not count as 1.4 GB resident
            mapped.madvise(mmap.MADV_DONTNEED, start, min(SLICE, size - start))
    return f"{ALGORITHM}:{hasher.hexdigest()}"


def bytes_digest(data: bytes | mmap.mmap) -> str:
    """``blake3:<hex>`` of ``data``."""
    return f"{ALGORITHM}:{blake3.blake3(data).hexdigest()}"


def make_record(directory: Path, files: list[str] | None = None) -> dict:
    """The record of a dataset directory just validated in full (of ``files``, default
    ``checked_files``)."""
    files = checked_files(directory) if files is None else files
    return {"schema": schema_digest(),
            "files": {file: file_digest(directory, file) for file in files}}


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


def check_record(directory: Path, record: Mapping[str, Any], *,
                 hashed_by_reader: Callable[[str], bool] = lambda file: False) -> None:
    """Refuse, naming the file, any file that differs from the record (changed, added or
    removed since the dataset was validated). Files for which ``hashed_by_reader`` is true are
    only checked to be present: their reader checks the bytes it reads (``check_bytes``,
    ``check_stream``)."""
    recorded: Mapping[str, str] = record["files"]
    present = checked_files(directory)
    for file in [*present, *sorted(set(recorded) - set(present))]:
        if file not in present:
            _refuse(directory, file, "removed since the dataset was validated (it is in the "
                                     "record)")
        if file not in recorded:
            _refuse(directory, file, "added since the dataset was validated (it is not in the "
                                     "record)")
        if not hashed_by_reader(file):
            _check_digest(directory, record, file, file_digest(directory, file))


def check_bytes(directory: Path, record: Mapping[str, Any], file: str, data: bytes) -> None:
    """Refuse ``data``, read from ``file``, unless its checksum is the recorded one."""
    _check_digest(directory, record, file, bytes_digest(data))


def check_stream(directory: Path, record: Mapping[str, Any], file: str, stream: BinaryIO
                 ) -> None:
    """Refuse the open ``file`` unless the checksum of its bytes is the recorded one."""
    _check_digest(directory, record, file, stream_digest(stream))


def _check_digest(directory: Path, record: Mapping[str, Any], file: str, digest: str) -> None:
    if record["files"].get(file) != digest:
        _refuse(directory, file, "changed since the dataset was validated (checksum differs)")


def _refuse(directory: Path, file: str, problem: str) -> NoReturn:
    raise DatasetError(file, f"{problem}: rebuild the dataset, or run "
                             f"`marmot-dash validate {directory}` to check every row and "
                             "record it again")
