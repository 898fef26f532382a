"""The print-ready reports, A4 briefings laid out for Chromium's print to PDF (``export/report.py``,
``marmot-dash report``) and for the browser's own Print.

``/report/<n>``, a principle: title, date and data status; contents; the early-impact summary
in words; the indicator table; each indicator's charts (drawn by ``views.view_figure`` at print
size, static) with their text; the stakeholder themes; methods and sources.
``/report/event/<name>``, a run sheet: the same front, then each step's heading, chart(s) with
their text and speaker notes (or why the step cannot be shown), the themes of its principles,
methods and sources. ``assets/share.css`` holds the print stylesheet: each indicator or step
starts a page and no chart is split across pages.
"""

from __future__ import annotations

import datetime as dt
import functools

import dash
from dash import dcc, html

from marmot_dash.app_state import current_state, place_store
from marmot_dash.components.chart_share import report_link
from marmot_dash.components.indicator_table import indicator_table
from marmot_dash.components.messages import (
    not_found_message,
    run_sheet_message,
    unknown_place_message,
)
from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.run_sheets import RunSheet, Step, load_run_sheet, step_problem
from marmot_dash.data.summaries import principle_scorecard, summaries
from marmot_dash.export.report import printable, report_charts
from marmot_dash.views import (
    VIEW_LABELS,
    StoreKey,
    ViewResult,
    figure_marks,
    place_prefix,
    state_from_params,
    step_view,
)

# A4 less the page margins (share.css @page) at 96 px per inch: 182 mm wide.
CHART_WIDTH = 680
CHART_HEIGHT = 360
METHODS = (
    "Values and their 95% confidence intervals follow OHID Fingertips and PHEindicatormethods: "
    "Wilson score intervals for proportions, Byars' method for counts and rates, Dobson's "
    "method for directly standardised rates.",
    "Compared with England: better or worse when the 95% interval excludes England's value, "
    "otherwise similar. Change since the baseline is judged the same way against the baseline "
    "value; the recent trend is the Fingertips trend marker.",
    "Inequality by deprivation: the slope and relative index of inequality (SII and RII) across "
    "local deprivation deciles or quintiles, weighted by population. Cohort gaps and ratios to "
    "the largest group have MOVER intervals.",
    "Values based on fewer than the dataset's disclosure threshold are suppressed (left "
    "blank). Maps are on the principle page; this report shows the ranked areas.",
)


def title(principle: str | None = None, **_: str) -> str:
    """The browser tab's title (also the PDF's document title)."""
    return f"Principle {principle} report · Marmot indicators"


def layout(principle: str | None = None, place: str | None = None, **_: str
           ) -> html.Div | html.Section:
    """The report of the place and principle in the URL (a message with links back if there is
    none)."""
    store = place_store(place)
    if store is None:
        return unknown_place_message(place)
    state = state_from_params(store, principle, {})
    if state.problem:
        return not_found_message(state.problem)
    return report_tree(StoreKey(store), state.principle, dt.date.today(), place)


@functools.lru_cache(maxsize=16)
def report_tree(key: StoreKey, principle: int, today: dt.date, place: str | None = None
                ) -> html.Div:
    """The whole report (cached per place, principle and day; links keep ``place``)."""
    store = key.store
    heading = f"Principle {principle}: {store.principle(principle)['title']}"
    if store.is_multi_place:
        heading = f"{store.area_name} · {heading}"
    indicators = store.indicators(principle=principle)
    sections = [_indicator_section(store, indicator)
                for indicator in indicators.to_dict("records")]
    return _for_print(html.Div(
        className="report-page", id="report-page", **{"data-principle": str(principle)},
        children=[
            *_front(store, heading, today,
                    [("report-summary", "Summary"), ("report-indicators", "Indicators"),
                     *_headings(sections)]),
            html.Section([html.H2("Summary", id="report-summary"),
                          html.P(summary_words(store, principle))]),
            html.Section([html.H2("Indicators", id="report-indicators"),
                          indicator_table(indicators, _rows(store, indicators),
                                          href_for=lambda i: f"{place_prefix(place)}/principle/"
                                                             f"{principle}?indicator={i}")],
                         className="report-section"),
            *sections,
            html.Section(themes_panel(store.themes or [], principle),
                         className="report-section", id="report-themes"),
            _methods(store),
            html.P(report_link(principle, place=place)),
        ],
    ))


def event_title(name: str | None = None, **_: str) -> str:
    """The browser tab's title of a run sheet's report (also the PDF's document title)."""
    return f"Run sheet {name} report · Marmot indicators"


def event_layout(name: str | None = None, **_: str) -> html.Div | html.Section:
    """The report of the run sheet in the URL (a message with links back if there is none)."""
    state = current_state()
    try:
        sheet = load_run_sheet(state.data_dir, str(name))
    except DatasetError as error:
        return run_sheet_message(str(error))
    return run_sheet_report_tree(StoreKey(state.store), sheet, dt.date.today())


@functools.lru_cache(maxsize=16)
def run_sheet_report_tree(key: StoreKey, sheet: RunSheet, today: dt.date) -> html.Div:
    """A run sheet's whole report (cached per dataset, run sheet contents and day)."""
    store = key.store
    sections = [_step_section(store, number, step)
                for number, step in enumerate(sheet.steps, start=1)]
    known = set(store.principles()["id"].astype(int))
    principles = [p for p in dict.fromkeys(step.principle for step in sheet.steps) if p in known]
    themes = [_principle_themes(store, principle) for principle in principles]
    return _for_print(html.Div(
        className="report-page", id="report-page", **{"data-run-sheet": sheet.name},
        children=[
            *_front(store, sheet.title, today, _headings(sections), what="Event run sheet"),
            *(sections or [html.P("This run sheet has no steps yet.")]),
            html.Section([html.H2("What stakeholders said"), *themes],
                         className="report-section", id="report-themes"),
            _methods(store),
            html.P(report_link(run_sheet=sheet.name)),
        ],
    ))


def _front(store, heading: str, today: dt.date, contents: list[tuple[str, str]],
           what: str = "Briefing") -> list:
    """The report's title, date, data status and contents (then themes, methods, sources)."""
    contents = [*contents, ("report-themes", "What stakeholders said"),
                ("report-methods", "Methods and sources")]
    return [
        html.H1(heading, id="report-title"),
        html.P(f"{what} from the {store.meta.get('name', 'dataset')} dashboard, "
               f"{today:%d %B %Y}.", className="report-date"),
        _status(store),
        html.Nav([html.H2("Contents"),
                  html.Ol([html.Li(html.A(text, href=f"#{anchor}")) for anchor, text in contents])],
                 className="report-contents", **{"aria-label": "Contents"}),
    ]


def _headings(sections: list[html.Section]) -> list[tuple[str, str]]:
    return [(section.id, section.children[0].children) for section in sections]


def _rows(store, indicators):
    table = summaries(store)
    return table[table["indicator_id"].isin(indicators["indicator_id"])]


def _status(store) -> html.P:
    built = store.meta.get("built_at") or "an unknown date"
    if store.is_illustrative:
        words = (f"Illustrative data: simulated values, not official statistics; they must not "
                 f"be quoted as facts about any place. Dataset built {built}.")
    else:
        words = f"Published data, as collected in the dataset built {built}."
    return html.P([html.Strong("Data status: "), words], className="report-status",
                  id="report-status")


def summary_words(store, principle: int) -> str:
    """The early-impact scorecard of the principle as sentences."""
    counts = principle_scorecard(summaries(store), principle)
    total = counts["indicators"]
    if not total:
        return "This principle has no indicators yet."

    def n(key: str) -> int:
        return counts[key]

    text = (f"Of the {total} indicator{'s' if total != 1 else ''} under this principle, "
            f"{n('improved')} improved significantly since the baseline, {n('no_change')} "
            f"showed no significant change and {n('worsened')} worsened. Compared with "
            f"England, {n('better')} are better, {n('similar')} similar and {n('worse')} worse. "
            f"The gap between the most and least deprived areas narrowed for {n('narrowed')} "
            f"and widened for {n('widened')}.")
    if n("red_red"):
        text += (f" {n('red_red')} {'is' if n('red_red') == 1 else 'are'} worse than England "
                 "and getting worse.")
    return text + " Indicators that cannot be judged are not counted."


def _indicator_section(store, indicator: dict) -> html.Section:
    indicator_id = indicator["indicator_id"]
    name = indicator.get("short_name") or indicator.get("name")
    charts = [_chart(figure, result) for figure, result in report_charts(store, indicator_id)]
    if not charts:
        charts = [html.P(f"{name} has no charts with data in this dataset.")]
    definition = str(indicator.get("definition") or "").strip()
    return html.Section(
        id=f"report-{indicator_id}", className="report-indicator",
        children=[html.H2(str(name)), html.P(definition) if definition else None, *charts],
    )


def _step_section(store, number: int, step: Step) -> html.Section:
    """A run sheet's step: its heading, its chart(s) and their text (or why it cannot be
    shown: nothing is left out silently), and the speaker notes."""
    problem = step_problem(store, step)
    result = None if problem else step_view(store, step)
    if problem is None:
        indicator = store.indicator(step.indicator)
        what = indicator.get("short_name") or indicator.get("name")
    else:
        what = step.indicator
    heading = step.heading or f"{what}: {VIEW_LABELS.get(step.view, step.view).lower()}"
    charts = [_chart(figure, result) for figure in printable(result.figures)] if result else []
    if not charts:
        why = problem or (result.message if result else None) or (
            "its chart is a map, which is on the principle page and not printed.")
        charts = [html.P(f"This step cannot be shown: {why}", className="report-step-problem")]
    notes = [html.H3("Speaker notes"), html.P(step.notes, className="report-notes")] \
        if step.notes else []
    return html.Section(
        id=f"report-step-{number}", className="report-indicator",
        children=[html.H2(f"Step {number}: {heading}"), *charts, *notes],
    )


def _chart(figure, result: ViewResult) -> html.Figure:
    """A chart at print size (static), its title as a heading and its text alternative."""
    figure.update_layout(width=CHART_WIDTH, height=CHART_HEIGHT)
    return html.Figure(className="report-chart", children=[
        html.H3(figure_marks(figure)["title"]),
        dcc.Graph(figure=figure.to_plotly_json(), className="report-graph",
                  config={"staticPlot": True, "responsive": False},
                  style={"height": f"{CHART_HEIGHT}px"}),
        html.Figcaption(result.description),
    ])


def _principle_themes(store, principle: int) -> html.Section:
    """The themes of one principle of a run sheet, under the principle's name."""
    heading_id = f"report-themes-{principle}"
    panel = themes_panel(store.themes or [], principle)
    panel.children = panel.children[1:]  # its own heading, said once for all principles
    setattr(panel, "aria-labelledby", heading_id)
    title = store.principle(principle)["title"]
    return html.Section([html.H3(f"Principle {principle}: {title}", id=heading_id), panel])


def _methods(store) -> html.Section:
    sources = [html.Li(f"{s.get('name', 'Unnamed source')}"
                       + "".join(f"; {s[k]}" for k in ("publisher", "licence") if s.get(k))
                       + (f" ({s['url']})" if s.get("url") else ""))
               for s in store.meta.get("sources") or []]
    return html.Section(
        className="report-section", id="report-methods",
        children=[html.H2("Methods and sources"), *(html.P(text) for text in METHODS),
                  html.H3("Sources and licences"),
                  html.Ul(sources) if sources else html.P("No sources are listed.")],
    )


def _for_print(report: html.Div) -> html.Div:
    """``report`` with every ``<details>`` open, so the theme points are printed, and its
    Markdown texts counted (``data-texts``) and marked, so the print waits until plotly.js and
    the lazily loaded Markdown have drawn them all (``export.report.READY_JS``)."""
    texts = 0
    for child in report._traverse():
        if isinstance(child, html.Details):
            child.open = True
        elif isinstance(child, dcc.Markdown):
            child.className = f"{child.className or ''} report-text".strip()
            texts += 1
    setattr(report, "data-texts", str(texts))
    return report


dash.register_page(
    __name__,
    path_template="/report/<principle>",
    title=title,
    name="Report",
    layout=layout,
)
dash.register_page(
    f"{__name__}_place",
    path_template="/<place>/report/<principle>",
    title=title,
    name="Report of a place",
    layout=layout,
)

dash.register_page(
    f"{__name__}_event",
    path_template="/report/event/<name>",
    title=event_title,
    name="Run sheet report",
    layout=event_layout,
    order=1,  # matched before /report/<principle>, which would take "event/<name>" whole
)
