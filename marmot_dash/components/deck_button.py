"""The "Download slides (.pptx)" button: a PowerPoint deck made in a background job.

On a principle page and its presentation the deck is the principle's; on a run sheet's pages
it is the run sheet's. The deck is built by ``export.deck`` in a Dash background callback (its
own process, or a Celery worker: see ``marmot_dash.background``), with a progress bar, and then
downloaded; a finished deck is kept in ``marmot_dash.cache``. What to build comes from the page
as ``{"principle": n}`` or ``{"run_sheet": name}`` and is checked again in the job, as anything
from a browser must be.
"""

from __future__ import annotations

import datetime as dt

import dash
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from marmot_dash import cache
from marmot_dash.app_state import current_state
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.data.run_sheets import load_run_sheet
from marmot_dash.export.deck import Deck, build_deck, deck_file_name, principle_deck, run_sheet_deck
from marmot_dash.export.png import ExportError, stop_browser

BUTTON_ID = "deck-button"
SOURCE_ID = "deck-source"
PROGRESS_ID = "deck-progress"
PROGRESS_TEXT_ID = "deck-progress-text"
STATUS_ID = "deck-status"
DOWNLOAD_ID = "deck-download"
LABEL = "Download slides (.pptx)"


def deck_button(*, principle: int | None = None, run_sheet: str | None = None,
                place: str | None = None, class_name: str = "button button-secondary"
                ) -> html.Div:
    """The button, its progress bar and status line, and the download it fills (``place``:
    the place of the page's address, for a principle's deck)."""
    source = ({"principle": principle, "place": place} if run_sheet is None
              else {"run_sheet": run_sheet})
    return html.Div(
        className="deck-tool",
        children=[
            html.Button(LABEL, id=BUTTON_ID, n_clicks=0, className=class_name, type="button"),
            dcc.Store(id=SOURCE_ID, data=source),
            html.Span(
                [html.Progress(id=PROGRESS_ID, value="0", max="1",
                               **{"aria-labelledby": PROGRESS_TEXT_ID}),
                 html.Span("Making the slides...", id=PROGRESS_TEXT_ID)],
                id=f"{PROGRESS_ID}-box", className="deck-progress", hidden=True),
            html.Span(id=STATUS_ID, role="status", className="deck-status"),
            dcc.Download(id=DOWNLOAD_ID),
        ],
    )


def requested_store(state, source: object):
    """The store of the place a page's deck is for (the primary without one)."""
    place = source.get("place") if isinstance(source, dict) else None
    if place is None:
        return state.store
    try:
        return state.store.place(str(place))
    except KeyError:
        raise UserError(f"There is no place '{str(place)[:40]}' in this dataset.") from None


def requested_deck(state, source: object) -> Deck:
    """The deck a page asked for, checked (``UserError`` or ``DatasetError`` when bad)."""
    if not isinstance(source, dict):
        raise UserError("The page did not say which slides to make.")
    if "run_sheet" in source:
        return run_sheet_deck(load_run_sheet(state.data_dir, str(source["run_sheet"])))
    return principle_deck(requested_store(state, source), str(source.get("principle")))


@dash.callback(
    Output(DOWNLOAD_ID, "data"),
    Output(STATUS_ID, "children"),
    Input(BUTTON_ID, "n_clicks"),
    State(SOURCE_ID, "data"),
    background=True,
    running=[(Output(BUTTON_ID, "disabled"), True, False),
             (Output(f"{PROGRESS_ID}-box", "hidden"), False, True)],
    progress=[Output(PROGRESS_ID, "value"), Output(PROGRESS_ID, "max"),
              Output(PROGRESS_TEXT_ID, "children")],
    prevent_initial_call=True,
)
def make_deck(set_progress, n_clicks: int, source: object) -> tuple:
    """Build the deck in the background job's process and hand it to the download."""
    if not n_clicks:
        raise PreventUpdate
    state = current_state()
    try:
        deck = requested_deck(state, source)
        store = requested_store(state, source)
        # a deck made today for the same build and steps, on any machine, is fetched, not redrawn
        data = cache.remember(
            "deck", store, (deck, dt.date.today()),
            lambda: build_deck(store, deck, progress=lambda done, total, what:
                               set_progress((done, total, what))),
            cache.BYTES)
    except (DatasetError, UserError, ExportError) as error:
        return dash.no_update, f"The slides could not be made: {error}"
    finally:
        stop_browser()  # the job's process ends without running exit handlers
    name = deck_file_name(deck)
    return dcc.send_bytes(data, name), f"Slides ready: {name} ({len(deck.steps)} charts)."
