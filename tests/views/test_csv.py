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
