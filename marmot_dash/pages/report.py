"""The print-ready report of a principle, ``/report/<n>``: an A4 briefing laid out for Chromium's
print to PDF (``export/report.py``, ``marmot-dash report``) and for the browser's own Print.

Title, date and data status; contents; the early-impact summary in words; the indicator table;
each indicator's charts (drawn by ``views.view_figure`` at print size, static) with their text;
the stakeholder themes; methods and sources. ``assets/share.css`` holds the print stylesheet:
each indicator starts a page and no chart is split across pages.
"""

from __future__ import annotations

import datetime as dt
import functools

import dash
from dash import dcc, html
from dash.development.base_component import Component

from marmot_dash.app_state import place_store
from marmot_dash.components.chart_share import report_link
from marmot_dash.components.indicator_table import indicator_table
from marmot_dash.components.messages import not_found_message, unknown_place_message
from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.data.summaries import principle_scorecard, summaries
from marmot_dash.export.report import report_charts
from marmot_dash.views import StoreKey, figure_marks, place_prefix, state_from_params

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
    sections = [_indicator_section(store, principle, indicator)
                for indicator in indicators.to_dict("records")]
    contents = [("report-summary", "Summary"), ("report-indicators", "Indicators"),
                *((s.id, s.children[0].children) for s in sections),
                ("report-themes", "What stakeholders said"),
                ("report-methods", "Methods and sources")]
    return html.Div(
        className="report-page", id="report-page", **{"data-principle": str(principle)},
        children=[
            html.H1(heading, id="report-title"),
            html.P(f"Briefing from the {store.meta.get('name', 'dataset')} dashboard, "
                   f"{today:%d %B %Y}.", className="report-date"),
            _status(store),
            html.Nav([html.H2("Contents"),
                      html.Ol([html.Li(html.A(text, href=f"#{anchor}"))
                               for anchor, text in contents])],
                     className="report-contents", **{"aria-label": "Contents"}),
            html.Section([html.H2("Summary", id="report-summary"),
                          html.P(summary_words(store, principle))]),
            html.Section([html.H2("Indicators", id="report-indicators"),
                          indicator_table(indicators, _rows(store, indicators),
                                          href_for=lambda i: f"{place_prefix(place)}/principle/"
                                                             f"{principle}?indicator={i}")],
                         className="report-section"),
            *sections,
            html.Section(_opened(themes_panel(store.themes or [], principle)),
                         className="report-section", id="report-themes"),
            _methods(store),
            html.P(report_link(principle, place)),
        ],
    )


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


def _indicator_section(store, principle: int, indicator: dict) -> html.Section:
    indicator_id = indicator["indicator_id"]
    name = indicator.get("short_name") or indicator.get("name")
    charts: list = []
    for figure, result in report_charts(store, indicator_id):
        figure.update_layout(width=CHART_WIDTH, height=CHART_HEIGHT)
        charts.append(html.Figure(className="report-chart", children=[
            html.H3(figure_marks(figure)["title"]),
            dcc.Graph(figure=figure.to_plotly_json(), className="report-graph",
                      config={"staticPlot": True, "responsive": False},
                      style={"height": f"{CHART_HEIGHT}px"}),
            html.Figcaption(result.description),
        ]))
    if not charts:
        charts = [html.P(f"{name} has no charts with data in this dataset.")]
    definition = str(indicator.get("definition") or "").strip()
    return html.Section(
        id=f"report-{indicator_id}", className="report-indicator",
        children=[html.H2(str(name)), html.P(definition) if definition else None, *charts],
    )


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


def _opened(node: Component) -> Component:
    """``node`` with every ``<details>`` open, so the theme points are printed."""
    for child in node._traverse():
        if isinstance(child, html.Details):
            child.open = True
    return node


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
