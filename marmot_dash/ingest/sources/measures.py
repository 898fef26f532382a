"""Checks shared by every table of indicator values (Fingertips exports and council tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from marmot_dash.ingest.sources._common import Table, first_bad

# Two interval levels: (lower, upper) column pairs in dataset names.
INTERVAL_PAIRS = (("lower_ci", "upper_ci"), ("lower_ci_998", "upper_ci_998"))
# A published value may sit just outside its rounded interval (e.g. 15.6 in 15.52-15.59).
ROUNDING_TOLERANCE = 0.005


def check_measures(table: Table, frame: pd.DataFrame, headers: dict[str, str | None]) -> None:
    """Refuse impossible numbers: an interval with one limit, lower above upper, a negative
    count or denominator, a count above its denominator. ``headers`` maps dataset column names
    to the source's headers, for the messages."""
    for low, high in INTERVAL_PAIRS:
        for missing, present in ((low, high), (high, low)):
            first_bad(table, frame[missing].isna() & frame[present].notna(),
                      headers[missing] or missing,
                      "interval has only one limit: this one is empty (give both or neither)")
        first_bad(table, frame[low] > frame[high], headers[low] or low,
                  "lower limit above the upper limit (inverted interval)")
    for column in ("count", "denominator"):
        first_bad(table, frame[column] < 0, headers[column] or column,
                  f"negative {column}")
    first_bad(table, frame["count"] > frame["denominator"], headers["count"] or "count",
              "count above the denominator")


def reconcile_intervals(frame: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """Make each interval hold its value, as the dataset requires.

    A value outside its interval by no more than rounding (0.5% of the value) widens the nearer
    limit to the value; an interval further off is dropped and the row's note says so.
    Returns the frame and the numbers of intervals widened and dropped.
    """
    widened = dropped = 0
    for low, high in INTERVAL_PAIRS:
        value = frame["value"]
        slack = np.maximum(value.abs() * ROUNDING_TOLERANCE, 1e-9)
        below = frame[low] > value
        above = frame[high] < value
        near = (below & (frame[low] - value <= slack)) | (above & (value - frame[high] <= slack))
        far = (below | above) & ~near
        frame.loc[near & below, low] = value[near & below]
        frame.loc[near & above, high] = value[near & above]
        frame.loc[far, [low, high]] = np.nan
        note = "published interval did not contain the value and was dropped"
        frame.loc[far, "note"] = np.where(
            frame.loc[far, "note"].fillna("") == "", note, frame.loc[far, "note"] + "; " + note
        )
        widened += int(near.sum())
        dropped += int(far.sum())
    return frame, widened, dropped
