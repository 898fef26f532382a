"""Page sections kept in caches as the plain dicts Dash sends."""

from __future__ import annotations

from dash.development.base_component import Component


def json_tree(node: object) -> object:
    """A component tree as the plain dicts Dash sends (``{type, namespace, props}``).

    The cached page sections are kept in this form: Dash serialises plain dicts several times
    faster than component objects, and the browser receives exactly the same JSON.
    """
    if isinstance(node, Component):
        tree = node.to_plotly_json()
        tree["props"] = {key: json_tree(value) for key, value in tree["props"].items()}
        return tree
    if isinstance(node, list | tuple):
        return [json_tree(item) for item in node]
    if isinstance(node, dict):
        return {key: json_tree(value) for key, value in node.items()}
    return node
