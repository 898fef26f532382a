"""Where pages find the dataset and the store of the app serving the current request.

``create_app`` installs an :class:`AppState` on its Flask server; page layouts and callbacks
call :func:`get_store` (or :func:`get_dataset`) at request time. Inside a request the state of
the app serving it is returned, so two apps in one process (tests) never mix their data;
outside a request the most recently installed state is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import flask

if TYPE_CHECKING:
    from marmot_dash.data import Dataset
    from marmot_dash.data.store import Store

EXTENSION_KEY = "marmot_dash"


@dataclass(frozen=True)
class AppState:
    """The dataset an app serves, its folder and the store built from it (the primary place's
    view when the dataset holds several places: ``Store.place``)."""

    data_dir: Path
    dataset: Dataset
    store: Store


_latest: AppState | None = None


def install(server: flask.Flask, state: AppState) -> None:
    """Attach ``state`` to ``server`` and make it the default outside requests."""
    global _latest
    server.extensions[EXTENSION_KEY] = state
    _latest = state


def current_state() -> AppState:
    """The state of the app handling this request (or the latest installed one)."""
    if flask.has_app_context():
        state = flask.current_app.extensions.get(EXTENSION_KEY)
        if state is not None:
            return state
    if _latest is None:
        raise RuntimeError("No dataset is loaded: build the app with create_app(data_dir)")
    return _latest


def get_store() -> Store:
    """The store of the current app (of its primary place when the dataset has several)."""
    return current_state().store


def place_store(code: str | None) -> Store | None:
    """The store of place ``code`` of the current app (None: the primary place), or None when
    the dataset has no such place."""
    store = get_store()
    if code is None:
        return store
    try:
        return store.place(code)
    except KeyError:
        return None


def get_dataset() -> Dataset:
    """The dataset of the current app."""
    return current_state().dataset

