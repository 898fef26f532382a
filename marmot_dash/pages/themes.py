"""The themes page (``/themes``): what stakeholders said, by theme and by principle.

The evaluation's stages as a timeline, a theme-by-principle matrix, each theme as a card, and,
where the dataset has coded-excerpt counts, their prevalence by stakeholder group and stage.
All theme text is Markdown with raw HTML disabled (``theme_markdown``). Restricted quotes
(interview material) are shown only to a signed-in reader (``visible_themes``).
"""

from __future__ import annotations

import dash
from dash import dcc, html

from marmot_dash.app_state import current_state
from marmot_dash.auth import signed_in_user
from marmot_dash.components.themes_panel import cross_cutting_badge, theme_markdown
from marmot_dash.figures.slide import frame
from marmot_dash.figures.style import graph_config
from marmot_dash.figures.themes import build_theme_prevalence, describe_theme_prevalence
from marmot_dash.qualitative.themes import (
    STAGE_LABELS,
    THEME_STAGES,
    Stage,
    Theme,
    theme_counts_table,
    visible_themes,
)

STATUS_WORDS = {"done": "Done", "in_progress": "In progress", "planned": "Planned"}
STATUS_SYMBOLS = {"done": "✓", "in_progress": "◐", "planned": "○"}
LINKED_CELL = "● Linked"
CROSS_CUTTING_CELL = "◆ Cross-cutting"
NOT_LINKED_CELL = "–"



def layout(**_query: str) -> html.Div:
    """The page for the current dataset's themes and stages."""
    state = current_state()
    stored: list[Theme] = list(state.dataset.themes or [])
    user = signed_in_user()
    themes = visible_themes(stored, include_restricted=user is not None)
    principles = state.dataset.principles.to_dict("records")
    illustrative = bool(state.dataset.meta.get("illustrative"))
    sections = [
        html.H1("What stakeholders said: themes from the qualitative research"),
        html.P(
            "Themes from the stakeholder interviews (and, as they happen, the focus groups and "
            "the engagement event), the Marmot principles each bears on and why. The same "
            "themes appear beside the numbers on each principle's page.",
            className="lead",
        ),
        stages_timeline(list(state.dataset.stages or []) if themes else []),
    ]
    if not themes:
        sections.append(html.P("This dataset records no qualitative themes yet."))
        return html.Div(sections, className="themes-page")
    sections += [
        restricted_note(stored, user),
        theme_matrix(themes, principles),
        html.Section(
            [html.H2("The themes", id="themes-cards-heading"),
             *[theme_card(theme, principles) for theme in themes]],
            **{"aria-labelledby": "themes-cards-heading"},
        ),
        prevalence_section(themes, illustrative=illustrative),
    ]
    return html.Div(sections, className="themes-page")


def restricted_note(themes: list[Theme], user: str | None) -> html.P | None:
    """Whether the themes' restricted quotes are shown (and to whom) or held back."""
    if not any(quote.restricted for theme in themes for quote in theme.quotes):
        return None
    if user is not None:
        text = (f"Signed in as {user}: restricted interview quotes are shown. Share them only "
                "with people cleared to read them.")
    else:
        text = ("Quotes from the interviews are restricted: they are shown only to signed-in "
                "council staff. Theme summaries and points are public.")
    return html.P(text, className="restricted-note", id="restricted-note")


def stages_timeline(stages: list[Stage]) -> html.Section:
    """The evaluation's stages in order, each with its status in words and a symbol."""
    if not stages:
        return html.Section()
    next_stage = next((stage.id for stage in stages if stage.status != "done"), None)
    items = []
    for number, stage in enumerate(stages, start=1):
        status = STATUS_WORDS[stage.status] + (" (next)" if stage.id == next_stage else "")
        classes = f"stage stage-{stage.status}" + (" stage-next" if stage.id == next_stage else "")
        items.append(html.Li(
            className=classes,
            **{"data-status": stage.status},
            children=[
                html.Div(f"{STATUS_SYMBOLS[stage.status]} {status}", className="stage-status"),
                html.H3(f"{number}. {stage.title}"),
                html.P(stage.description),
            ],
        ))
    return html.Section(
        [
            html.H2("Where the qualitative work stands", id="stages-heading"),
            html.Ol(items, className="stages-timeline"),
        ],
        className="stages",
        **{"aria-labelledby": "stages-heading"},
    )


def theme_matrix(themes: list[Theme], principles: list[dict]) -> html.Section:
    """A table of themes (rows) by principles (columns): linked, cross-cutting or not."""
    header = html.Tr(
        [html.Th("Theme", scope="col")]
        + [html.Th(dcc.Link(f"{p['id']}. {p['short_name']}", href=f"/principle/{p['id']}"),
                   scope="col") for p in principles]
    )
    rows = [
        html.Tr(
            [html.Th(dcc.Link(theme.title, href=f"#theme-{theme.id}"), scope="row"),
             *_matrix_cells(theme, principles)],
            **{"data-theme-id": theme.id},
        )
        for theme in themes
    ]
    return html.Section(
        [
            html.H2("Themes by principle", id="matrix-heading"),
            html.Div(
                html.Table(
                    [
                        html.Caption(f"Which principles each theme bears on. {LINKED_CELL}: "
                                     f"linked to that principle; {CROSS_CUTTING_CELL}: bears on "
                                     f"every principle; {NOT_LINKED_CELL}: not linked."),
                        html.Thead(header),
                        html.Tbody(rows),
                    ],
                    className="theme-matrix",
                ),
                className="table-scroll theme-matrix-scroll",
            ),
        ],
        **{"aria-labelledby": "matrix-heading"},
    )


def _matrix_cells(theme: Theme, principles: list[dict]) -> list[html.Td]:
    """One cell per principle; a cross-cutting theme gets one cell across them all."""
    if theme.cross_cutting:
        return [html.Td(f"{CROSS_CUTTING_CELL}: bears on every principle",
                        colSpan=len(principles), className="cross-cutting")]
    return [
        html.Td(LINKED_CELL, className="linked") if int(p["id"]) in theme.principles
        else html.Td(NOT_LINKED_CELL, className="not-linked")
        for p in principles
    ]


def theme_card(theme: Theme, principles: list[dict]) -> html.Article:
    """One theme: summary, points, the principles it bears on and why, counts and quotes."""
    title: list = [theme.title]
    if theme.cross_cutting:
        title.append(cross_cutting_badge())
    children: list = [
        html.H3(title, id=f"theme-{theme.id}-title"),
        html.P(f"From: {STAGE_LABELS[theme.stage].lower()}", className="theme-stage"),
        theme_markdown(theme.summary, "theme-text theme-summary"),
        html.H4("Points"),
        html.Ul([html.Li(theme_markdown(point)) for point in theme.points],
                className="theme-points"),
        html.H4("Principles"),
        _links_list(theme, principles),
    ]
    if theme.callout is not None:
        children.append(html.P(
            ["Chart call-out: ", html.Q(theme.callout.text),
             f" (on {' and '.join(theme.callout.views)} charts)"],
            className="theme-callout",
        ))
    if theme.counts_by_group or theme.counts_by_stage:
        children.append(html.P(_counts_text(theme), className="theme-counts"))
    if theme.quotes:
        children += [html.H4("What was said")] + [
            html.Figure(
                [html.Blockquote(theme_markdown(quote.text)),
                 html.Figcaption(_attribution(quote.group, quote.stage))],
                className="theme-quote",
            )
            for quote in theme.quotes
        ]
    return html.Article(
        children,
        id=f"theme-{theme.id}",
        className="theme-card",
        **{"aria-labelledby": f"theme-{theme.id}-title", "data-theme-id": theme.id},
    )


def _links_list(theme: Theme, principles: list[dict]) -> html.Ul:
    if theme.cross_cutting:
        return html.Ul(html.Li([html.Strong("All eight principles (cross-cutting): "),
                                theme_markdown(theme.cross_cutting_note)]),
                       className="theme-links")
    names = {int(p["id"]): f"{p['id']}. {p['short_name']}" for p in principles}
    return html.Ul(
        [
            html.Li([html.Strong(dcc.Link(names.get(number, str(number)),
                                          href=f"/principle/{number}")),
                     ": ", theme_markdown(theme.links[number])])
            for number in theme.principles
        ],
        className="theme-links",
    )


def _counts_text(theme: Theme) -> str:
    total = sum(theme.counts_by_group.values()) or sum(theme.counts_by_stage.values())
    groups = ", ".join(f"{group} {count}" for group, count in theme.counts_by_group.items())
    return f"Coded excerpts: {total}" + (f" (by stakeholder group: {groups})" if groups else "")


def _attribution(group: str, stage: str) -> str:
    parts = [group, STAGE_LABELS.get(stage, stage).lower() if stage else ""]
    return "— " + (", ".join(part for part in parts if part) or "a stakeholder")


def prevalence_section(themes: list[Theme], *, illustrative: bool) -> html.Section:
    """Charts of coded excerpts per theme by stakeholder group and by stage (when counted)."""
    content: list = [html.H2("How often each theme came up", id="prevalence-heading")]
    tables = {by: theme_counts_table(themes, by) for by in ("group", "stage")}
    if all(table.empty for table in tables.values()):
        content.append(html.P(
            "This dataset has no coded-excerpt counts yet. Import a coded-excerpts table "
            "(marmot-dash import-excerpts) to see each theme's prevalence by stakeholder group "
            "and stage."
        ))
    for by, label in (("group", "Stakeholder group"), ("stage", "Stage")):
        table = tables[by]
        if table.empty:
            continue
        order = [STAGE_LABELS[stage] for stage in THEME_STAGES] if by == "stage" else None
        fig = frame(build_theme_prevalence(table, category_label=label, category_order=order),
                    title=f"Coded excerpts per theme, by {label.lower()}",
                    source="Coded excerpts from the qualitative research (themes.yaml)",
                    illustrative=illustrative)
        description_id = f"prevalence-{by}-description"
        content.append(html.Figure(
            [
                dcc.Graph(id=f"prevalence-{by}", figure=fig,
                          config=graph_config(filename=f"themes_prevalence_by_{by}")),
                html.Figcaption(describe_theme_prevalence(table, category_label=label),
                                id=description_id, className="chart-description"),
            ],
            className="prevalence-chart",
            **{"aria-describedby": description_id},
        ))
    return html.Section(content, **{"aria-labelledby": "prevalence-heading"})


dash.register_page(
    __name__, path="/themes", name="Themes", title="Themes · Marmot indicators", order=9,
    layout=layout,
)
