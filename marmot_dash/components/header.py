"""The persistent header: skip link, dataset name and the site navigation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dash import ALL, Dash, Input, Output, State, dcc, html

MAIN_ID = "main-content"
NAV_LINK = "nav-link"
# The place in a path (JavaScript): /<place> or /<place>/principle|present|report/...
PLACE_PATH = (r"/^\/([A-Za-z](?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{1,39})"
              r"(\/(principle|present|report)\/.*)?$/")


def principle_path(principle_id: int) -> str:
    """The address of a principle's page."""
    return f"/principle/{int(principle_id)}"


def skip_link() -> html.A:
    """The first focusable element: jumps keyboard users past the navigation."""
    return html.A("Skip to main content", href=f"#{MAIN_ID}", className="skip-link")


def nav_items(principles: Iterable[Mapping]) -> list[tuple[str, str, str]]:
    """(href, label, tooltip) of every navigation link: overview, the principles, themes."""
    items = [("/", "Overview", "All eight principles at a glance")]
    items += [
        (principle_path(p["id"]), f"{p['id']}. {p['short_name']}", str(p["title"]))
        for p in principles
    ]
    items.append(("/themes", "Themes", "What people told us: qualitative themes"))
    return items


def _nav_link(href: str, label: str, tooltip: str) -> html.Li:
    return html.Li(
        dcc.Link(label, href=href, title=tooltip, className="nav-link",
                 id={"type": NAV_LINK, "href": href})
    )


def site_header(dataset_name: str, principles: Iterable[Mapping]) -> html.Header:
    """The header every page shares: the product and dataset name, and the navigation."""
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                className="site-title",
                children=[
                    dcc.Link("Marmot indicators", href="/", className="site-name"),
                    html.Span(dataset_name, className="dataset-name"),
                ],
            ),
            html.Nav(
                html.Ul([_nav_link(*item) for item in nav_items(principles)],
                        className="nav-list"),
                className="site-nav",
                **{"aria-label": "Main"},
            ),
        ],
    )


# Marks the link of the current page (class and aria-current) without a server round trip,
# and after a move to another page puts focus (and the view) at the start of the content, as
# a full page load would. On a place's pages (/<place>, /<place>/principle/<n>...) the overview
# and principle links lead to that place's (a place code has a digit: data/meta.py PLACE_CODE).
_MARK_CURRENT_LINK = """
function(pathname, ids) {
    const path = (pathname || "/").replace(/\\/+$/, "") || "/";
    if (window.marmotPath !== undefined && window.marmotPath !== path) {
        const main = document.getElementById("MAIN_ID");
        if (main) { main.focus(); window.scrollTo(0, 0); }
    }
    window.marmotPath = path;
    const place = path.match(PLACE_PATH);
    const prefix = place ? "/" + place[1] : "";
    const hrefs = ids.map(function(id) {
        if (id.href === "/") { return prefix || "/"; }
        return id.href.startsWith("/principle/") ? prefix + id.href : id.href;
    });
    document.querySelectorAll(".site-nav a.nav-link").forEach(function(a, k) {
        if (hrefs[k] === path) { a.setAttribute("aria-current", "page"); }
        else { a.removeAttribute("aria-current"); }
    });
    return [hrefs.map(h => h === path ? "nav-link active" : "nav-link"), hrefs];
}
""".replace("MAIN_ID", MAIN_ID).replace("PLACE_PATH", PLACE_PATH)


def register_nav_callbacks(app: Dash) -> None:
    """Highlight the navigation link of the page shown and point the links at its place;
    focus its content after a move."""
    app.clientside_callback(
        _MARK_CURRENT_LINK,
        Output({"type": NAV_LINK, "href": ALL}, "className"),
        Output({"type": NAV_LINK, "href": ALL}, "href"),
        Input("_pages_location", "pathname"),
        State({"type": NAV_LINK, "href": ALL}, "id"),
    )
