"""The builder's shape: modules import each other one way, and long checks read as named steps.

No import cycle, counting imports inside functions: a function-level import hides a
cycle (it only runs late enough to work); here every ``import`` statement in the source
counts, wherever it is. Only Keras/TensorFlow may be
imported lazily, through ``nbkeras._keras`` (``import nbkeras`` must stay light).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import nbkeras
from nbkeras.builder import compile_settings

PACKAGE = Path(nbkeras.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(nbkeras module imported, line, inside a function) for every import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(inner) for inner in ast.walk(node) if inner is not node)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from nbkeras.builder import spec` imports the module nbkeras.builder.spec
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module for a in node.names
            ]
        for name in names:
            if name.split(".")[0] == "nbkeras" and name in modules:
                found.append((name, node.lineno, id(node) in nested))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_reaches_the_builder():
    modules = _modules()
    graph = {name: {target for target, _, _ in _imports(path, modules)} - {name} for name, path in modules.items()}
    involved = [c for c in _cycles(graph) if any(m.startswith("nbkeras.builder") for m in c)]
    assert involved == []


def test_the_builder_imports_nbkeras_modules_at_the_top_only():
    modules = _modules()
    lazy = [
        f"{path.name}:{line} imports {target}"
        for name, path in modules.items()
        if name.startswith("nbkeras.builder")
        for target, line, inside in _imports(path, modules)
        if inside and target != "nbkeras._keras"
    ]
    assert lazy == []


def test_the_cycle_finder_finds_a_cycle():
    # the detector itself, on the two cycles this test file was written against
    graph = {"build": {"check"}, "check": {"build", "spec"}, "spec": {"compile_advice"}, "compile_advice": {"spec"}}
    assert sorted(_cycles(graph)) == [["build", "check"], ["compile_advice", "spec"]]


def test_validate_compile_reads_as_its_steps():
    """validate_compile was one 96-line function; now one named step per setting."""
    source = inspect.getsource(compile_settings.validate_compile)
    assert len(source.splitlines()) <= 40
    steps = ("_unknown_keys", "_optimizer", "_learning_rate", "_loss", "_metrics", "_from_logits")
    assert all(f"{step}(settings" in source for step in steps)
