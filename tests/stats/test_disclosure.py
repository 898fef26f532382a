"""Disclosure control: primary and secondary suppression with notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marmot_dash.stats.disclosure import suppress


def values_table():
    categories = ["Total", "Male", "Female", "White", "Asian", "Black", "Other"]
    breakdowns = ["total", "sex", "sex", "ethnicity", "ethnicity", "ethnicity", "ethnicity"]
    counts = [60, 57, 3, 30, 20, 7, 3]
    return pd.DataFrame({
        "indicator_id": "i1", "area_code": "E06000032", "period": "2023",
        "breakdown": breakdowns, "category": categories,
        "value": np.array(counts) / 10.0, "lower_ci": np.array(counts) / 11.0,
        "upper_ci": np.array(counts) / 9.0, "count": np.array(counts, dtype=float),
        "denominator": 1000.0, "note": ["", "", "", "", "", "", "provisional"],
    })


def test_primary_suppression_blanks_value_interval_and_count():
    result = suppress(values_table())
    small = result[result["category"].isin(["Female", "Other"])]
    assert small[["value", "lower_ci", "upper_ci", "count"]].isna().all().all()
    assert (small["denominator"] == 1000).all()
    assert small["note"].tolist() == ["Suppressed: count below 5",
                                      "provisional; Suppressed: count below 5"]


def test_secondary_suppression_protects_the_lone_suppressed_sibling():
    result = suppress(values_table()).set_index("category")
    # Female (3) alone in its breakdown would be 60 - 57: Male goes too.
    assert np.isnan(result.loc["Male", "value"])
    assert "cannot be worked out" in result.loc["Male", "note"]
    # Other (3) alone among ethnic groups: the next smallest, Black (7), goes too.
    assert np.isnan(result.loc["Black", "value"])
    assert result.loc["White", "value"] == 3.0 and result.loc["Asian", "value"] == 2.0
    assert result.loc["Total", "value"] == 6.0


def test_threshold_is_configurable_and_input_untouched():
    table = values_table()
    result = suppress(table, threshold=0)
    pd.testing.assert_frame_equal(result, table)
    stricter = suppress(table, threshold=25).set_index("category")
    assert np.isnan(stricter.loc["Asian", "count"])
    assert stricter.loc["Asian", "note"] == "Suppressed: count below 25"
    assert table["count"].notna().all()


def test_two_suppressed_siblings_need_no_secondary():
    table = values_table()
    table.loc[table["category"] == "Black", "count"] = 2
    result = suppress(table).set_index("category")
    assert result.loc["White", "value"] == 3.0 and result.loc["Asian", "value"] == 2.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"threshold": -1}, "threshold"), ({"threshold": "5"}, "threshold"),
     ({"count": "events"}, "count")],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        suppress(values_table(), **kwargs)


def test_negative_counts_are_refused():
    table = values_table()
    table.loc[0, "count"] = -1
    with pytest.raises(ValueError, match="count"):
        suppress(table)
