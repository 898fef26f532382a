"""Restricted quotes: marked in themes.yaml, shown only to signed-in readers (one filter)."""

from __future__ import annotations

import copy
from pathlib import Path

from marmot_dash.components.themes_panel import themes_panel
from marmot_dash.qualitative.excerpts import update_themes_file
from marmot_dash.qualitative.themes import (
    DEFAULT_THEMES,
    load_themes,
    parse_themes,
    theme_notes,
    visible_themes,
    write_themes,
)

RESTRICTED = "Nobody reads the JSNA below the ward."
PUBLIC = "We want the numbers on the wall."


def themes_with_quotes() -> list[dict]:
    themes = copy.deepcopy(DEFAULT_THEMES)
    themes[4]["quotes"] = [
        {"text": RESTRICTED, "group": "Council officers", "stage": "interviews",
         "restricted": True},
        {"text": PUBLIC, "group": "VCS partners", "stage": "engagement_event"},
        "A bare quote is public.",
    ]
    return themes


def test_quotes_are_public_unless_marked_restricted() -> None:
    quotes = parse_themes(themes_with_quotes(), "themes.yaml")[4].quotes
    assert [quote.restricted for quote in quotes] == [True, False, False]


def test_the_filter_drops_only_restricted_quotes_for_a_reader_not_signed_in() -> None:
    themes = parse_themes(themes_with_quotes(), "themes.yaml")
    public = visible_themes(themes, include_restricted=False)
    assert [quote.text for quote in public[4].quotes] == [PUBLIC, "A bare quote is public."]
    for kept, original in zip(public, themes, strict=True):  # the rest of each theme stays
        assert (kept.id, kept.summary, kept.points, kept.counts_by_group) == (
            original.id, original.summary, original.points, original.counts_by_group)
    assert visible_themes(themes, include_restricted=True) == themes


def test_restricted_flag_round_trips_through_the_themes_file(tmp_path: Path) -> None:
    write_themes(tmp_path / "themes.yaml", themes_with_quotes())
    assert [quote.restricted for quote in load_themes(tmp_path)[4].quotes] == [True, False, False]


def test_imported_excerpt_quotes_are_restricted(tmp_path: Path) -> None:
    table = tmp_path / "excerpts.csv"
    table.write_text(
        "excerpt_id,stakeholder_group,stage,theme,principles,quote\n"
        f"E1,Council officers,interview,Barriers,3,{RESTRICTED}\n",
        encoding="utf-8",
    )
    update_themes_file(tmp_path, table)
    themes = load_themes(tmp_path)
    assert [(q.text, q.restricted) for t in themes for q in t.quotes] == [(RESTRICTED, True)]
    assert RESTRICTED not in repr(visible_themes(themes, include_restricted=False))


def test_panels_and_notes_never_carry_restricted_quotes() -> None:
    themes = parse_themes(themes_with_quotes(), "themes.yaml")
    for principle in range(1, 9):
        assert RESTRICTED not in repr(themes_panel(themes, principle).to_plotly_json())
        assert RESTRICTED not in theme_notes(themes, principle)
