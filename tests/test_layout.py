"""The package layout: imports go one way (content up to the web and the command line),
and no module grows into several jobs."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rumours"
# Lower layers never import from higher ones. Same-layer imports are allowed.
LAYERS = {
    "config": 0, "files": 0, "content": 0,
    "snapshot": 1, "search": 1, "i18n": 1,
    "printing": 2, "publishing": 2,
    "web": 3, "reports": 3,
    "cli": 4,
}
MAX_LINES = 450  # "about 400": a module past this is doing more than one job


def unit_of(module: str) -> str | None:
    """'rumours.search.index' -> 'search'; 'rumours' -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "rumours" else None


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "rumours":
                found += [(node.lineno, f"rumours.{alias.name}") for alias in node.names]
            elif node.module.startswith("rumours."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("rumours.")]
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer():
    units = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in modules()}
    assert units - {"__init__"} <= set(LAYERS), units - set(LAYERS) - {"__init__"}


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for path in modules():
        unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if unit == "__init__":
            continue
        for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            target = unit_of(module)
            if target in LAYERS and LAYERS[target] > LAYERS[unit]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {unit} imports {module}")
    assert upward == []


def test_the_layer_check_sees_an_upward_import():
    source = "from rumours.web.app import create_app\nfrom rumours import search\n"
    assert [unit_of(m) for _, m in imported_modules(ast.parse(source))] == ["web", "search"]


def test_no_module_is_doing_several_jobs():
    long = [f"{p.relative_to(PACKAGE.parent)}: {n} lines" for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert long == []


def test_importing_the_package_loads_no_flask():
    import subprocess
    import sys

    code = "import sys, rumours, rumours.content.loading; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, check=True).stdout.strip()
    assert out == "False"
