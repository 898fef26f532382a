"""Statistical disclosure control for small counts.

Primary suppression blanks the value, its intervals and its count where the count is below
a threshold (default 5, the usual rule for health statistics; ONS, "Disclosure control
guidance for tables produced from administrative sources"). Secondary suppression then
blanks the smallest other figure in any group of sibling categories where only one figure
was suppressed, so that it cannot be worked out by subtracting its siblings from a total.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 5
SUPPRESSED_COLUMNS = ("value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "count")
SIBLING_KEYS = ("indicator_id", "area_code", "period", "breakdown")
TOTAL_BREAKDOWN = "total"
PRIMARY_NOTE = "Suppressed: count below {threshold:g}"
SECONDARY_NOTE = "Suppressed so that a small count cannot be worked out from the total"


def _secondary(table: pd.DataFrame, primary: np.ndarray, counts: np.ndarray,
               siblings: Sequence[str]) -> np.ndarray:
    """Rows to suppress so that no sibling group has exactly one suppressed figure."""
    secondary = np.zeros(len(table), bool)
    if not siblings or not set(siblings) <= set(table.columns) or not primary.any():
        return secondary
    in_groups = np.ones(len(table), bool)
    if "breakdown" in siblings:
        in_groups = (table["breakdown"] != TOTAL_BREAKDOWN).to_numpy()
    frame = table.loc[in_groups, list(siblings)].copy()
    frame["_primary"] = primary[in_groups]
    frame["_row"] = np.flatnonzero(in_groups)
    frame["_candidate"] = np.where(primary[in_groups] | np.isnan(counts[in_groups]), np.inf,
                                   counts[in_groups])
    grouped = frame.groupby(list(siblings), sort=False, dropna=False)
    lonely = (grouped["_primary"].transform("sum") == 1) & (grouped["_row"].transform("size") > 1)
    exposed = frame[lonely & np.isfinite(frame["_candidate"])]
    if exposed.empty:
        return secondary
    smallest = exposed.sort_values(["_candidate", "_row"]).groupby(
        list(siblings), sort=False, dropna=False)["_row"].first()
    secondary[smallest.to_numpy()] = True
    return secondary


def _add_note(notes: pd.Series, rows: np.ndarray, text: str) -> pd.Series:
    existing = notes.fillna("").astype(str)
    joined = np.where(existing == "", text, existing + "; " + text)
    return notes.where(~rows, pd.Series(joined, index=notes.index))


def suppress(
    table: pd.DataFrame,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    count: str = "count",
    columns: Sequence[str] = SUPPRESSED_COLUMNS,
    siblings: Sequence[str] = SIBLING_KEYS,
    note: str = "note",
) -> pd.DataFrame:
    """A copy of ``table`` with small counts suppressed and a ``note`` saying why.

    Rows whose ``count`` is below ``threshold`` have ``columns`` (those present) blanked:
    primary suppression. Then, within each group of rows sharing ``siblings`` (by default the
    categories of one breakdown for one indicator, area and period; "total" rows are the
    totals, not siblings), if exactly one figure was suppressed the smallest other count is
    suppressed too: secondary suppression. Pass other ``siblings`` (or an empty tuple) for
    other table shapes. Rows without a count are left as they are. ``threshold=0`` turns
    suppression off. The note is appended to any existing note.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)) \
            or not threshold >= 0:
        raise ValueError(f"threshold must be a non-negative number, not {threshold!r}")
    if count not in table.columns:
        raise ValueError(f"table has no count column {count!r} to suppress on")
    counts = pd.to_numeric(table[count], errors="coerce").to_numpy(dtype=float)
    if (counts < 0).any():
        raise ValueError(f"{count} must not be negative")
    result = table.copy()
    if note not in result.columns:
        result[note] = ""
    primary = counts < threshold
    if not primary.any():  # the common case: nothing to blank
        return result
    secondary = _secondary(table, primary, counts, siblings) & ~primary
    suppressed = primary | secondary
    for column in (c for c in columns if c in result.columns):
        result[column] = result[column].mask(suppressed)
    result[note] = _add_note(result[note], primary, PRIMARY_NOTE.format(threshold=threshold))
    result[note] = _add_note(result[note], secondary, SECONDARY_NOTE)
    return result
