"""frame: title, subtitle, source and the Illustrative mark are on the figure itself."""

from __future__ import annotations

import plotly.graph_objects as go

from marmot_dash.figures.slide import ILLUSTRATIVE_TEXT, frame


def _texts(fig: go.Figure) -> str:
    layout = fig.layout
    subtitle = layout.title.subtitle.text or ""
    return " ".join([layout.title.text or "", subtitle, *(a.text for a in layout.annotations)])


def test_frame_adds_title_subtitle_source_and_illustrative_mark():
    fig = frame(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), title="Adult smoking: trend",
                source="Marmot Town demo; JSNA", illustrative=True, subtitle="Luton vs England")
    text = _texts(fig)
    assert "Adult smoking: trend" in text
    assert "Luton vs England" in text
    assert "Source: Marmot Town demo; JSNA" in text
    assert ILLUSTRATIVE_TEXT in text
    assert "Illustrative" in ILLUSTRATIVE_TEXT


def test_real_data_carries_no_illustrative_mark():
    fig = frame(go.Figure(), title="T", source="OHID Fingertips", illustrative=False)
    assert "Illustrative" not in _texts(fig)


def test_marks_sit_in_the_margins_not_on_the_plot():
    fig = frame(go.Figure(go.Scatter(x=[1], y=[1])), title="T", source="S", illustrative=True,
                subtitle="Sub")
    source = next(a for a in fig.layout.annotations if a.name == "source")
    assert source.yref == "paper" and source.y == 0 and source.yshift < 0
    assert abs(source.yshift) < fig.layout.margin.b
    assert fig.layout.title.yref == "container"
    assert fig.layout.margin.t >= 80


def test_frame_escapes_markup_in_titles():
    fig = frame(go.Figure(), title="A <b>bold</b> claim", source="S", illustrative=False)
    assert "&lt;b&gt;" in fig.layout.title.text


def test_panel_titles_above_the_plot_get_room_like_a_legend():
    plain = frame(go.Figure(go.Bar(x=[1], y=["a"])), title="T", source="S", illustrative=False)
    panel = go.Figure(go.Bar(x=[1], y=["a"]))
    panel.add_annotation(text="Sex", xref="paper", yref="paper", x=0, y=1, yanchor="bottom",
                         showarrow=False)
    titled = frame(panel, title="T", source="S", illustrative=False)
    assert titled.layout.margin.t > plain.layout.margin.t


def test_framing_twice_keeps_one_source_line():
    fig = frame(go.Figure(), title="T", source="First", illustrative=False)
    fig = frame(fig, title="T2", source="Second", illustrative=True)
    sources = [a.text for a in fig.layout.annotations if a.name == "source"]
    assert sources == ["Source: Second"]
    assert fig.layout.title.text == "<b>T2</b>"


def test_quotes_in_titles_are_not_shown_as_entities():
    """Plotly decodes numeric entities and &lt; &gt; &amp;, but not &quot;: it showed literally."""
    fig = frame(go.Figure(), title='Pupils "ready" for school', source="DfE's EYFSP",
                illustrative=False, subtitle='Luton\'s "good level"')
    text = _texts(fig)
    assert "&quot;" not in text and "&#x27;" not in text
    assert '"ready"' in fig.layout.title.text and "DfE's" in text
