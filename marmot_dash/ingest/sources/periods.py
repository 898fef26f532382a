"""Period labels and sort keys shared by every reader (the same period, the same label).

A source's period string becomes a readable ``period`` label and an integer ``period_sort``:

- calendar year ``2021`` (or an ISO 8601 interval starting 1 January, ``2021-01-01/P1Y``) ->
  "2021"; a year starting in another month (``2021-04-01/P1Y`` financial, ``2021-09-01/P1Y``
  academic, DfE's ``202122``) -> "2021/22"; several years (``2011-01-01/P3Y``, ``2011-2013``)
  -> "2011-2013", or "2019/20-2021/22" when they do not start in January;
- these year labels sort by their first year x 10000, as Fingertips' "Time period Sortable"
  and the council reader do, so "2021" and "2021/22" from any source sort alike;
- a month or a plain date (``2023-07-01/P1M``, ``2026-04-01``) -> "Jul 2023", "Apr 2026",
  sorted year x 10000 + month x 100 + day. A series with one plain date per year (ASHE's April
  reference dates, the food-outlet snapshot) is labelled by its years instead (``year_labels``).

Anything else is not a period: ``parse_period`` returns None and the reader names the row.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from marmot_dash.ingest.sources._common import Table, first_bad

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ISO_INTERVAL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})/P(\d{1,2})([YM])$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
YEAR = re.compile(r"^(\d{4})$")
SPLIT_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
DFE_YEAR = re.compile(r"^(\d{4})(\d{2})$")
ROLLING = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
FIRST_YEAR, LAST_YEAR = 1900, 2100
PLAIN_DATE = r"^\d{4}-\d{2}-\d{2}$"


def parse_period(text: str) -> tuple[str, int] | None:
    """``(label, period_sort)`` for a source period string, or None when it is not one."""
    text = text.strip()
    if match := ISO_INTERVAL.match(text):
        start = _date(*match.groups()[:3])
        count, unit = int(match[4]), match[5]
        if start is None or count < 1:
            return None
        return _interval(start, count) if unit == "Y" else _months(start, count)
    if match := ISO_DATE.match(text):
        day = _date(*match.groups())
        return None if day is None else (_month_label(day), _day_sort(day))
    if match := YEAR.match(text):
        return _year(int(match[1]), 1)
    if (match := SPLIT_YEAR.match(text)) or (match := DFE_YEAR.match(text)):
        first, second = int(match[1]), int(match[2])
        if second != (first + 1) % 100:
            return None
        return _checked(first, f"{first}/{match[2]}")
    if match := ROLLING.match(text):
        first, last = int(match[1]), int(match[2])
        if last <= first or last - first > 20:
            return None
        return _checked(first, f"{first}-{last}")
    return None


def year_labels(dates: pd.Series) -> pd.Series | None:
    """Year labels for a series of plain ISO dates (one per year: "2008" for 2008-04-16), or
    None when some year holds two dates (then each keeps its month label)."""
    years = dates.str.slice(0, 4)
    return None if years.duplicated().any() else years


def period_columns(
    table: Table, raw: pd.Series, column: str, series: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Labels and sorts for a period column (module ``periods``); plain dates of a ``series``
    with one date per year are labelled by year. An unreadable period names its row."""
    parsed = {text: parse_period(text) for text in raw.unique()}
    first_bad(table, raw.map(lambda text: parsed[text] is None), column,
              "not a period (expected e.g. 2022-01-01/P3Y, 2021/22, 2016-2018 or 2021-04-01)")
    label = raw.map(lambda text: parsed[text][0])
    sort = raw.map(lambda text: parsed[text][1]).astype("int64")
    dated = raw.str.match(PLAIN_DATE)
    if dated.any():
        for _, dates in raw[dated].groupby(series[dated]):
            years = year_labels(pd.Series(dates.unique()))
            if years is not None:
                rows = dates.index
                label[rows] = dates.str.slice(0, 4)
                sort[rows] = dates.str.slice(0, 4).astype("int64") * 10000
    return label, sort


def _interval(start: date, years: int) -> tuple[str, int] | None:
    first = start.year
    if start.month == 1 and start.day == 1:
        return _year(first, years)
    if years == 1:
        return _checked(first, _split(first))
    return _checked(first, f"{_split(first)}-{_split(first + years - 1)}")


def _year(first: int, years: int) -> tuple[str, int] | None:
    return _checked(first, str(first) if years == 1 else f"{first}-{first + years - 1}")


def _months(start: date, months: int) -> tuple[str, int]:
    label = _month_label(start)
    if months > 1:
        end_index = start.month - 1 + months - 1
        end = date(start.year + end_index // 12, end_index % 12 + 1, 1)
        label = f"{label}-{_month_label(end)}"
    return label, _day_sort(start)


def _split(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _checked(first: int, label: str) -> tuple[str, int] | None:
    return (label, first * 10000) if FIRST_YEAR <= first <= LAST_YEAR else None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


def _month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _day_sort(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day
