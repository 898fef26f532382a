"""CSV export: formula-like text cells are neutralised, numbers and blanks are kept."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from marmot_dash.views import neutralise_csv_cells, table_to_csv


def test_formula_cells_get_a_quote_prefix() -> None:
    table = pd.DataFrame({
        "area_name": ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "Ward A"],
        "value": [1.5, -2.0, 3.0, np.nan, 4.0],
    })
    out = neutralise_csv_cells(table)
    assert out["area_name"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "Ward A",
    ]
    assert out["value"].iloc[1] == -2.0  # numbers stay numbers


def test_csv_text_has_blank_suppressed_cells_and_no_live_formula() -> None:
    table = pd.DataFrame({"category": ["=1+2", "Male"], "value": [np.nan, 12.5],
                          "note": ["suppressed: fewer than 5", ""]})
    text = table_to_csv(table)
    rows = list(pd.read_csv(io.StringIO(text), keep_default_na=False).itertuples(index=False))
    assert rows[0].category == "'=1+2"
    assert rows[0].value == ""
    assert float(rows[1].value) == 12.5
    for line in text.splitlines()[1:]:
        assert not line.startswith(("=", "+", "-", "@"))


# Issue 11: the bypasses of a guard that only looked at the first character.
BYPASSES = [
    "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "  @SUM(A1)", " \t-2+3", "\u00a0+1", "\t",
    "\rcmd", "\nHYPERLINK", "\uff1d1+1",
]


def test_every_owasp_bypass_gets_a_quote_prefix() -> None:
    out = neutralise_csv_cells(pd.DataFrame({"area_name": BYPASSES}))
    assert out["area_name"].tolist() == ["'" + cell for cell in BYPASSES]


def test_plain_text_and_numbers_are_left_alone() -> None:
    table = pd.DataFrame({"area_name": ["Ward A", "A-Z ward", "x=1", ""],
                          "value": [-1.5, 2.0, np.nan, -3.0]})
    out = neutralise_csv_cells(table)
    assert out["area_name"].tolist() == ["Ward A", "A-Z ward", "x=1", ""]
    assert out["value"].iloc[0] == -1.5


def test_text_cells_are_quoted_and_numbers_are_not() -> None:
    table = pd.DataFrame({"category": ["\t=1+1", 'say "hi"'], "value": [-2.5, 3.0]})
    lines = table_to_csv(table).splitlines()
    assert lines[1] == "\"'\t=1+1\",-2.5"
    assert lines[2] == '"say ""hi""",3.0'
    rows = pd.read_csv(io.StringIO(table_to_csv(table)))
    assert rows["category"].tolist() == ["'\t=1+1", 'say "hi"']
    assert rows["value"].tolist() == [-2.5, 3.0]
