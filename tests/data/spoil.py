"""Spoiling a copy of a dataset and catching the refusal of its validation."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from marmot_dash.data import DatasetError, load_dataset


def refusal(tmp_path: Path, source: Path, file: str, change: Callable[[Path], object], *,
            full: bool = True) -> DatasetError:
    """Copy the dataset ``source``, let ``change(path)`` spoil ``file``, and return the error of
    loading the copy: by default the full validation (``marmot-dash validate``; a plain load of
    a recorded dataset refuses the changed checksum first)."""
    copy = tmp_path / "copy"
    shutil.copytree(source, copy)
    change(copy / file)
    with pytest.raises(DatasetError) as caught:
        load_dataset(copy, full=full)
    return caught.value


def rewrite_parquet(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    """A change that rewrites a Parquet file as ``edit`` returns its frame."""
    def change(path: Path) -> None:
        frame = pq.read_table(path).to_pandas()
        pq.write_table(pa.Table.from_pandas(edit(frame), preserve_index=False), path)

    return change
