"""Reading source tables (CSV or XLSX) with errors that name the file, row and column.

Rows are counted as a person counts them in a spreadsheet: the first line of the file is row 1,
so with one title row above the header the header is row 2 and the first record row 3.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from marmot_dash.data.errors import DatasetError

HEADER_SEARCH_ROWS = 30
HEAD_BYTES = 1 << 16  # the header is found in the first 64 KiB
UTF8_BOM = b"\xef\xbb\xbf"
GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
Required = str | tuple[str, ...]  # a required column, or alternative names for it


def normalise(name: object) -> str:
    """A header compared loosely: lower case, runs of other characters as one ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


@dataclass
class Table:
    """A source table read as text: ``frame`` holds every cell as a string ("" when empty).

    ``header_row`` is the spreadsheet row of the header; record ``i`` (0-based) is on
    spreadsheet row ``header_row + 1 + i``.
    """

    path: Path
    frame: pd.DataFrame
    header_row: int

    def row(self, position: int) -> int:
        """The spreadsheet row of the record at 0-based ``position``."""
        return self.header_row + 1 + int(position)

    def error(
        self, problem: str, *, position: int | None = None, column: str | None = None
    ) -> DatasetError:
        """A DatasetError for this file at record ``position`` and ``column``."""
        row = None if position is None else self.row(position)
        return DatasetError(str(self.path), problem, row=row, column=column)

    def column(self, *names: str) -> str | None:
        """The actual header matching any of ``names`` (compared with ``normalise``)."""
        wanted = {normalise(name) for name in names}
        return next((c for c in self.frame.columns if normalise(c) in wanted), None)

    def require(self, *names: str) -> str:
        """The header matching ``names``; a clear error naming the column when it is absent."""
        found = self.column(*names)
        if found is None:
            found_columns = ", ".join(map(str, self.frame.columns))
            raise DatasetError(
                str(self.path),
                f"column missing from the header (found: {found_columns})",
                row=self.header_row,
                column=names[0],
            )
        return found


def read_table(
    path: str | Path, required: Sequence[Required], *, sheet: str | None = None
) -> Table:
    """Read a CSV or XLSX source as text, finding the header row by its ``required`` columns.

    CSV text may be UTF-8 (with or without a byte-order mark) or Windows-1252. Title or note rows
    above the header are skipped: the header is the first of the first 30 rows holding every
    required column. An empty file, a file with no data rows, a row with too many or too few
    cells (a truncated file) and an unterminated quote are refused with the row named.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(str(path), "file not found")
    if path.stat().st_size == 0:
        raise DatasetError(str(path), "the file is empty", row=1)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, sheet)
        header_index = _header_index(rows[:HEADER_SEARCH_ROWS], required, path)
        header = _header_cells(rows[header_index], path, header_index + 1)
        body = [_pad(row, len(header)) for row in rows[header_index + 1 :]]
        frame = pd.DataFrame(body, columns=header, dtype=str)
    else:
        raw = path.read_bytes()
        if raw.isspace():
            raise DatasetError(str(path), "the file is empty", row=1)
        data = memoryview(raw)[len(UTF8_BOM) if raw.startswith(UTF8_BOM) else 0 :]
        head = _csv_head(bytes(data[:HEAD_BYTES]).decode("utf-8", errors="replace"), path)
        header_index = _header_index(head, required, path)
        header = _header_cells(head[header_index], path, header_index + 1)
        frame = _read_csv(data, path, header_index, header)
        del raw, data
    first = frame.iloc[:, 0] == ""
    if first.any():  # rows of empty cells (spreadsheet leftovers) are not records
        blank = (frame.loc[first] == "").all(axis=1)
        frame = frame.drop(index=blank.index[blank.to_numpy()])
    table = Table(path, frame, header_index + 1)  # index = record position, kept for rows
    if frame.empty:
        raise table.error("the file has a header but no data rows", position=0)
    return table


def _read_csv(
    data: memoryview, path: Path, header_index: int, header: list[str]
) -> pd.DataFrame:
    """The records after the header as text columns, parsed by pyarrow (multi-threaded).

    Text that is not UTF-8 is decoded as Windows-1252. When pyarrow refuses the file, the
    standard csv module finds the row at fault for the message.
    """
    try:
        return _arrow_csv(data, header_index, header)
    except pa.ArrowInvalid as error:
        if "utf8" in str(error).lower():
            data = memoryview(_decode(bytes(data), path).encode("utf-8"))
            try:
                return _arrow_csv(data, header_index, header)
            except pa.ArrowInvalid as retry_error:
                error = retry_error
        _check_csv_shape(_decode(bytes(data), path), path, header_index, len(header))
        raise DatasetError(str(path), f"cannot parse CSV: {error}") from None


def _arrow_csv(data: memoryview, header_index: int, header: list[str]) -> pd.DataFrame:
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(skip_rows=header_index + 1, column_names=header),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return table.to_pandas(types_mapper=lambda kind: text if kind == pa.string() else None)


def _decode(data: bytes, path: Path) -> str:
    """The text of ``data``: UTF-8, else Windows-1252 (else an error naming the row)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise DatasetError(
            str(path), f"not UTF-8 or Windows-1252 text (byte {data[error.start]:#04x})", row=row
        ) from None


def _csv_head(text: str, path: Path) -> list[list[str]]:
    """The first rows of a CSV, parsed."""
    reader = csv.reader(io.StringIO(text))
    head = []
    try:
        for row in reader:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise DatasetError(str(path), f"cannot parse CSV: {error}", row=reader.line_num) from None
    return head


def _check_csv_shape(text: str, path: Path, header_index: int, width: int) -> None:
    """Every record after the header has exactly ``width`` cells and quotes are closed."""
    reader = csv.reader(io.StringIO(text), strict=True)
    line = 0
    try:
        for line, row in enumerate(reader, start=1):
            if line <= header_index + 1 or not row:
                continue
            if len(row) != width:
                kind = "too few" if len(row) < width else "too many"
                hint = " (is the file truncated?)" if len(row) < width else ""
                raise DatasetError(
                    str(path),
                    f"{kind} cells: {len(row)} where the header has {width}{hint}",
                    row=reader.line_num,
                )
    except csv.Error as error:
        raise DatasetError(
            str(path), f"cannot parse CSV ({error}; is the file truncated?)", row=reader.line_num
        ) from None


def _xlsx_rows(path: Path, sheet: str | None) -> list[list[str]]:
    """All rows of one worksheet (the named one, else the first) as text cells."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise DatasetError(str(path), f"cannot read the workbook: {error}") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise DatasetError(str(path), f"no worksheet '{sheet}' (found: {workbook.sheetnames})")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        return [[_cell_text(cell) for cell in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else str(value)


def _pad(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def _header_index(rows: Sequence[Sequence[str]], required: Sequence[Required], path: Path) -> int:
    """The index of the first row that holds every required column (a tuple: any one of)."""
    wanted = [_alternatives(name) for name in required]
    best, best_found = 0, -1
    for index, row in enumerate(rows):
        cells = {normalise(cell) for cell in row}
        found = sum(bool(names & cells) for names in wanted)
        if found == len(wanted):
            return index
        if found > best_found:
            best, best_found = index, found
    if not rows:
        raise DatasetError(str(path), "the file is empty", row=1)
    cells = {normalise(cell) for cell in rows[best]}
    missing = [_label(name) for name, names in zip(required, wanted, strict=True)
               if not names & cells]
    raise DatasetError(
        str(path),
        f"no header row with the required columns ({', '.join(map(_label, required))}); "
        f"the closest, row {best + 1}, lacks {', '.join(missing)}",
        row=best + 1,
        column=missing[0],
    )


def _alternatives(name: Required) -> set[str]:
    return {normalise(n) for n in ((name,) if isinstance(name, str) else name)}


def _label(name: Required) -> str:
    return name if isinstance(name, str) else " or ".join(name)


def _header_cells(row: Sequence[str], path: Path, row_number: int) -> list[str]:
    """Header names (stripped); blanks at the end dropped, duplicates refused."""
    cells = [str(cell).strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    seen: set[str] = set()
    for cell in cells:
        if normalise(cell) in seen and cell:
            raise DatasetError(str(path), "duplicate column in the header", row=row_number,
                               column=cell)
        seen.add(normalise(cell))
    return [cell or f"unnamed_{i + 1}" for i, cell in enumerate(cells)]


def numbers(
    table: Table,
    column: str | None,
    *,
    required: bool = False,
    integer: bool = False,
    minimum: float | None = None,
) -> pd.Series:
    """A text column as float64 (NaN where empty); text, non-integers or values below
    ``minimum`` raise a DatasetError naming the first bad row. ``column=None`` means absent.

    Fast path: pyarrow casts the whole column; only when that fails is the column parsed cell
    by cell (thousands separators allowed) to find the row at fault.
    """
    if column is None:
        return pd.Series(np.nan, index=table.frame.index, dtype="float64")
    text = table.frame[column]
    values = _fast_numbers(text)
    if values is None:
        text = text.str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = values.isna() & (text != "")
        _first_bad(table, bad, column, lambda i: f"expected a number, found {text.iloc[i]!r}")
    _first_bad(table, np.isinf(values), column,
               lambda i: f"expected a finite number, found {text.iloc[i]!r}")
    if required:
        _first_bad(table, values.isna(), column,
                   lambda i: "expected a number, found an empty cell")
    if integer:
        _first_bad(table, values.notna() & (values % 1 != 0), column,
                   lambda i: f"expected a whole number, found {text.iloc[i]!r}")
    if minimum is not None:
        _first_bad(table, values < minimum, column,
                   lambda i: f"expected a value >= {minimum:g}, found {text.iloc[i]!r}")
    return values


def _fast_numbers(text: pd.Series) -> pd.Series | None:
    """The column cast by pyarrow (empty -> NaN), or None when some cell is not a plain number."""
    cells = pc.utf8_trim_whitespace(pa.array(text, type=pa.string(), from_pandas=True))
    cells = pc.if_else(pc.equal(cells, ""), pa.scalar(None, pa.string()), cells)
    try:
        numbers_ = pc.cast(cells, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pc.any(pc.is_nan(numbers_)).as_py():  # "NaN" written out is not a number here
        return None
    values = numbers_.to_numpy(zero_copy_only=False)
    return pd.Series(values, index=text.index, dtype="float64")


def texts(table: Table, column: str | None, *, required: bool = False) -> pd.Series:
    """A text column stripped ("" when absent); ``required`` refuses empty cells."""
    if column is None:
        return pd.Series("", index=table.frame.index, dtype="str")
    values = table.frame[column].str.strip()
    if required:
        _first_bad(table, values == "", column, lambda i: "expected a value, found an empty cell")
    return values


def area_codes(table: Table, column: str) -> pd.Series:
    """A column of GSS area codes (e.g. E01015693); anything else is refused."""
    codes = texts(table, column, required=True).str.upper()
    bad = ~codes.str.fullmatch(GSS_CODE.pattern)
    _first_bad(table, bad, column, lambda i: f"expected a GSS area code such as E06000032, "
                                             f"found {codes.iloc[i]!r}")
    return codes


def first_bad(table: Table, bad: pd.Series, column: str, problem: str) -> None:
    """Raise ``problem`` at the first row where ``bad`` is true (a fixed message)."""
    _first_bad(table, bad, column, lambda _: problem)


def _first_bad(table: Table, bad: pd.Series, column: str, problem) -> None:
    flags = np.asarray(bad, dtype=bool)
    if flags.any():
        first = int(np.argmax(flags))
        more = int(flags.sum()) - 1
        suffix = f" (and {more} more rows)" if more else ""
        raise table.error(problem(first) + suffix, position=bad.index[first], column=column)


def duplicated_keys(
    table: Table, frame: pd.DataFrame, key: Iterable[str], column: str,
    labels: Sequence[str] | None = None,
) -> None:
    """Refuse a second record with the same ``key`` (reported against ``column``; ``labels``
    are the key's names as the source spells them)."""
    key = list(key)
    duplicated = frame.duplicated(key, keep="first")
    if duplicated.any():
        label = duplicated.idxmax()
        original = (frame[key] == frame.loc[label, key]).all(axis=1).idxmax()
        raise table.error(
            f"duplicate key ({', '.join(labels or key)}): the same as row {table.row(original)}",
            position=label, column=column,
        )


def head_cells(path: str | Path) -> set[str]:
    """The normalised cells of a table's first rows (to tell what kind of table it is)."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise DatasetError(str(path), "the file is empty", row=1)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, None)[:HEADER_SEARCH_ROWS]
    else:
        rows = _csv_head(path.read_bytes()[:HEAD_BYTES].decode("utf-8", errors="replace"),
                         path)
    return {normalise(cell) for row in rows for cell in row if str(cell).strip()}


MAX_CELLS_BYTES = 64 << 20  # read_cells holds the whole file as Python strings


def read_cells(path: str | Path, required: Sequence[Required]) -> Table:
    """Read a small CSV whose rows may be ragged or whose header repeats a name, with the csv
    module (``read_table`` refuses both): Stat-Xplore tables end every line with a comma and
    have one-cell heading and footer rows; ONS tables repeat "Lower 95 % confidence interval".

    The header is found as in ``read_table``; a repeated header name is numbered ("... (2)"),
    an empty one is ``unnamed_<n>``. Short rows are padded with empty cells and cells beyond the
    header's width are dropped when empty (a row with more filled cells than the header is
    refused); rows of empty cells are not records.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(str(path), "file not found")
    size = path.stat().st_size
    if size == 0:
        raise DatasetError(str(path), "the file is empty", row=1)
    if size > MAX_CELLS_BYTES:
        raise DatasetError(str(path), f"file larger than {MAX_CELLS_BYTES >> 20} MiB")
    raw = path.read_bytes()
    text = _decode(raw[len(UTF8_BOM):] if raw.startswith(UTF8_BOM) else raw, path)
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as error:
        raise DatasetError(str(path), f"cannot parse CSV ({error}; is the file truncated?)",
                           row=reader.line_num) from None
    header_index = _header_index(rows[:HEADER_SEARCH_ROWS], required, path)
    header = [cell.strip() for cell in rows[header_index]]
    while header and not header[-1]:
        header.pop()
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = normalise(cell) or f"unnamed_{i + 1}"
        seen[key] = seen.get(key, 0) + 1
        header[i] = (cell or f"unnamed_{i + 1}") + (f" ({seen[key]})" if seen[key] > 1 else "")
    width = len(header)
    body, positions = [], []
    for position, row in enumerate(rows[header_index + 1:]):
        if any(cell.strip() for cell in row[width:]):
            raise DatasetError(str(path), f"too many cells: {len(row)} where the header has "
                               f"{width}", row=header_index + 2 + position)
        if any(cell.strip() for cell in row):
            body.append(_pad(row, width))
            positions.append(position)
    frame = pd.DataFrame(body, columns=header, index=positions, dtype=str)
    table = Table(path, frame, header_index + 1)
    if frame.empty:
        raise table.error("the file has a header but no data rows", position=0)
    return table
