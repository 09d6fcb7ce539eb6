"""Undo recipes: how the journal takes one file's change back once the user has edited it.

A file that still holds exactly the bytes remedy wrote gets its backup back; one the user has
edited since is handed to its recipe instead, which takes out only remedy's part so that
their edits stay (engine.revert_plan). There is one frozen dataclass per kind of edit:

    RcUndo     our block in a start-up file and the user's lines we disabled (engine.envedit)
    StoreUndo  exported variables we took out of a shell's own store (fish_variables)
    JsonUndo   the old raw values of the keys we set in a settings file (engine.jsonedit)
    NoUndo     nothing but the backup: a file remedy writes whole (a drop-in, direnv's allow)

`to_json` and `from_json` are the only code that knows the journal's shape of a recipe,
`{"kind": "rc", ...}` (`{}` for NoUndo), which is byte for byte what every release wrote, so
that an older journal still reverts. The journal sits in a folder the user can write, so
`from_json` takes nothing on trust: an unknown kind, a missing or extra member, or a member
of the wrong type is a DamagedState, refused before anything changes. (Before this module a
kind revert did not know left the file as it was, silently.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, NoReturn, Union

from remedies.engine.state_checks import ASIDE, DamagedState

if TYPE_CHECKING:  # `remedy status` loads this module, and edits no JSON
    from remedies.engine.jsonedit import JsonOp


def _encode(line: bytes) -> str:
    # Lines of the user's files are kept as base64: any bytes survive JSON. Imported here,
    # only when a recipe is written or read: `remedy status` with no journal never does.
    import base64

    return base64.b64encode(line).decode("ascii")


@dataclass(frozen=True)
class RcUndo:
    """Take our block out of a start-up file and enable again the lines we disabled."""

    KIND: ClassVar[str] = "rc"
    remedy: str
    shell: str  # whose syntax the file is in (kept for the record; revert goes by prefix)
    prefix: bytes  # what we put before each line we disabled
    disabled: tuple[tuple[bytes, int], ...]  # each line as it was, and its 1-based number

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.KIND,
            "remedy": self.remedy,
            "shell": self.shell,
            "prefix": _encode(self.prefix),
            "disabled": [[_encode(line), number] for line, number in self.disabled],
        }


@dataclass(frozen=True)
class StoreUndo:
    """Put back the exported variables we took out of a shell's variable store."""

    KIND: ClassVar[str] = "store"
    shell: str
    lines: tuple[bytes, ...]  # the store's lines we removed, as they were

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.KIND, "shell": self.shell, "lines": [_encode(x) for x in self.lines]}


@dataclass(frozen=True)
class JsonUndo:
    """Give each key we set in a JSON document its old raw text back (None: remove it)."""

    KIND: ClassVar[str] = "json"
    ops: tuple[JsonOp, ...]  # as apply_ops recorded them; undo_ops runs them newest first

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.KIND, "ops": [[list(path), key, old] for path, key, old in self.ops]}


@dataclass(frozen=True)
class NoUndo:
    """No recipe: once the user has edited the file, revert leaves it as it is."""

    def to_json(self) -> dict[str, Any]:
        return {}


UndoRecipe = Union[RcUndo, StoreUndo, JsonUndo, NoUndo]


def unhandled(recipe: NoReturn) -> NoReturn:
    """Ends a dispatch on the recipe's type (typing.assert_never is Python 3.11 and later):
    mypy rejects the call while any kind is left unhandled before it."""
    raise AssertionError(f"no case for the undo recipe {recipe!r}")


class _Bad(ValueError):
    """What is wrong with a recipe, said once by from_json with the file it came from."""


def from_json(raw: object, where: Path) -> UndoRecipe:
    """The recipe a journal (or pending.json) at `where` holds; DamagedState if it is not one
    remedy writes."""
    try:
        if not isinstance(raw, dict):
            raise _Bad(f"{_a(raw)}, not an object")
        if not raw:
            return NoUndo()
        kind = raw.get("kind")
        parse = _PARSERS.get(kind) if isinstance(kind, str) else None
        if parse is None:
            raise _Bad(f"an unknown kind {kind!r}")
        return parse(_Members(raw))
    except _Bad as e:
        raise DamagedState(f"{where} holds an undo recipe remedy never writes: {e}; {ASIDE}") from e


class _Members:
    """A recipe's members, each taken once with its type checked; `done` refuses leftovers."""

    def __init__(self, raw: dict[Any, Any]) -> None:
        self.kind = str(raw["kind"])
        self.left = {k: v for k, v in raw.items() if k != "kind"}

    def take(self, name: str) -> object:
        if name not in self.left:
            raise _Bad(f"a {self.kind!r} recipe without {name!r}")
        return self.left.pop(name)

    def text(self, name: str) -> str:
        return _text(self.take(name), f"{self.kind}.{name}")

    def line(self, name: str) -> bytes:
        return _line(self.take(name), f"{self.kind}.{name}")

    def items(self, name: str) -> list[object]:
        return _list(self.take(name), f"{self.kind}.{name}")

    def done(self) -> None:
        if self.left:
            raise _Bad(
                f"a {self.kind!r} recipe with unknown member(s) {', '.join(map(repr, self.left))}"
            )


def _a(value: object) -> str:
    # Said by type only: a recipe's members hold lines of the user's files, maybe secrets.
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return f"a {type(value).__name__}"


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{what} is {_a(value)}, not a string")
    return value


def _line(value: object, what: str) -> bytes:
    import base64
    import binascii

    try:
        # validate: only the canonical base64 remedy writes (b64decode skips stray bytes).
        return base64.b64decode(_text(value, what).encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as e:
        raise _Bad(f"{what} is not a line remedy kept (not base64)") from e


def _list(value: object, what: str, length: int | None = None) -> list[object]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        shape = "a list" if length is None else f"a list of {length}"
        raise _Bad(f"{what} is {_a(value)}, not {shape}")
    return value


def _rc(members: _Members) -> RcUndo:
    remedy, shell, prefix = members.text("remedy"), members.text("shell"), members.line("prefix")
    disabled = []
    for item in members.items("disabled"):
        line, number = _list(item, "rc.disabled[]", 2)
        # bool is an int to Python, and never a line number remedy wrote.
        if not isinstance(number, int) or isinstance(number, bool):
            raise _Bad(f"rc.disabled[] has {_a(number)} for a line number")
        disabled.append((_line(line, "rc.disabled[]"), number))
    members.done()
    return RcUndo(remedy=remedy, shell=shell, prefix=prefix, disabled=tuple(disabled))


def _store(members: _Members) -> StoreUndo:
    shell = members.text("shell")
    lines = tuple(_line(x, "store.lines[]") for x in members.items("lines"))
    members.done()
    return StoreUndo(shell=shell, lines=lines)


def _json(members: _Members) -> JsonUndo:
    ops: list[JsonOp] = []
    for item in members.items("ops"):
        path, key, old = _list(item, "json.ops[]", 3)
        names = tuple(_text(name, "json.ops[] path") for name in _list(path, "json.ops[] path"))
        if old is not None:
            old = _text(old, "json.ops[] old value")
        ops.append((names, _text(key, "json.ops[] key"), old))
    members.done()
    return JsonUndo(ops=tuple(ops))


_PARSERS: dict[str, Callable[[_Members], UndoRecipe]] = {
    RcUndo.KIND: _rc,
    StoreUndo.KIND: _store,
    JsonUndo.KIND: _json,
}
