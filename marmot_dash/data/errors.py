"""Errors a user can act on: bad datasets and sources, and other problems outside the code."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (offline, no browser installed ...): shown as one line."""


class DatasetError(ValueError):
    """A dataset or source file is malformed.

    The message always names the file and, where they apply, the row (1-based, as a person
    counts them in a spreadsheet, header = row 1) and the column, and says what was expected.
    """

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.problem = problem
        where = [self.file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {problem}")
