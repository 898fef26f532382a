"""Event run sheets: an ordered list of views with a heading and speaker notes per step.

A facilitator's run sheet is a YAML file beside the dataset, ``<data_dir>/events/<name>.yaml``::

    title: Stakeholder event, March
    steps:
      - principle: 1
        indicator: P1-school-readiness
        view: trend            # trend, places, deprivation or cohorts
        level: ward            # optional: the places view's level and period
        period: "2023"
        deprivation: local_decile  # optional: the deprivation view's grouping
        callouts: true         # optional, default false
        heading: Where we start
        notes: What to say while this chart is up.

A step is the principle page's URL state (``views.ViewState``) plus a heading and notes. Files
are read with ``yamlfile.read_yaml`` and every field is checked (type, length, no control
characters, no HTML tags, no path pieces), so a hand-edited file is refused with the file and
the step named. Writes go to a temporary file in the ``events`` folder and are then renamed
over the old one, never through a symbolic link; ``check_run_sheet`` then reports, by name,
steps the dataset cannot show (an unknown indicator, level or period; with
``views.run_sheet_problems``, a view with no data too).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from marmot_dash.data.errors import DatasetError, UserError
from marmot_dash.data.schema import PRINCIPLE_IDS
from marmot_dash.data.yamlfile import read_yaml

EVENTS_DIR = "events"
STEP_VIEWS: tuple[str, ...] = ("trend", "places", "deprivation", "cohorts")  # views with a chart
MAX_NAME = 60
MAX_TITLE = 200
MAX_HEADING = 200
MAX_NOTES = 4000
MAX_STEPS = 100
MAX_RUN_SHEETS = 500
MAX_RUN_SHEET_BYTES = 512 * 1024

NAME_PATTERN = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{MAX_NAME - 1}}}")
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_LEVEL_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,29}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TAG = re.compile(r"<\s*[A-Za-z/!?]")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
SHEET_FIELDS = ("title", "steps")
STEP_FIELDS = ("principle", "indicator", "view", "level", "period", "callouts", "heading",
               "notes", "deprivation")


@dataclass(frozen=True)
class Step:
    """One step of a run sheet: a view of an indicator, its heading and the speaker's notes."""

    principle: int
    indicator: str
    view: str
    level: str | None
    period: str | None
    callouts: bool
    heading: str
    notes: str
    deprivation: str | None = None  # the deprivation view's grouping, a URL value


@dataclass(frozen=True)
class RunSheet:
    """A named, titled, ordered list of steps (``name`` is the file name without ``.yaml``)."""

    name: str
    title: str
    steps: tuple[Step, ...]


def safe_run_sheet_name(text: str) -> str:
    """The file-safe name for ``text``: lower-case ASCII letters, digits and single dashes.

    "March event: Luton!" gives "march-event-luton"; raises ``UserError`` when nothing is left.
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    name = _NOT_NAME.sub("-", ascii_text.lower()).strip("-")[:MAX_NAME].strip("-")
    if not name:
        raise UserError("A run sheet name needs at least one letter or digit.")
    return name


def events_dir(data_dir: str | Path) -> Path:
    """The dataset's ``events`` folder (which may not exist yet)."""
    return Path(data_dir) / EVENTS_DIR


def run_sheet_file(name: str) -> str:
    """How errors name a run sheet's file: ``events/<name>.yaml``."""
    return f"{EVENTS_DIR}/{name}.yaml"


def list_run_sheets(data_dir: str | Path) -> list[str]:
    """The names of the dataset's run sheets, sorted (files that are not plain run sheets, such
    as symbolic links or badly named files, are left out)."""
    folder = events_dir(data_dir)
    if not folder.is_dir() or folder.is_symlink():
        return []
    names = sorted(
        path.stem for path in folder.glob("*.yaml")
        if NAME_PATTERN.fullmatch(path.stem) and path.is_file() and not path.is_symlink()
    )
    return names[:MAX_RUN_SHEETS]


def load_run_sheet(data_dir: str | Path, name: str) -> RunSheet:
    """The run sheet ``name`` of the dataset in ``data_dir``.

    Raises ``DatasetError`` naming ``events/<name>.yaml`` (and the step) for a name that is not
    a run sheet name, a missing file, bad YAML, an unknown field or a bad value.
    """
    name = _checked_name(name)
    file = run_sheet_file(name)
    folder = events_dir(data_dir)
    path = folder / f"{name}.yaml"
    if folder.is_symlink() or path.is_symlink():
        raise DatasetError(file, "is a symbolic link; run sheets must be plain files in the "
                                 "dataset's events folder")
    if not path.is_file():
        known = ", ".join(list_run_sheets(data_dir)) or "none yet"
        raise DatasetError(file, f"there is no run sheet '{name}' in this dataset (run sheets: "
                                 f"{known})")
    return parse_run_sheet(read_yaml(path, file, max_bytes=MAX_RUN_SHEET_BYTES), name)


def parse_run_sheet(raw: Any, name: str) -> RunSheet:
    """Check a run sheet's plain data (as read from YAML) and build the ``RunSheet``."""
    name = _checked_name(name)
    file = run_sheet_file(name)
    if not isinstance(raw, Mapping):
        raise DatasetError(file, "expected a mapping with 'title' and 'steps'")
    _no_unknown_fields(raw, SHEET_FIELDS, file, "the run sheet")
    title = _text(raw.get("title"), "title", file, MAX_TITLE, required=True)
    steps = raw.get("steps")
    if steps is None:
        steps = []
    if not isinstance(steps, list):
        raise DatasetError(file, "'steps' must be a list of steps")
    if len(steps) > MAX_STEPS:
        raise DatasetError(file, f"{len(steps)} steps; at most {MAX_STEPS} are allowed")
    return RunSheet(name, title, tuple(_step(item, number, file)
                                       for number, item in enumerate(steps, start=1)))


def save_run_sheet(data_dir: str | Path, sheet: RunSheet) -> Path:
    """Write ``sheet`` to ``<data_dir>/events/<name>.yaml`` and return the path.

    The sheet is checked as if read back (so nothing unreadable is written), written to a
    temporary file in the events folder and renamed over the old file: a failure leaves the
    old file as it was. Raises ``DatasetError`` for a bad sheet and ``UserError`` when the
    folder is a symbolic link or cannot be written.
    """
    data = run_sheet_data(sheet)
    parse_run_sheet(data, sheet.name)
    folder = events_dir(data_dir)
    if folder.is_symlink():
        raise UserError(f"{folder} is a symbolic link: run sheets are only written in the "
                        "dataset's own events folder.")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    target = folder / f"{sheet.name}.yaml"
    try:
        folder.mkdir(exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{sheet.name}.", suffix=".tmp")
        try:
            os.fchmod(handle, 0o644)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)  # replaces a link at ``target`` itself, never its target
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise UserError(f"Cannot write the run sheet {target}: "
                        f"{error.strerror or error}.") from None
    return target


def run_sheet_data(sheet: RunSheet) -> dict:
    """The plain data written to a run sheet's YAML file (optional fields left out when unset)."""
    steps = []
    for step in sheet.steps:
        item: dict[str, object] = {"principle": step.principle, "indicator": step.indicator,
                                   "view": step.view}
        if step.level:
            item["level"] = step.level
        if step.period:
            item["period"] = step.period
        if step.deprivation:
            item["deprivation"] = step.deprivation
        item["callouts"] = step.callouts
        item["heading"] = step.heading
        if step.notes:
            item["notes"] = step.notes
        steps.append(item)
    return {"title": sheet.title, "steps": steps}


def add_step(sheet: RunSheet, step: Step) -> RunSheet:
    """The sheet with ``step`` added at the end (``UserError`` past ``MAX_STEPS``)."""
    if len(sheet.steps) >= MAX_STEPS:
        raise UserError(f"Run sheet '{sheet.name}' already has {MAX_STEPS} steps, the most "
                        "allowed.")
    return replace(sheet, steps=(*sheet.steps, step))


def move_step(sheet: RunSheet, index: int, offset: int) -> RunSheet:
    """The sheet with step ``index`` (from 0) moved ``offset`` places (clamped at the ends)."""
    steps = list(sheet.steps)
    step = steps.pop(index)
    steps.insert(min(max(index + offset, 0), len(steps)), step)
    return replace(sheet, steps=tuple(steps))


def remove_step(sheet: RunSheet, index: int) -> RunSheet:
    """The sheet without step ``index`` (from 0)."""
    return replace(sheet, steps=sheet.steps[:index] + sheet.steps[index + 1:])


def check_run_sheet(store, sheet: RunSheet,
                    view_message: Callable[[Step], str | None] | None = None) -> list[str]:
    """What the dataset in ``store`` cannot show of ``sheet``, one sentence per bad step naming
    it: an unknown indicator, an indicator of another principle, an unknown level or period,
    and (when ``view_message(step)`` is given: the view's own "no data" message, see
    ``views.run_sheet_problems``) a view with no data. Empty when every step can be shown."""
    problems = []
    for number, step in enumerate(sheet.steps, start=1):
        problem = step_problem(store, step) or (view_message(step) if view_message else None)
        if problem:
            problems.append(f"Step {number} ({step.heading or step.indicator}): {problem}")
    return problems


# ---------------------------------------------------------------------------------------------


def _checked_name(name: object) -> str:
    text = str(name)
    if not NAME_PATTERN.fullmatch(text):
        shown = _CONTROL.sub("?", text[:80])
        raise DatasetError(EVENTS_DIR, f"'{shown}' is not a run sheet name: names are "
                                       f"lower-case letters, digits and dashes, at most "
                                       f"{MAX_NAME} characters")
    return text


def _no_unknown_fields(item: Mapping, allowed: tuple[str, ...], file: str, where: str) -> None:
    unknown = [str(key) for key in item if key not in allowed]
    if unknown:
        raise DatasetError(file, f"{where} has unknown field(s) {', '.join(unknown)}; the "
                                 f"fields are {', '.join(allowed)}")


def _text(value: object, field: str, file: str, limit: int, *, required: bool = False,
          multiline: bool = False, where: str = "") -> str:
    prefix = f"{where}: " if where else ""
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DatasetError(file, f"{prefix}'{field}' must be text")
    text = str(value).strip()
    if required and not text:
        raise DatasetError(file, f"{prefix}'{field}' is empty")
    if len(text) > limit:
        raise DatasetError(file, f"{prefix}'{field}' is longer than {limit} characters")
    if _CONTROL.search(text) or (not multiline and "\n" in text):
        raise DatasetError(file, f"{prefix}'{field}' contains control characters or line "
                                 "breaks")
    if _TAG.search(text):
        raise DatasetError(file, f"{prefix}'{field}' contains an HTML tag; write plain text")
    return text


def _pattern(value: object, field: str, pattern: re.Pattern, file: str, where: str,
             what: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not pattern.fullmatch(text):
        shown = _CONTROL.sub("?", text[:60])
        raise DatasetError(file, f"{where}: '{field}' '{shown}' is not {what}")
    return text


def _step(item: Any, number: int, file: str) -> Step:
    where = f"step {number}"
    if not isinstance(item, Mapping):
        raise DatasetError(file, f"{where} must be a mapping of {', '.join(STEP_FIELDS)}")
    _no_unknown_fields(item, STEP_FIELDS, file, where)
    principle = item.get("principle")
    if isinstance(principle, bool) or not isinstance(principle, int) or (
            principle not in PRINCIPLE_IDS):
        raise DatasetError(file, f"{where}: 'principle' must be a number from "
                                 f"{min(PRINCIPLE_IDS)} to {max(PRINCIPLE_IDS)}")
    indicator = _pattern(item.get("indicator"), "indicator", _ID_PATTERN, file, where,
                         "an indicator id (letters, digits, dots, dashes, underscores)")
    if indicator is None:
        raise DatasetError(file, f"{where}: 'indicator' is missing")
    view = item.get("view")
    if view not in STEP_VIEWS:
        raise DatasetError(file, f"{where}: 'view' must be one of {', '.join(STEP_VIEWS)}")
    callouts = item.get("callouts", False)
    if not isinstance(callouts, bool):
        raise DatasetError(file, f"{where}: 'callouts' must be true or false")
    return Step(
        principle=principle,
        indicator=indicator,
        view=view,
        level=_pattern(item.get("level"), "level", _LEVEL_PATTERN, file, where, "a level name"),
        period=_text(item.get("period"), "period", file, 40, where=where) or None,
        callouts=callouts,
        heading=_text(item.get("heading"), "heading", file, MAX_HEADING, where=where),
        notes=_text(item.get("notes"), "notes", file, MAX_NOTES, multiline=True, where=where),
        deprivation=_pattern(item.get("deprivation"), "deprivation", _LEVEL_PATTERN, file, where,
                             "a deprivation grouping name"),
    )


def step_problem(store, step: Step) -> str | None:
    """Why the dataset cannot address ``step`` at all (unknown indicator, an indicator of
    another principle, unknown level or period), or None."""
    try:
        indicator = store.indicator(step.indicator)
    except KeyError:
        return f"there is no indicator '{step.indicator}' in this dataset."
    if int(indicator["principle"]) != step.principle:
        return (f"indicator '{step.indicator}' belongs to principle {indicator['principle']}, "
                f"not principle {step.principle}.")
    if step.level is not None and step.level not in store.levels:
        return f"there is no level '{step.level}' in this dataset."
    if step.view == "places" and step.period is not None:
        level = step.level or (store.levels[0] if store.levels else None)
        periods = store.periods(step.indicator, area_type=level) if level else []
        if step.period not in periods:
            return f"there is no period '{step.period}' for '{step.indicator}' at {level} level."
    return None
