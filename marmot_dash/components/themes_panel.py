"""The themes panel beside a principle's numbers, and the safe Markdown all theme text uses.

Theme text comes from a data file, so it is rendered as Markdown with raw HTML disabled: a
``<script>`` tag or an ``onerror=`` attribute in a theme shows as text and never runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from dash import dcc, html

from marmot_dash.qualitative.themes import Theme, themes_for_principle

CROSS_CUTTING_LABEL = "Cross-cutting"


def theme_markdown(text: str, class_name: str = "theme-text") -> dcc.Markdown:
    """Theme text as Markdown with raw HTML disabled (shown as text, never run)."""
    return dcc.Markdown(
        text,
        dangerously_allow_html=False,
        link_target="_blank",
        className=class_name,
    )


def cross_cutting_badge() -> html.Span:
    """The word that marks a cross-cutting theme (a word, not a colour)."""
    return html.Span(CROSS_CUTTING_LABEL, className="theme-badge cross-cutting")


def themes_panel(themes: Iterable[Theme], principle: int) -> html.Aside:
    """The themes linked to ``principle`` and then the cross-cutting ones (marked), compact.

    Each theme shows its title, summary, why it bears on the principle, and its points folded
    away; the heading links to the themes page.
    """
    chosen = themes_for_principle(themes, principle)
    linked = [theme for theme in chosen if not theme.cross_cutting]
    intro = (
        "Themes from the stakeholder interviews and focus groups that bear on this principle, "
        "then those that cut across all principles."
        if linked else
        "No theme so far bears on this principle alone; these cut across all principles."
    )
    body: list = [html.P(intro, className="themes-panel-intro")]
    if chosen:
        body.append(html.Ul([_panel_item(theme, principle) for theme in chosen],
                            className="themes-panel-list"))
    else:
        body = [html.P("The dataset records no qualitative themes.",
                       className="themes-panel-intro")]
    return html.Aside(
        className="themes-panel",
        **{"aria-labelledby": "themes-panel-heading", "data-principle": str(principle)},
        children=[
            html.H2("What stakeholders said", id="themes-panel-heading"),
            *body,
            html.P(dcc.Link("All themes, their evidence and the evaluation timeline",
                            href="/themes")),
        ],
    )


def _panel_item(theme: Theme, principle: int) -> html.Li:
    """A theme: title, summary, then why it is linked (shown for a linked theme, folded away
    with the points for a cross-cutting one)."""
    title: list = [dcc.Link(theme.title, href=f"/themes#theme-{theme.id}")]
    if theme.cross_cutting:
        title.append(cross_cutting_badge())
    reason = html.Div(
        [html.Strong("Why it bears on this principle: "),
         theme_markdown(theme.link_reason(principle), "theme-text theme-link-reason")],
        className="themes-panel-reason",
    )
    points = html.Ul([html.Li(theme_markdown(point)) for point in theme.points])
    folded = [reason, points] if theme.cross_cutting else [points]
    return html.Li(
        className="themes-panel-item" + (" cross-cutting" if theme.cross_cutting else ""),
        **{"data-theme-id": theme.id},
        children=[
            html.H3(title, className="themes-panel-title"),
            theme_markdown(theme.summary),
            *([] if theme.cross_cutting else [reason]),
            html.Details(
                [html.Summary(("Why, and the points" if theme.cross_cutting else "Points")
                              + f" ({len(theme.points)})"), *folded],
                className="themes-panel-points",
            ),
        ],
    )
