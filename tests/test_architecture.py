"""The layer rule of docs/architecture.md: each layer imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "marmot_dash"

# layer -> the marmot_dash modules (prefixes) it may import besides itself
ALLOWED = {
    "stats": (),
    "data": ("marmot_dash.stats", "marmot_dash.qualitative.themes"),
    "qualitative": ("marmot_dash.data.errors", "marmot_dash.data.schema",
                    "marmot_dash.data.yamlfile", "marmot_dash.data.files"),
    "ingest": ("marmot_dash.data", "marmot_dash.stats", "marmot_dash.qualitative"),
    "figures": ("marmot_dash.stats", "marmot_dash.data.schema", "marmot_dash.data.principles"),
    "views": ("marmot_dash.data", "marmot_dash.stats", "marmot_dash.figures"),
    "export": ("marmot_dash.data", "marmot_dash.stats", "marmot_dash.figures", "marmot_dash.views",
               "marmot_dash.qualitative",
               # the presentation order of a principle's charts, shared by the deck
               "marmot_dash.components.present_slides"),
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



def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports (``from package import module`` names the module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                         else node.module for alias in node.names)
    return names & set(modules)


def test_no_module_imports_itself_through_another() -> None:
    """No import circle between modules, counting imports inside functions."""
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {module: {name for name in imported_modules(path, paths) if name != module}
             for module, path in paths.items()}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for name in graph[start]:
            if name == target or (name not in seen and not seen.add(name)
                                  and reaches(name, target, seen)):
                return True
        return False

    circles = sorted(module for module in graph if reaches(module, module, set()))
    assert not circles, f"modules in an import circle: {circles}"
