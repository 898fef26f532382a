"""The demo dataset's store, shared by the view tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def store(demo_dataset_dir: Path):
    from marmot_dash.data import Store, load_dataset

    return Store(load_dataset(demo_dataset_dir))
