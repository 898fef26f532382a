"""Shared fixtures: where ../shared lives, and skipping cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check behaviour, not speed: no per-example deadline on a busy 2-core machine.
settings.register_profile("marmot", deadline=None)
settings.load_profile("marmot")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("MARMOT_SHARED_DIR", REPO_ROOT.parent / "shared"))


def router_callback(path: str, search: str = "") -> dict:
    """The page router's callback for ``path`` and ``search`` as Chromium sends it (the body of
    a POST to /_dash-update-component)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the calling test when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared reference data is not on this machine")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference/phe_indicator_methods (the PHEindicatormethods test vectors)."""
    return shared_path("reference", "phe_indicator_methods")


@pytest.fixture(scope="session")
def luton_dir() -> Path:
    """../shared/data/luton (real public Luton data)."""
    return shared_path("data", "luton")


@pytest.fixture(scope="session")
def demo_dataset_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An illustrative dataset simulated once per test session (default seed, synthetic town)."""
    from marmot_dash.data.simulate import simulate_dataset

    return simulate_dataset(tmp_path_factory.mktemp("demo") / "dataset")


@pytest.fixture(scope="session")
def published_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small non-illustrative dataset following the issue-9 contract (peer group, principle
    notes, MSOAs, national and local deprivation; see tests/data/published_town.py)."""
    from tests.data.published_town import write

    return write(tmp_path_factory.mktemp("published") / "dataset")


@pytest.fixture(scope="session")
def published_store(published_dir: Path):
    """The Store of ``published_dir`` (tests must not change it)."""
    from marmot_dash.data import Store, load_dataset

    return Store(load_dataset(published_dir))


@pytest.fixture(scope="session")
def places_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An illustrative dataset of three simulated places (the England simulator at 540 small
    areas), simulated once per test session."""
    from marmot_dash.data.simulate import simulate_dataset
    from marmot_dash.data.simulate.town import simulated_england

    return simulate_dataset(tmp_path_factory.mktemp("places") / "dataset",
                            geography=simulated_england(n_small=540, n_places=3))
