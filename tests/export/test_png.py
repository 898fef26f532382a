"""figure_to_png: a 1920x1080 PNG with real content, and a clear error without Chromium."""

from __future__ import annotations

import io
import os
import shutil

import plotly.graph_objects as go
import pytest
from PIL import Image

from marmot_dash.export import png
from marmot_dash.figures.slide import frame

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.path.exists(png.DEFAULT_CHROMIUM),
    reason="Chromium is not installed",
)


@pytest.fixture(scope="module")
def browser():
    yield
    png.stop_browser()


def _figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["A", "B", "C"], y=[3, 1, 2], marker={"color": "#0072B2"}))
    return frame(fig, title="Export test", source="Test", illustrative=True)


def test_png_is_1920x1080_and_not_blank(browser):
    data = png.figure_to_png(_figure())
    assert data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    assert image.size == (1920, 1080)
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 20
    most_common = max(colours)[0]
    assert most_common < 1920 * 1080  # not all one colour


def test_size_and_scale_are_honoured(browser):
    image = Image.open(io.BytesIO(png.figure_to_png(_figure(), width=800, height=450, scale=2)))
    assert image.size == (1600, 900)


def test_missing_chromium_is_a_clear_error(monkeypatch, browser):
    png.stop_browser()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    monkeypatch.setattr(png, "DEFAULT_CHROMIUM", "/nonexistent/usr-bin-chromium")
    monkeypatch.setattr(png.shutil, "which", lambda name: None)
    with pytest.raises(png.ChromiumNotFoundError, match="apt-get install -y chromium"):
        png.figure_to_png(_figure())


@pytest.mark.timeout(120)
def test_a_browser_that_fails_to_start_raises_and_the_next_export_recovers(monkeypatch, browser):
    png.stop_browser()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # executable, but not a browser
    with pytest.raises(Exception):  # noqa: B017 - kaleido/choreographer's own error type
        png.figure_to_png(_figure())
    monkeypatch.delenv("BROWSER_PATH")
    assert Image.open(io.BytesIO(png.figure_to_png(_figure()))).size == (1920, 1080)
