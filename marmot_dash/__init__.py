"""Marmot Town indicator dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from dash import Dash

__version__ = "0.1.0"


def create_app(data_dir: str | Path) -> Dash:
    """Build the Dash app over the dataset in ``data_dir`` (imported lazily: the CLI stays fast)."""
    from marmot_dash.app_factory import create_app as _create_app

    return _create_app(data_dir)
