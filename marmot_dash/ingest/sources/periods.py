"""Period headings of small-area tables as the dataset's labels and sort keys (contract:
"2014/15" for financial years, "2009-2013" for rolling periods, "2021" for calendar years,
"Nov 2016" for months; period_sort = first year x 10000 + month x 100 + day, month and day 0
when the period is a year or longer).

Stat-Xplore marks provisional and revised periods "(p)" and "(r)"; the mark becomes a note.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MARKS = {"p": "provisional", "r": "revised"}
_MARK = re.compile(r"\s*\((?P<mark>[pr])\)\s*$", re.IGNORECASE)
_FINANCIAL = re.compile(r"^(?P<year>(?:19|20)\d\d)\s*/\s*(?P<next>\d\d)$")
_ROLLING = re.compile(r"^(?P<year>(?:19|20)\d\d)\s*(?:-|to)\s*(?P<end>(?:19|20)?\d\d)$")
_MONTH = re.compile(r"^(?P<month>[a-z]+)\s+(?P<year>(?:19|20)\d\d)$", re.IGNORECASE)
_YEAR = re.compile(r"^(?P<year>(?:19|20)\d\d)$")


class Period(NamedTuple):
    label: str
    sort: int
    note: str  # "provisional", "revised" or ""


def parse_period(text: str) -> Period | None:
    """The label, sort key and note of a period heading; None when it is not one."""
    text = str(text).strip()
    mark = _MARK.search(text)
    note = MARKS[mark["mark"].lower()] if mark else ""
    text = text[: mark.start()] if mark else text
    if match := _FINANCIAL.match(text):
        year = int(match["year"])
        if int(match["next"]) != (year + 1) % 100:
            return None
        return Period(f"{year}/{match['next']}", year * 10000, note)
    if match := _ROLLING.match(text):
        year, end = int(match["year"]), match["end"]
        last = int(end) if len(end) == 4 else year // 100 * 100 + int(end)
        if not year < last <= year + 10:
            return None
        return Period(f"{year}-{last}", year * 10000, note)
    if match := _MONTH.match(text):
        name = match["month"].lower()
        if name not in MONTHS:
            return None
        month, year = MONTHS.index(name) + 1, int(match["year"])
        return Period(f"{name[:3].title()} {year}", year * 10000 + month * 100 + 1, note)
    if match := _YEAR.match(text):
        return Period(text, int(text) * 10000, note)
    return None
