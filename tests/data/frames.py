"""Comparing the Store's answers with the values file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from marmot_dash.data import schema


def read_values(dataset_dir: Path) -> pd.DataFrame:
    """A dataset's values file with plain text columns, for comparison."""
    frame = pd.read_parquet(dataset_dir / schema.VALUES_FILE)
    return frame.astype({c: "str" for c in frame.columns if frame[c].dtype == "category"})


def same_rows(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal values column by column (text as text, numbers within float precision)."""
    assert list(got.columns[: len(schema.VALUE_COLUMNS)]) == list(schema.VALUE_COLUMNS)
    assert len(got) == len(expected)
    for column in schema.VALUE_COLUMNS:
        left, right = got[column].to_numpy(), expected[column].to_numpy()
        if column == "note":
            assert pd.isna(left).tolist() == pd.isna(right).tolist()
        elif left.dtype.kind == "f":
            np.testing.assert_allclose(left, right.astype(float), equal_nan=True)
        else:
            assert left.tolist() == right.tolist(), column
