"""The shape of ``dataset.yaml`` (and of the source credits a sources file carries into it).

As strict as the tables: every key known and of its type, unknown keys refused with their name,
so a typo or a smuggled structure is a clear error at validation instead of a broken page.
Keys (see docs/architecture.md): ``name``, ``area: {code, name}``, ``comparators: [{code, name,
area_type}]``, ``levels``, ``illustrative``, ``built_at``, ``seed``, ``disclosure_threshold``,
``sources: [{name, publisher, licence, url}]``, ``build_notes: [text]``, ``peer_group: {name,
description, members: [{code, name}]}``, ``principle_notes: {1-8: text}`` and ``places:
[{code, name}]`` (several authorities in one dataset: ``area`` is the primary one and one of
them; each code is letters and digits, as it is a segment of the place's addresses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from marmot_dash.data import schema
from marmot_dash.data.errors import DatasetError

DEFAULT_DISCLOSURE_THRESHOLD = 5
REQUIRED_KEYS = ("name", "area", "comparators", "levels", "illustrative")
COMPARATOR_KEYS = ("code", "name", "area_type")
COMPARATOR_TYPES = ("england", "region", "comparator")
CREDIT_KEYS = ("name", "publisher", "licence", "url")
PEER_GROUP_KEYS = ("name", "description", "members")
MEMBER_KEYS = ("code", "name")
# A place's code is the first segment of its addresses (/<code>/principle/1): a letter, then
# letters and digits with at least one digit, so it never reads as a page name (/themes).
PLACE_CODE = re.compile(r"[A-Za-z](?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{1,39}")


def parse_meta(raw: Any, file: str = schema.DATASET_FILE) -> dict:
    """``dataset.yaml`` as read from YAML, checked key by key; defaults filled in
    (``disclosure_threshold`` 5, ``sources`` and ``principle_notes`` empty) and
    ``principle_notes`` keyed by int."""
    if not isinstance(raw, Mapping):
        raise DatasetError(file, "expected a mapping of keys (name, area, comparators, levels...)")
    meta = {str(key): value for key, value in raw.items()}
    _known(meta, tuple(_CHECKS), file)
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise DatasetError(file, "key missing", column=key)
    meta.setdefault("disclosure_threshold", DEFAULT_DISCLOSURE_THRESHOLD)
    meta.setdefault("sources", [])
    meta.setdefault("principle_notes", {})
    for key, check in _CHECKS.items():
        if key in meta:
            meta[key] = check(meta[key], file, key)
    if "places" in meta and meta["area"]["code"] not in {p["code"] for p in meta["places"]}:
        raise DatasetError(file, f"expected area.code {_brief(meta['area']['code'])} to be one "
                                 "of the places", column="places")
    return meta


def parse_credits(raw: Any, file: str, key: str = "sources") -> list[dict]:
    """A list of source credits ``{name, publisher, licence, url}``: name required, the others
    optional text, ``url`` empty or an http(s) address (it becomes a link in the footer)."""
    credits = []
    for row, item in enumerate(_list(raw, file, key, "{name, publisher, licence, url}"), 1):
        where = f"{file} ({key})"
        credit = _mapping(item, where, None, CREDIT_KEYS, row)
        _text(credit.get("name"), where, "name", row)
        for name in CREDIT_KEYS[1:]:
            if not isinstance(credit.get(name, ""), str):
                raise DatasetError(where, f"expected text, found {_brief(credit[name])}",
                                   row=row, column=name)
        url = credit.get("url")
        if url and not url.startswith(("https://", "http://")):
            raise DatasetError(where, f"expected an http(s) address, found {_brief(url)}",
                               row=row, column="url")
        credits.append(credit)
    return credits


# --- one check per key ---------------------------------------------------------------------


def _name(value: Any, file: str, key: str) -> str:
    return _text(value, file, key)


def _area(value: Any, file: str, key: str) -> dict:
    area = _mapping(value, file, key, MEMBER_KEYS)
    for name in MEMBER_KEYS:
        _text(area.get(name), file, f"{key}.{name}")
    return area


def _comparators(value: Any, file: str, key: str) -> list[dict]:
    """Each comparator's code (once), name and area type (checked here rather than by a
    pandera schema: a worker's start then never loads pandera's machinery)."""
    where = f"{file} ({key})"
    comparators, codes = [], set()
    for row, item in enumerate(_list(value, file, key, "{code, name, area_type}"), 1):
        comparator = _record(item, where, COMPARATOR_KEYS, row)
        if comparator["area_type"] not in COMPARATOR_TYPES:
            raise DatasetError(where, f"expected one of {', '.join(COMPARATOR_TYPES)}, found "
                                      f"{_brief(comparator['area_type'])}", row=row,
                               column="area_type")
        if comparator["code"] in codes:
            raise DatasetError(where, f"duplicate code {_brief(comparator['code'])} (already "
                                      "on an earlier row)", row=row, column="code")
        codes.add(comparator["code"])
        comparators.append(comparator)
    return comparators


def _levels(value: Any, file: str, key: str) -> list[str]:
    expected = f"expected a list of {', '.join(schema.SMALL_AREA_LEVELS)}"
    levels = _list(value, file, key, ", ".join(schema.SMALL_AREA_LEVELS))
    if not all(isinstance(level, str) and level in schema.SMALL_AREA_LEVELS for level in levels):
        raise DatasetError(file, expected, column=key)
    if len(set(levels)) != len(levels):
        raise DatasetError(file, f"{expected}, each once", column=key)
    return levels


def _bool(value: Any, file: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise DatasetError(file, "expected true or false", column=key)
    return value


def _built_at(value: Any, file: str, key: str) -> str | date:
    if isinstance(value, date):  # YAML reads an unquoted timestamp as a date or datetime
        return value
    try:
        datetime.fromisoformat(_text(value, file, key))
    except ValueError:
        raise DatasetError(file, f"expected an ISO 8601 time, found {_brief(value)}",
                           column=key) from None
    return value


def _whole(value: Any, file: str, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DatasetError(file, "expected a whole number >= 0", column=key)
    return value


def _build_notes(value: Any, file: str, key: str) -> list[str]:
    notes = _list(value, file, key, "text")
    for row, note in enumerate(notes, 1):
        _text(note, f"{file} ({key})", None, row)
    return notes


def _peer_group(value: Any, file: str, key: str) -> dict:
    group = _mapping(value, file, key, PEER_GROUP_KEYS)
    for name in PEER_GROUP_KEYS:
        if name not in group:
            raise DatasetError(file, "key missing", column=f"{key}.{name}")
    _text(group["name"], file, f"{key}.name")
    if not isinstance(group["description"], str):
        raise DatasetError(file, "expected text", column=f"{key}.description")
    where = f"{file} ({key}.members)"
    for row, member in enumerate(_list(group["members"], file, f"{key}.members", "{code, name}"),
                                 1):
        _record(member, where, MEMBER_KEYS, row)
    return group


def _principle_notes(value: Any, file: str, key: str) -> dict[int, str]:
    if not isinstance(value, Mapping):
        raise DatasetError(file, "expected a mapping of principle (1-8) to text", column=key)
    notes = {}
    for number, note in value.items():
        principle = int(number) if isinstance(number, str) and number.isdigit() else number
        if isinstance(principle, bool) or principle not in schema.PRINCIPLE_IDS:
            raise DatasetError(file, f"expected principles 1-8 as keys, found {_brief(number)}",
                               column=key)
        notes[principle] = _text(note, file, f"{key}.{principle}")
    return notes


def _places(value: Any, file: str, key: str) -> list[dict]:
    where = f"{file} ({key})"
    places, codes = [], set()
    for row, item in enumerate(_list(value, file, key, "{code, name}"), 1):
        place = _record(item, where, MEMBER_KEYS, row)
        code = place["code"]
        if not PLACE_CODE.fullmatch(code):
            raise DatasetError(where, f"expected a code of letters and digits starting with a "
                                      f"letter (e.g. E06000032), found {_brief(code)}",
                               row=row, column="code")
        if code in codes:
            raise DatasetError(where, f"place {code} is listed twice", row=row, column="code")
        codes.add(code)
        places.append(place)
    if not places:
        raise DatasetError(file, "expected at least one place (or leave the key out)",
                           column=key)
    return places


def _validated(value: Any, file: str, key: str) -> dict:
    """The validation record (``data/checksums.py``): ``{schema: text, files: {name: text}}``."""
    record = _mapping(value, file, key, ("schema", "files"))
    files = record.get("files")
    if not isinstance(record.get("schema"), str) or not isinstance(files, Mapping) or not all(
            isinstance(name, str) and isinstance(digest, str) for name, digest in files.items()):
        raise DatasetError(file, "expected {schema: text, files: {file name: checksum}}",
                           column=key)
    return record


_CHECKS: dict[str, Callable[[Any, str, str], Any]] = {
    "name": _name,
    "area": _area,
    "comparators": _comparators,
    "levels": _levels,
    "illustrative": _bool,
    "built_at": _built_at,
    "seed": _whole,
    "disclosure_threshold": _whole,
    "sources": parse_credits,
    "build_notes": _build_notes,
    "peer_group": _peer_group,
    "principle_notes": _principle_notes,
    "places": _places,
    "validated": _validated,
}


# --- building blocks -----------------------------------------------------------------------


def _known(mapping: Mapping, keys: tuple[str, ...], file: str, parent: str | None = None,
           row: int | None = None) -> None:
    unknown = [str(key) for key in mapping if str(key) not in keys]
    if unknown:
        name = f"{parent}.{unknown[0]}" if parent else unknown[0]
        raise DatasetError(file, f"unknown key (expected {', '.join(keys)})", row=row,
                           column=name)


def _mapping(value: Any, file: str, key: str | None, keys: tuple[str, ...],
             row: int | None = None) -> dict:
    if not isinstance(value, Mapping):
        raise DatasetError(file, f"expected a mapping {{{', '.join(keys)}}}", row=row,
                           column=key)
    _known(value, keys, file, key, row)
    return {str(name): item for name, item in value.items()}


def _record(value: Any, where: str, keys: tuple[str, ...], row: int) -> dict:
    """One item of a list (``row`` from 1): a mapping of ``keys``, each of them text."""
    record = _mapping(value, where, None, keys, row)
    for name in keys:
        _text(record.get(name), where, name, row)
    return record


def _list(value: Any, file: str, key: str, items: str) -> list:
    if not isinstance(value, list):
        raise DatasetError(file, f"expected a list of {items}", column=key)
    return value


def _text(value: Any, file: str, key: str | None, row: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = "nothing" if value is None else _brief(value)
        raise DatasetError(file, f"expected text, found {shown}", row=row, column=key)
    return value


def _brief(value: Any, limit: int = 40) -> str:
    """A found value as shown in an error: its repr, cut short (a file may hold anything)."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
