"""The footer: the dataset's sources with their publishers and licences, and when it was built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dash import html


def _source_item(source: Mapping) -> html.Li:
    name = str(source.get("name") or "Unnamed source")
    url = source.get("url")
    title = html.A(name, href=url, rel="noopener") if url else html.Span(name)
    details = [f"{label}{source[key]}" for key, label in (("publisher", "published by "),
                                                          ("licence", "licence: "))
               if source.get(key)]
    return html.Li([title, f" ({'; '.join(details)})" if details else ""])


def site_footer(sources: Iterable[Mapping], built_at: object = None) -> html.Footer:
    """Sources and licences from dataset.yaml, and the build time of the dataset."""
    items = [_source_item(source) for source in sources]
    children: list = [html.H2("Sources and licences", className="footer-heading")]
    children.append(html.Ul(items) if items else html.P("No sources are listed for this dataset."))
    if built_at:
        children.append(html.P(f"Dataset built {built_at}.", className="built-at"))
    children.append(
        html.P(
            "Benchmark colours follow OHID Fingertips; every colour also has a word and a symbol.",
            className="footer-note",
        )
    )
    return html.Footer(children, className="site-footer")
