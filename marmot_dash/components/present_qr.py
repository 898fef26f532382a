"""The presentation's QR code for the room: the chart shown, on the principle page with the same
view state, as a large QR code and its address, so people open it on their phones and explore
it themselves.

``assets/share.js`` shows and hides the overlay (key q, the button, Escape). The address is the
public one from ``MARMOT_PUBLIC_URL`` (``export.qr``); without it the overlay says so and shows
the path on this server instead of guessing a host.
"""

from __future__ import annotations

from dash import html

from marmot_dash.export.qr import PUBLIC_URL_VARIABLE, public_link, qr_data_uri
from marmot_dash.views import ViewState, view_href


def qr_button() -> html.Button:
    """The control that shows the QR code (key q)."""
    return html.Button("QR code for phones", id="present-qr-button", type="button",
                       className="present-button", title="QR code for phones (key: q)",
                       **{"aria-controls": "present-qr", "aria-expanded": "false",
                          "aria-keyshortcuts": "q"})


def qr_overlay(view: ViewState) -> html.Div:
    """The hidden overlay with the QR code and address of the principle-page view ``view``
    (all of its state: indicator, view, level, period, grouping, call-outs), or why there is
    no code."""
    path = view_href(view)
    link = public_link(path)
    if link:
        shown = [html.Img(src=qr_data_uri(link), alt=f"QR code for {link}", className="qr-code",
                          id="present-qr-code", **{"data-url": link}),
                 html.P(link.split("://", 1)[1], className="qr-link", id="present-qr-link")]
    else:
        shown = [html.P(["No public address is set, so there is no QR code: set ",
                         html.Code(PUBLIC_URL_VARIABLE), " to the dashboard's public address "
                         "(for example https://marmot.example.org). This chart's address on "
                         "this server:"], className="qr-missing"),
                 html.P(path, className="qr-link", id="present-qr-link")]
    return html.Div(
        id="present-qr", className="qr-overlay", hidden=True, role="dialog",
        **{"aria-labelledby": "present-qr-title"},
        children=[
            html.Div(className="qr-panel", children=[
                html.H2("Open this chart on your phone", id="present-qr-title"),
                *shown,
                html.Button("Close (Esc)", id="present-qr-close", type="button",
                            className="present-button"),
            ]),
        ],
    )
