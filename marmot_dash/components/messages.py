"""Messages in place of a page: not found (a page, a run sheet), and something went wrong."""

from __future__ import annotations

from dash import dcc, html

APP_ERROR_ID = "app-error"


def not_found_message(detail: str | None = None) -> html.Section:
    """A helpful "not found" panel with links back to the overview (for any bad address)."""
    return html.Section(
        className="message-panel not-found",
        children=[
            html.H1("Page not found"),
            html.P(detail or "There is no page at this address."),
            html.P(
                [
                    "Go back to the ",
                    dcc.Link("overview of the eight principles", href="/"),
                    " or choose a principle from the menu above.",
                ]
            ),
        ],
    )


def run_sheet_message(problem: str, name: str | None = None) -> html.Section:
    """A "not found" panel for a run sheet (or a step of it) that cannot be shown, with links
    to edit it (when ``name`` is given) and to all run sheets."""
    panel = not_found_message(problem)
    links = [html.P(dcc.Link("Edit this run sheet", href=f"/events/{name}"))] if name else []
    panel.children = [*panel.children, *links,
                      html.P(dcc.Link("All run sheets", href="/events"))]
    return panel


def error_message() -> html.Section:
    """A page-sized "something went wrong" panel (never a traceback), with a link back."""
    return html.Section(
        className="message-panel app-failure",
        role="alert",
        children=[
            html.H1("Sorry, something went wrong"),
            html.P("This page could not be shown. The problem has been logged."),
            html.P(dcc.Link("Back to the overview", href="/")),
        ],
    )


def app_error_region() -> html.Div:
    """An empty live region; the app's error handler fills it when a callback fails."""
    return html.Div(id=APP_ERROR_ID, className="app-error", role="alert", hidden=True)


def app_error_props() -> dict:
    """The props that show the app-error region with a plain message (never a traceback)."""
    return {
        "hidden": False,
        "children": [
            html.Strong("Sorry, something went wrong. "),
            "This part of the page could not be shown; the problem has been logged. ",
            dcc.Link("Back to the overview", href="/"),
        ],
    }


def unknown_place_message(code: object) -> html.Section:
    """The "not found" panel for an address naming a place the dataset does not hold."""
    shown = str(code or "")[:40]
    panel = not_found_message(f"There is no place '{shown}' in this dataset, and no page at "
                              "this address.")
    panel.children = [*panel.children,
                      html.P(dcc.Link("See every place of this dataset", href="/"))]
    return panel
