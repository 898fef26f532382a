"""The presentation mode: ``/present/<principle>?slide=<k>&callouts=on`` (``/present``: 1).

One chart per slide, filling a projector, with the principle's qualitative themes beside it.
Every control is a link to the URL of what it shows (previous and next slide, previous and next
principle, back to the principle page), and the call-out switch rewrites the URL's search, so
back and forward and a copied link work; ``assets/present.js`` turns the arrow keys and
PageUp / PageDown into clicks on those links. The page router draws each slide: the page has no
server callback of its own.
"""

from __future__ import annotations

import functools

import dash
from dash import ClientsideFunction, Input, Output, State, dcc, html

from marmot_dash.app_state import place_store
from marmot_dash.components.deck_button import deck_button
from marmot_dash.components.messages import not_found_message, unknown_place_message
from marmot_dash.components.present_slides import (
    Slide,
    build_slides,
    choose_slide,
    first_param,
    present_href,
)
from marmot_dash.components.present_stage import chart_stage, present_header, present_page
from marmot_dash.views import (
    VIEW_LABELS,
    StoreKey,
    ViewState,
    place_prefix,
    state_from_params,
    view_figure,
)

LOCATION_ID = "present-location"


def title(principle: str | None = None, **_: str) -> str:
    """The browser tab's title."""
    return f"Presenting principle {principle or 1} · Marmot indicators"


def layout(principle: str | None = None, place: str | None = None, **query: str
           ) -> html.Div | html.Section:
    """The slide in the URL, or a helpful message with links back when it is not there
    (``place``: the place of the address, absent for the primary one)."""
    store = place_store(place)
    if store is None:
        return unknown_place_message(place)
    state = state_from_params(store, principle or "1", {"callouts": query.get("callouts")})
    if state.problem and state.principle is None:
        return problem_message(store, state.problem, None, place)
    number = state.principle
    slides = principle_slides(StoreKey(store), number)
    choice = choose_slide(first_param(query, "slide"), len(slides), number)
    if choice.problem:
        return problem_message(store, choice.problem, number, place)
    callouts = state.callouts
    slide = slides[choice.number - 1]
    return present_page(
        [number, choice.number, callouts],
        slide_header(store, number, choice.number, slides, callouts, place),
        slide_stage(store, number, slide, callouts),
        ViewState(principle=number, indicator=slide.indicator_id, view=slide.view,
                  callouts=callouts, place=place),
        before=[dcc.Location(id=LOCATION_ID, refresh="callback-nav")],
    )


def start_layout(**query: str) -> html.Div:
    """``/present``: the presentation from principle 1."""
    return layout("1", **query)


@functools.lru_cache(maxsize=64)
def principle_slides(key: StoreKey, principle: int) -> tuple[Slide, ...]:
    """The principle's slides: each indicator's trend then deprivation chart, where drawn."""
    store = key.store
    ids = store.indicators(principle=principle)["indicator_id"]

    def has_chart(indicator_id: str, view: str) -> bool:
        return view_figure(store, indicator_id, view, copy=False).figure is not None

    return build_slides(ids, has_chart)


def slide_header(store, principle: int, number: int, slides: tuple[Slide, ...],
                 callouts: bool, place: str | None = None) -> html.Header:
    """The principle's title, the slide's position and the controls, in one compact band
    (links keep ``place``; a place of several is named in the title)."""
    row = store.principle(principle)
    slide = slides[number - 1]
    indicator = store.indicator(slide.indicator_id)
    name = indicator.get("short_name") or indicator.get("name")
    last_principle = int(store.principles()["id"].max())
    heading = f"Principle {principle}: {row['title']}"
    if store.is_multi_place:
        heading = f"{store.area_name} · {heading}"

    def href(to_principle: int, slide: int = 1) -> str:
        return present_href(to_principle, slide, callouts=callouts, place=place)

    return present_header(
        heading,
        [html.Strong(f"Slide {number} of {len(slides)}"),
         f" · {name}: {VIEW_LABELS[slide.view].lower()}"],
        "slide",
        (href(principle, number - 1) if number > 1 else None,
         href(principle, number + 1) if number < len(slides) else None,
         href(principle - 1) if principle > 1 else None,
         href(principle + 1) if principle < last_principle else None),
        [html.Button(["Theme call-outs: ", html.Strong("on" if callouts else "off")],
                     id="present-callouts", role="switch", n_clicks=0,
                     className="present-button present-switch",
                     **{"aria-checked": "true" if callouts else "false"}),
         dcc.Link("Leave the presentation", href=f"{place_prefix(place)}/principle/{principle}",
                  id="present-exit", className="present-button present-exit"),
         deck_button(principle=principle, place=place,
                     class_name="present-button present-exit")],
    )


def slide_stage(store, principle: int, slide: Slide, callouts: bool) -> html.Div:
    """The chart (with its text alternative) and the themes beside it."""
    result = view_figure(store, slide.indicator_id, slide.view, callouts=callouts, copy=False)
    return chart_stage(store, principle, slide.indicator_id, slide.view, result)


def problem_message(store, problem: str, principle: int | None, place: str | None = None
                    ) -> html.Section:
    """A helpful message for a bad principle or slide, with links to presentations that exist."""
    panel = not_found_message(problem)
    back = ([html.P(dcc.Link(f"Back to the principle {principle} page",
                             href=f"{place_prefix(place)}/principle/{principle}"))]
            if principle else [])
    links = [html.Li(dcc.Link(f"Present principle {p['id']}: {p['short_name']}",
                              href=present_href(int(p["id"]), place=place)))
             for p in store.principles().to_dict("records")]
    panel.children = [*panel.children, *back, html.H2("Presentations"), html.Ul(links)]
    return panel


# After a control was used from the keyboard, focus its replacement in the new slide.
dash.clientside_callback(
    ClientsideFunction(namespace="marmotPresent", function_name="restoreFocus"),
    Output("present-focus-done", "children"),
    Input("present-slide-state", "data"),
)

# A new slide keeps the QR code showing if it was (assets/share.js).
dash.clientside_callback(
    ClientsideFunction(namespace="marmotShare", function_name="keepQr"),
    Output("present-qr-done", "children"),
    Input("present-slide-state", "data"),
)

# The call-out switch rewrites the URL's search (``callouts=on``); the page router then draws it.
dash.clientside_callback(
    ClientsideFunction(namespace="marmotPresent", function_name="toggleCallouts"),
    Output(LOCATION_ID, "search"),
    Input("present-callouts", "n_clicks"),
    State(LOCATION_ID, "search"),
    prevent_initial_call=True,
)

dash.register_page(
    __name__,
    path_template="/present/<principle>",
    title=title,
    name="Presentation",
    layout=layout,
)

dash.register_page(
    f"{__name__}_place",
    path_template="/<place>/present/<principle>",
    title=title,
    name="Presentation of a place",
    layout=layout,
)

dash.register_page(
    f"{__name__}_start",
    path="/present",
    title=title,
    name="Presentation",
    layout=start_layout,
)
