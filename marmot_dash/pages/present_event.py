"""A run sheet presented: ``/present/event/<name>?step=<k>``, with the keys of ``/present/<n>``.

The arrow keys move between steps and PageUp / PageDown jump to the previous or next principle
in the run sheet (``assets/present.js`` clicks the links with the same ids as on
``/present/<n>``). Each step shows its heading, its chart (with the step's level, period and
call-out choice) and the themes beside it; a step the dataset cannot show gets a slide saying
why, so nothing is skipped silently. The speaker's notes are folded away under the chart. Key
``q`` (and the button) shows the QR code of the step's chart with all its view state.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from marmot_dash.app_state import current_state
from marmot_dash.components.chart_share import report_link
from marmot_dash.components.deck_button import deck_button
from marmot_dash.components.messages import run_sheet_message
from marmot_dash.components.present_slides import first_param
from marmot_dash.components.present_stage import chart_stage, present_header, present_page
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.run_sheets import RunSheet, Step, load_run_sheet, step_problem
from marmot_dash.views import VIEW_LABELS, step_state, step_view


def title(name: str | None = None, **_: str) -> str:
    """The browser tab's title."""
    return f"Presenting run sheet {name} · Marmot indicators"


def event_href(name: str, step: int) -> str:
    """The address of a run sheet's step: ``/present/event/<name>?step=<k>``."""
    return f"/present/event/{name}?{urlencode({'step': step})}"


def layout(name: str | None = None, **query: str) -> html.Div | html.Section:
    """The step in the URL, or a message saying why it cannot be presented."""
    state = current_state()
    try:
        sheet = load_run_sheet(state.data_dir, str(name))
    except DatasetError as error:
        return run_sheet_message(str(error), None)
    if not sheet.steps:
        return run_sheet_message(f"Run sheet '{sheet.name}' has no steps yet: add views to it "
                               "from a principle page.", sheet.name)
    requested = (first_param(query, "step") or "1").strip()
    if not (requested.isdigit() and 1 <= int(requested) <= len(sheet.steps)):
        return run_sheet_message(f"There is no step '{requested}' in run sheet '{sheet.name}'. "
                               f"Its steps are numbered 1 to {len(sheet.steps)}.", sheet.name)
    number = int(requested)
    step = sheet.steps[number - 1]
    notes = html.Details([html.Summary("Speaker notes"), html.P(step.notes)],
                         className="present-notes") if step.notes else None
    return present_page([sheet.name, number], step_header(sheet, number),
                        step_stage(state.store, step), step_state(step),
                        class_name="present-page present-event", after=[notes])


def principle_starts(steps: tuple[Step, ...]) -> list[int]:
    """The step numbers (from 1) where the run sheet moves to another principle."""
    return [number for number, step in enumerate(steps, start=1)
            if number == 1 or step.principle != steps[number - 2].principle]


def step_header(sheet: RunSheet, number: int) -> html.Header:
    """The run sheet's title, the step's position and heading, and the controls."""
    step = sheet.steps[number - 1]
    starts = principle_starts(sheet.steps)
    block = max(i for i, start in enumerate(starts) if start <= number)
    what = step.heading or f"{step.indicator}: {VIEW_LABELS.get(step.view, step.view).lower()}"
    return present_header(
        sheet.title,
        [html.Strong(f"Step {number} of {len(sheet.steps)}"), f" · {what}"],
        "step",
        (event_href(sheet.name, number - 1) if number > 1 else None,
         event_href(sheet.name, number + 1) if number < len(sheet.steps) else None,
         event_href(sheet.name, starts[block - 1]) if block > 0 else None,
         event_href(sheet.name, starts[block + 1]) if block + 1 < len(starts) else None),
        [dcc.Link("Leave the presentation", href=f"/events/{sheet.name}",
                  id="present-exit", className="present-button present-exit"),
         deck_button(run_sheet=sheet.name, class_name="present-button present-exit"),
         report_link(run_sheet=sheet.name, class_name="present-button present-exit")],
    )


def step_stage(store, step: Step) -> html.Div:
    """The step's chart and themes, or a slide saying why it cannot be shown."""
    problem = step_problem(store, step)
    result = None if problem else step_view(store, step, copy=False)
    if result is None or result.figure is None:
        why = problem or (result.message if result else None) or "No chart was drawn."
        return html.Div(
            html.Div([html.H2("This step cannot be shown"), html.P(why)],
                     className="message-panel", id="present-step-problem", role="status"),
            className="present-stage present-step-message",
        )
    return chart_stage(store, step.principle, step.indicator, step.view, result)


dash.register_page(
    __name__,
    path_template="/present/event/<name>",
    title=title,
    name="Run sheet presentation",
    layout=layout,
    order=1,  # matched before /present/<principle>, which would take "event/<name>" whole
)
