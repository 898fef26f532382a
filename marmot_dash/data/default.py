"""The default dataset: simulate the illustrative one where a folder holds no dataset yet."""

from __future__ import annotations

from pathlib import Path

from marmot_dash.data.schema import DATASET_FILE


def ensure_dataset(data_dir: str | Path) -> bool:
    """Simulate the illustrative dataset into ``data_dir`` unless it already holds a dataset.

    Returns True when it simulated one (the caller says so to the user).
    """
    data_dir = Path(data_dir)
    if (data_dir / DATASET_FILE).exists():
        return False
    from marmot_dash.data.simulate import simulate_dataset

    simulate_dataset(data_dir)
    return True
