"""YAML read as plain data: aliases, oversized files and non-data tags are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from marmot_dash.data.errors import DatasetError
from marmot_dash.data.yamlfile import parse_yaml, read_yaml

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(c)}: &{chr(c)} [{', '.join([f'*{chr(c - 1)}'] * 9)}]\n" for c in range(98, 106))


def test_plain_data_is_read() -> None:
    assert parse_yaml("name: Luton\nlevels: [ward, lsoa]\n", "d.yaml") == {
        "name": "Luton", "levels": ["ward", "lsoa"]}


@pytest.mark.parametrize("text, row", [
    (BILLION_LAUGHS, 2),
    ("base: &b {x: 1}\nsources: *b\n", 2),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", 3),
])
def test_aliases_are_refused_with_their_line(text: str, row: int) -> None:
    with pytest.raises(DatasetError, match="aliases") as error:
        parse_yaml(text, "dataset.yaml")
    assert error.value.row == row
    assert error.value.file == "dataset.yaml"


def test_python_tags_are_refused() -> None:
    with pytest.raises(DatasetError, match="not valid YAML"):
        parse_yaml("a: !!python/object/apply:os.system [echo hi]\n", "x.yaml")


def test_oversized_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(DatasetError, match="larger than"):
        read_yaml(big, max_bytes=1024 * 1024 // 1024)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: Lut\xf3n\n")
    with pytest.raises(DatasetError, match="not UTF-8") as error:
        read_yaml(latin)
    assert error.value.row == 1
