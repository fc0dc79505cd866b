"""Figures of the house (issue #12): import cycles, hand-written validation, long units, lint debt.

    python tools/house_figures.py            # this checkout
    python tools/house_figures.py --json     # machine-readable

Counts imports inside functions too (they hide cycles but do not remove them); imports of
TensorFlow/Keras are external and are not edges. ``tests/test_house.py`` asserts the
import graph has no cycle.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nbkeras"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(node: ast.ImportFrom, current: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_edges(modules: dict[str, Path]) -> dict[str, dict[str, list[int]]]:
    """module -> {imported nbkeras module: [line, ...]} for every import statement, at any depth."""
    edges: dict[str, dict[str, list[int]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out: dict[str, list[int]] = {}
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node, name, path.name == "__init__.py")
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in modules else base)
            for target in targets:
                # Importing a.b.c runs a/b/__init__ first: an edge to each enclosing package the
                # importer is not itself inside (a sibling import inside a package is not a cycle).
                parts = target.split(".")
                enclosing = [".".join(parts[:i]) for i in range(2, len(parts))]
                for package in [*enclosing, target]:
                    inside = name == package or name.startswith(package + ".")
                    if package in modules and not inside:
                        out.setdefault(package, []).append(node.lineno)
        edges[name] = out
    return edges


def cycles(edges: dict[str, dict[str, list[int]]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def private_name_imports(modules: dict[str, Path]) -> list[str]:
    """``from nbkeras.x import _name`` in another module: one module reaching into another's privates."""
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(node, name, path.name == "__init__.py")
                if base not in modules or base == name:
                    continue
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and f"{base}.{alias.name}" not in modules:
                        found.append(f"{name} imports {base}.{alias.name}")
    return sorted(found)


def hand_written_messages(path: Path) -> int:
    """Strings in code (not docstrings) that spell out "Invalid value for argument" themselves."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    count = 0
    for node in ast.walk(tree):
        if id(node) in parts:  # a piece of an f-string, counted with it
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            count += "Invalid value for argument" in text
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            count += "Invalid value for argument" in node.value
    return count


def function_level_imports(modules: dict[str, Path]) -> int:
    count = 0
    for path in modules.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (
                        inner.level or (inner.module or "").startswith("nbkeras")
                    ):
                        count += 1
                    elif isinstance(inner, ast.Import) and any(a.name.startswith("nbkeras") for a in inner.names):
                        count += 1
    return count


def long_units(modules: dict[str, Path], limit: int = 80) -> list[tuple[str, int]]:
    units = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    units.append((f"{name}.{node.name}", length))
    return sorted(units, key=lambda u: -u[1])


def class_size(path: Path, class_name: str) -> dict[str, int] | None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            attributes = {
                t.attr
                for n in ast.walk(node)
                if isinstance(n, (ast.Assign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
            }
            return {
                "lines": (node.end_lineno or node.lineno) - node.lineno + 1,
                "methods": len(methods),
                "attributes": len(attributes),
            }
    return None


def figures() -> dict[str, object]:
    modules = package_modules()
    edges = import_edges(modules)
    sources = {name: path.read_text(encoding="utf-8") for name, path in modules.items()}
    hand_written = {n: hand_written_messages(p) for n, p in modules.items() if n != "nbkeras._validate"}
    hand_written = {n: c for n, c in hand_written.items() if c}
    monitor = PACKAGE / "training" / "monitor.py"
    return {
        "import_cycles": cycles(edges),
        "private_name_imports": private_name_imports(modules),
        "function_level_nbkeras_imports": function_level_imports(modules),
        "hand_written_invalid_value_messages": sum(hand_written.values()),
        "files_with_hand_written_messages": len(hand_written),
        "noqa": sum(len(re.findall(r"#\s*noqa", s)) for s in sources.values()),
        "lines_over_120": sum(1 for s in sources.values() for line in s.splitlines() if len(line) > 120),
        "units_over_80_lines": long_units(modules),
        "LiveMonitor": class_size(monitor, "LiveMonitor") if monitor.exists() else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    result = figures()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for key, value in result.items():
        if isinstance(value, list):
            print(f"{key}: {len(value)}")
            for item in value:
                print(f"    {item}")
        else:
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
