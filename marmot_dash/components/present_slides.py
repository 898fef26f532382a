"""The presentation mode's slides and its URL, as pure functions (no Dash, no store queries).

A principle's slides are, for each of its indicators in catalogue order, the trend chart then
the deprivation chart: the audience sees how an indicator moved over time and then who it
moves for, before the next indicator. A view without data is skipped, never shown empty.
The URL is ``/present/<principle>?slide=<k>&callouts=on`` with ``k`` counted from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from marmot_dash.views import place_prefix

PRESENT_VIEWS: tuple[str, ...] = ("trend", "deprivation")
PRESENT_PATH = "/present"


@dataclass(frozen=True)
class Slide:
    """One slide: a view of an indicator."""

    indicator_id: str
    view: str


@dataclass(frozen=True)
class SlideChoice:
    """The slide the URL asks for (``number`` from 1), or the ``problem`` with it in words."""

    number: int | None = None
    problem: str | None = None


def build_slides(
    indicator_ids: Iterable[str],
    has_chart: Callable[[str, str], bool],
    views: Iterable[str] = PRESENT_VIEWS,
) -> tuple[Slide, ...]:
    """Each indicator's views in order, keeping those where ``has_chart(indicator, view)``."""
    views = tuple(views)
    return tuple(
        Slide(indicator_id, view)
        for indicator_id in indicator_ids
        for view in views
        if has_chart(indicator_id, view)
    )


def choose_slide(requested: object, count: int, principle: int) -> SlideChoice:
    """The slide number asked for in the URL (1 when absent), checked against ``count`` slides."""
    if count == 0:
        return SlideChoice(problem=f"Principle {principle} has no charts with data to present.")
    text = "" if requested is None else str(requested).strip()
    if not text:
        return SlideChoice(number=1)
    if text.isdigit() and 1 <= int(text) <= count:
        return SlideChoice(number=int(text))
    return SlideChoice(problem=f"There is no slide '{text}' for principle {principle}. "
                               f"Its slides are numbered 1 to {count}.")


def first_param(params: Mapping[str, object], key: str) -> str | None:
    """A query parameter as Dash pages pass it (a string, or the first of a list)."""
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value)


def present_href(principle: int, slide: int = 1, *, callouts: bool = False,
                 place: str | None = None) -> str:
    """The address of a slide: ``[/<place>]/present/<principle>?slide=<k>`` (plus
    ``callouts=on``)."""
    params: dict[str, object] = {"slide": slide}
    if callouts:
        params["callouts"] = "on"
    return f"{place_prefix(place)}{PRESENT_PATH}/{principle}?{urlencode(params)}"
