"""Security headers on every response, with a Content-Security-Policy that Dash can live with.

Scripts: only the dashboard's own files and, by hash, the inline scripts Dash writes into its
page (the renderer's start and the clientside callbacks: ``Dash.csp_hashes``); no
``'unsafe-eval'`` (neither the partial plotly.js bundle nor MapLibre needs it). Styles allow
``'unsafe-inline'``: plotly.js and React set ``style`` attributes and MapLibre injects its
stylesheet. MapLibre runs its worker from a ``blob:`` URL. ``MARMOT_FRAME_ANCESTORS`` lists the
sites allowed to embed the dashboard in a frame (default ``'none'``); HSTS is sent on HTTPS
requests only (behind a load balancer, see ``MARMOT_TRUSTED_PROXIES`` in ``server.py``).
"""

from __future__ import annotations

import os
import re

import flask
from dash import Dash

from marmot_dash.data.errors import UserError

# A frame-ancestors source list: keywords, schemes and hosts, nothing that ends the directive.
FRAME_SOURCES = re.compile(r"^[A-Za-z0-9'*:/.\-]+( [A-Za-z0-9'*:/.\-]+)*$")
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",  # + the hashes of Dash's inline scripts
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "child-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def add_security_headers(app: Dash) -> None:
    """Send the security headers (and the CSP for this app's inline scripts) on every response."""
    frame_ancestors = frame_ancestors_setting()

    @app.server.after_request
    def secure(response: flask.Response) -> flask.Response:
        response.headers["Content-Security-Policy"] = content_security_policy(
            app, frame_ancestors)
        response.headers.update(HEADERS)
        if frame_ancestors == "'none'":
            response.headers["X-Frame-Options"] = "DENY"  # for browsers without CSP level 2
        if flask.request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response


def frame_ancestors_setting() -> str:
    """``MARMOT_FRAME_ANCESTORS``: who may frame the dashboard (``'none'`` by default)."""
    value = " ".join(os.environ.get("MARMOT_FRAME_ANCESTORS", "'none'").split())
    if not FRAME_SOURCES.fullmatch(value):
        raise UserError("MARMOT_FRAME_ANCESTORS must be CSP sources separated by spaces, "
                        "e.g. 'self' https://intranet.example.gov.uk")
    return value


def content_security_policy(app: Dash, frame_ancestors: str = "'none'") -> str:
    """The policy for ``app``: its inline scripts are allowed by their SHA-256 hashes."""
    directives = {**POLICY, "frame-ancestors": frame_ancestors}
    directives["script-src"] = " ".join([POLICY["script-src"], *app.csp_hashes()])
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())
