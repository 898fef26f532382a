"""Event run sheets: ``/events`` lists them, ``/events/<name>`` edits one.

The editor shows the run sheet's title and each step (its view, heading and speaker notes) with
buttons to move it up or down or remove it, and a button to save the headings, notes and title.
Every button saves at once (the form's text included) through ``data.run_sheets``, which checks
the whole sheet and writes it atomically inside the dataset's ``events`` folder. Steps are added
from a principle page ("Add this view to a run sheet").
"""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from marmot_dash.app_state import current_state
from marmot_dash.components.chart_share import report_link
from marmot_dash.components.deck_button import deck_button
from marmot_dash.components.messages import run_sheet_message
from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.data.run_sheets import (
    MAX_HEADING,
    MAX_NOTES,
    MAX_TITLE,
    RunSheet,
    list_run_sheets,
    load_run_sheet,
    move_step,
    remove_step,
    save_run_sheet,
)
from marmot_dash.views import (
    DEPRIVATION_LABELS,
    VIEW_LABELS,
    run_sheet_problems,
    step_state,
    view_href,
)

EDITOR_ID = "run-sheet-editor"
STATUS_ID = "run-sheet-status"
NAME_ID = "run-sheet-file"
ACTIONS = ("up", "down", "remove")


def title(name: str | None = None, **_: str) -> str:
    """The browser tab's title."""
    return f"Run sheet {name} · Marmot indicators" if name else "Run sheets · Marmot indicators"


def list_layout(**_query: str) -> html.Section:
    """``/events``: the dataset's run sheets, with links to edit and present each."""
    names = list_run_sheets(current_state().data_dir)
    items = [html.Li([dcc.Link(name, href=f"/events/{name}"), " · ",
                      dcc.Link("present", href=f"/present/event/{name}",
                               **{"aria-label": f"Present {name}"})])
             for name in names]
    return html.Section(
        className="run-sheets",
        children=[
            html.H1("Event run sheets"),
            html.P("A run sheet is the ordered list of charts for a stakeholder event, with a "
                   "heading and speaker notes for each. Build one from a principle page: "
                   "open a chart and use \u201cAdd this view to a run sheet\u201d."),
            html.Ul(items, id="run-sheet-list") if items else html.P("No run sheets yet."),
        ],
    )


def layout(name: str | None = None, **_query: str) -> html.Div | html.Section:
    """``/events/<name>``: the editor, or a message saying why the run sheet cannot be opened."""
    state = current_state()
    try:
        sheet = load_run_sheet(state.data_dir, str(name))
    except DatasetError as error:
        return run_sheet_message(str(error))
    return html.Div(
        className="run-sheet-page",
        children=[
            html.H1(f"Run sheet: {sheet.title}", id="run-sheet-title"),
            html.Div([html.P([dcc.Link("Present this run sheet", href=f"/present/event/{name}",
                                       id="run-sheet-present"), " · ",
                              dcc.Link("All run sheets", href="/events")]),
                      deck_button(run_sheet=sheet.name),
                      html.P(report_link(run_sheet=sheet.name))], className="page-tools"),
            dcc.Store(id=NAME_ID, data=sheet.name),
            html.Div(editor(sheet), id=EDITOR_ID),
            html.P(id=STATUS_ID, role="status", className="run-sheet-status"),
        ],
    )


def editor(sheet: RunSheet) -> list:
    """The run sheet's problems (if any), its title and its steps as a form."""
    store = current_state().store
    problems = run_sheet_problems(store, sheet)
    warning = html.Div(
        [html.H2("Steps that cannot be shown"),
         html.P("Presenting shows a message in their place; the deck has a slide saying why."),
         html.Ul([html.Li(problem) for problem in problems])],
        className="message-panel run-sheet-problems", id="run-sheet-problems",
    ) if problems else None
    steps = [step_item(store, sheet, index) for index in range(len(sheet.steps))]
    return [
        warning,
        html.Label(["Title", dcc.Input(id="run-sheet-title-input", value=sheet.title,
                                       maxLength=MAX_TITLE, className="run-sheet-input")]),
        html.Ol(steps, id="run-sheet-steps", className="run-sheet-steps")
        if steps else html.P("No steps yet: add views from a principle page."),
        html.Button("Save changes", id="run-sheet-save", n_clicks=0, className="button",
                    type="button"),
    ]


def step_item(store, sheet: RunSheet, index: int) -> html.Li:
    """One step: what it shows (with a link to it), its heading and notes, and its buttons."""
    step = sheet.steps[index]
    try:
        indicator = store.indicator(step.indicator)
        name = indicator.get("short_name") or indicator.get("name")
    except KeyError:
        name = step.indicator
    number = index + 1
    details = (VIEW_LABELS.get(step.view, step.view), step.level, step.period,
               DEPRIVATION_LABELS.get(step.deprivation, step.deprivation),
               "with theme call-outs" if step.callouts else None)
    what = f"{name}: " + ", ".join(detail for detail in details if detail)
    buttons = [
        html.Button(label, id={"type": f"run-sheet-{action}", "index": index}, n_clicks=0,
                    type="button", className="button button-secondary",
                    disabled=(action == "up" and index == 0)
                    or (action == "down" and index == len(sheet.steps) - 1),
                    **{"aria-label": f"{label}: step {number}"})
        for action, label in (("up", "Move up"), ("down", "Move down"), ("remove", "Remove"))
    ]
    return html.Li(
        className="run-sheet-step",
        **{"data-indicator": step.indicator, "data-view": step.view},
        children=[
            html.P([html.Strong(f"Step {number}: "),
                    dcc.Link(what, href=view_href(step_state(step)))],
                   className="run-sheet-what"),
            html.Label([f"Heading of step {number}",
                        dcc.Input(id={"type": "run-sheet-heading", "index": index},
                                  value=step.heading, maxLength=MAX_HEADING,
                                  className="run-sheet-input")]),
            html.Label([f"Speaker notes for step {number}",
                        dcc.Textarea(id={"type": "run-sheet-notes", "index": index},
                                     value=step.notes, maxLength=MAX_NOTES,
                                     className="run-sheet-notes")]),
            html.Div(buttons, className="run-sheet-buttons"),
        ],
    )


def edited(sheet: RunSheet, title_text: object, headings: list, notes: list) -> RunSheet:
    """The sheet with the form's title, headings and notes (which must match its steps)."""
    if len(headings) != len(sheet.steps) or len(notes) != len(sheet.steps):
        raise UserError("The run sheet was changed elsewhere since this page was opened; it "
                        "has been reloaded, so make your change again.")
    steps = tuple(replace(step, heading=str(heading or "").strip(), notes=str(note or "").strip())
                  for step, heading, note in zip(sheet.steps, headings, notes, strict=True))
    return replace(sheet, title=str(title_text or "").strip(), steps=steps)


@dash.callback(
    Output(EDITOR_ID, "children"),
    Output(STATUS_ID, "children"),
    *[Input({"type": f"run-sheet-{action}", "index": ALL}, "n_clicks") for action in ACTIONS],
    Input("run-sheet-save", "n_clicks"),
    State("run-sheet-title-input", "value"),
    State({"type": "run-sheet-heading", "index": ALL}, "value"),
    State({"type": "run-sheet-notes", "index": ALL}, "value"),
    State(NAME_ID, "data"),
    prevent_initial_call=True,
)
def change_run_sheet(_up, _down, _remove, _save, title_text, headings, notes, name):
    """Apply the button pressed (with the form's text) and save; then redraw the editor."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return dash.no_update, dash.no_update
    state = current_state()
    try:
        sheet = load_run_sheet(state.data_dir, str(name))
    except DatasetError as error:
        return dash.no_update, f"Not saved: {error}"
    trigger = ctx.triggered_id
    try:
        changed = edited(sheet, title_text, headings or [], notes or [])
        if isinstance(trigger, dict):
            index = int(trigger["index"])
            action = trigger["type"].removeprefix("run-sheet-")
            if not 0 <= index < len(changed.steps):
                raise UserError("There is no such step; the run sheet has been reloaded.")
            changed = (remove_step(changed, index) if action == "remove"
                       else move_step(changed, index, -1 if action == "up" else 1))
            done = {"up": f"Moved step {index + 1} up.", "down": f"Moved step {index + 1} down.",
                    "remove": f"Removed step {index + 1}."}[action]
        else:
            done = "Saved."
        save_run_sheet(state.data_dir, changed)
    except DatasetError as error:  # a bad heading, note or title: keep what was typed
        return dash.no_update, f"Not saved: {error}"
    except UserError as error:
        return editor(sheet), f"Not saved: {error}"
    return editor(changed), done


dash.register_page(__name__, path_template="/events/<name>", title=title, name="Run sheet",
                   layout=layout)
dash.register_page(f"{__name__}_list", path="/events", title=title, name="Run sheets",
                   layout=list_layout)
