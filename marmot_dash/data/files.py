"""Writing files safely in folders other people can write to (a dataset, an export folder).

A file is written to a fresh temporary name beside its destination, created exclusively
(``tempfile``: ``O_CREAT | O_EXCL`` with a random name, so a symlink planted at a predictable
name such as ``.themes.yaml.partial`` is never followed), and renamed into place, which replaces
a symlink at the destination rather than writing through it. A failure (a full disk, say) leaves
no partial file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

DEFAULT_MODE = 0o644  # what a new file gets from write_text under the usual umask 022


@contextlib.contextmanager
def staged_writes(directory: str | Path) -> Iterator[Callable[[str, bytes], None]]:
    """Yield ``write(name, data)``; the files written appear in ``directory`` together when the
    block ends without error, and none of them when it fails."""
    directory = Path(directory)
    pending: list[tuple[Path, Path]] = []

    def write(name: str, data: bytes) -> None:
        pending.append((_temporary(directory / name, data), directory / name))

    try:
        yield write
        for temporary, final in pending:
            os.replace(temporary, final)
    finally:
        for temporary, _ in pending:
            temporary.unlink(missing_ok=True)


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling and a rename; return ``path``."""
    path = Path(path)
    with staged_writes(path.parent) as write:
        write(path.name, data)
    return path


def _temporary(final: Path, data: bytes) -> Path:
    """A new file beside ``final`` holding ``data``, with the mode ``final`` has (or 0644)."""
    try:
        info = final.lstat()
        mode = stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else DEFAULT_MODE
    except FileNotFoundError:
        mode = DEFAULT_MODE
    try:
        handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial",
                                        dir=final.parent)
    except OSError as error:  # name the file meant, not the temporary one
        raise OSError(error.errno, error.strerror, str(final)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # the rename must not land before the data
    except OSError as error:
        os.unlink(name)
        raise OSError(error.errno, error.strerror, str(final)) from None
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)
