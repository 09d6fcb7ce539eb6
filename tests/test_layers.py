"""The architecture is the folder tree, and this test keeps it so.

    cli -> commands -> {catalog, verify} -> claude -> engine -> shells

Everyone may import the kernel (context, errors, options, output, redact, privilege, scratch,
root_programs); the kernel imports no layer but shells/ (redact reads how each shell quotes
from its Shell), a leaf that imports nothing of remedies, so no cycle can pass through it;
nothing imports upward or sideways between catalog and verify; the import graph has no
cycle. Every import counts, function-level and TYPE_CHECKING ones
included: an import moved into a function is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

KERNEL = {"remedies", "remedies.context", "remedies.errors", "remedies.options"}
KERNEL |= {"remedies.output", "remedies.redact", "remedies.privilege", "remedies.typos"}
KERNEL |= {"remedies.root_programs", "remedies.scratch", "remedies.layout"}
# Higher imports lower; equal ranks in different packages may not import each other.
RANKS = {
    "remedies.__main__": 7,
    "remedies.cli": 6,
    "remedies.commands": 5,
    "remedies.catalog": 4,
    "remedies.verify": 4,
    "remedies.claude": 3,
    "remedies.engine": 2,
    "shells": 1,
}


def modules() -> dict[str, Path]:
    found = {}
    for package in ("remedies", "shells"):
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
            targets.append(base)
        for target in targets:
            module = target
            while module and module not in known:
                module = module.rpartition(".")[0]  # `from pkg import name`: the package
            if module and module != name:
                found.add(module)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def layer(name: str) -> tuple[str, int] | None:
    """(package, rank) of a module; None for the kernel."""
    if name in KERNEL:
        return None
    for prefix, rank in sorted(RANKS.items(), key=lambda item: -len(item[0])):
        if name == prefix or name.startswith(prefix + "."):
            return prefix, rank
    raise AssertionError(f"{name} is in no layer: give it a home in RANKS or KERNEL")


def violations(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name, targets in sorted(edges.items()):
        mine = layer(name)
        for target in sorted(targets):
            theirs = layer(target)
            if name.startswith("shells") and not target.startswith("shells"):
                wrong.append(f"{name} -> {target} (shells/ is a leaf)")
            elif mine is None and theirs is not None and theirs[0] != "shells":
                wrong.append(f"{name} -> {target} (the kernel imports no layer but shells/)")
            elif mine is None or theirs is None or mine[0] == theirs[0]:
                continue
            elif theirs[1] >= mine[1]:
                wrong.append(f"{name} -> {target} (upward or sideways)")
    return wrong


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by depth-first search, as the path that closes it."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if state.get(start):
            continue
        path: list[str] = []
        stack = [(start, iter(sorted(edges[start])))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                found.append([*path[path.index(child) :], child])
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges.get(child, ())))))
    return found


def test_nothing_imports_upward() -> None:
    assert violations(graph()) == []


def test_there_is_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_every_module_has_a_layer() -> None:
    for name in graph():
        layer(name)  # raises for a module with no home


def test_the_checks_catch_what_they_are_for() -> None:
    """The rule itself: an upward import, a sideways one, the kernel reaching into a layer,
    shells importing remedies, and a cycle are each caught."""
    edges = {
        "remedies.engine.fileio": {"remedies.claude.sources"},
        "remedies.catalog.mantle": {"remedies.verify.offline", "remedies.engine.fileio"},
        "remedies.output": {"remedies.engine.diffs"},
        "remedies.redact": {"shells.base"},
        "shells.base": {"remedies.errors"},
        "remedies.claude.sources": {"remedies.engine.fileio", "remedies.context"},
    }
    assert violations(edges) == [
        "remedies.catalog.mantle -> remedies.verify.offline (upward or sideways)",
        "remedies.engine.fileio -> remedies.claude.sources (upward or sideways)",
        "remedies.output -> remedies.engine.diffs (the kernel imports no layer but shells/)",
        "shells.base -> remedies.errors (shells/ is a leaf)",
    ]
    assert cycles(edges) == [
        ["remedies.engine.fileio", "remedies.claude.sources", "remedies.engine.fileio"]
    ]


def test_results_reach_the_user_in_one_place() -> None:
    """A command's core returns a result; only Output.show turns it into a JSON document.
    A module that prints its own document would drift from the documented keys unseen."""
    offenders = []
    for name, path in modules().items():
        if name == "remedies.output":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "document"
            ):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == [], offenders
