"""Council tables (CSV or XLSX): indicator values in the dataset's own columns, and catalogues.

A values table has the columns of ``schema.VALUE_COLUMNS`` (headers compared loosely, so
"Indicator ID" matches ``indicator_id``); ``indicator_id``, ``area_code``, ``period`` and
``value`` are required. Missing optional columns take defaults: ``breakdown`` total,
``category`` Total, ``category_sort`` from the category (deprivation labels or numbers with
1 = most deprived, Male before Female, age bands by lower bound), ``period_sort`` the
period's first year x 10000, ``area_type`` set by the builder from the geography.

A catalogue table has the columns of ``schema.INDICATOR_COLUMNS``; ``indicator_id``, ``name``,
``principle``, ``value_type`` and ``polarity`` are required; polarity may also be written as
Fingertips does ("RAG - High is good", "RAG - Low is good", "Not applicable", "BOB - Blue
orange blue").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from marmot_dash.data import schema
from marmot_dash.ingest.sources._common import (
    Table,
    area_codes,
    duplicated_keys,
    first_bad,
    numbers,
    read_table,
    texts,
)
from marmot_dash.ingest.sources.fingertips import SEX_ORDER, age_lower_bound, deprivation_rank
from marmot_dash.ingest.sources.measures import check_measures

VALUES_REQUIRED = ("indicator_id", "area_code", "period", "value")
CATALOGUE_REQUIRED = ("indicator_id", "name", "principle", "value_type", "polarity")
VALUE_NUMBERS = ("value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "count",
                 "denominator")
POLARITY_WORDS = {
    "rag_high_is_good": "higher_is_better", "high_is_good": "higher_is_better",
    "rag_low_is_good": "lower_is_better", "low_is_good": "lower_is_better",
    "not_applicable": "no_judgement", "bob_blue_orange_blue": "no_judgement",
    "no_judgement": "no_judgement", "higher_is_better": "higher_is_better",
    "lower_is_better": "lower_is_better",
}
MULTIPLIERS = {"proportion": 100.0, "rate": 100000.0, "dsr": 100000.0}


def read_council_values(path: str | Path, *, sheet: str | None = None) -> tuple[
    pd.DataFrame, Table
]:
    """Read a council values table; returns the dataset-shaped rows (plus ``row``) and the
    table (for messages about later checks against the geography and catalogue)."""
    table = read_table(path, VALUES_REQUIRED, sheet=sheet)
    col = table.column
    frame = pd.DataFrame(index=table.frame.index)
    frame["indicator_id"] = texts(table, col("indicator_id"), required=True)
    frame["area_code"] = area_codes(table, col("area_code"))
    frame["area_name"] = texts(table, col("area_name"))
    frame["area_type"] = texts(table, col("area_type"))
    first_bad(table, ~frame["area_type"].isin(["", *schema.AREA_TYPES]),
              col("area_type") or "area_type",
              f"expected one of {', '.join(schema.AREA_TYPES)}")
    frame["period"] = texts(table, col("period"), required=True)
    year = pd.to_numeric(frame["period"].str.extract(r"((?:19|20)\d\d)", expand=False),
                         errors="coerce")
    given = numbers(table, col("period_sort"), integer=True)
    first_bad(table, given.isna() & year.isna(), col("period"),
              "expected a period with a year (e.g. 2022/23) or a period_sort")
    frame["period_sort"] = given.fillna(year * 10000).astype("int64")
    frame["breakdown"] = texts(table, col("breakdown")).replace("", "total")
    first_bad(table, ~frame["breakdown"].isin(schema.BREAKDOWNS), col("breakdown") or "breakdown",
              f"expected one of {', '.join(schema.BREAKDOWNS)}")
    frame["category"] = texts(table, col("category"))
    frame.loc[frame["breakdown"] == "total", "category"] = frame["category"].replace(
        "", schema.TOTAL_CATEGORY)
    first_bad(table, frame["category"] == "", col("category") or "category",
              "expected a category for a breakdown other than total")
    given = numbers(table, col("category_sort"), integer=True)
    frame["category_sort"] = given.fillna(_category_sort(frame)).astype("int64")
    headers = {}
    for name in VALUE_NUMBERS:
        headers[name] = col(name)
        frame[name] = numbers(table, headers[name])
    frame["note"] = texts(table, col("note"))
    check_measures(table, frame, headers)
    duplicated_keys(table, frame, schema.VALUE_KEY, col("period"))
    frame["row"] = table.header_row + 1 + frame.index.to_numpy()
    return frame, table


def _category_sort(frame: pd.DataFrame) -> pd.Series:
    """A default order: deprivation labels as Fingertips writes them ("Most deprived decile"
    = 1) or as numbers, Male before Female, age bands by their lower bound, else 0."""
    def sort(breakdown: str, category: str) -> int:
        if breakdown in schema.DEPRIVATION_BREAKDOWNS:
            word = breakdown.removeprefix("deprivation_")
            return int(category) if category.isdigit() else deprivation_rank(category, word) or 0
        if breakdown == "sex":
            return SEX_ORDER.get(category, 3)
        return age_lower_bound(category) if breakdown == "age" else 0

    pairs = frame[["breakdown", "category"]].drop_duplicates()
    order = {(b, c): sort(b, c) for b, c in pairs.itertuples(index=False)}
    return pd.Series([order[key] for key in zip(frame["breakdown"], frame["category"],
                                                strict=True)], index=frame.index)


def read_catalogue(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a catalogue table into the columns of ``schema.INDICATOR_COLUMNS``."""
    table = read_table(path, CATALOGUE_REQUIRED, sheet=sheet)
    col = table.column
    frame = pd.DataFrame(index=table.frame.index)
    frame["indicator_id"] = texts(table, col("indicator_id"), required=True)
    duplicated_keys(table, frame, ["indicator_id"], col("indicator_id"))
    frame["name"] = texts(table, col("name"), required=True)
    frame["short_name"] = texts(table, col("short_name"))
    frame["short_name"] = frame["short_name"].where(frame["short_name"] != "", frame["name"])
    principle = numbers(table, col("principle"), required=True, integer=True)
    first_bad(table, ~principle.isin(schema.PRINCIPLE_IDS), col("principle"),
              "expected a Marmot principle 1-8")
    frame["principle"] = principle.astype("int64")
    frame["sources"] = texts(table, col("sources"))
    frame["unit"] = texts(table, col("unit"))
    frame["value_type"] = texts(table, col("value_type"), required=True).str.lower()
    first_bad(table, ~frame["value_type"].isin(schema.VALUE_TYPES), col("value_type"),
              f"expected one of {', '.join(schema.VALUE_TYPES)}")
    multiplier = numbers(table, col("multiplier"), minimum=0)
    first_bad(table, multiplier == 0, col("multiplier") or "multiplier", "expected a value > 0")
    frame["multiplier"] = multiplier.fillna(frame["value_type"].map(MULTIPLIERS)).fillna(1.0)
    polarity = texts(table, col("polarity"), required=True).map(_polarity_key).map(POLARITY_WORDS)
    first_bad(table, polarity.isna(), col("polarity"),
              f"expected one of {', '.join(schema.POLARITIES)} (or a Fingertips polarity)")
    frame["polarity"] = polarity
    for name in ("baseline_period", "target_period", "definition", "source_url", "publisher"):
        frame[name] = texts(table, col(name))
    frame["target"] = numbers(table, col("target"))
    frame["fingertips_id"] = numbers(table, col("fingertips_id"), integer=True,
                                     minimum=1).astype("Int64")
    return frame[list(schema.INDICATOR_COLUMNS)].reset_index(drop=True)


def _polarity_key(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
