"""A new shell is one module: what remedy knows of a shell lives on its Shell class.

Outside the shell's own module (shells/posix.py, fish.py, tcsh.py, powershell.py) and the one
registry (shells/__init__.py), no module of remedies/ or shells/ names a shell: not by a
string ("zsh", "dash"), not by its class (Zsh, PosixShell), not by importing its module.
Code that needs a fact asks the shell object (its family, how redaction reads its values,
which variables move its start-up files, its PS4). EXCEPTIONS lists the few names that are
not a shell's fact, each with its reason. And every registered shell gives every fact.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import shells
from shells import SHELLS
from shells.base import (
    MARK,
    Family,
    Mover,
    Reach,
    SetCommand,
    Shell,
    ValueQuoting,
    Where,
)

REPO = Path(__file__).resolve().parent.parent

# Where a shell is defined, and the registry that lists them (docs/shells.md, "Adding a shell").
SHELL_MODULES = {"shells/posix.py", "shells/fish.py", "shells/tcsh.py", "shells/powershell.py"}
REGISTRY = "shells/__init__.py"

# (module, name): why that module may say it. Each is a fact of something else than a shell.
EXCEPTIONS = {
    ("remedies/commands/completion.py", "bash"): "click writes completion scripts for these",
    ("remedies/commands/completion.py", "zsh"): "click writes completion scripts for these",
    ("remedies/commands/completion.py", "fish"): "click writes completion scripts for these",
    ("remedies/engine/direnv_files.py", "bash"): "direnv evaluates every .envrc with bash",
}


def _subclasses(kind: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = kind.__subclasses__()
    for sub in subclasses:
        found |= {sub, *_subclasses(sub)}
    return found


def shell_words() -> set[str]:
    """Every name a shell goes by: its name, its programs, the aliases the registry knows."""
    words = set(shells.supported_names())
    for shell in SHELLS:
        words |= {shell.name, *shell.executables}
    return words


def shell_classes() -> set[str]:
    """Every Shell subclass defined in shells/ (the family classes, PosixShell, too)."""
    return {c.__name__ for c in _subclasses(Shell) if c.__module__.startswith("shells.")}


def shell_modules() -> set[str]:
    return {p.removesuffix(".py").replace("/", ".") for p in SHELL_MODULES}


def offences(relative: str, source: str) -> list[tuple[str, str]]:
    """(name, where) of each shell a module names: string, class, or the module of one."""
    words, classes, modules = shell_words(), shell_classes(), shell_modules()
    found = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value if node.value in words else None
        elif isinstance(node, ast.Name):
            name = node.id if node.id in classes else None
        elif isinstance(node, ast.Attribute):
            name = node.attr if node.attr in classes else None
        elif isinstance(node, ast.alias):
            name = node.name if node.name in classes else None
        elif isinstance(node, ast.ImportFrom) and node.module in modules:
            name = node.module
        elif isinstance(node, ast.Import):
            name = next((a.name for a in node.names if a.name in modules), None)
        if name is not None:
            found.append((name, f"{relative}:{getattr(node, 'lineno', '?')}"))
    return found


def scanned() -> list[str]:
    paths = [*(REPO / "remedies").rglob("*.py"), *(REPO / "shells").rglob("*.py")]
    relative = sorted(str(p.relative_to(REPO)) for p in paths)
    return [r for r in relative if r not in SHELL_MODULES and r != REGISTRY]


def test_no_module_outside_a_shells_own_names_a_shell() -> None:
    found = []
    for relative in scanned():
        for name, where in offences(relative, (REPO / relative).read_text()):
            if (relative, name) not in EXCEPTIONS:
                found.append(f"{where}: {name}")
    assert found == [], "ask the shell object instead:\n" + "\n".join(found)


def test_every_exception_is_still_needed() -> None:
    """An exception nobody uses any more would let a new offence through unseen."""
    used = {(r, n) for r in scanned() for n, _ in offences(r, (REPO / r).read_text())}
    assert set(EXCEPTIONS) - used == set()


def test_the_scan_catches_each_way_of_naming_a_shell() -> None:
    source = (
        'if shell.name == "zsh": pass\n'
        "if isinstance(shell, Fish): pass\n"
        "from shells.tcsh import Tcsh\n"
        "import shells.posix\n"
        "x = shells.posix.PosixShell\n"
        'ok = "zshrc", shell.family, "bash -n"\n'
    )
    assert sorted(offences("x.py", source)) == [
        ("Fish", "x.py:2"),
        ("PosixShell", "x.py:5"),
        ("Tcsh", "x.py:3"),
        ("shells.posix", "x.py:4"),
        ("shells.tcsh", "x.py:3"),
        ("zsh", "x.py:1"),
    ]


@pytest.mark.parametrize("shell", SHELLS, ids=lambda s: s.name)
def test_every_registered_shell_gives_every_fact(shell: Shell) -> None:
    assert shell.name and shell.executables
    assert shell.family is None or isinstance(shell.family, Family)
    assert isinstance(shell.brace_expansion, bool)
    assert isinstance(shell.value_quoting, ValueQuoting)
    assert all(isinstance(c, SetCommand) for c in shell.set_commands)
    assert isinstance(shell.name_prefix, str)
    assert all(isinstance(m, Mover) and isinstance(m.reach, Reach) for m in shell.movers)
    assert isinstance(shell.ancestor_is_a_launcher, bool)
    if shell.trace_ps4 is not None:
        # The trace parser finds file and line between MARKs, and the shell must trace.
        assert shell.trace_ps4.count(MARK) == 3
        assert shell.traced(["x"]) != ["x"]
    # The start-up files a mover names are the shell's own.
    where = Where(Path("/home/u"), {})
    for mover in shell.movers:
        assert where.home / mover.set_in in shell.read_set(where)
    assert not inspect.isabstract(type(shell))


def test_every_shell_class_is_registered_once() -> None:
    """The registry is SHELLS: a shell class defined but not listed would be half-added."""
    names = [s.name for s in SHELLS]
    assert len(names) == len(set(names))
    concrete = {c for c in _subclasses(Shell) if not inspect.isabstract(c)}
    concrete = {c for c in concrete if c.__module__.startswith("shells.")}
    assert concrete == {type(s) for s in SHELLS}


class _Newcomer(Shell):
    """A shell of the fish family written as a newcomer would: one class, no other module
    touched. Only what the static walk asks is filled in."""

    name = "newcomer"
    executables = ("newcomer",)
    family = Family.FISH
    brace_expansion = True

    def read_set(self, where: Where) -> list[Path]:
        return [where.home / ".newcomerrc"]

    def write_set(self, where: Where) -> list[Path]:
        return self.read_set(where)

    def own_variables(self, where: Where) -> dict[str, str]:
        return {"NEWCOMER_DIR": str(where.home / ".newcomer")}

    def quote(self, value: str) -> str:
        raise NotImplementedError

    def render_set(self, name: str, value: str) -> str:
        raise NotImplementedError

    def render_unset(self, name: str) -> str:
        raise NotImplementedError

    def mentions(self, code: bytes, name: str) -> bool:
        return False

    def is_simple_assignment(self, code: bytes, name: str) -> bool:
        return False

    def assigned_value(self, line: bytes, name: str) -> None:
        return None

    def unsets(self, code: bytes, name: str) -> bool:
        return False

    def syntax_check_argv(self, executable: str, path: str) -> list[str] | None:
        return None

    def probe_argv(self, executable: str, python: str, login: bool) -> list[str]:
        return [executable]


def test_a_new_shell_is_followed_by_what_its_class_says() -> None:
    """The static walk reads a shell it has never heard of by its family and its own
    variables: nothing in shells/sourcing names the shell it walks for."""
    from shells.sourcing import static_sources

    where = Where(Path("/home/u"), {})
    data = b"source $NEWCOMER_DIR/{a,b}.fish\ntest -f ~/c; and source ~/c\n"
    refs = [(r.line, r.pattern, r.optional) for r in static_sources(_Newcomer(), data, where)]
    assert refs == [
        (1, "/home/u/.newcomer/a.fish", False),
        (1, "/home/u/.newcomer/b.fish", False),
        (2, "/home/u/c", True),
    ]
