"""themes.yaml: the default themes from the brief, reading, writing and validation."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from marmot_dash.data.errors import DatasetError
from marmot_dash.qualitative.themes import (
    DEFAULT_STAGES,
    DEFAULT_THEMES,
    load_stages,
    load_themes,
    parse_themes,
    theme_notes,
    themes_for_principle,
    write_themes,
)

BRIEF_TITLES = (
    "Awareness", "Strategic alignment", "Existing inequalities work", "Opportunities",
    "Barriers", "Marmot indicators",
)


@pytest.fixture(scope="module")
def brief_points(luton_dir: Path) -> dict[str, list[str]]:
    """The brief's themes and their points, parsed from ../shared/brief (a repeated theme once)."""
    brief = luton_dir.parent.parent / "brief" / "evaluation-brief.txt"
    text = brief.read_text(encoding="utf-8")
    section = text.split("Themes from Qualitative Research so far...", 1)[1]
    points: dict[str, list[str]] = {}
    current = None
    for line in section.splitlines():
        line = line.strip()
        if not line or line.startswith("Themes from Qualitative"):
            continue
        if line in BRIEF_TITLES:
            current = line
            points.setdefault(current, [])
            continue
        point = re.sub(r"^-\s*", "", line)
        if point not in points[current]:
            points[current].append(point)
    return points


def test_default_themes_are_the_briefs_with_their_points_as_written(
    brief_points: dict[str, list[str]],
) -> None:
    themes = parse_themes(DEFAULT_THEMES, "default")
    assert [theme.title for theme in themes] == list(BRIEF_TITLES)
    for title, points in brief_points.items():
        theme = next(theme for theme in themes if theme.title == title)
        assert list(theme.points) == points, title


def test_every_default_theme_says_why_it_is_linked() -> None:
    for theme in parse_themes(DEFAULT_THEMES, "default"):
        if theme.cross_cutting:
            assert theme.cross_cutting_note
        else:
            assert set(theme.links) == set(theme.principles)
        assert all(theme.link_reason(p) for p in range(1, 9) if theme.bears_on(p))


def test_default_stages_show_interviews_done_and_focus_groups_next(tmp_path: Path) -> None:
    file = write_themes(tmp_path / "themes.yaml", DEFAULT_THEMES, DEFAULT_STAGES)
    stages = {stage.id: stage.status for stage in load_stages(file)}
    assert stages["interviews"] == "done"
    assert stages["focus_groups"] == "planned"
    assert list(stages) == ["stakeholder_identification", "interviews", "analysis",
                            "focus_groups", "engagement_event", "write_up"]


def test_a_bare_list_reads_as_themes_and_gets_the_default_stages(tmp_path: Path) -> None:
    (tmp_path / "themes.yaml").write_text(yaml.safe_dump(DEFAULT_THEMES), encoding="utf-8")
    assert [theme.id for theme in load_themes(tmp_path)] == [t["id"] for t in DEFAULT_THEMES]
    assert [stage.id for stage in load_stages(tmp_path)] == [s["id"] for s in DEFAULT_STAGES]


def test_themes_for_principle_lists_linked_then_cross_cutting() -> None:
    themes = parse_themes(DEFAULT_THEMES, "default")
    assert [t.id for t in themes_for_principle(themes, 3)] == [
        "existing_inequalities_work", "awareness", "strategic_alignment", "barriers",
        "marmot_indicators",
    ]
    assert all(t.cross_cutting for t in themes_for_principle(themes, 1))


def bad(change) -> list[dict]:
    themes = copy.deepcopy(DEFAULT_THEMES)
    change(themes)
    return themes


@pytest.mark.parametrize(
    ("themes", "expected"),
    [
        (bad(lambda t: t[2].update(principles=[3, 9], links={3: "a", 9: "b"})),
         r"theme 3 \('existing_inequalities_work'\), field 'principles': unknown principle 9"),
        (bad(lambda t: t[3].update(id="awareness")),
         r"theme 4 \('awareness'\), field 'id': duplicate id 'awareness'"),
        (bad(lambda t: t[1].pop("title")), r"theme 2 \('strategic_alignment'\), field 'title'"),
        (bad(lambda t: t[0].update(title="  ")), r"theme 1 \('awareness'\), field 'title'"),
        (bad(lambda t: t[0].update(points=[])), r"field 'points'"),
        (bad(lambda t: t[0].update(stage="survey")), r"field 'stage': 'survey'"),
        (bad(lambda t: t[2]["links"].pop(6)), r"field 'links': no reason given for principle 6"),
        (bad(lambda t: t[0].update(principles=[1])), r"field 'principles': a cross-cutting"),
        (bad(lambda t: t[0].update(colour="red")), r"field 'colour': unknown field"),
        (bad(lambda t: t[4]["callout"].update(views=["map"])), r"field 'callout'"),
        (bad(lambda t: t[4].update(counts={"by_group": {"Officers": -1}})), r"field 'counts'"),
        (bad(lambda t: t[4].update(quotes=[{"text": "x", "name": "Jo"}])), r"field 'quotes'"),
        (bad(lambda t: t[4].update(quotes=[{"text": "x", "restricted": "yes"}])),
         r"field 'quotes': quote 1: restricted must be true or false"),
    ],
)
def test_bad_themes_are_refused_naming_file_theme_and_field(
    tmp_path: Path, themes: list[dict], expected: str
) -> None:
    file = tmp_path / "themes.yaml"
    file.write_text(yaml.safe_dump({"themes": themes}), encoding="utf-8")
    with pytest.raises(DatasetError, match=expected) as error:
        load_themes(tmp_path)
    assert str(file) in str(error.value)


def test_bad_stage_status_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    stages = copy.deepcopy(DEFAULT_STAGES)
    stages[1]["status"] = "finished"
    file = tmp_path / "themes.yaml"
    file.write_text(yaml.safe_dump({"themes": DEFAULT_THEMES, "stages": stages}))
    with pytest.raises(DatasetError, match=r"stage 2, field 'status': 'finished'"):
        load_stages(file)
    file.write_text("themes: [unclosed")
    with pytest.raises(DatasetError, match="not valid YAML"):
        load_themes(file)


def test_write_themes_refuses_bad_themes_and_round_trips_good_ones(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        write_themes(tmp_path / "bad.yaml", bad(lambda t: t[0].pop("summary")))
    assert not (tmp_path / "bad.yaml").exists()
    file = write_themes(tmp_path / "themes.yaml", DEFAULT_THEMES, DEFAULT_STAGES)
    assert load_themes(file) == parse_themes(DEFAULT_THEMES, "default")


def test_theme_notes_for_slides_list_linked_then_cross_cutting_themes() -> None:
    notes = theme_notes(parse_themes(DEFAULT_THEMES, "default"), 5)
    lines = notes.splitlines()
    assert lines[0] == "## What stakeholders said"
    assert lines[1].startswith("- **Opportunities**: Stakeholders see opportunities")
    assert lines[2].startswith("  Why: Empowering communities and maximising existing local")
    assert "- **Barriers** (cross-cutting): " in notes
    assert theme_notes([], 5).endswith("- No qualitative themes recorded.\n")


def test_slide_notes_end_with_the_principles_themes() -> None:
    from types import SimpleNamespace

    from marmot_dash.export.pack import slide_notes

    store = SimpleNamespace(area_name="Luton", meta={"name": "Demo"}, is_illustrative=False,
                            themes=parse_themes(DEFAULT_THEMES, "default"))
    text = slide_notes(store, {"id": 3, "title": "Fair work"}, [], [])
    assert text.endswith(theme_notes(store.themes, 3))
    assert "- **Existing inequalities work**: " in text
