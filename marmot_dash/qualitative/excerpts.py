"""Import a coded-excerpts table (CSV or XLSX) into themes with counts and quotes.

One row per coded excerpt, the shape qualitative coding tools (NVivo, Taguette, Dedoose) and
spreadsheets export. Columns (case, spaces and punctuation in headers do not matter; common
spellings are accepted, see ``COLUMN_ALIASES``):

``excerpt_id`` (unique), ``stakeholder_group``, ``stage`` (interview / focus group /
engagement event, in common spellings), ``theme``, ``sub_theme`` (optional), ``principles``
("3; 5", "P3, P5", "all" or "cross-cutting"; may be blank) and ``quote`` (anonymised; may be
blank; a quote with an e-mail address or phone number is refused).

``themes_from_excerpts`` counts the excerpts of each theme by stakeholder group and by stage and
keeps a few quotes, attributed only to group and stage and marked ``restricted`` (interview
material: shown to signed-in readers only). A theme already in the dataset (matched
by id or title) keeps its text and links and gains the counts and quotes; a new theme gets a
summary and points built from its excerpts, and links to the principles its excerpts were coded
to (cross-cutting when no principle was coded or most excerpts were coded "all"). Bad rows
raise ``DatasetError`` with the file, row (header = row 1) and column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.schema import PRINCIPLE_IDS
from marmot_dash.qualitative.themes import (
    DEFAULT_STAGES,
    DEFAULT_THEMES,
    STAGE_LABELS,
    THEME_STAGES,
    read_themes_document,
    themes_path,
    write_themes,
)

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "excerpt_id": ("excerpt_id", "excerpt", "id", "excerpt_no", "excerpt_number", "ref",
                   "reference", "segment_id", "code_id"),
    "stakeholder_group": ("stakeholder_group", "group", "stakeholder", "stakeholder_type",
                          "participant_group", "respondent_group", "organisation_type",
                          "organization_type", "sector"),
    "stage": ("stage", "method", "data_source", "source", "collection_method", "phase"),
    "theme": ("theme", "code", "parent_code", "category", "main_theme"),
    "sub_theme": ("sub_theme", "subtheme", "sub_code", "subcode", "child_code", "sub_category",
                  "subcategory"),
    "principles": ("principles", "principle", "marmot_principle", "marmot_principles",
                   "principle_ids"),
    "quote": ("quote", "quotation", "excerpt_text", "text", "coded_text", "segment", "extract",
              "verbatim"),
}
REQUIRED_COLUMNS = ("excerpt_id", "stakeholder_group", "stage", "theme", "principles")

STAGE_SPELLINGS: dict[str, str] = {
    "interview": "interviews", "interviews": "interviews", "1_1_interview": "interviews",
    "1_1_interviews": "interviews", "one_to_one_interview": "interviews",
    "one_to_one_interviews": "interviews",
    "focus_group": "focus_groups", "focus_groups": "focus_groups", "fg": "focus_groups",
    "engagement_event": "engagement_event", "stakeholder_engagement_event": "engagement_event",
    "event": "engagement_event", "engagement": "engagement_event",
}
CROSS_CUTTING_WORDS = ("all", "cross_cutting", "crosscutting", "all_principles")
# Contact details that mean a quote was not anonymised: e-mail addresses and UK phone numbers.
IDENTIFYING = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("a phone number", re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")),
)
MAX_QUOTES = 3


def read_excerpts(path: str | Path) -> pd.DataFrame:
    """Read and validate a coded-excerpts table.

    Returns one row per excerpt with columns ``row`` (its spreadsheet row), ``excerpt_id``,
    ``stakeholder_group``, ``stage`` (a ``THEME_STAGES`` id), ``theme``, ``sub_theme``,
    ``principles`` (tuple of ints), ``cross_cutting`` (bool) and ``quote``.
    """
    path = Path(path)
    raw = _read_table(path)
    columns = _match_columns(raw.columns, path)
    rows = [_parse_row(record, number, columns, path)
            for number, record in enumerate(raw.to_dict("records"), start=2)]
    if not rows:
        raise DatasetError(path, "the table has no excerpts")
    table = pd.DataFrame(rows)
    duplicated = table[table["excerpt_id"].duplicated()]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise DatasetError(path, f"excerpt id '{first['excerpt_id']}' is used twice",
                           row=int(first["row"]), column=columns["excerpt_id"])
    return table


def themes_from_excerpts(
    excerpts: pd.DataFrame, base_themes: Sequence[dict] = (), *, max_quotes: int = MAX_QUOTES
) -> list[dict]:
    """Themes (plain dicts for themes.yaml) with counts and quotes from coded excerpts.

    ``base_themes`` (e.g. the dataset's current themes) keep their order and text; themes
    found only in the excerpts follow, in order of first appearance.
    """
    by_key = {_normal(theme["id"]): dict(theme) for theme in base_themes}
    by_key.update({_normal(theme["title"]): by_key[_normal(theme["id"])] for theme in base_themes})
    result = [by_key[_normal(theme["id"])] for theme in base_themes]
    keys = excerpts["theme"].map(_normal)  # "Barriers" and "barriers " are one theme
    for key, rows in excerpts.groupby(keys, sort=False):
        theme = by_key.get(key)
        if theme is None:
            theme = _new_theme(rows["theme"].iloc[0], rows)
            result.append(theme)
        theme["counts"] = _counts(rows)
        theme["quotes"] = _quotes(rows, max_quotes)
    return result


def import_excerpts(path: str | Path, base_themes: Sequence[dict] = ()) -> list[dict]:
    """``themes_from_excerpts(read_excerpts(path), base_themes)``."""
    return themes_from_excerpts(read_excerpts(path), base_themes)


def update_themes_file(target: str | Path, table: str | Path) -> list[dict]:
    """Add a coded-excerpts table's counts and quotes to a dataset's themes.yaml.

    ``target`` is a dataset folder or a themes file. Its themes (the default themes when the
    file does not exist yet) gain counts and quotes, new themes are appended, its stages are
    kept; the file is validated and replaced whole. Returns the themes written.
    """
    file = themes_path(target)
    if file.exists():
        base, stages = read_themes_document(file)
    else:
        base, stages = DEFAULT_THEMES, DEFAULT_STAGES
    themes = import_excerpts(table, base)
    write_themes(file, themes, stages)
    return themes


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise DatasetError(path, "expected a .csv or .xlsx table of coded excerpts")
    if not path.exists():
        raise DatasetError(path, "no such file")
    if not path.is_file():  # a folder, or a FIFO or device whose reading would block
        raise DatasetError(path, "not a regular file")
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise DatasetError(path, f"not a readable Excel workbook ({exc})") from None
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, OSError) as exc:  # UnicodeDecodeError is a ValueError
        raise DatasetError(path, f"cannot read the table: {exc}") from None


def _normal(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def _match_columns(headers: Sequence[object], path: Path) -> dict[str, str]:
    """Map each standard column to the file's header for it."""
    found: dict[str, str] = {}
    for header in headers:
        key = _normal(str(header).replace("(s)", "s"))  # "Principle(s)" -> principles
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases and column not in found:
                found[column] = str(header)
                break
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    if missing:
        raise DatasetError(path, f"no '{missing[0]}' column (accepted headers: "
                                 f"{', '.join(COLUMN_ALIASES[missing[0]])})", row=1)
    return found


def _parse_row(record: dict, number: int, columns: dict[str, str], path: Path) -> dict:
    def cell(column: str) -> str:
        return str(record.get(columns[column], "") if column in columns else "").strip()

    def required(column: str) -> str:
        value = cell(column)
        if not value:
            raise DatasetError(path, "is empty", row=number, column=columns[column])
        return value

    stage = STAGE_SPELLINGS.get(_normal(required("stage")))
    if stage is None:
        raise DatasetError(path, f"stage '{cell('stage')}' is not one of interviews, focus "
                                 "groups, engagement event", row=number, column=columns["stage"])
    principles, cross_cutting = _principles(cell("principles"), number, columns["principles"],
                                            path)
    for what, pattern in IDENTIFYING:
        if pattern.search(cell("quote")):
            raise DatasetError(path, f"the quote contains {what}: anonymise it before importing",
                               row=number, column=columns["quote"])
    return {
        "row": number,
        "excerpt_id": required("excerpt_id"),
        "stakeholder_group": required("stakeholder_group"),
        "stage": stage,
        "theme": required("theme"),
        "sub_theme": cell("sub_theme"),
        "principles": principles,
        "cross_cutting": cross_cutting,
        "quote": cell("quote"),
    }


def _principles(text: str, row: int, column: str, path: Path) -> tuple[tuple[int, ...], bool]:
    if _normal(text) in CROSS_CUTTING_WORDS:
        return (), True
    found: list[int] = []
    for part in re.split(r"[;,/\s]+", text):
        token = re.sub(r"^(principle|p)", "", part.strip().lower())
        if not token:
            continue
        if not token.isdigit() or int(token) not in PRINCIPLE_IDS:
            raise DatasetError(path, f"'{part}' is not a Marmot principle 1-8 (or 'all')",
                               row=row, column=column)
        if int(token) not in found:
            found.append(int(token))
    return tuple(found), False


def _counts(rows: pd.DataFrame) -> dict[str, dict[str, int]]:
    by_group = Counter(rows["stakeholder_group"])
    by_stage = Counter(rows["stage"])
    return {
        "by_group": dict(sorted(by_group.items(), key=lambda item: (-item[1], item[0]))),
        "by_stage": {stage: by_stage[stage] for stage in THEME_STAGES if by_stage[stage]},
    }


def _quotes(rows: pd.DataFrame, max_quotes: int) -> list[dict]:
    quoted = rows[rows["quote"] != ""].head(max_quotes)
    return [
        {"text": row.quote, "group": row.stakeholder_group, "stage": row.stage,
         "restricted": True}
        for row in quoted.itertuples()
    ]


def _new_theme(title: str, rows: pd.DataFrame) -> dict:
    """A theme built from its excerpts: summary, points (sub-themes) and principle links."""
    sub_themes = Counter(rows.loc[rows["sub_theme"] != "", "sub_theme"])
    stages = [stage for stage in THEME_STAGES if stage in set(rows["stage"])]
    groups = rows["stakeholder_group"].nunique()
    summary = (
        f"Coded in {_plural(len(rows), 'excerpt')} from {_plural(groups, 'stakeholder group')} "
        f"({', '.join(STAGE_LABELS[stage].lower() for stage in stages)})."
    )
    if sub_themes:
        summary += " Sub-themes: " + ", ".join(sub_themes) + "."
    points = [f"{name} ({_plural(count, 'excerpt')})" for name, count in sub_themes.items()]
    theme: dict = {
        "id": _normal(title),
        "title": title,
        "summary": summary,
        "points": points or [f"{_plural(len(rows), 'coded excerpt')}, no sub-themes recorded"],
    }
    theme.update(_principle_links(rows))
    theme["stage"] = stages[0]
    return theme


def _principle_links(rows: pd.DataFrame) -> dict:
    coded = Counter(principle for principles in rows["principles"] for principle in principles)
    cross = int(rows["cross_cutting"].sum())
    total = _plural(len(rows), "excerpt")
    if not coded or cross > len(rows) / 2:
        return {
            "cross_cutting": True,
            "links": {"cross_cutting": f"Coded as bearing on all principles in {cross} of "
                                       f"{total}." if cross else
                                       f"No principle was coded in its {total}."},
        }
    principles = sorted(coded)
    return {
        "principles": principles,
        "links": {p: f"Coded to principle {p} in {coded[p]} of {total}." for p in principles},
    }


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
