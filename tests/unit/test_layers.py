"""The house in layers: no import cycle among mailflow's modules, and no function too long to read.

An import counts wherever it is written: at module level, inside a function, under
`TYPE_CHECKING`, relative or absolute. Importing a submodule from outside its package also runs
the package's `__init__`, so that is an edge too (`reply.plan` importing `store.archive` loads
the whole store through `store/__init__`). The top package's own `__init__` is left out: every
module runs it. The same rules as `tools/import_cycles.py` of the workspace.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_LINES = 100

# Alembic migrations are data written as code (one statement per table, column and index of a
# schema); splitting them would only scatter a schema that is read top to bottom. They are
# never edited once released.
MIGRATIONS = Path("mailflow/store/migrations/versions")

# Over MAX_LINES, for now; an entry that no longer needs to be here fails the test.
LONG_FOR_NOW: set[str] = set()


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under `root`, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(name: str, node: ast.Import | ast.ImportFrom, mods: Mapping[str, Path]) -> list[str]:
    """The modules an import statement in module `name` names (before package `__init__`s)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the module's package (a package's __init__ is its own package)
        parts = name.split(".")
        keep = len(parts) - node.level + (1 if mods[name].name == "__init__.py" else 0)
        base = ".".join(parts[:keep] + ([base] if base else []))
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in mods else base for alias in node.names]


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the package's modules it imports, counting every import (see the module's docstring)."""
    mods = modules(root, package)
    edges: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _imported(name, node, mods):
                if target not in mods or target == name:
                    continue
                edges[name].add(target)
                parts = target.split(".")
                for k in range(2, len(parts)):  # the packages between the top one and the target
                    parent = ".".join(parts[:k])
                    if parent in mods and name != parent and not name.startswith(parent + "."):
                        edges[name].add(parent)
    return edges


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    work: list[tuple[str, Iterator[str]]] = []  # the path being walked, each with its edges left
    found: list[list[str]] = []

    def enter(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        work.append((v, iter(sorted(edges[v]))))

    for start in sorted(edges):
        if start in index:
            continue
        enter(start)
        while work:
            v, targets = work[-1]
            w = next(targets, None)
            if w is not None:
                if w not in index:
                    enter(w)
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(cycle: list[str], edges: Mapping[str, set[str]]) -> str:
    inside = set(cycle)
    return f"cycle of {len(cycle)}: " + "; ".join(
        f"{a} -> {b}" for a in cycle for b in sorted(edges[a] & inside))


def test_mailflow_has_no_import_cycle() -> None:
    edges = import_graph(ROOT, "mailflow")
    assert edges.get("mailflow.pipeline")  # the graph was read at all
    found = cycles(edges)
    assert not found, "import cycles (move the shared name below both):\n" + "\n".join(
        describe(c, edges) for c in found)


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_a_relative_import_inside_a_function_is_found(tmp_path: Path) -> None:
    _package(tmp_path, {
        "fake/__init__.py": "",
        "fake/a.py": "from fake.b import thing\n",
        "fake/b.py": "thing = 1\n\ndef later():\n    from . import a\n    return a\n",
        "fake/c.py": "import fake.a\n",  # imports into the cycle, is not part of it
    })
    edges = import_graph(tmp_path, "fake")
    assert cycles(edges) == [["fake.a", "fake.b"]]
    assert describe(cycles(edges)[0], edges) == "cycle of 2: fake.a -> fake.b; fake.b -> fake.a"


def test_a_cycle_through_a_package_init_under_type_checking_is_found(tmp_path: Path) -> None:
    _package(tmp_path, {
        "fake/__init__.py": "",
        "fake/store/__init__.py": "from fake.store.main import Store\n",
        "fake/store/main.py": ("from typing import TYPE_CHECKING\n\nfrom .paths import folder\n\n"
                               "if TYPE_CHECKING:\n    from fake.desk import Desk\n"),
        "fake/store/paths.py": "def folder(): ...\n",
        "fake/plan.py": "from fake.store.paths import folder\n",  # runs fake/store/__init__ too
        "fake/desk.py": "def load():\n    from fake.plan import folder\n    return folder\n",
    })
    edges = import_graph(tmp_path, "fake")
    assert edges["fake.plan"] == {"fake.store.paths", "fake.store"}
    assert edges["fake.store.main"] == {"fake.store.paths", "fake.desk"}  # its own package is not an edge
    assert cycles(edges) == [["fake.desk", "fake.plan", "fake.store", "fake.store.main"]]


def test_a_package_in_layers_has_no_cycle(tmp_path: Path) -> None:
    _package(tmp_path, {
        "fake/__init__.py": "from fake.top import run\n",  # the top package's __init__ is no edge
        "fake/top.py": "from fake.low import value\nfrom fake import low\n\ndef run(): ...\n",
        "fake/low.py": "import os\nvalue = os.sep\n",
    })
    edges = import_graph(tmp_path, "fake")
    assert edges["fake.top"] == {"fake.low"} and edges["fake.low"] == set()
    assert cycles(edges) == []


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(root: Path) -> dict[str, int]:
    """`path:qualified name` -> lines, for every function of mailflow over MAX_LINES."""
    found: dict[str, int] = {}
    for path in sorted((root / "mailflow").rglob("*.py")):
        relative = path.relative_to(root)
        if relative.is_relative_to(MIGRATIONS):
            continue
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_LINES:
                found[f"{relative.as_posix()}:{name}"] = lines
    return found


def test_no_function_is_over_100_lines() -> None:
    found = long_functions(ROOT)
    over = {name: lines for name, lines in found.items() if name not in LONG_FOR_NOW}
    assert not over, f"functions over {MAX_LINES} lines (split them): {over}"
    stale = LONG_FOR_NOW - set(found)
    assert not stale, f"no longer over {MAX_LINES} lines, remove from LONG_FOR_NOW: {sorted(stale)}"


def test_the_length_check_sees_methods_and_nested_functions(tmp_path: Path) -> None:
    body = "".join(f"x{i} = {i}\n" for i in range(MAX_LINES))
    _package(tmp_path, {
        "mailflow/a.py": "class A:\n    def long(self):\n" + textwrap.indent(body, " " * 8),
        "mailflow/b.py": "def outer():\n    def inner():\n" + textwrap.indent(body, " " * 8),
        "mailflow/c.py": "def short():\n" + textwrap.indent(body[: body.index("x99")], " " * 4),
        "mailflow/store/migrations/versions/0001_baseline.py": "def upgrade():\n" + textwrap.indent(body, " " * 4),
    })
    assert long_functions(tmp_path) == {"mailflow/a.py:A.long": 101, "mailflow/b.py:outer": 102,
                                        "mailflow/b.py:outer.inner": 101}


@pytest.mark.parametrize("module", ["mailflow.reply.plan", "mailflow.follow.plans", "mailflow.follow.order",
                                    "mailflow.decide"])
def test_lower_layers_do_not_load_the_store(module: str) -> None:
    """What decides and plans replies is a function of its inputs; the store is the caller's."""
    edges = import_graph(ROOT, "mailflow")
    seen, todo = set(), [module]
    while todo:
        for target in edges[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    assert "mailflow.store" not in seen and "mailflow.pipeline" not in seen
