"""Issue 11: a sources file is read as plain data (no aliases) with known keys only."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from marmot_dash.data import DatasetError
from marmot_dash.ingest.sources.config import read_sources


def edit(sources: Path, change) -> Path:
    raw = yaml.safe_load(sources.read_text())
    change(raw)
    sources.write_text(yaml.safe_dump(raw, sort_keys=False))
    return sources


@pytest.mark.parametrize("change, column", [
    (lambda raw: raw.update(indicator=[]), "indicator"),
    (lambda raw: raw["geography"].update(msoa_boundaries="x.geojson"),
     "geography.msoa_boundaries"),
    (lambda raw: raw["geography"]["ward"].update(code_feild="WD25CD"), "geography.ward.code_feild"),
    (lambda raw: raw["indicators"][0].update(principal=3), "indicators[0].principal"),
    (lambda raw: raw["comparators"][0].update(kind="x"), "comparators[0].kind"),
    (lambda raw: raw.update(sources=[{"name": "OHID", "licence": "OGL", "link": "x"}]), "link"),
    (lambda raw: raw["geography"].update(simplify_m="ten"), "geography.simplify_m"),
])
def test_unknown_keys_and_wrong_types_are_refused(mini_sources: Path, change, column) -> None:
    with pytest.raises(DatasetError) as caught:
        read_sources(edit(mini_sources, change))
    assert caught.value.column == column


def test_sources_as_an_alias_is_refused(mini_sources: Path) -> None:
    text = mini_sources.read_text().replace("name: Mini Luton", "name: &n Mini Luton")
    mini_sources.write_text(text + "sources: *n\n")
    with pytest.raises(DatasetError, match="aliases"):
        read_sources(mini_sources)


def test_credits_are_carried_checked(mini_sources: Path) -> None:
    credit = {"name": "OHID Fingertips", "publisher": "OHID", "licence": "OGL v3.0",
              "url": "https://fingertips.phe.org.uk/"}
    assert read_sources(edit(mini_sources, lambda raw: raw.update(sources=[credit]))).credits == (
        credit,)
