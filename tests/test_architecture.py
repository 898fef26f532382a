"""The layer rule of docs/architecture.md: each layer imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "marmot_dash"

# layer -> the marmot_dash modules (prefixes) it may import besides itself
ALLOWED = {
    "stats": (),
    "data": ("marmot_dash.stats",),
    "figures": ("marmot_dash.stats", "marmot_dash.data.schema", "marmot_dash.data.principles"),
    "views": ("marmot_dash.data", "marmot_dash.stats", "marmot_dash.figures"),
    "export": ("marmot_dash.data", "marmot_dash.stats", "marmot_dash.figures", "marmot_dash.views"),
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py") if relative.parts else ""


def project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.startswith("marmot_dash")}


def checked_files() -> list[Path]:
    return [path for path in PACKAGE.rglob("*.py") if layer_of(path) in ALLOWED]


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_imports_only_layers_below(path: Path) -> None:
    layer = layer_of(path)
    allowed = (f"marmot_dash.{layer}", *ALLOWED[layer])
    wrong = sorted(
        name for name in project_imports(path) if not any(
            name == prefix or name.startswith(prefix + ".") for prefix in allowed
        )
    )
    assert not wrong, f"{path.relative_to(PACKAGE)} ({layer}) imports {wrong}"

