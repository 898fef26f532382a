"""QR codes for the room: the public address of a view, drawn as SVG with segno.

The public base URL comes only from configuration (``MARMOT_PUBLIC_URL``, e.g.
``https://marmot.example.org``), never from a request's Host header, which a client chooses.
Without it (or with a value that is not an http(s) address) there is no QR code and the caller
says so.
"""

from __future__ import annotations

import base64
import functools
import io
import os
from urllib.parse import urlsplit

import segno

PUBLIC_URL_VARIABLE = "MARMOT_PUBLIC_URL"
MAX_URL_LENGTH = 2000


def public_base_url() -> str | None:
    """``MARMOT_PUBLIC_URL`` without a trailing slash, or None when unset or not http(s)."""
    text = os.environ.get(PUBLIC_URL_VARIABLE, "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or len(text) > MAX_URL_LENGTH:
        return None
    return text


def public_link(path: str) -> str | None:
    """The public address of an app path (``/principle/1?view=trend``), if one is configured."""
    base = public_base_url()
    return base + path if base else None


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG document (error correction M, a 4-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="svg", xmldecl=False, border=4,
                                       dark="#000", light="#fff", omitsize=True,
                                       title="QR code of " + url[:200])
    return buffer.getvalue().decode("utf-8")


def qr_data_uri(url: str) -> str:
    """``qr_svg(url)`` as a ``data:image/svg+xml`` address for an ``<img>``."""
    data = base64.b64encode(qr_svg(url).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"
