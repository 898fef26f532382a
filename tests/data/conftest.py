"""Fixtures of the data tests: the small hand-built town (see ``town.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marmot_dash.data import write_dataset

from .town import parts


@pytest.fixture
def town_parts() -> dict:
    """The keyword arguments of write_dataset for the small town (fresh for each test)."""
    return parts()


@pytest.fixture(scope="session")
def town_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small town written once per session with write_dataset (tests must not change it)."""
    return write_dataset(tmp_path_factory.mktemp("town") / "dataset", **parts())
