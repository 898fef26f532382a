"""Reading YAML the project did not write: bounded in size, plain data only, no aliases.

Every YAML file the project reads (dataset.yaml, principles.yaml, themes.yaml, sources files,
run sheets) goes through ``read_yaml``. ``yaml.safe_load`` already refuses Python objects, but
it expands aliases, so a few hundred bytes of nested ``*alias`` references (a "billion laughs")
grow into gigabytes, and ``key: *alias`` can smuggle a shape the reader does not expect. A
data file never needs them, so an alias (including the ``<<: *base`` merge key) is refused
with the line it is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.limits import MAX_YAML_BYTES, regular_file


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases before they are expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed in data files",
                                       problem_mark=mark)
        return super().compose_node(parent, index)


def parse_yaml(text: str, file: str) -> Any:
    """The plain data (mappings, lists, text, numbers, booleans, dates) of YAML ``text``;
    ``DatasetError`` naming ``file`` and the line for anything else."""
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        row = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "malformed"
        raise DatasetError(file, f"not valid YAML: {problem}", row=row) from None
    except yaml.YAMLError as error:
        raise DatasetError(file, f"not valid YAML: {error}") from None


def read_yaml(path: str | Path, file: str | None = None, *,
              max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Read and parse the YAML file at ``path`` (``file`` names it in errors, default the
    path): at most ``max_bytes``, UTF-8 (a byte-order mark is allowed), no aliases."""
    path = Path(path)
    file = file or str(path)
    regular_file(path, file)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise DatasetError(file, f"cannot read the file ({error.strerror})") from None
    if len(data) > max_bytes:
        raise DatasetError(file, f"larger than the {max_bytes // (1024 * 1024)} MB allowed "
                                 "for a YAML file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise DatasetError(file, "not UTF-8 text", row=row) from None
    return parse_yaml(text, file)
