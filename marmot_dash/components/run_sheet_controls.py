""""Add this view to a run sheet" on a principle page: choose a run sheet or name a new one.

The view added is the page's URL state (``views.ViewState``), checked again on the server as
anything from a browser must be; the run sheet is written by ``data.run_sheets`` inside the
dataset's ``events`` folder under a safe file name.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import Input, Output, State, dcc, html

from marmot_dash.app_state import current_state
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.data.run_sheets import (
    STEP_VIEWS,
    RunSheet,
    Step,
    add_step,
    list_run_sheets,
    load_run_sheet,
    safe_run_sheet_name,
    save_run_sheet,
)
from marmot_dash.views import VIEW_LABELS, ViewState, state_from_params, view_state_to_search

NAME_ID = "run-sheet-name"
LIST_ID = "run-sheet-names"
ADD_ID = "run-sheet-add"
VIEW_ID = "run-sheet-view"
STATUS_ID = "run-sheet-add-status"


def run_sheet_controls(state: ViewState) -> html.Details | None:
    """The collapsed "Add this view to a run sheet" form (None on the data view: no chart)."""
    if state.view not in STEP_VIEWS:
        return None
    names = list_run_sheets(current_state().data_dir)
    return html.Details(
        className="run-sheet-add",
        children=[
            html.Summary("Add this view to a run sheet"),
            html.Label("Run sheet: choose one or type a new name", htmlFor=NAME_ID),
            dcc.Input(id=NAME_ID, type="text", list=LIST_ID, maxLength=60, autoComplete="off",
                      value=names[0] if names else "", className="run-sheet-name"),
            html.Datalist([html.Option(value=name) for name in names], id=LIST_ID),
            html.Button("Add this view", id=ADD_ID, n_clicks=0, type="button",
                        className="button"),
            dcc.Store(id=VIEW_ID, data=[state.principle, view_state_to_search(state)]),
            html.P(id=STATUS_ID, role="status", className="run-sheet-status"),
            html.P(dcc.Link("All run sheets", href="/events"), className="muted"),
        ],
    )


def add_view(data_dir, store, typed_name: object, view: object) -> tuple[RunSheet, int]:
    """Add the page's view to the run sheet named ``typed_name`` (created when new); returns
    the saved sheet and the new step's number. ``UserError`` or ``DatasetError`` when bad."""
    principle, search = view if isinstance(view, list | tuple) and len(view) == 2 else (None, "")
    state = state_from_params(store, principle, parse_qs(str(search or "").lstrip("?")))
    if state.problem or state.view not in STEP_VIEWS:
        raise UserError(state.problem or "Only a chart can be added to a run sheet.")
    name = safe_run_sheet_name(str(typed_name or ""))
    if name in list_run_sheets(data_dir):
        sheet = load_run_sheet(data_dir, name)
    else:
        sheet = RunSheet(name, str(typed_name).strip()[:200], ())
    indicator = store.indicator(state.indicator)
    heading = f"{indicator.get('short_name') or indicator.get('name')}: {VIEW_LABELS[state.view]}"
    places = state.view == "places"
    step = Step(state.principle, state.indicator, state.view,
                state.level if places else None, state.period if places else None,
                state.callouts, heading, "",
                deprivation=state.deprivation if state.view == "deprivation" else None)
    sheet = add_step(sheet, step)
    save_run_sheet(data_dir, sheet)
    return sheet, len(sheet.steps)


@dash.callback(
    Output(STATUS_ID, "children"),
    Input(ADD_ID, "n_clicks"),
    State(NAME_ID, "value"),
    State(VIEW_ID, "data"),
    prevent_initial_call=True,
)
def add_to_run_sheet(n_clicks: int, typed_name: object, view: object) -> list | str:
    """Add the view and say where it went, with links to edit and present the run sheet."""
    if not n_clicks:
        return dash.no_update
    state = current_state()
    try:
        sheet, number = add_view(state.data_dir, state.store, typed_name, view)
    except (DatasetError, UserError) as error:
        return f"Not added: {error}"
    return [f"Added as step {number} of “{sheet.title}”. ",
            dcc.Link("Edit the run sheet", href=f"/events/{sheet.name}"), " · ",
            dcc.Link("Present it", href=f"/present/event/{sheet.name}")]
