"""CSV export: formula-like text cells are neutralised, numbers and blanks are kept."""

from __future__ import annotations

import csv
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


def test_bypasses_are_caught_whatever_the_column_type() -> None:
    """Arrow text is matched by RE2, object and categorical columns by Python's re: same rule."""
    for dtype in ("str", object, "category"):
        out = neutralise_csv_cells(pd.DataFrame({"area_name": pd.Series(BYPASSES, dtype=dtype)}))
        assert out["area_name"].astype(object).tolist() == ["'" + cell for cell in BYPASSES]


def test_the_rule_is_str_lstrip_for_every_whitespace_character() -> None:
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert all(ord(space) <= 0x3000 for space in spaces), "views._SPACES looks up to U+3000"
    cells = [space + start for space in spaces for start in ("=1", "+1", "x", "")]
    for dtype in ("str", object):
        out = neutralise_csv_cells(pd.DataFrame({"c": pd.Series(cells, dtype=dtype)}))["c"]
        expected = ["'" + cell if cell.startswith(("\t", "\r", "\n"))
                    or cell.lstrip().startswith(("=", "+")) else cell for cell in cells]
        assert out.astype(object).tolist() == expected


def test_numbers_in_a_text_column_stay_numbers() -> None:
    table = pd.DataFrame({"x": pd.Series([1, "=x", -2.5, None, "a"], dtype=object)})
    assert table_to_csv(table).splitlines() == ['"x"', "1", "\"'=x\"", "-2.5", '""', '"a"']


def test_the_csv_is_what_pandas_writes() -> None:
    """The Arrow writer gives pandas' QUOTE_NONNUMERIC text byte for byte: every float form
    (whole, exponents, -0.0, infinities), blanks, quotes, line breaks, every column type."""
    rng = np.random.default_rng(3)
    n = 3000
    floats = np.concatenate([
        10.0 ** rng.uniform(-12, 25, n) * rng.choice([-1, 1], n),
        rng.normal(50, 20, n), rng.integers(-5000, 5000, n).astype(float),
        [0.0, -0.0, 1e16, 1e15, 1e10, 9999999999.5, 1e-4, 9.5e-5, 2.0**53, 2.0**53 + 2,
         0.1 + 0.2, np.inf, -np.inf, np.nan, 5e-324, 1.7976931348623157e308]])
    size = len(floats)
    words = np.array(["Ward A", "=1+1", ' "q" ', "a,b", "line\nbreak", "\t=x", "", "Ünï",
                      None, "x'y", "-2", "nan"], dtype=object)
    table = pd.DataFrame({
        "value": floats, "count": rng.integers(-10**12, 10**12, size),
        "flag": rng.random(size) < 0.5,
        "area_name": pd.Series(rng.choice(words, size), dtype="str"),
        "note": rng.choice(words, size),
        "category": pd.Categorical(rng.choice(words[:-1], size)),
    })
    table.loc[::7, "value"] = np.nan
    for part in (table, table.iloc[:0], table.iloc[:1], table[["value"]], table[["note"]]):
        expected = neutralise_csv_cells(part).to_csv(index=False, na_rep="",
                                                     quoting=csv.QUOTE_NONNUMERIC)
        assert table_to_csv(part) == expected
