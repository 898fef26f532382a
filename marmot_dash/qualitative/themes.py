"""Qualitative themes from the stakeholder work (``themes.yaml``) and the evaluation's stages.

``themes.yaml`` is either a list of themes, or a mapping with ``themes:`` (that list) and
``stages:`` (the evaluation's stages with their status, shown as a timeline). A theme::

    - id: barriers                      # unique, lower case letters, digits and _
      title: Barriers
      summary: Barriers include ...     # Markdown (raw HTML is never rendered)
      points: [Data granularity/intelligence of current and future position, ...]
      principles: [3, 6]                # Marmot principles 1-8 it bears on, or instead:
      cross_cutting: true               # it bears on every principle
      links:                            # why each link was made (one reason per principle),
        3: Procurement supports ...     # or for a cross-cutting theme:
        cross_cutting: Constrains work on every principle.
      stage: interviews                 # interviews | focus_groups | engagement_event
      callout:                          # optional: a short note for the charts
        text: "Barrier: data granularity"
        views: [places]                 # trend | places | deprivation | cohorts
      counts:                           # optional: coded excerpts
        by_group: {Council officers: 4, VCS partners: 2}
        by_stage: {interviews: 6}
      quotes:                           # optional, anonymised
        - {text: "...", group: Council officers, stage: interviews, restricted: true}

A quote marked ``restricted: true`` (as ``import-excerpts`` marks the interview excerpts it
imports) is shown only to signed-in readers: pages ask ``visible_themes`` for what a reader may
see. Summaries, points, links and counts are never restricted.

A stage: ``{id, title, description, status}`` with status ``done``, ``in_progress`` or
``planned``. Any malformed field raises ``DatasetError`` naming the file, the theme and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.files import write_atomic
from marmot_dash.data.schema import PRINCIPLE_IDS, THEMES_FILE
from marmot_dash.data.yamlfile import read_yaml

THEME_STAGES = ("interviews", "focus_groups", "engagement_event")
STAGE_LABELS = {
    "interviews": "Interviews",
    "focus_groups": "Focus groups",
    "engagement_event": "Engagement event",
}
STAGE_STATUSES = ("done", "in_progress", "planned")
CALLOUT_VIEWS = ("trend", "places", "deprivation", "cohorts")
CROSS_CUTTING = "cross_cutting"

THEME_FIELDS = (
    "id", "title", "summary", "points", "principles", "cross_cutting", "links", "stage",
    "callout", "counts", "quotes",
)
QUOTE_TEXTS = ("text", "group", "stage")
STAGE_FIELDS = ("id", "title", "description", "status")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_DEFAULT_FILE = Path(__file__).with_name("default_themes.yaml")


@dataclass(frozen=True)
class Callout:
    """A short note to place on the charts of the given views."""

    text: str
    views: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    """An anonymised quote, attributed only to a stakeholder group and a stage."""

    text: str
    group: str = ""
    stage: str = ""
    restricted: bool = False  # shown to signed-in readers only


@dataclass(frozen=True)
class Theme:
    """One theme of the qualitative work and the Marmot principles it bears on."""

    id: str
    title: str
    summary: str
    points: tuple[str, ...]
    principles: tuple[int, ...]
    cross_cutting: bool
    links: Mapping[int, str]  # principle -> why the link was made
    cross_cutting_note: str
    stage: str
    callout: Callout | None = None
    counts_by_group: Mapping[str, int] = field(default_factory=dict)
    counts_by_stage: Mapping[str, int] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()

    def bears_on(self, principle: int) -> bool:
        """Whether the theme is linked to ``principle`` or is cross-cutting."""
        return self.cross_cutting or principle in self.principles

    def link_reason(self, principle: int) -> str:
        """Why the theme bears on ``principle`` (the cross-cutting note for such themes)."""
        return self.links.get(principle, self.cross_cutting_note)


@dataclass(frozen=True)
class Stage:
    """A stage of the evaluation's qualitative work and where it stands."""

    id: str
    title: str
    description: str
    status: str


def themes_path(path: str | Path) -> Path:
    """The themes file: ``path`` itself, or ``path/themes.yaml`` for a dataset directory."""
    path = Path(path)
    return path / THEMES_FILE if path.is_dir() else path


def load_themes(path: str | Path, *, name: str | None = None) -> list[Theme]:
    """Read and validate the themes of a dataset directory or a themes file; errors name the
    file ``name`` (default its path)."""
    file = themes_path(path)
    shown = Path(name) if name else file
    return parse_themes(_themes_list(read_yaml(file, str(shown)), shown), shown)


def load_stages(path: str | Path) -> list[Stage]:
    """Read the evaluation's stages; a file without ``stages:`` gets the default stages."""
    file = themes_path(path)
    return _stages(read_yaml(file), file)


def load_themes_and_stages(path: str | Path, *, name: str | None = None
                           ) -> tuple[list[Theme], list[Stage]]:
    """The themes and the stages of a dataset directory or a themes file, read once; errors
    name the file ``name`` (default its path)."""
    file = themes_path(path)
    shown = Path(name) if name else file
    raw = read_yaml(file, str(shown))
    return parse_themes(_themes_list(raw, shown), shown), _stages(raw, shown)


def _stages(raw: Any, file: Path) -> list[Stage]:
    if isinstance(raw, Mapping) and "stages" in raw:
        return parse_stages(raw["stages"], file)
    return parse_stages(DEFAULT_STAGES, _DEFAULT_FILE)


def read_themes_document(path: str | Path) -> tuple[list[dict], list[dict] | None]:
    """The validated themes and stages of a themes file as plain dicts (stages None if absent)."""
    file = themes_path(path)
    raw = read_yaml(file)
    themes = _themes_list(raw, file)
    parse_themes(themes, file)
    stages = raw.get("stages") if isinstance(raw, Mapping) else None
    if stages is not None:
        parse_stages(stages, file)
    return themes, stages


def themes_for_principle(themes: Iterable[Theme], principle: int) -> list[Theme]:
    """The themes linked to ``principle`` first, then the cross-cutting ones, in file order."""
    themes = list(themes)
    linked = [t for t in themes if not t.cross_cutting and principle in t.principles]
    return linked + [t for t in themes if t.cross_cutting]


def visible_themes(themes: Iterable[Theme], *, include_restricted: bool) -> list[Theme]:
    """The themes as a reader may see them: restricted quotes only for a signed-in reader.

    The one place that decides what restricted material a page shows; the pages pass whether
    the request is signed in.
    """
    if include_restricted:
        return list(themes)
    return [
        replace(theme, quotes=tuple(quote for quote in theme.quotes if not quote.restricted))
        for theme in themes
    ]


def theme_notes(themes: Iterable[Theme], principle: int) -> str:
    """The themes bearing on ``principle`` as plain Markdown, for slide and presentation notes.

    Linked themes first, then cross-cutting ones (marked); each with its summary and why it
    bears on the principle.
    """
    lines = ["## What stakeholders said"]
    for theme in themes_for_principle(themes, principle):
        marker = " (cross-cutting)" if theme.cross_cutting else ""
        lines += [f"- **{theme.title}**{marker}: {theme.summary}",
                  f"  Why: {theme.link_reason(principle)}"]
    if len(lines) == 1:
        lines.append("- No qualitative themes recorded.")
    return "\n".join(lines) + "\n"


def theme_counts_table(themes: Iterable[Theme], by: str) -> pd.DataFrame:
    """Coded-excerpt counts as a long table: ``theme`` (title), ``category``, ``count``.

    ``by`` is ``"group"`` (stakeholder group) or ``"stage"`` (labelled as in ``STAGE_LABELS``).
    Themes without counts are left out; rows keep the themes' order.
    """
    if by not in ("group", "stage"):
        raise ValueError(f"by must be 'group' or 'stage'; got {by!r}")
    rows = [
        (theme.title, STAGE_LABELS.get(category, category) if by == "stage" else category, count)
        for theme in themes
        for category, count in (
            theme.counts_by_group if by == "group" else theme.counts_by_stage
        ).items()
    ]
    return pd.DataFrame(rows, columns=["theme", "category", "count"])


def write_themes(
    path: str | Path, themes: list[dict], stages: list[dict] | None = None
) -> Path:
    """Validate ``themes`` (and ``stages``) as plain dicts and write them as a themes file.

    The file is written to a fresh temporary file beside its destination and renamed into place
    (``data.files.write_atomic``), so a failure leaves any previous file as it was and a symlink
    planted beside it is never written through.
    """
    file = Path(path)
    parse_themes(themes, file)
    document: Any = themes
    if stages is not None:
        parse_stages(stages, file)
        document = {"themes": themes, "stages": stages}
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return write_atomic(file, text.encode("utf-8"))


def parse_themes(raw: Any, file: str | Path) -> list[Theme]:
    """Validate a list of theme mappings (as read from YAML) and build the themes."""
    if not isinstance(raw, list):
        raise DatasetError(file, "expected a list of themes (or a mapping with 'themes:')")
    themes: list[Theme] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        theme = _parse_theme(item, _ThemeContext(file, position, item))
        if theme.id in seen:
            raise DatasetError(file, f"theme {position} ('{theme.id}'), field 'id': "
                                     f"duplicate id '{theme.id}' (ids must be unique)")
        seen.add(theme.id)
        themes.append(theme)
    return themes


def parse_stages(raw: Any, file: str | Path) -> list[Stage]:
    """Validate a list of stage mappings and build the stages."""
    if not isinstance(raw, list):
        raise DatasetError(file, "field 'stages': expected a list of stages")
    stages: list[Stage] = []
    for position, item in enumerate(raw, start=1):
        where = f"stage {position}"
        if not isinstance(item, Mapping):
            raise DatasetError(file, f"{where}: expected a mapping with {', '.join(STAGE_FIELDS)}")
        unknown = sorted(set(map(str, item)) - set(STAGE_FIELDS))
        if unknown:
            raise DatasetError(file, f"{where}, field '{unknown[0]}': unknown field "
                                     f"(expected {', '.join(STAGE_FIELDS)})")
        values = {}
        for name in STAGE_FIELDS:
            value = item.get(name, "" if name == "description" else None)
            if not isinstance(value, str) or (name != "description" and not value.strip()):
                raise DatasetError(file, f"{where}, field '{name}': expected text, got {value!r}")
            values[name] = value.strip()
        if values["status"] not in STAGE_STATUSES:
            raise DatasetError(file, f"{where}, field 'status': '{values['status']}' is not one "
                                     f"of {', '.join(STAGE_STATUSES)}")
        stages.append(Stage(**values))
    return stages


class _ThemeContext:
    """Where a theme sits in its file, for error messages."""

    def __init__(self, file: str | Path, position: int, item: Any) -> None:
        self.file = file
        theme_id = item.get("id") if isinstance(item, Mapping) else None
        self.where = f"theme {position}" + (f" ('{theme_id}')" if isinstance(theme_id, str) else "")

    def error(self, name: str, problem: str) -> DatasetError:
        return DatasetError(self.file, f"{self.where}, field '{name}': {problem}")


def _parse_theme(item: Any, ctx: _ThemeContext) -> Theme:
    if not isinstance(item, Mapping):
        raise DatasetError(ctx.file, f"{ctx.where}: expected a mapping of theme fields")
    unknown = sorted(set(map(str, item)) - set(THEME_FIELDS))
    if unknown:
        raise ctx.error(unknown[0], f"unknown field (expected {', '.join(THEME_FIELDS)})")
    theme_id = _text(item, "id", ctx)
    if not _ID_PATTERN.match(theme_id):
        raise ctx.error("id", f"'{theme_id}' must be lower case letters, digits and _")
    principles, cross_cutting = _principles(item, ctx)
    links, note = _links(item, principles, cross_cutting, ctx)
    stage = _text(item, "stage", ctx)
    if stage not in THEME_STAGES:
        raise ctx.error("stage", f"'{stage}' is not one of {', '.join(THEME_STAGES)}")
    by_group, by_stage = _counts(item.get("counts"), ctx)
    return Theme(
        id=theme_id,
        title=_text(item, "title", ctx),
        summary=_text(item, "summary", ctx),
        points=_points(item.get("points"), ctx),
        principles=principles,
        cross_cutting=cross_cutting,
        links=links,
        cross_cutting_note=note,
        stage=stage,
        callout=_callout(item.get("callout"), ctx),
        counts_by_group=by_group,
        counts_by_stage=by_stage,
        quotes=_quotes(item.get("quotes"), ctx),
    )


def _text(item: Mapping, name: str, ctx: _ThemeContext) -> str:
    value = item.get(name)
    if value is None:
        raise ctx.error(name, "is missing")
    if not isinstance(value, str) or not value.strip():
        raise ctx.error(name, f"expected non-empty text, got {value!r}")
    return value.strip()


def _points(raw: Any, ctx: _ThemeContext) -> tuple[str, ...]:
    if raw is None:
        raise ctx.error("points", "is missing")
    if not isinstance(raw, list) or not raw:
        raise ctx.error("points", "expected a non-empty list of text")
    for number, point in enumerate(raw, start=1):
        if not isinstance(point, str) or not point.strip():
            raise ctx.error("points", f"point {number} is not text: {point!r}")
    return tuple(point.strip() for point in raw)


def _principles(item: Mapping, ctx: _ThemeContext) -> tuple[tuple[int, ...], bool]:
    cross_cutting = item.get("cross_cutting", False)
    if not isinstance(cross_cutting, bool):
        raise ctx.error("cross_cutting", f"expected true or false, got {cross_cutting!r}")
    raw = item.get("principles")
    if cross_cutting:
        if raw:
            raise ctx.error("principles", "a cross-cutting theme bears on every principle; "
                                          "give either principles or cross_cutting: true")
        return (), True
    if raw is None:
        raise ctx.error("principles", "is missing (give principles 1-8 or cross_cutting: true)")
    if not isinstance(raw, list) or not raw:
        raise ctx.error("principles", "expected a non-empty list of principles 1-8")
    for value in raw:
        if isinstance(value, bool) or value not in PRINCIPLE_IDS:
            raise ctx.error("principles", f"unknown principle {value!r} (expected 1-8)")
    if len(set(raw)) != len(raw):
        raise ctx.error("principles", "a principle is listed twice")
    return tuple(raw), False


def _links(
    item: Mapping, principles: tuple[int, ...], cross_cutting: bool, ctx: _ThemeContext
) -> tuple[dict[int, str], str]:
    raw = item.get("links")
    if not isinstance(raw, Mapping):
        raise ctx.error("links", "expected a mapping of principle to the reason for the link"
                        if raw is not None else "is missing (say why each link was made)")
    keys = [_link_key(key) for key in raw]
    if cross_cutting and keys != [CROSS_CUTTING]:
        raise ctx.error("links", "a cross-cutting theme takes one note: {cross_cutting: <why>}")
    if not cross_cutting:
        extra = [key for key in keys if key not in principles]
        if extra:
            raise ctx.error("links", f"{extra[0]!r} is not one of the theme's principles")
        missing = [key for key in principles if key not in keys]
        if missing:
            raise ctx.error("links", f"no reason given for principle {missing[0]}")
    reasons = dict(zip(keys, raw.values(), strict=True))
    for key, reason in reasons.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ctx.error("links", f"the reason for {key!r} is not text")
    if cross_cutting:
        return {}, reasons[CROSS_CUTTING].strip()
    return {key: reason.strip() for key, reason in reasons.items()}, ""


def _link_key(key: Any) -> Any:
    """YAML keys may arrive as ints or digit strings."""
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _callout(raw: Any, ctx: _ThemeContext) -> Callout | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(map(str, raw)) - {"text", "views"}:
        raise ctx.error("callout", "expected a mapping with 'text' and 'views'")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ctx.error("callout", "'text' must be short non-empty text")
    if len(text) > 60:
        raise ctx.error("callout", f"'text' is {len(text)} characters; keep it to 60")
    views = raw.get("views")
    if not isinstance(views, list) or not views or any(v not in CALLOUT_VIEWS for v in views):
        raise ctx.error("callout", f"'views' must list some of {', '.join(CALLOUT_VIEWS)}")
    return Callout(text=text.strip(), views=tuple(views))


def _counts(raw: Any, ctx: _ThemeContext) -> tuple[dict[str, int], dict[str, int]]:
    if raw is None:
        return {}, {}
    if not isinstance(raw, Mapping) or set(map(str, raw)) - {"by_group", "by_stage"}:
        raise ctx.error("counts", "expected a mapping with 'by_group' and/or 'by_stage'")
    tables = []
    for name in ("by_group", "by_stage"):
        table = raw.get(name) or {}
        if not isinstance(table, Mapping):
            raise ctx.error("counts", f"'{name}' must map names to counts")
        for key, count in table.items():
            if not isinstance(key, str) or isinstance(count, bool) or not isinstance(count, int) \
                    or count < 0:
                raise ctx.error("counts", f"'{name}': {key!r} must map to a whole number >= 0, "
                                          f"got {count!r}")
            if name == "by_stage" and key not in THEME_STAGES:
                raise ctx.error("counts", f"'by_stage': '{key}' is not one of "
                                          f"{', '.join(THEME_STAGES)}")
        tables.append(dict(table))
    return tables[0], tables[1]


def _quotes(raw: Any, ctx: _ThemeContext) -> tuple[Quote, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.error("quotes", "expected a list of quotes")
    quotes = []
    for number, quote in enumerate(raw, start=1):
        if isinstance(quote, str):
            quote = {"text": quote}
        if not isinstance(quote, Mapping) or set(map(str, quote)) - {*QUOTE_TEXTS, "restricted"}:
            raise ctx.error("quotes", f"quote {number}: expected text or a mapping with "
                                      "text, group, stage, restricted")
        restricted = quote.get("restricted", False)
        if not isinstance(restricted, bool):
            raise ctx.error("quotes", f"quote {number}: restricted must be true or false, "
                                      f"got {restricted!r}")
        values = {name: quote.get(name, "") for name in QUOTE_TEXTS}
        if any(not isinstance(v, str) for v in values.values()) or not values["text"].strip():
            raise ctx.error("quotes", f"quote {number}: text, group and stage must be text")
        if values["stage"] and values["stage"] not in THEME_STAGES:
            raise ctx.error("quotes", f"quote {number}: stage '{values['stage']}' is not one "
                                      f"of {', '.join(THEME_STAGES)}")
        quotes.append(Quote(**{name: value.strip() for name, value in values.items()},
                            restricted=restricted))
    return tuple(quotes)


def _themes_list(raw: Any, file: Path) -> Any:
    if isinstance(raw, Mapping):
        unknown = sorted(set(map(str, raw)) - {"themes", "stages"})
        if unknown:
            raise DatasetError(file, f"unknown top-level key '{unknown[0]}' "
                                     "(expected 'themes' and 'stages')")
        if "themes" not in raw:
            raise DatasetError(file, "no 'themes:' list")
        return raw["themes"]
    return raw


def _load_defaults() -> tuple[list[dict], list[dict]]:
    raw = read_yaml(_DEFAULT_FILE)
    return raw["themes"], raw["stages"]


DEFAULT_THEMES, DEFAULT_STAGES = _load_defaults()
"""The brief's themes and stages as plain dicts, ready to write to a dataset's themes.yaml."""
