"""The themes panel beside a principle's numbers: linked themes, then cross-cutting, marked."""

from __future__ import annotations

import copy

from dash import dcc, html

from marmot_dash.components.themes_panel import CROSS_CUTTING_LABEL, themes_panel
from marmot_dash.qualitative.themes import DEFAULT_THEMES, parse_themes


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)
    elif children is not None and not isinstance(children, (str, int, float)):
        yield from walk(children)


def texts(component) -> str:
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        if isinstance(children, str):
            parts.append(children)
    return " | ".join(parts)


def items(panel) -> list:
    return [node for node in walk(panel)
            if isinstance(node, html.Li) and "themes-panel-item" in getattr(node, "className", "")]


def test_principle_panel_lists_linked_then_cross_cutting_themes() -> None:
    panel = themes_panel(parse_themes(DEFAULT_THEMES, "x"), 3)
    ids = [item.to_plotly_json()["props"]["data-theme-id"] for item in items(panel)]
    assert ids == ["existing_inequalities_work", "awareness", "strategic_alignment",
                   "barriers", "marmot_indicators"]
    text = texts(panel)
    assert "Using procurement to increase public sector investment in local organisations " \
           "supports local employment and good work." in text
    assert text.count(CROSS_CUTTING_LABEL) == 4
    assert "cross-cutting" in items(panel)[1].className


def test_a_principle_with_no_linked_theme_says_so() -> None:
    panel = themes_panel(parse_themes(DEFAULT_THEMES, "x"), 8)
    assert "No theme so far bears on this principle alone" in texts(panel)
    assert len(items(panel)) == 4


def test_all_theme_text_is_markdown_with_raw_html_disabled() -> None:
    raw = copy.deepcopy(DEFAULT_THEMES)
    raw[2]["summary"] = "<script>window.__xss = 1</script>"
    panel = themes_panel(parse_themes(raw, "x"), 3)
    markdowns = [node for node in walk(panel) if isinstance(node, dcc.Markdown)]
    assert any(node.children == "<script>window.__xss = 1</script>" for node in markdowns)
    assert all(not getattr(node, "dangerously_allow_html", False) for node in markdowns)


def test_no_themes_at_all() -> None:
    assert "records no qualitative themes" in texts(themes_panel([], 1))
