"""The OHID Fingertips CSV export layout (as the site and its API's ``all_data/csv`` produce it).

Columns (see ../shared/reference/fingertips_api.md): Indicator ID, Indicator Name, Parent
Code, Parent Name, Area Code, Area Name, Area Type, Sex, Age, Category Type, Category, Time
period, Value, Lower/Upper CI 95.0 limit, Lower/Upper CI 99.8 limit, Count, Denominator, Value
note, Recent Trend, Compared to England value or percentiles, the parent comparison (its name
varies), Time period Sortable, New data, Compared to goal (older: Target data), Time period
range. Only Indicator ID, Area Code, Time period and Value are required; the comparison, trend
and goal columns are read but not kept, since the dashboard computes its own from ``stats``.

How a row becomes a dataset row (``breakdown``, ``category``, ``category_sort``):

- Each indicator has a headline sex (Persons when present, else its commonest) and a headline
  age (the one its inequality rows use, else "All ages", else its commonest).
- No Category Type: headline sex and age -> ``total``/"Total"; another sex at the headline age
  -> ``sex`` (Male 1, Female 2); another age at the headline sex -> ``age`` (sorted by the
  band's lower bound). A row differing in both (sex by age) has no place in the dataset's
  one-breakdown key and is skipped.
- A Category Type at the headline sex and age: deprivation deciles -> ``deprivation_decile``
  (category_sort 1 = "Most deprived decile" ... 10 = "Least deprived decile", any "(IMD2019)"
  suffix dropped), deprivation quintiles -> ``deprivation_quintile`` (1 most ... 5 least),
  ethnic groups -> ``ethnicity``. Other types (socioeconomic class, disability ...) have no
  dataset breakdown and are skipped. Where one indicator, area and period carry several types of
  the same breakdown (County & UA and District & UA deciles, 4/21 and 4/23 geography ...), the
  rows of one type are kept: LSOA-based types first, then County & UA, then District & UA, then
  the newest geography; for ethnicity the type with the ONS groups and unknowns.

Skipped rows are counted by reason in ``FingertipsExport.skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    first_bad,
    numbers,
    read_table,
    texts,
)
from marmot_dash.ingest.sources.measures import check_measures

REQUIRED = ("Indicator ID", "Area Code", "Time period", "Value")
EXPORT_COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
)
NUMERIC = {
    "lower_ci": "Lower CI 95.0 limit",
    "upper_ci": "Upper CI 95.0 limit",
    "lower_ci_998": "Lower CI 99.8 limit",
    "upper_ci_998": "Upper CI 99.8 limit",
    "count": "Count",
    "denominator": "Denominator",
}
RAW_KEY = ("Indicator ID", "Area Code", "Sex", "Age", "Category Type", "Category", "Time period")
HEADLINE_SEX = "Persons"
ALL_AGES = "All ages"
SEX_ORDER = {"Male": 1, "Female": 2}
DECILE_LABELS = {
    "most": 1, "second most": 2, "third more": 3, "fourth more": 4, "fifth more": 5,
    "fifth less": 6, "fourth less": 7, "third less": 8, "second least": 9, "least": 10,
}
QUINTILE_LABELS = {"most": 1, "second most": 2, "average": 3, "middle": 3, "second least": 4,
                   "least": 5}
DEPRIVATION_LABEL = re.compile(
    r"^\s*(?P<rank>.*?)\s+deprived\s+(?P<kind>decile|quintile)\s*(\(.*\))?\s*$", re.IGNORECASE
)
UNKNOWN_ETHNICITY = re.compile(r"unknown|not known|not stated|invalid", re.IGNORECASE)
GEOGRAPHY_RECENCY = ("4/23", "4/21", "4/19 and 4/20", "4/20", "4/19")


@dataclass
class FingertipsExport:
    """The rows of one export in dataset form, with each indicator's name and what was skipped.

    ``values`` has the dataset's value columns except ``indicator_id`` and ``area_type``, plus
    ``fingertips_id`` (int), ``area_type_label`` (the export's Area Type) and ``row`` (the
    spreadsheet row, for later messages).
    """

    path: Path
    values: pd.DataFrame
    names: dict[int, str]
    skipped: dict[str, int] = field(default_factory=dict)


def read_fingertips(
    path: str | Path, *, exclude_indicators: Iterable[int] = ()
) -> FingertipsExport:
    """Read and check a Fingertips CSV export; map it to the dataset's breakdowns (module doc).

    Bad cells (text in a number column, a malformed area code, a one-sided or inverted interval,
    a negative count, a count above its denominator, a duplicate key) raise ``DatasetError``
    naming the file, the row and the column.
    """
    table = read_table(path, REQUIRED)
    raw = _read_columns(table)
    excluded = raw["fingertips_id"].isin(list(exclude_indicators))
    if excluded.any():
        raw = raw.loc[~excluded]
    duplicated_keys(table, raw, ["fingertips_id", "area_code", "sex", "age", "category_type",
                                 "category", "period"], table.require("Time period"), RAW_KEY)
    names = _indicator_names(raw)
    values, skipped = _to_breakdowns(table, raw)
    return FingertipsExport(table.path, values, names, skipped)


def _read_columns(table: Table) -> pd.DataFrame:
    """Every kept column, typed and checked."""
    col = table.column
    frame = pd.DataFrame(index=table.frame.index)
    frame["fingertips_id"] = numbers(
        table, col("Indicator ID"), required=True, integer=True, minimum=1
    ).astype("int64")
    frame["indicator_name"] = texts(table, col("Indicator Name"))
    frame["area_code"] = area_codes(table, col("Area Code"))
    frame["area_name"] = texts(table, col("Area Name"))
    frame["area_type_label"] = texts(table, col("Area Type"))
    frame["sex"] = texts(table, col("Sex")).replace("", HEADLINE_SEX)
    frame["age"] = texts(table, col("Age")).replace("", ALL_AGES)
    frame["category_type"] = texts(table, col("Category Type"))
    frame["category"] = texts(table, col("Category"))
    first_bad(table, (frame["category_type"] != "") & (frame["category"] == ""),
              col("Category") or "Category", "a Category Type without a Category")
    first_bad(table, (frame["category_type"] == "") & (frame["category"] != ""),
              col("Category Type") or "Category Type", "a Category without a Category Type")
    frame["period"] = texts(table, col("Time period"), required=True)
    frame["period_sort"] = _period_sort(table, frame["period"])
    frame["value"] = numbers(table, col("Value"))
    headers = {"value": col("Value")}
    for name, header in NUMERIC.items():
        headers[name] = col(header)
        frame[name] = numbers(table, headers[name])
    frame["note"] = texts(table, col("Value note"))
    check_measures(table, frame, headers)
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    return frame


def _period_sort(table: Table, period: pd.Series) -> pd.Series:
    """Time period Sortable where given, else the period's first year x 10000."""
    column = table.column("Time period Sortable")
    given = numbers(table, column, integer=True)
    if given.notna().all():
        return given.astype("int64")
    labels = period.unique()
    years = pd.Series(labels, index=labels).str.extract(r"((?:19|20)\d\d)", expand=False)
    derived = period.map(pd.to_numeric(years, errors="coerce") * 10000)
    missing = given.isna() & derived.isna()
    first_bad(table, missing, table.require("Time period"),
              "expected a period with a year (e.g. 2022/23) or a Time period Sortable")
    return given.fillna(derived).astype("int64")


def _indicator_names(raw: pd.DataFrame) -> dict[int, str]:
    named = raw.loc[raw["indicator_name"] != "", ["fingertips_id", "indicator_name"]]
    names = named.drop_duplicates("fingertips_id").set_index("fingertips_id")["indicator_name"]
    return {int(k): str(v) for k, v in names.items()}


def _headline(combos: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's headline sex and age (module doc), from the row counts ``n`` of its
    sex, age and category type combinations."""
    rows = []
    for indicator, group in combos.groupby("fingertips_id", sort=False):
        sexes = group.groupby("sex", sort=False)["n"].sum()
        sex = HEADLINE_SEX if HEADLINE_SEX in sexes.index else sexes.idxmax()
        at_sex = group[group["sex"] == sex]
        categorised = at_sex[at_sex["category_type"] != ""].groupby("age", sort=False)["n"].sum()
        ages = at_sex.groupby("age", sort=False)["n"].sum()
        if len(categorised):
            age = categorised.idxmax()
        elif ALL_AGES in ages.index:
            age = ALL_AGES
        else:
            age = ages.idxmax()
        rows.append((indicator, sex, age))
    return pd.DataFrame(rows, columns=["fingertips_id", "headline_sex", "headline_age"])


def _classify(combos: pd.DataFrame) -> pd.DataFrame:
    """Per sex/age/category-type combination: breakdown, fixed label and sort (module doc)."""
    c = combos.merge(_headline(combos), on="fingertips_id", how="left")
    is_sex, is_age = c["sex"] == c["headline_sex"], c["age"] == c["headline_age"]
    has_type = c["category_type"] != ""
    kind = c["category_type"].map(lambda t: _breakdown_of_type(t) or "")
    c["total"] = ~has_type & is_sex & is_age
    c["by_sex"] = ~has_type & ~is_sex & is_age
    c["by_age"] = ~has_type & is_sex & ~is_age
    c["typed"] = has_type & is_sex & is_age & (kind != "")
    conditions = [c["total"], c["by_sex"], c["by_age"], c["typed"]]
    c["breakdown"] = np.select(conditions, ["total", "sex", "age", kind], "")
    c["label"] = np.select(conditions[:3], ["Total", c["sex"], c["age"]], "")
    c["sort"] = np.select(conditions[:3], [
        0, c["sex"].map(lambda v: SEX_ORDER.get(v, 3)), c["age"].map(age_lower_bound)], 0)
    c["skip"] = np.select(
        [~has_type & ~is_sex & ~is_age, has_type & ~(is_sex & is_age), has_type & (kind == "")],
        ["sex by age (two breakdowns at once)", "category type at a non-headline sex or age",
         "category type with no dataset breakdown"], "")
    return c


def _to_breakdowns(table: Table, raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Map sex, age and category type to breakdown, category and category_sort.

    The mapping is decided once per sex/age/category-type combination and taken to the rows
    by group number, so a million rows cost no per-row Python work.
    """
    grouped = raw.groupby(["fingertips_id", "sex", "age", "category_type"], sort=False)
    combo_of_row = grouped.ngroup().to_numpy()
    combos = _classify(grouped.size().rename("n").reset_index())
    skipped = combos.loc[combos["skip"] != ""].groupby("skip")["n"].sum().to_dict()
    keep = (combos["breakdown"] != "").to_numpy()[combo_of_row]
    columns = ["fingertips_id", "area_code", "area_name", "area_type_label", "period",
               "period_sort", "value", *NUMERIC, "note", "row", "category_type"]
    frame = raw[columns] if keep.all() else raw.loc[keep, columns]
    codes = combo_of_row[keep]
    typed = combos["typed"].to_numpy()[codes]
    labels = combos["label"].to_numpy(dtype=object)[codes]
    category_codes, categories = pd.factorize(raw["category"].to_numpy()[keep])
    labels[typed] = np.asarray(categories, dtype=object)[category_codes[typed]]
    sort = combos["sort"].to_numpy(dtype="int64")[codes]
    kinds = combos["breakdown"].to_numpy(dtype=object)[codes]
    sort[typed] = _category_sorts(table, frame.index[typed], labels[typed], kinds[typed])
    frame = frame.assign(breakdown=kinds, category=labels, category_sort=sort)
    frame, dropped = _one_type_per_breakdown(frame)
    skipped["another category type of the same breakdown"] = dropped
    ordered = ["fingertips_id", "area_code", "area_name", "area_type_label", "period",
               "period_sort", "breakdown", "category", "category_sort", "value", *NUMERIC,
               "note", "row"]
    return frame[ordered], {reason: int(n) for reason, n in skipped.items() if n}


def _breakdown_of_type(category_type: str) -> str | None:
    text = category_type.lower()
    if "deprivation decile" in text:
        return "deprivation_decile"
    if "deprivation quintile" in text:
        return "deprivation_quintile"
    if text.startswith("ethnic"):
        return "ethnicity"
    return None


def age_lower_bound(age: str) -> int:
    """The lower bound of an age band ("65-74 yrs" -> 65, "<18 yrs" -> 0, "All ages" -> -1)."""
    if age == ALL_AGES:
        return -1
    if age.startswith("<"):
        return 0
    match = re.search(r"\d+", age)
    return int(match.group()) if match else 999


def deprivation_rank(label: str, kind: str) -> int | None:
    """1 (most deprived) upwards from a label such as "Second most deprived decile (IMD2019)";
    ``kind`` is "decile" or "quintile"; None when the label is not one."""
    match = DEPRIVATION_LABEL.match(label)
    if match is None or match["kind"].lower() != kind:
        return None
    labels = DECILE_LABELS if kind == "decile" else QUINTILE_LABELS
    return labels.get(match["rank"].lower())


def _category_sorts(
    table: Table, index: pd.Index, labels: np.ndarray, kinds: np.ndarray
) -> np.ndarray:
    """category_sort for categorised rows; an unrecognised deprivation label is refused."""
    sort = np.zeros(len(labels), dtype="int64")
    column = table.column("Category") or "Category"
    for kind, word in (("deprivation_decile", "decile"), ("deprivation_quintile", "quintile")):
        rows = kinds == kind
        ranks = {label: deprivation_rank(label, word) or 0 for label in set(labels[rows])}
        found = pd.Series(labels[rows]).map(ranks).to_numpy(dtype="int64")
        first_bad(table, pd.Series(found == 0, index=index[rows]), column,
                  f"not a deprivation {word} label (expected e.g. 'Most deprived {word}')")
        sort[rows] = found
    rows = kinds == "ethnicity"
    order = sorted(set(labels[rows]),
                   key=lambda label: (bool(UNKNOWN_ETHNICITY.search(label)), label))
    position = {label: i + 1 for i, label in enumerate(order)}
    sort[rows] = pd.Series(labels[rows]).map(position).to_numpy(dtype="int64")
    return sort


def _type_preference(category_type: str) -> tuple[int, int, str]:
    """Lower sorts first: LSOA-based, County & UA, District & UA; newest geography; ONS groups."""
    text = category_type
    source = 0 if text.startswith("LSOA") else 1 if "County" in text else 2 if "District" in text \
        else 3
    if text.lower().startswith("ethnic"):
        source = 0 if "unknown" in text.lower() else 1
    recency = next((i for i, g in enumerate(GEOGRAPHY_RECENCY) if g in text),
                   len(GEOGRAPHY_RECENCY))
    return source, recency, text


def _one_type_per_breakdown(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Keep one category type per indicator, area, period and breakdown (module doc)."""
    types = [t for t in frame["category_type"].unique() if t]
    if len(types) < 2:
        return frame, 0
    order = {t: i for i, t in enumerate(sorted(types, key=_type_preference))}
    preference = frame["category_type"].map(order).fillna(-1)
    key = ["fingertips_id", "area_code", "period", "breakdown"]
    best = preference.groupby([frame[k] for k in key], sort=False).transform("min")
    keep = preference.to_numpy() == best.to_numpy()
    return (frame, 0) if keep.all() else (frame.loc[keep], int((~keep).sum()))
